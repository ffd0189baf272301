"""Session reminders, each sent once, and the clients' opt-outs."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from mecto import comms
from mecto.comms.models import Category

from .. import selectors
from ..models import Booking, BookingPolicy, Channel, Session
from ..notifications import REMINDERS_TOPIC
from ._common import BookingError

__all__ = ["send_due_reminders", "opt_out_of_reminders", "opt_in_to_reminders"]


def send_due_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminders that are due, each exactly once (the message key names the
    booking, channel, offset and start time); returns how many were queued now."""
    from ..notifications import client_address, queue_push_reminder, queue_reminder

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
    queued = 0
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
        if not channels:
            continue
        with transaction.atomic():
            for channel in channels:
                address = client_address(booking.client, channel)
                if (
                    not address
                    or not comms.check(
                        organization=booking.organization,
                        channel=channel,
                        address=address,
                        category=Category.TRANSACTIONAL,
                        topic=REMINDERS_TOPIC,
                    ).allowed
                ):
                    continue  # no address, opted out, bounced or STOP: not even a row (checked again at send)
                if queue_reminder(booking=booking, channel=channel, offset_minutes=offset).is_new:
                    queued += 1
            # Beside the email and text: each device the client turned notifications on.
            if booking.client.user_id:
                pushes = queue_push_reminder(booking=booking, offset_minutes=offset, now=now)
                queued += sum(row.is_new for row in pushes)
    return queued


def opt_out_of_reminders(*, client: Client, channel: str):
    """Stop reminders on one channel for this client's address (the link in a reminder
    does the same through the platform's preference page)."""
    from ..notifications import client_address

    if channel not in Channel.values:
        raise BookingError(_("Unknown channel."), field="channel")
    address = client_address(client, channel)
    if not address:
        raise BookingError(_("This client has no address on that channel."), field="channel")
    return comms.opt_out_of_topic(
        organization=client.organization, channel=channel, address=address, topic=REMINDERS_TOPIC, source="coach"
    )


def opt_in_to_reminders(*, client: Client, channel: str) -> None:
    from ..notifications import client_address

    address = client_address(client, channel)
    if address:
        comms.opt_in_to_topic(organization=client.organization, channel=channel, address=address, topic=REMINDERS_TOPIC)
