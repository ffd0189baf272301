"""Session reminders, each sent once, and the clients' opt-outs."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client

from .. import selectors
from ..models import Booking, BookingPolicy, Channel, Reminder, ReminderOptOut, Session
from ._common import BookingError

__all__ = ["send_due_reminders", "opt_out_of_reminders", "opt_in_to_reminders"]

logger = logging.getLogger(__name__)


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Send the reminders that are due, each exactly once: the row for (booking, channel,
    offset, start) is claimed before sending, so a second run (or worker) skips it."""
    from ..notifications import send_reminder

    now = now or timezone.now()
    horizon = now + timedelta(days=15)
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
            session__start_at__gt=now,
            session__start_at__lte=horizon,
        )
        .select_related("organization", "client", "session", "session__service", "session__coach")
        .order_by("session__start_at")
    )
    policies: dict[int, BookingPolicy] = {}
    sent = 0
    for booking in bookings.iterator(chunk_size=500):
        policy = policies.get(booking.organization_id)
        if policy is None:
            policy = policies[booking.organization_id] = selectors.policy_for(booking.organization)
        start = booking.session.start_at
        due = [
            offset
            for offset in policy.reminder_offsets_minutes or []
            if start - timedelta(minutes=offset) <= now and booking.created_at <= start - timedelta(minutes=offset)
        ]
        if not due:
            continue
        offset = min(due)  # after an outage only the latest reminder goes, never a stale one
        channels = [c for c, on in ((Channel.EMAIL, policy.remind_by_email), (Channel.SMS, policy.remind_by_sms)) if on]
        for channel in channels:
            if not selectors.client_accepts_reminders(client=booking.client, channel=channel):
                continue
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(
                        organization=booking.organization,
                        booking=booking,
                        channel=channel,
                        offset_minutes=offset,
                        session_start=start,
                    )
            except IntegrityError:
                continue  # sent (or being sent) by another run
            try:
                provider_id = send_reminder(booking=booking, reminder=reminder)
            except Exception:
                logger.exception("Reminder %s could not be sent; it will be retried", reminder.pk)
                Reminder.objects.filter(pk=reminder.pk).delete()
                continue
            Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.SENT, provider_id=provider_id or "")
            sent += 1
    return sent


@transaction.atomic
def opt_out_of_reminders(*, client: Client, channel: str) -> ReminderOptOut:
    if channel not in Channel.values:
        raise BookingError(_("Unknown channel."), field="channel")
    opt_out, _created = ReminderOptOut.objects.get_or_create(
        organization=client.organization, client=client, channel=channel
    )
    return opt_out


@transaction.atomic
def opt_in_to_reminders(*, client: Client, channel: str) -> None:
    ReminderOptOut.objects.for_org(client.organization).filter(client=client, channel=channel).delete()
