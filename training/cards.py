"""The training card of the coach dashboard."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.dashboard import Card


def training_card(request, scope):
    tenant = request.tenant
    if not tenant.can("training.manage"):
        return None
    from .models import PersonalRecord, Program, WorkoutLog

    org = tenant.organization
    if not Program.objects.for_org(org).exists():
        return Card(
            title=_("Training"),
            body=_("Build your first program, or draft one from a client's intake."),
            url=reverse("training:programs"),
            action=_("Open programs"),
            order=30,
        )
    since = timezone.now() - timedelta(days=7)
    logs, records = WorkoutLog.objects.for_org(org), PersonalRecord.objects.for_org(org)
    if scope.coach_id:
        logs, records = logs.filter(client__coach_id=scope.coach_id), records.filter(client__coach_id=scope.coach_id)
    logged = logs.filter(performed_at__gte=since, status="completed").count()
    records = records.select_related("client", "exercise").order_by("-achieved_at")[:3]
    return Card(
        title=_("Workouts this week"),
        value=str(logged),
        body=_("completed by your clients in the last 7 days"),
        url=reverse("training:programs"),
        action=_("Open programs"),
        order=30,
        rows=[
            f"{r.client.full_name}: {r.exercise.name} {r.value_kg.normalize():f} kg ({r.get_kind_display()})"
            for r in records
        ],
    )


def portal_workout_card(request):
    """The client's workouts of today (their calendar), done or still to do."""
    from django.db.models import Exists, OuterRef

    from .models import ScheduledWorkout, WorkoutLog
    from .selectors import client_today

    client = request.tenant.client
    today = client_today(client)
    workouts = list(
        ScheduledWorkout.objects.for_org(client.organization)
        .filter(client=client, date=today)
        .select_related("workout")
        .annotate(is_logged=Exists(WorkoutLog.objects.filter(scheduled=OuterRef("pk"))))
        .order_by("workout__position", "id")
    )
    url = reverse("training:portal_workouts")
    if not workouts:
        return Card(
            title=_("Today's workout"),
            body=_("Nothing scheduled today. See what is coming up and catch up on workouts you have not logged."),
            url=url,
            action=_("See my workouts"),
            order=20,
        )
    return Card(
        title=_("Today's workout"),
        rows=[f"{w.workout.name} · " + (_("logged") if w.is_logged else _("to do")) for w in workouts],
        url=url,
        action=_("Open my workouts"),
        order=20,
    )
