"""Booking reacts to its own events after commit: the client hears about every change,
with an invite (and a meeting link, made first for online sessions)."""

from datetime import datetime

from django.utils import timezone

from mecto.events import subscribe
from mecto.localization import format_date, format_time

from . import notifications, ports
from .models import Booking


def _booking(event) -> Booking | None:
    return (
        Booking.objects.select_related(
            "organization", "client", "session", "session__service", "session__coach", "session__organization"
        )
        .filter(pk=event.payload.get("booking_id"))
        .first()
    )


def _with_meeting(booking: Booking) -> Booking:
    ports.ensure_meeting(booking.session)
    return booking


@subscribe("booking.created", name="booking.confirm_new_booking")
@subscribe("booking.confirmed", name="booking.confirm_paid_booking")
def send_confirmation(event):
    booking = _booking(event)
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return  # awaiting payment: confirmed when billing reports it (booking.confirmed)
    if booking.session.start_at <= timezone.now():
        return  # a coach recorded a session that already happened: no invite to the past
    notifications.send_confirmation(_with_meeting(booking), key=f"booking-confirmed:{booking.pk}:{event.pk}")


@subscribe("booking.rescheduled", name="booking.tell_client_of_move")
def send_rescheduled(event):
    booking = _booking(event)
    if booking is None or booking.status == Booking.Status.CANCELLED or booking.session.start_at <= timezone.now():
        return
    previous = event.payload.get("previous_start_at")
    previous_when = ""
    if previous:
        from .notifications import _local

        start, _end, tz = _local(booking)
        previous_local = datetime.fromisoformat(previous).astimezone(tz)
        previous_when = f"{format_date(previous_local, 'LONG_DATE_FORMAT')}, {format_time(previous_local)}"
    notifications.send_rescheduled(
        _with_meeting(booking), previous_when, key=f"booking-rescheduled:{booking.pk}:{event.pk}"
    )


@subscribe("booking.cancelled", name="booking.tell_client_of_cancel")
def send_cancelled(event):
    booking = _booking(event)
    if booking is None:
        return
    notifications.send_cancelled(
        booking, credit=event.payload.get("credit"), key=f"booking-cancelled:{booking.pk}:{event.pk}"
    )
