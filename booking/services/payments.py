"""Payments for bookings (the seam with billing) and the release of unpaid holds."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type

from ..models import Booking, BookingPayment
from ._common import BookingError, _lock_booking, _payload
from .bookings import cancel_booking

__all__ = ["mark_booking_paid", "release_unpaid_bookings"]

register_event_type("booking.confirmed", gettext_lazy("A booking awaiting payment was paid and confirmed"))
register_event_type("booking.paid_after_cancel", gettext_lazy("A payment arrived for a booking already cancelled"))


@transaction.atomic
def mark_booking_paid(*, booking: Booking, amount_minor: int, reference: str) -> Booking:
    """Billing reports a payment for a booking; once per `reference`, however often called.

    A booking awaiting payment is confirmed once the amount due is covered.
    """
    if amount_minor <= 0:
        raise BookingError(_("A payment is more than zero."), field="amount_minor")
    if not reference:
        raise BookingError(_("A payment needs its reference."), field="reference")
    booking = _lock_booking(booking)
    if BookingPayment.objects.for_org(booking.organization).filter(reference=reference).exists():
        return booking
    BookingPayment.objects.create(
        organization=booking.organization, booking=booking, amount_minor=amount_minor, reference=reference
    )
    booking.amount_paid_minor += amount_minor
    if booking.amount_paid_minor >= booking.price_minor:
        booking.payment_status = Booking.PaymentStatus.PAID
    elif booking.amount_paid_minor >= booking.amount_due_minor > 0:
        booking.payment_status = Booking.PaymentStatus.DEPOSIT_PAID
    confirmed = False
    if booking.status == Booking.Status.PENDING_PAYMENT and booking.amount_paid_minor >= booking.amount_due_minor:
        booking.status = Booking.Status.CONFIRMED
        booking.payment_hold_until = None
        booking.checkout_url = ""
        confirmed = True
    booking.save()
    if confirmed:
        emit(booking.organization, "booking.confirmed", _payload(booking, reference=reference), client=booking.client)
    elif booking.status == Booking.Status.CANCELLED:
        emit(
            booking.organization,
            "booking.paid_after_cancel",
            _payload(booking, reference=reference, amount_minor=amount_minor, currency=booking.currency),
            client=booking.client,
        )
    return booking


def release_unpaid_bookings(*, now: datetime | None = None) -> int:
    """Give back the places of bookings whose payment did not arrive within the hold time."""
    now = now or timezone.now()
    count = 0
    expired = Booking.objects.filter(status=Booking.Status.PENDING_PAYMENT, payment_hold_until__lte=now)
    for booking in expired.select_related("session").order_by("payment_hold_until")[:500]:
        with transaction.atomic():
            locked = _lock_booking(booking)
            if locked.status != Booking.Status.PENDING_PAYMENT:
                continue
            cancel_booking(
                booking=locked, by=Booking.CancelledBy.SYSTEM, late=False, reason=_("Not paid within the hold time")
            )
            count += 1
    return count
