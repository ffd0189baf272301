"""Habit streaks as pure functions over dates: no database, no clock of their own.

A habit's `Schedule` says which of the client's local dates are due; a `Clock` says what
today is for the client and whether yesterday can still be completed (the grace period).
From the dates the client completed and the dates the coach froze, `habit_stats` works out
the current and longest streak, successful weeks and the completion rate, and
`streak_breaks` the streaks that ended. The rules are written out in docs/nutrition.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

DAILY, WEEKDAYS, TIMES_PER_WEEK, EVERY_N_DAYS, ONCE = "daily", "weekdays", "times_per_week", "every_n_days", "once"
DONE, OPEN, MISSED = "done", "open", "missed"


@dataclass(frozen=True)
class Schedule:
    """When a habit is due. `start` anchors "every N days" and is the date of a one-off habit."""

    frequency: str
    start: date
    end: date | None = None
    weekdays: frozenset[int] = frozenset()  # ISO: 1 = Monday … 7 = Sunday
    times_per_week: int | None = None
    interval_days: int | None = None

    @property
    def is_weekly(self) -> bool:
        return self.frequency == TIMES_PER_WEEK

    @property
    def last_day(self) -> date | None:
        return self.start if self.frequency == ONCE else self.end

    def in_range(self, day: date) -> bool:
        return day >= self.start and (self.last_day is None or day <= self.last_day)

    def is_due(self, day: date) -> bool:
        """Whether `day` is a due day (for N-times-a-week habits every day in range may count)."""
        if not self.in_range(day):
            return False
        if self.frequency == WEEKDAYS:
            return day.isoweekday() in self.weekdays
        if self.frequency == EVERY_N_DAYS:
            return (day - self.start).days % max(self.interval_days or 1, 1) == 0
        return True


@dataclass(frozen=True)
class Clock:
    """The client's today, and whether yesterday is still inside its grace period."""

    today: date
    yesterday_open: bool = False

    @property
    def last_closed(self) -> date:
        """The latest date whose result is final."""
        return self.today - timedelta(days=2 if self.yesterday_open else 1)

    def is_open(self, day: date) -> bool:
        return day > self.last_closed

    def can_log(self, day: date) -> bool:
        return self.last_closed < day <= self.today


def local_date(instant: datetime, time_zone: str) -> date:
    """The client's calendar date at a UTC instant (zoneinfo: right on both sides of a clock change)."""
    return instant.astimezone(ZoneInfo(time_zone)).date()


def clock_at(now: datetime, time_zone: str, grace_hour: int) -> Clock:
    """A day can be completed until `grace_hour`:00 of the next day, local wall-clock time."""
    local = now.astimezone(ZoneInfo(time_zone))
    return Clock(today=local.date(), yesterday_open=local.hour < grace_hour)


@dataclass(frozen=True)
class Unit:
    """One due day, or one week of an N-times-a-week habit, and how it went."""

    start: date
    end: date
    state: str
    done_count: int = 0
    required: int = 1


@dataclass
class HabitStats:
    current_streak: int = 0
    longest_streak: int = 0
    streak_unit: str = "day"  # "day" or "week"
    successful_weeks: int = 0
    completion_rate: float | None = None  # 0–1 over the range asked; None when nothing was due
    done_today: bool = False
    due_today: bool = False
    units: list[Unit] = field(default_factory=list, repr=False)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _week_last_day(schedule: Schedule, monday: date) -> date:
    sunday = monday + timedelta(days=6)
    return sunday if schedule.last_day is None else min(sunday, schedule.last_day)


def _days(start: date, end: date) -> Iterable[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


def units(schedule: Schedule, completed: set[date], frozen: set[date], clock: Clock) -> list[Unit]:
    """The habit's due days (or weeks) from its start up to today, oldest first, skipping frozen ones."""
    last = clock.today if schedule.last_day is None else min(schedule.last_day, clock.today)
    if last < schedule.start:
        return []
    out: list[Unit] = []
    if not schedule.is_weekly:
        for day in _days(schedule.start, last):
            if day in frozen or not schedule.is_due(day):
                continue
            state = DONE if day in completed else OPEN if clock.is_open(day) else MISSED
            out.append(Unit(day, day, state, int(state == DONE)))
        return out
    target = schedule.times_per_week or 1
    week = _monday(schedule.start)
    while week <= last:
        days = [d for d in _days(week, week + timedelta(days=6)) if schedule.in_range(d) and d not in frozen]
        if days:
            required = math.ceil(target * len(days) / 7)
            count = sum(1 for d in days if d in completed and d <= clock.today)
            state = DONE if count >= required else OPEN if clock.is_open(days[-1]) else MISSED
            out.append(Unit(week, days[-1], state, count, required))
        week += timedelta(days=7)
    return out


def _runs(seq: list[Unit]) -> tuple[int, int, list[tuple[date, int]]]:
    """(current run, longest run, breaks) of done units; open units neither count nor break."""
    run = longest = 0
    breaks: list[tuple[date, int]] = []
    for unit in seq:
        if unit.state == DONE:
            run += 1
            longest = max(longest, run)
        elif unit.state == MISSED:
            if run:
                breaks.append((unit.end, run))
            run = 0
    return run, longest, breaks


def habit_stats(
    schedule: Schedule,
    completed: Iterable[date],
    frozen: Iterable[date],
    clock: Clock,
    *,
    rate_since: date | None = None,
) -> HabitStats:
    """Streaks, successful weeks and the completion rate (since `rate_since`, default 28 days)."""
    completed, frozen = set(completed), set(frozen)
    seq = units(schedule, completed, frozen, clock)
    current, longest, _breaks = _runs(seq)
    since = rate_since or clock.today - timedelta(days=27)
    settled = [u for u in seq if u.end >= since and u.state != OPEN]
    rate_done = sum(min(u.done_count, u.required) for u in settled)
    rate_due = sum(u.required for u in settled)
    if schedule.is_weekly:
        successful = sum(1 for u in seq if u.state == DONE)
    else:
        weeks: dict[date, list[str]] = {}
        for u in seq:
            weeks.setdefault(_monday(u.start), []).append(u.state)
        # A week counts once it is over (or the habit ended in it) with every due day done.
        successful = sum(
            1
            for monday, states in weeks.items()
            if all(s == DONE for s in states) and _week_last_day(schedule, monday) <= clock.today
        )
    return HabitStats(
        current_streak=current,
        longest_streak=longest,
        streak_unit="week" if schedule.is_weekly else "day",
        successful_weeks=successful,
        completion_rate=(rate_done / rate_due) if rate_due else None,
        done_today=clock.today in completed,
        due_today=schedule.is_due(clock.today) and clock.today not in frozen,
        units=seq,
    )


def streak_breaks(
    schedule: Schedule, completed: Iterable[date], frozen: Iterable[date], clock: Clock
) -> list[tuple[date, int]]:
    """Every streak that ended: (the missed day, or last day of the missed week; its length)."""
    return _runs(units(schedule, set(completed), set(frozen), clock))[2]


def is_complete(*, kind: str, goal, done: bool, value) -> bool:
    """A yes/no habit is complete when ticked; the others when the value reaches the goal
    (any value above zero when no goal is set)."""
    if kind == "yes_no":
        return bool(done)
    if value is None:
        return False
    return value >= goal if goal else value > 0


# --- Units of number habits -------------------------------------------------------------------------
# Physical quantities are stored in SI-accepted units and shown in the client's units.
_DISPLAY = {
    # quantity: {unit system: (label, stored units per displayed unit)}
    "distance": {"metric": ("km", Decimal("1000")), "imperial": ("mi", Decimal("1609.344"))},
    "mass": {"metric": ("kg", Decimal("1")), "imperial": ("lb", Decimal("0.45359237"))},
    "volume": {"metric": ("L", Decimal("1")), "imperial": ("fl oz", Decimal("0.0295735296"))},
}


def display_unit(*, kind: str, quantity: str, unit_label: str, unit_system: str) -> str:
    if kind == "duration":
        return "min"
    if kind == "number" and quantity in _DISPLAY:
        return _DISPLAY[quantity][unit_system if unit_system == "imperial" else "metric"][0]
    return unit_label


def to_display(value, *, kind: str, quantity: str, unit_system: str) -> Decimal | None:
    """A stored value in the client's units (two decimals at most)."""
    if value is None:
        return None
    value = Decimal(str(value))
    if kind == "number" and quantity in _DISPLAY:
        factor = _DISPLAY[quantity][unit_system if unit_system == "imperial" else "metric"][1]
        value = (value / factor).quantize(Decimal("0.01"))
    # Whole values stay whole numbers ("8000", never normalize()'s "8E+3").
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.quantize(Decimal("0.01")).normalize()


def from_display(value, *, kind: str, quantity: str, unit_system: str) -> Decimal:
    """A value typed in the client's units, as stored."""
    value = Decimal(str(value))
    if kind == "number" and quantity in _DISPLAY:
        factor = _DISPLAY[quantity][unit_system if unit_system == "imperial" else "metric"][1]
        value = (value * factor).quantize(Decimal("0.001"))
    return value
