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
