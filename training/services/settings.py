"""The business's training settings and the inactivity alerts they drive."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type

from ..models import InactivityAlert, TrainingSettings
from ._common import TrainingError, _unknown

__all__ = ["training_settings", "update_training_settings", "flag_inactive_clients"]

register_event_type("client.inactive", gettext_lazy("A client logged no workout for the business's set number of days"))


def training_settings(organization) -> TrainingSettings:
    """The business's training settings (defaults until someone changes them)."""
    found = TrainingSettings.objects.filter(organization=organization).first()
    return found or TrainingSettings(organization=organization)


@transaction.atomic
def update_training_settings(*, organization, actor=None, **fields) -> TrainingSettings:
    allowed = {"inactive_after_days", "llm_monthly_quota", "llm_requests_per_minute"}
    _unknown(fields, allowed)
    limits = {"inactive_after_days": (0, 365), "llm_monthly_quota": (0, 100000), "llm_requests_per_minute": (1, 600)}
    for key, value in fields.items():
        low, high = limits[key]
        if value is None or not low <= int(value) <= high:
            raise TrainingError(_("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=key)
    settings_row, _created = TrainingSettings.objects.select_for_update().get_or_create(organization=organization)
    for key, value in fields.items():
        setattr(settings_row, key, int(value))
    settings_row.save()
    return settings_row


def flag_inactive_clients(*, now: datetime | None = None) -> int:
    """Raise `client.inactive` once per spell for every active client with a program who logged
    no workout for the business's number of days (counted from their last workout, or from
    their first scheduled workout when they never logged one). Returns alerts raised."""
    from clients.models import Client

    now = now or timezone.now()
    days_by_org = dict(TrainingSettings.objects.values_list("organization_id", "inactive_after_days"))
    default_days = TrainingSettings._meta.get_field("inactive_after_days").default
    candidates = (
        Client.objects.filter(status__in=["active", "trial"], scheduled_workouts__isnull=False)
        .annotate(last_log=Max("workout_logs__performed_at"), first_due=Min("scheduled_workouts__due_at"))
        .select_related("organization")
        .distinct()
    )
    raised = 0
    for client in candidates:
        days = days_by_org.get(client.organization_id, default_days)
        if not days:
            continue
        last = client.last_log or client.first_due
        if last is None or last > now - timedelta(days=days):
            continue
        raised += _raise_inactivity(client=client, last_activity_at=last, days=(now - last).days)
    return raised


@transaction.atomic
def _raise_inactivity(*, client, last_activity_at: datetime, days: int) -> int:
    try:
        with transaction.atomic():
            InactivityAlert.objects.create(
                organization=client.organization, client=client, last_activity_at=last_activity_at, days=days
            )
    except IntegrityError:  # already raised for this spell (a rerun of the daily task)
        return 0
    emit(
        client.organization,
        "client.inactive",
        {"client_id": client.pk, "days": days, "last_activity_at": last_activity_at.isoformat()},
        client=client,
    )
    return 1
