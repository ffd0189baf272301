"""Nutrition reads worth naming: targets per day, day totals and adherence, the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from mecto import schedule
from mecto.localization import zone

from .models import FavouriteFood, Food, FoodLogEntry, NutritionComment, NutritionSettings, NutritionTarget
from .nutrients import MACRO_FIELDS

_WEEKDAY_KINDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TRACKED = MACRO_FIELDS  # energy, protein, carbohydrate, fat, fibre


def client_today(client) -> date:
    return timezone.now().astimezone(zone(client.time_zone)).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- Targets ----------------------------------------------------------------------------------------
def settings_for(client) -> NutritionSettings:
    """The client's nutrition settings, unsaved defaults if the coach has set none."""
    found = NutritionSettings.objects.filter(client=client).first()
    return found or NutritionSettings(client=client, organization_id=client.organization_id)


def targets_of(*, client) -> QuerySet[NutritionTarget]:
    return NutritionTarget.objects.for_org(client.organization).filter(client=client)


def training_days(*, client, start: date, end: date, settings: NutritionSettings | None = None) -> set[date]:
    """Training days between two dates: the scheduled workouts when training knows the
    client's schedule then, else the client's usual training weekdays."""
    scheduled = schedule.training_days(client, start, end)
    if scheduled is not None:
        return {d for d in scheduled if start <= d <= end}
    settings = settings or settings_for(client)
    weekdays = set(settings.training_weekdays or [])
    return {
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + timedelta(days=i)).isoweekday() in weekdays
    }


def is_training_day(*, client, day: date, settings: NutritionSettings | None = None) -> bool:
    return day in training_days(client=client, start=day, end=day, settings=settings)


def _pick(kind_targets: dict, settings: NutritionSettings, day: date, training: set[date]):
    kind = None
    if settings.target_mode == NutritionSettings.TargetMode.WEEKDAY:
        kind = _WEEKDAY_KINDS[day.weekday()]
    elif settings.target_mode == NutritionSettings.TargetMode.TRAINING_REST:
        kind = "training" if day in training else "rest"
    return kind_targets.get(kind) or kind_targets.get(NutritionTarget.DayKind.EVERY_DAY)


def targets_for_days(
    *,
    client,
    start: date,
    end: date,
    settings: NutritionSettings | None = None,
    training: set[date] | None = None,
) -> dict[date, NutritionTarget | None]:
    """The targets of each day from `start` to `end` in three queries at most (settings,
    targets, training schedule), however many days."""
    settings = settings or settings_for(client)
    kind_targets = {t.day_kind: t for t in targets_of(client=client)}
    if training is None:
        training = set()
        if settings.target_mode == NutritionSettings.TargetMode.TRAINING_REST:
            training = training_days(client=client, start=start, end=end, settings=settings)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return {d: _pick(kind_targets, settings, d, training) for d in days}


def target_for_day(*, client, day: date) -> NutritionTarget | None:
    """The targets that apply to `client` on `day` (their local date), by their target mode;
    the every-day targets when no more specific ones are set."""
    return targets_for_days(client=client, start=day, end=day)[day]


# --- The log ---------------------------------------------------------------------------------------
def log_entries(*, client, start: date | None = None, end: date | None = None) -> QuerySet[FoodLogEntry]:
    qs = FoodLogEntry.objects.for_org(client.organization).filter(client=client).select_related("food", "portion")
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs.order_by("date", "logged_at", "id")


def recent_foods(*, client, limit: int = 10) -> list[Food]:
    """Foods the client logged most recently, each once, newest first (two queries)."""
    rows = (
        FoodLogEntry.objects.for_org(client.organization)
        .filter(client=client, food__isnull=False)
        .values("food_id")
        .annotate(last=Max("logged_at"), times=Count("id"))
        .order_by("-last")[:limit]
    )
    order = [row["food_id"] for row in rows]
    foods = Food.objects.for_org(client.organization).filter(pk__in=order).prefetch_related("portions")
    by_id = {f.pk: f for f in foods}
    return [by_id[pk] for pk in order if pk in by_id]


def favourite_foods(*, client) -> QuerySet[FavouriteFood]:
    return (
        FavouriteFood.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("food")
        .prefetch_related("food__portions")
    )


def day_comments(*, client, start: date, end: date) -> QuerySet[NutritionComment]:
    return (
        NutritionComment.objects.for_org(client.organization)
        .filter(client=client, date__gte=start, date__lte=end)
        .select_related("author")
    )


# --- Totals and adherence ----------------------------------------------------------------------------
@dataclass
class NutrientStatus:
    field: str
    actual: Decimal
    target: Decimal | None
    percent: int | None = None  # of the target
    status: str = "untracked"  # "under", "on", "over" or "untracked"


@dataclass
class DaySummary:
    date: date
    totals: dict[str, Decimal]
    entry_count: int
    target: NutritionTarget | None
    tolerance_percent: int
    nutrients: list[NutrientStatus] = field(default_factory=list)
    is_training_day: bool = False
    comments: list = field(default_factory=list)

    @property
    def is_logged(self) -> bool:
        return self.entry_count > 0

    @property
    def is_tracked(self) -> bool:
        return any(n.target is not None for n in self.nutrients)

    @property
    def on_target(self) -> bool | None:
        """True when every tracked value is within the tolerance; None without targets or logs."""
        if not self.is_tracked or not self.is_logged:
            return None
        return all(n.status == "on" for n in self.nutrients if n.target is not None)

    @property
    def by_field(self) -> dict[str, NutrientStatus]:
        return {n.field: n for n in self.nutrients}


def judge(actual: Decimal, target, tolerance_percent: int) -> NutrientStatus:
    """Where one value stands against its target: within ±tolerance % is on target (edges
    included)."""
    if target is None:
        return NutrientStatus(field="", actual=actual, target=None)
    target = Decimal(target)
    margin = target * Decimal(tolerance_percent) / 100
    if actual < target - margin:
        status = "under"
    elif actual > target + margin:
        status = "over"
    else:
        status = "on"
    percent = int((actual / target * 100).quantize(Decimal("1"))) if target else None
    return NutrientStatus(field="", actual=actual, target=target, percent=percent, status=status)


def day_totals(*, client, start: date, end: date) -> dict[date, dict]:
    """Sums of the tracked values per day, in one aggregate query."""
    rows = (
        FoodLogEntry.objects.for_org(client.organization)
        .filter(client=client, date__gte=start, date__lte=end)
        .values("date")
        .annotate(entry_count=Count("id"), **{f: Sum(f) for f in TRACKED})
        .order_by("date")
    )
    return {row["date"]: row for row in rows}


def adherence(*, client, start: date, end: date, settings: NutritionSettings | None = None) -> list[DaySummary]:
    """Each day from `start` to `end` with its totals, targets and where each value stands.

    A fixed number of queries whatever the number of days or logs: settings, targets, the
    training schedule (training/rest mode only), one aggregate of the log and the comments."""
    settings = settings or settings_for(client)
    training: set[date] = set()
    if settings.target_mode == NutritionSettings.TargetMode.TRAINING_REST:
        training = training_days(client=client, start=start, end=end, settings=settings)
    targets = targets_for_days(client=client, start=start, end=end, settings=settings, training=training)
    totals = day_totals(client=client, start=start, end=end)
    comments: dict[date, list] = {}
    for comment in day_comments(client=client, start=start, end=end):
        comments.setdefault(comment.date, []).append(comment)
    days = []
    for day, target in targets.items():
        row = totals.get(day, {})
        values = {f: Decimal(row.get(f) or 0) for f in TRACKED}
        summary = DaySummary(
            date=day,
            totals=values,
            entry_count=row.get("entry_count", 0),
            target=target,
            tolerance_percent=settings.tolerance_percent,
            is_training_day=day in training,
            comments=comments.get(day, []),
        )
        for f in TRACKED:
            status = judge(values[f], getattr(target, f) if target else None, settings.tolerance_percent)
            status.field = f
            summary.nutrients.append(status)
        days.append(summary)
    return days


def day_summary(*, client, day: date) -> DaySummary:
    return adherence(client=client, start=day, end=day)[0]


@dataclass
class WeekAdherence:
    start: date
    end: date
    days: list[DaySummary]
    today: date
    totals: dict[str, Decimal]
    tolerance_percent: int

    @property
    def judged_days(self) -> list[DaySummary]:
        """Days up to today that have targets (a day not logged counts as off target)."""
        return [d for d in self.days if d.date <= self.today and d.is_tracked]

    @property
    def on_target_days(self) -> int:
        return sum(1 for d in self.judged_days if d.on_target)

    @property
    def logged_days(self) -> int:
        return sum(1 for d in self.days if d.is_logged)

    @property
    def rate(self) -> int | None:
        judged = self.judged_days
        return round(100 * self.on_target_days / len(judged)) if judged else None


def week_adherence(*, client, start: date | None = None, today: date | None = None) -> WeekAdherence:
    """Monday to Sunday of the week that holds `start` (this week by default)."""
    today = today or client_today(client)
    first = week_start(start or today)
    last = first + timedelta(days=6)
    settings = settings_for(client)
    days = adherence(client=client, start=first, end=last, settings=settings)
    totals = {f: sum((d.totals[f] for d in days), Decimal(0)) for f in TRACKED}
    return WeekAdherence(
        start=first, end=last, days=days, today=today, totals=totals, tolerance_percent=settings.tolerance_percent
    )
