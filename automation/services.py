"""Writes of the automation app: coach alerts and each coach's choice of which come by email."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto import comms
from mecto.errors import DomainError
from mecto.services import update_model

from .models import CoachAlert, CoachAlertPreference

ALERTS_TOPIC = "coach-alerts"
comms.register_topic(ALERTS_TOPIC, _("Alerts for coaches"))
PREFERENCE_FIELDS = ("email_intake", "email_booked", "email_moved", "email_cancelled")


class AlertError(DomainError):
    pass


def alert_preferences(*, organization, user) -> CoachAlertPreference:
    """The coach's choices; the defaults (every alert by email) until they change them."""
    found = CoachAlertPreference.objects.for_org(organization).filter(user=user).first()
    return found or CoachAlertPreference(organization=organization, user=user)


@transaction.atomic
def update_alert_preferences(*, organization, user, **fields) -> CoachAlertPreference:
    """Change which alerts `user` gets by email in `organization`."""
    row = alert_preferences(organization=organization, user=user)
    if row.pk is None:
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # saved by a concurrent request meanwhile
            row = CoachAlertPreference.objects.for_org(organization).get(user=user)
    row, _changed = update_model(row, fields, allowed=PREFERENCE_FIELDS, error=AlertError, exclude=["user"])
    return row


@transaction.atomic
def alert_coaches(*, event, kind: str, recipients, client=None, title: str, detail: str = "", path: str = "") -> list:
    """Tell each recipient about `event` once: a dashboard alert, and an email if they want it.

    The alert row is unique per event and recipient, and the email's idempotency key names
    both, so running this again for the same event changes nothing."""
    organization = event.organization
    made = []
    for user in recipients:
        if user is None or not user.is_active:
            continue
        try:
            with transaction.atomic():
                alert = CoachAlert.objects.create(
                    organization=organization,
                    event=event,
                    recipient=user,
                    kind=kind,
                    client=client,
                    title=title[:200],
                    detail=detail[:300],
                    path=path,
                )
        except IntegrityError:
            continue  # this coach was already told about this event
        if user.email and alert_preferences(organization=organization, user=user).wants_email(kind):
            comms.queue_email(
                organization=organization,
                to=user.email,
                topic=ALERTS_TOPIC,
                key=f"coach-alert:{event.pk}:{user.pk}",
                composer="automation.coach_alert",
                params={"alert_id": alert.pk},
            )
            CoachAlert.objects.filter(pk=alert.pk).update(emailed=True)
            alert.emailed = True
        made.append(alert)
    return made


# --- Reading and dismissing alerts: each coach only their own ---------------------------------------
def _own(alert: CoachAlert, user) -> None:
    if alert.recipient_id != getattr(user, "pk", None):
        raise AlertError(_("This alert is addressed to someone else."))


@transaction.atomic
def mark_alert_read(*, alert: CoachAlert, user) -> CoachAlert:
    """The coach has seen this alert (reading it again keeps the first time)."""
    _own(alert, user)
    if alert.read_at is None:
        alert.read_at = timezone.now()
        CoachAlert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=alert.read_at)
    return alert


@transaction.atomic
def mark_all_alerts_read(*, organization, user) -> int:
    """Every unread alert of the coach in this business is read; returns how many were unread."""
    return (
        CoachAlert.objects.for_org(organization)
        .filter(recipient=user, read_at__isnull=True, dismissed_at__isnull=True)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def dismiss_alert(*, alert: CoachAlert, user) -> CoachAlert:
    """The coach is done with this alert: it leaves their list and counts (the row stays, so
    the same event never alerts them again)."""
    _own(alert, user)
    now = timezone.now()
    alert.read_at = alert.read_at or now
    alert.dismissed_at = alert.dismissed_at or now
    CoachAlert.objects.filter(pk=alert.pk).update(read_at=alert.read_at, dismissed_at=alert.dismissed_at)
    return alert
