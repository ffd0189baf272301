"""Training's part of the client's home, history and progress (`mecto.portal_home`).

A scheduled workout is *done* when a completed or partly done log of it has at least one set
done (or, for a workout with no exercises, when it is logged), as the coach's adherence
counts it.

The workout streak counts weeks (Monday to Sunday of the client's calendar) in a row that
were kept: every workout scheduled that week done, or, in a week with nothing scheduled, at
least one workout logged. This week keeps the streak going while it is still running; a past
week that was not kept ends it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from mecto.localization import kg_to_display, weight_unit
from mecto.portal_home import Chart, DayEvent, Moment, Streak

from .models import PrescribedExercise, ScheduledWorkout, SetLog, WorkoutLog

STREAK_WEEKS = 52
PROGRESS_WEEKS = 12
DONE_STATUSES = [WorkoutLog.Status.COMPLETED, WorkoutLog.Status.PARTIAL]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _scheduled(client, start: date, end: date):
    """(public id, name, date, is done) of the client's scheduled workouts between two dates."""
    logs = WorkoutLog.objects.filter(scheduled=OuterRef("pk"), status__in=DONE_STATUSES)
    rows = (
        ScheduledWorkout.objects.for_org(client.organization)
        .filter(client=client, date__gte=start, date__lte=end)
        .annotate(
            with_sets=Exists(logs.filter(sets__is_done=True)),
            logged=Exists(logs),
            has_items=Exists(PrescribedExercise.objects.filter(block__workout=OuterRef("workout"))),
        )
        .order_by("date", "workout__position", "id")
        .values_list("public_id", "workout__name", "date", "with_sets", "logged", "has_items")
    )
    return [(pid, name, day, bool(sets or (logged and not items))) for pid, name, day, sets, logged, items in rows]


def _log_days(client, moment: Moment, start: date, end: date) -> list[tuple[int, str, date, str, object]]:
    """(id, name, local date, status, performed at) of the client's logs on those local dates."""
    rows = (
        WorkoutLog.objects.for_org(client.organization)
        .filter(
            client=client,
            performed_at__gte=moment.start_of(start),
            performed_at__lt=moment.start_of(end + timedelta(days=1)),
        )
        .order_by("performed_at", "id")
        .values_list("id", "name", "workout__name", "status", "performed_at", "scheduled_id")
    )
    return [
        (pk, name or workout_name or _("Workout"), moment.local_date(at), status, at, scheduled_id)
        for pk, name, workout_name, status, at, scheduled_id in rows
    ]


# --- Today -------------------------------------------------------------------------------------------
def today(client, moment: Moment) -> dict:
    """Today's scheduled workouts (each with the page to log it), or the next one coming."""
    scheduled, _logs = _window(client, moment)
    workouts = [
        {
            "public_id": pid,
            "name": name,
            "is_done": done,
            "url": reverse("training:portal_log" if done else "training:portal_session", args=[pid]),
        }
        for pid, name, day, done in scheduled
        if day == moment.today
    ]
    upcoming = None
    if not workouts:
        nxt = (
            ScheduledWorkout.objects.for_org(client.organization)
            .filter(client=client, date__gt=moment.today)
            .order_by("date", "workout__position", "id")
            .values_list("public_id", "workout__name", "date")
            .first()
        )
        if nxt:
            upcoming = {"public_id": nxt[0], "name": nxt[1], "date": nxt[2]}
    return {"workouts": workouts, "next": upcoming, "url": reverse("training:portal_workouts")}


# --- Streak ------------------------------------------------------------------------------------------
@dataclass
class WeekTally:
    monday: date
    scheduled: int = 0
    scheduled_done: int = 0
    logged: int = 0

    @property
    def kept(self) -> bool:
        if self.scheduled:
            return self.scheduled_done >= self.scheduled
        return self.logged > 0


def week_streak(weeks: list[WeekTally], this_monday: date) -> tuple[int, int]:
    """(current, longest) run of kept weeks, `weeks` oldest first and ending this week; this
    week counts when kept and otherwise neither extends nor ends the run."""
    longest = run = 0
    for tally in weeks:
        if tally.kept:
            run += 1
            longest = max(longest, run)
        elif tally.monday != this_monday:
            run = 0
    return run, longest


def _window(client, moment: Moment):
    """The scheduled workouts and the logs of the last `STREAK_WEEKS` weeks up to this Sunday,
    read once for today, the streak and this week (two queries)."""
    first = moment.week_start - timedelta(weeks=STREAK_WEEKS - 1)
    return moment.once(
        "training.window",
        lambda: (_scheduled(client, first, moment.week_end), _log_days(client, moment, first, moment.week_end)),
    )


def week_tallies(client, moment: Moment) -> list[WeekTally]:
    """Each week's scheduled, done and logged workouts, the last `STREAK_WEEKS` weeks."""
    first = moment.week_start - timedelta(weeks=STREAK_WEEKS - 1)
    tallies = {first + timedelta(weeks=i): WeekTally(first + timedelta(weeks=i)) for i in range(STREAK_WEEKS)}
    scheduled, logs = _window(client, moment)
    for _pid, _name, day, done in scheduled:
        tally = tallies[_monday(day)]
        tally.scheduled += 1
        tally.scheduled_done += done
    for _pk, _name, day, status, _at, _scheduled_id in logs:
        if status in DONE_STATUSES and day <= moment.today:
            tallies[_monday(day)].logged += 1
    return list(tallies.values())


def streaks(client, moment: Moment) -> list[Streak]:
    current, longest = week_streak(week_tallies(client, moment), moment.week_start)
    return [
        Streak(
            key="workouts",
            label=_("Workouts"),
            current=current,
            longest=longest,
            unit="week",
            url=reverse("training:portal_workouts"),
        )
    ]


# --- This week ---------------------------------------------------------------------------------------
def _volume_kg(client, moment: Moment, start: date, end: date) -> tuple[Decimal, int]:
    """Load lifted (reps × kg of the sets done) and sets done on those local dates."""
    sets = SetLog.objects.for_org(client.organization).filter(
        client=client,
        is_done=True,
        performed_at__gte=moment.start_of(start),
        performed_at__lt=moment.start_of(end + timedelta(days=1)),
    )
    totals = sets.aggregate(kg=Sum(F("reps") * F("load_kg")), sets=Count("id"))
    return Decimal(totals["kg"] or 0), totals["sets"] or 0


def week(client, moment: Moment) -> dict:
    window_scheduled, window_logs = _window(client, moment)
    scheduled = [row for row in window_scheduled if row[2] >= moment.week_start]
    logs = [row for row in window_logs if moment.week_start <= row[2] <= moment.today]
    volume_kg, sets = _volume_kg(client, moment, moment.week_start, moment.today)
    return {
        "workouts_planned": len(scheduled),
        "workouts_done": sum(1 for *_x, done in scheduled if done),
        "workouts_extra": sum(1 for log in logs if log[3] in DONE_STATUSES and log[5] is None),
        "sets_done": sets,
        "volume": kg_to_display(volume_kg, client.unit_system).quantize(Decimal(1)),
        "volume_unit": weight_unit(client.unit_system),
    }


# --- History -----------------------------------------------------------------------------------------
def history(client, start: date, end: date, moment: Moment) -> list[DayEvent]:
    """Workouts logged on each day, and scheduled ones not done: missed before today, planned after."""
    statuses = dict(WorkoutLog.Status.choices)
    events = [
        DayEvent(
            day=day,
            kind="workout",
            title=name,
            status="done" if status in DONE_STATUSES else status,
            status_label=statuses.get(status, status),
            at=at,
            url=reverse("training:portal_workouts") + f"#log-{pk}",
        )
        for pk, name, day, status, at, _scheduled_id in _log_days(client, moment, start, end)
    ]
    for pid, name, day, done in _scheduled(client, start, end):
        if done:
            continue
        missed = day < moment.today
        events.append(
            DayEvent(
                day=day,
                kind="workout",
                title=name,
                status="missed" if missed else "planned",
                status_label=_("Not done") if missed else _("Planned"),
                url=reverse("training:portal_log", args=[pid]),
            )
        )
    return events


# --- Progress ----------------------------------------------------------------------------------------
def progress(client, moment: Moment) -> list[Chart]:
    """Load lifted per week, the last 12 weeks (one query)."""
    first = moment.week_start - timedelta(weeks=PROGRESS_WEEKS - 1)
    labels = [first + timedelta(weeks=i) for i in range(PROGRESS_WEEKS)]
    per_week = dict.fromkeys(labels, Decimal(0))
    rows = (
        SetLog.objects.for_org(client.organization)
        .filter(client=client, is_done=True, performed_at__gte=moment.start_of(first), reps__isnull=False)
        .exclude(load_kg__isnull=True)
        .values_list("performed_at", "reps", "load_kg")
    )
    any_set = False
    for at, reps, load in rows:
        monday = _monday(moment.local_date(at))
        if monday in per_week:
            per_week[monday] += reps * load
            any_set = True
    if not any_set:
        return []
    unit = weight_unit(client.unit_system)
    return [
        Chart(
            key="training-volume",
            name=_("Training volume per week"),
            unit=unit,
            labels=labels,
            values=[float(kg_to_display(per_week[w], client.unit_system).quantize(Decimal(1))) for w in labels],
        )
    ]
