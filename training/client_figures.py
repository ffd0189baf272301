"""Training's figures on the clients list (`clients.list_figures`): the last workout logged,
when the current program ends, and the fortnight's workouts scheduled and done."""

import datetime

from django.db.models import DateField, DateTimeField, Exists, OuterRef, Q, Subquery

from clients import list_figures

from .models import PrescribedExercise, ScheduledWorkout, WorkoutLog

_DONE = [WorkoutLog.Status.COMPLETED, WorkoutLog.Status.PARTIAL]


def last_workout_at(*, now, user):
    logs = WorkoutLog.objects.filter(client=OuterRef("pk")).order_by("-performed_at").values("performed_at")[:1]
    return Subquery(logs, output_field=DateTimeField())


def program_ends_on(*, now, user):
    """The last scheduled day of the client's programs: the current one's end (or the last
    one's, when it has ended)."""
    last = ScheduledWorkout.objects.filter(client=OuterRef("pk")).order_by("-date").values("date")[:1]
    return Subquery(last, output_field=DateField())


def _fortnight(now):
    # A workout's `due_at` is the start of its day in the client's time zone: due so far and
    # within the last 14 days is the client's own today and the 13 days before it.
    start = now - datetime.timedelta(days=list_figures.ADHERENCE_DAYS)
    return ScheduledWorkout.objects.filter(client=OuterRef("pk"), due_at__lte=now, due_at__gt=start)


def workouts_scheduled(*, now, user):
    return list_figures.count_of(_fortnight(now))


def workouts_done(*, now, user):
    """Done as the client's adherence chart counts it (`selectors.adherence`): a completed or
    partly done log with a set done, or any such log of a workout with no exercises."""
    logs = WorkoutLog.objects.filter(scheduled=OuterRef("pk"), status__in=_DONE)
    done = (
        _fortnight(now)
        .annotate(
            with_sets=Exists(logs.filter(sets__is_done=True)),
            logged=Exists(logs),
            has_items=Exists(PrescribedExercise.objects.filter(block__workout=OuterRef("workout"))),
        )
        .filter(Q(with_sets=True) | Q(logged=True, has_items=False))
    )
    return list_figures.count_of(done)


def register() -> None:
    list_figures.register("last_workout_at", last_workout_at)
    list_figures.register("program_ends_on", program_ends_on)
    list_figures.register("workouts_scheduled", workouts_scheduled)
    list_figures.register("workouts_done", workouts_done)
