"""Refunds as numbered credit notes, and the session credits a refund takes back."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type

from .. import notifications
from ..errors import BillingError
from ..models import CreditNote, Invoice, Payment, Subscription
from ..money import tax_share
from ._common import _actor, _take_number
from .access import withdraw_refunded_access

__all__ = [
    "issue_credit_note",
    "send_credit_note",
    "period_credit_source",
    "revoke_refunded_credits",
    "refund_payment",
]

register_event_type("payment.refunded", gettext_lazy("A payment was refunded (a credit note was issued)"))


def _check_refund(payment: Payment, amount_minor: int) -> None:
    if payment.status != Payment.Status.SUCCEEDED:
        raise BillingError(_("Only a received payment can be refunded."))
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise BillingError(_("Enter an amount above zero."), field="amount_minor")
    if amount_minor > payment.refundable_minor:
        raise BillingError(
            _("At most %(amount)s can still be refunded.")
            % {"amount": payment.invoice.money(payment.refundable_minor)},
            field="amount_minor",
        )


@transaction.atomic
def issue_credit_note(
    *, payment: Payment, amount_minor: int, reason: str = "", actor=None, stripe_refund_id: str = "", issued_at=None
) -> CreditNote:
    """Record a refund as a numbered credit note against the paid invoice."""
    if stripe_refund_id:
        existing = CreditNote.objects.for_org(payment.organization).filter(stripe_refund_id=stripe_refund_id).first()
        if existing is not None:
            return existing
    payment = Payment.objects.select_for_update(of=("self",)).select_related("invoice", "client").get(pk=payment.pk)
    _check_refund(payment, amount_minor)
    invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
    sequence, number = _take_number(payment.organization, "credit_note")
    note = CreditNote.objects.create(
        organization=payment.organization,
        invoice=invoice,
        payment=payment,
        client=payment.client,
        sequence=sequence,
        number=number,
        amount_minor=amount_minor,
        tax_minor=tax_share(amount_minor=amount_minor, total_minor=invoice.total_minor, tax_minor=invoice.tax_minor),
        currency=payment.currency,
        reason=(reason or "").strip()[:300],
        stripe_refund_id=stripe_refund_id,
        issued_at=issued_at or timezone.now(),
        created_by=_actor(actor),
    )
    Payment.objects.filter(pk=payment.pk).update(amount_refunded_minor=F("amount_refunded_minor") + amount_minor)
    Invoice.objects.filter(pk=invoice.pk).update(amount_refunded_minor=F("amount_refunded_minor") + amount_minor)
    revoke_refunded_credits(
        invoice=invoice, refunded_minor=invoice.amount_refunded_minor + amount_minor, credit_note=note, actor=actor
    )
    if invoice.amount_refunded_minor + amount_minor >= invoice.total_minor:
        withdraw_refunded_access(invoice=invoice)
    emit(
        payment.organization,
        "payment.refunded",
        {
            "payment_id": payment.pk,
            "credit_note": number,
            "invoice_id": str(invoice.public_id),
            "amount_minor": amount_minor,
            "currency": payment.currency,
        },
        actor=_actor(actor),
        client=payment.client,
    )
    notifications.queue_credit_note_email(note)
    return note


@transaction.atomic
def send_credit_note(*, note: CreditNote, actor=None) -> None:
    """Email a credit note (with its PDF) to the client again."""
    if note.client is None or not note.client.email:
        raise BillingError(_("The client of %(number)s has no email address.") % {"number": note.number})
    notifications.queue_credit_note_email(note, again=True)


def period_credit_source(subscription: Subscription, start: datetime) -> str:
    """The ledger source of one membership period's included sessions."""
    return f"billing:subscription:{subscription.public_id}:{int(start.timestamp())}"


def revoke_refunded_credits(*, invoice: Invoice, refunded_minor: int, credit_note: CreditNote, actor=None) -> int:
    """Take back the session credits a refunded invoice granted, in the refunded share.

    Credits revoked = credits granted × refunded ÷ invoice total, **rounded down** (the client
    keeps a part-refunded credit; a full refund revokes them all). The share is of the running
    refunded total, so several partial refunds add up exactly. Only unused credits go; booking's
    ledger never goes below zero. Returns the credits revoked now."""
    from booking import services as booking_services
    from booking.selectors import credit_grant_for

    if invoice.total_minor <= 0:
        return 0
    sources = list(invoice.purchases.exclude(credit_source_ref="").values_list("credit_source_ref", flat=True))
    if invoice.subscription_id and invoice.period_start:
        sources.append(period_credit_source(invoice.subscription, invoice.period_start))
    refunded_minor = min(refunded_minor, invoice.total_minor)
    revoked = 0
    for source_ref in sources:
        grant = credit_grant_for(organization=invoice.organization, source_ref=source_ref)
        if grant is None:
            continue
        revoked += booking_services.revoke_refunded_credits(
            organization=invoice.organization,
            source_ref=source_ref,
            refunded_quantity=grant.quantity * refunded_minor // invoice.total_minor,
            reference=f"credit_note:{credit_note.number}",
            note=_("Refund %(number)s") % {"number": credit_note.number},
            actor=_actor(actor),
        )
    return revoked


def refund_payment(*, payment: Payment, amount_minor: int | None = None, reason: str = "", actor=None) -> CreditNote:
    """Refund a payment in full or in part. Card payments are refunded through Stripe first;
    cash and transfers are recorded (the coach hands the money back)."""
    payment = Payment.objects.select_related("invoice", "organization").get(pk=payment.pk)
    amount_minor = payment.refundable_minor if amount_minor is None else amount_minor
    _check_refund(payment, amount_minor)
    if payment.is_online:
        from .. import stripe_services

        refund_id = stripe_services.refund_online(payment=payment, amount_minor=amount_minor, reason=reason)
        return issue_credit_note(
            payment=payment, amount_minor=amount_minor, reason=reason, actor=actor, stripe_refund_id=refund_id
        )
    return issue_credit_note(payment=payment, amount_minor=amount_minor, reason=reason, actor=actor)
