"""What the booking services share: their error and the helpers of more than one section."""

from __future__ import annotations

from mecto.errors import DomainError

from ..models import Booking

__all__ = ["BookingError"]


class BookingError(DomainError):
    pass


def _full_clean(instance, exclude=None) -> None:
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BookingError(messages[0], field=None if field == "__all__" else field) from exc


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
