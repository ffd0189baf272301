"""Training's figures on the clients list (`clients.list_figures`): the last workout logged,
when the current program ends, and the fortnight's workouts scheduled and done."""

import datetime

from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)

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


def _with_done(scheduled):
    """Done as the client's adherence chart counts it (`selectors.adherence`): a completed or
    partly done log with a set done, or any such log of a workout with no exercises."""
    logs = WorkoutLog.objects.filter(scheduled=OuterRef("pk"), status__in=_DONE)
    return scheduled.annotate(
        done=Case(
            When(Exists(logs.filter(sets__is_done=True)), then=Value(1)),
            When(
                Exists(logs) & ~Exists(PrescribedExercise.objects.filter(block__workout=OuterRef("workout"))),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def workouts_done(*, now, user):
    return list_figures.count_of(_with_done(_fortnight(now)).filter(done=1))


def adherence(*, now, user):
    """The percentage done, in one pass over the fortnight's workouts (the list sorts by it:
    each client's workouts are read once); None with nothing scheduled."""
    rate = (
        _with_done(_fortnight(now))
        .order_by()
        .values("client")
        .annotate(rate=Sum("done") * 100 / Count("pk"))
        .values("rate")
    )
    return Subquery(rate, output_field=IntegerField())


def register() -> None:
    list_figures.register("last_workout_at", last_workout_at)
    list_figures.register("program_ends_on", program_ends_on)
    list_figures.register("workouts_scheduled", workouts_scheduled)
    list_figures.register("workouts_done", workouts_done)
    list_figures.register("adherence", adherence)
