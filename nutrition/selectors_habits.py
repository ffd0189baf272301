"""Habit reads: a client's habits, and their streaks for many habits in a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from . import habits as rules
from .models import Habit, HabitFreeze, HabitLog, HabitSettings, HabitTemplate
from .services.habits import clock_for, frozen_dates, schedule_of


def habit_templates(*, organization, include_archived: bool = False) -> QuerySet[HabitTemplate]:
    qs = HabitTemplate.objects.for_org(organization)
    return qs if include_archived else qs.filter(is_archived=False)


def client_habits(*, client, include_archived: bool = False) -> QuerySet[Habit]:
    qs = Habit.objects.for_org(client.organization).filter(client=client).select_related("client", "template")
    return qs if include_archived else qs.filter(is_archived=False)


def _settings_by_org(org_ids: set[int]) -> dict[int, HabitSettings]:
    return {s.organization_id: s for s in HabitSettings.objects.filter(organization_id__in=org_ids)}


def _history(habits: list[Habit], since: date | None = None):
    """Completed dates per habit and freezes per client: two queries for any number of habits."""
    ids = [h.pk for h in habits]
    logs = HabitLog.objects.filter(habit_id__in=ids, is_complete=True)
    if since is not None:
        logs = logs.filter(date__gte=since)
    completed: dict[int, set[date]] = defaultdict(set)
    for habit_id, day in logs.values_list("habit_id", "date"):
        completed[habit_id].add(day)
    freezes: dict[int, list] = defaultdict(list)
    for f in HabitFreeze.objects.filter(client_id__in={h.client_id for h in habits}).only(
        "client_id", "habit_id", "start_date", "end_date"
    ):
        freezes[f.client_id].append(f)
    return completed, freezes


def habit_stats_for(
    habits: Iterable[Habit], *, now: datetime | None = None, rate_since: date | None = None
) -> dict[int, rules.HabitStats]:
    """Stats of each habit (its `client` loaded) by id, in three queries however many habits."""
    habits = list(habits)
    if not habits:
        return {}
    now = now or timezone.now()
    settings = _settings_by_org({h.organization_id for h in habits})
    completed, freezes = _history(habits)
    out = {}
    for habit in habits:
        clock = clock_for(habit, now=now, settings=settings.get(habit.organization_id) or HabitSettings())
        out[habit.pk] = rules.habit_stats(
            schedule_of(habit),
            completed[habit.pk],
            frozen_dates(freezes[habit.client_id], habit.pk),
            clock,
            rate_since=rate_since,
        )
    return out


def clock_of(habit: Habit, *, now: datetime | None = None) -> rules.Clock:
    return clock_for(habit, now=now)


def logs_by_day(habits: Iterable[Habit], *, start: date, end: date) -> dict[tuple[int, date], HabitLog]:
    habits = list(habits)
    rows = HabitLog.objects.filter(habit_id__in=[h.pk for h in habits], date__range=(start, end))
    return {(log.habit_id, log.date): log for log in rows}


def today_for_client(*, client, now: datetime | None = None, loaded: tuple | None = None) -> list[dict]:
    """The client's habits to act on now: due (or countable) today, and yesterday's while it is
    still inside its grace period, each with its log and stats. `loaded`: the client's habits
    and their stats (`habit_stats_for`) when the caller read them already."""
    now = now or timezone.now()
    if loaded is None:
        habits = list(client_habits(client=client))
        stats = habit_stats_for(habits, now=now)
    else:
        habits, stats = loaded
    settings = _settings_by_org({client.organization_id}).get(client.organization_id) or HabitSettings()
    today = rules.local_date(now, client.time_zone)
    logs = logs_by_day(habits, start=today - timedelta(days=1), end=today)
    rows = []
    for habit in habits:
        clock = clock_for(habit, now=now, settings=settings)
        schedule = schedule_of(habit)
        days = [clock.today]
        if clock.yesterday_open:
            days.insert(0, clock.today - timedelta(days=1))
        entries = [
            {"date": d, "is_today": d == clock.today, "log": logs.get((habit.pk, d))}
            for d in days
            if schedule.is_due(d) and (d == clock.today or not getattr(logs.get((habit.pk, d)), "is_complete", False))
        ]
        if entries:
            rows.append({"habit": habit, "stats": stats[habit.pk], "entries": entries, "clock": clock})
    return rows


def active_habits_with_history(*, now: datetime | None = None) -> Iterator[tuple[Habit, set, set, rules.Clock]]:
    """Every running habit of every business with its completed and frozen dates (for the
    streak-broken task), a batch at a time."""
    now = now or timezone.now()
    latest_start = now.date() + timedelta(days=1)
    qs = (
        Habit.objects.filter(is_archived=False, start_date__lte=latest_start, client__status__in=["active", "trial"])
        .exclude(frequency="once")
        .select_related("client", "organization")
        .order_by("pk")
    )
    settings: dict[int, HabitSettings] = {}
    batch: list[Habit] = []
    last_pk = 0
    while True:
        batch = list(qs.filter(pk__gt=last_pk)[:500])
        if not batch:
            return
        last_pk = batch[-1].pk
        missing = {h.organization_id for h in batch} - set(settings)
        settings.update(_settings_by_org(missing))
        completed, freezes = _history(batch, since=now.date() - timedelta(days=400))
        for habit in batch:
            clock = clock_for(habit, now=now, settings=settings.get(habit.organization_id) or HabitSettings())
            yield habit, completed[habit.pk], frozen_dates(freezes[habit.client_id], habit.pk), clock
