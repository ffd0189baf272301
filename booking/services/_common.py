"""What the booking services share: their error and the helpers of more than one section."""

from __future__ import annotations

from mecto.errors import DomainError
from mecto.services import full_clean

from ..models import Booking

__all__ = ["BookingError"]


class BookingError(DomainError):
    pass


def _full_clean(instance, exclude=None) -> None:
    full_clean(instance, exclude=exclude, error=BookingError)


def _payload(booking: Booking, **extra) -> dict:
    session = booking.session
    return {
        "booking_id": booking.pk,
        "booking_public_id": str(booking.public_id),
        "session_id": session.pk,
        "service_id": session.service_id,
        "coach_id": session.coach_id,
        "client_id": booking.client_id,
        "start_at": session.start_at.isoformat(),
        "end_at": session.end_at.isoformat(),
        "status": booking.status,
        "payment_status": booking.payment_status,
        **extra,
    }


def _lock_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update().select_related("session", "session__service", "client").get(pk=booking.pk)
    )
