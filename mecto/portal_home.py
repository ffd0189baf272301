"""The client's home, history and progress (portal pages and the app's API) answer "what do I
do today, how am I doing": each app contributes its part at `AppConfig.ready()` (today's
workout, habits, meals, check-in due, next session; streaks; the week's figures; the days of
a month; progress charts), so neither the pages nor the API import every app.

Every part works in the client's calendar: `Moment.today` is the date on the client's clock
(their IANA zone), and weeks run Monday to Sunday of that calendar, so a clock change or a
workout logged at 23:30 local time lands on the day the client lived it."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from mecto.localization import zone


@dataclass(frozen=True)
class Moment:
    """Now, as the client lives it."""

    now: datetime  # aware, UTC
    tz: ZoneInfo
    today: date
    # Reads one part shares between its today, streaks and week figures, worked out once.
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def once(self, key: str, compute: Callable):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    @property
    def week_start(self) -> date:
        return self.today - timedelta(days=self.today.weekday())

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    def start_of(self, day: date) -> datetime:
        """The instant the client's `day` begins (local midnight; DST-safe)."""
        return datetime.combine(day, time.min, tzinfo=self.tz)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()


def moment_for(client, now: datetime | None = None) -> Moment:
    now = now or timezone.now()
    tz = zone(client.time_zone or client.organization.time_zone)
    return Moment(now=now, tz=tz, today=now.astimezone(tz).date())


@dataclass
class Streak:
    """A run the client keeps going: `current` and `longest` in `unit` ("day" or "week")."""

    key: str
    label: str
    current: int
    longest: int
    unit: str
    url: str = ""


@dataclass
class DayEvent:
    """Something on a day of the client's history: a workout, a check-in, a session."""

    day: date
    kind: str  # "workout", "checkin", "session"
    title: str
    status: str = ""  # "done", "missed", "due", "booked", "attended", "cancelled"…
    status_label: str = ""
    at: datetime | None = None
    url: str = ""


@dataclass
class Chart:
    """A series for the progress page (drawn like the measurement charts)."""

    key: str
    name: str
    unit: str
    labels: list[date]
    values: list
    type: str = "bar"

    @property
    def rows(self) -> list[tuple[date, object]]:
        """Label and value pairs: the chart as a table, for those who cannot see it."""
        return list(zip(self.labels, self.values, strict=True))


@dataclass(frozen=True)
class Part:
    key: str
    feature: str | None
    today: Callable | None = None  # (client, moment) -> plain data for the key
    streaks: Callable | None = None  # (client, moment) -> list[Streak]
    week: Callable | None = None  # (client, moment) -> dict of figures for this week
    history: Callable | None = None  # (client, start, end, moment) -> list[DayEvent]
    progress: Callable | None = None  # (client, moment) -> list[Chart]


_parts: dict[str, Part] = {}


def register(
    key: str,
    *,
    feature: str | None,
    today: Callable | None = None,
    streaks: Callable | None = None,
    week: Callable | None = None,
    history: Callable | None = None,
    progress: Callable | None = None,
) -> None:
    """An app's part of the home; `feature` is the portal section it belongs to: a business
    that switched it off shows nothing of it (and its queries are not run)."""
    _parts[key] = Part(key, feature, today, streaks, week, history, progress)


def _shown(request) -> list[Part]:
    from mecto.page_brand import shows

    return [part for part in _parts.values() if shows(request, part.feature)]


@dataclass
class Home:
    moment: Moment
    today: dict = field(default_factory=dict)  # part key -> its data (missing: section off)
    streaks: list[Streak] = field(default_factory=list)
    week: dict = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)


def home(request, client, *, now: datetime | None = None) -> Home:
    """Today, the streaks and this week's figures of the sections the client may see."""
    moment = moment_for(client, now)
    result = Home(moment=moment)
    for part in _shown(request):
        result.shown.add(part.key)
        if part.today:
            result.today[part.key] = part.today(client, moment)
        if part.streaks:
            result.streaks.extend(part.streaks(client, moment))
        if part.week:
            result.week.update(part.week(client, moment))
    return result


def parse_month(value: str | None, default: date) -> date | None:
    """The first day of a `YYYY-MM` month; `default`'s month when empty; None when malformed."""
    if not value:
        return default.replace(day=1)
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        first = date(int(year), int(month), 1)
    except ValueError:
        return None
    return first if 1900 <= first.year <= 2999 else None


def month_end(first: date) -> date:
    return first.replace(day=monthrange(first.year, first.month)[1])


def history(request, client, first: date, *, now: datetime | None = None) -> dict[date, list[DayEvent]]:
    """Each day of the month that starts on `first` with what happened on it, in time order."""
    moment = moment_for(client, now)
    last = month_end(first)
    days: dict[date, list[DayEvent]] = {first + timedelta(days=i): [] for i in range(last.day)}
    for part in _shown(request):
        if part.history:
            for event in part.history(client, first, last, moment):
                if event.day in days:
                    days[event.day].append(event)
    far = datetime(9999, 1, 1, tzinfo=UTC)  # untimed events (a workout not done) last
    for events in days.values():
        events.sort(key=lambda e: (e.at or far, e.kind))
    return days


def progress_charts(request, client, *, now: datetime | None = None) -> list[Chart]:
    moment = moment_for(client, now)
    charts: list[Chart] = []
    for part in _shown(request):
        if part.progress:
            charts.extend(part.progress(client, moment))
    return charts
