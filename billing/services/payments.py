"""Payments received or failed against an invoice, and what a paid invoice gives."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type

from .. import notifications
from ..errors import BillingError
from ..models import AccessGrant, Invoice, Payment, Purchase
from . import access
from ._common import _actor

__all__ = ["record_payment", "record_failed_payment", "fulfil_invoice"]

register_event_type("payment.succeeded", gettext_lazy("A payment was received (card or recorded by hand)"))
register_event_type("payment.failed", gettext_lazy("A card payment failed"))
register_event_type("invoice.paid", gettext_lazy("An invoice was paid in full"))


def _existing_payment(organization, key: str) -> Payment | None:
    if not key:
        return None
    return Payment.objects.for_org(organization).filter(idempotency_key=key).first()


@transaction.atomic
def record_payment(
    *,
    invoice: Invoice,
    amount_minor: int,
    method: str,
    reference: str = "",
    received_at: datetime | None = None,
    actor=None,
    idempotency_key: str = "",
    stripe_payment_intent_id: str = "",
    stripe_charge_id: str = "",
    send_receipt: bool = True,
) -> Payment:
    """Money received against an open invoice. Paid in full, the invoice is fulfilled:
    package credits are granted once. A repeated `idempotency_key` returns the first payment."""
    if (existing := _existing_payment(invoice.organization, idempotency_key)) is not None:
        return existing
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("client", "organization").get(pk=invoice.pk)
    )
    if method not in Payment.Method.values:
        raise BillingError(_("Choose how the client paid."), field="method")
    if invoice.status == Invoice.Status.DRAFT:
        raise BillingError(_("Issue the invoice before recording a payment."))
    if invoice.status == Invoice.Status.VOID:
        raise BillingError(_("This invoice is void."))
    if invoice.status == Invoice.Status.PAID:
        raise BillingError(_("This invoice is already paid."))
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise BillingError(_("Enter an amount above zero."), field="amount_minor")
    if amount_minor > invoice.amount_due_minor:
        raise BillingError(
            _("That is more than the %(due)s still due.") % {"due": invoice.money(invoice.amount_due_minor)},
            field="amount_minor",
        )
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + timedelta(minutes=5):
        raise BillingError(_("A payment cannot be received in the future."), field="received_at")
    if len(reference or "") > 120:
        raise BillingError(_("The reference is at most 120 characters."), field="reference")
    payment = Payment.objects.create(
        organization=invoice.organization,
        invoice=invoice,
        client=invoice.client,
        method=method,
        status=Payment.Status.SUCCEEDED,
        amount_minor=amount_minor,
        currency=invoice.currency,
        reference=(reference or "").strip(),
        received_at=received_at,
        stripe_payment_intent_id=stripe_payment_intent_id,
        stripe_charge_id=stripe_charge_id,
        idempotency_key=idempotency_key,
        recorded_by=_actor(actor),
    )
    invoice.amount_paid_minor += amount_minor
    emit(
        invoice.organization,
        "payment.succeeded",
        {
            "payment_id": payment.pk,
            "invoice_id": str(invoice.public_id),
            "number": invoice.number,
            "amount_minor": amount_minor,
            "currency": invoice.currency,
            "method": method,
        },
        actor=_actor(actor),
        client=invoice.client,
    )
    if invoice.amount_paid_minor >= invoice.total_minor:
        invoice.status = Invoice.Status.PAID
        invoice.paid_at = received_at
        invoice.save()
        emit(
            invoice.organization,
            "invoice.paid",
            {"invoice_id": str(invoice.public_id), "number": invoice.number, "total_minor": invoice.total_minor},
            actor=_actor(actor),
            client=invoice.client,
        )
        fulfil_invoice(invoice=invoice, actor=actor)
        if send_receipt:
            notifications.queue_invoice_email(invoice)
    else:
        invoice.save()
    return payment


@transaction.atomic
def record_failed_payment(
    *, invoice: Invoice, amount_minor: int, idempotency_key: str, failure_message: str = "", failed_at=None
) -> Payment | None:
    """A card attempt that failed: kept for the record, starts dunning on its first failure."""
    if (existing := _existing_payment(invoice.organization, idempotency_key)) is not None:
        return existing
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("client").get(pk=invoice.pk)
    if invoice.status != Invoice.Status.OPEN:
        return None
    failed_at = failed_at or timezone.now()
    payment = Payment.objects.create(
        organization=invoice.organization,
        invoice=invoice,
        client=invoice.client,
        method=Payment.Method.CARD_ONLINE,
        status=Payment.Status.FAILED,
        amount_minor=max(amount_minor, 0),
        currency=invoice.currency,
        received_at=failed_at,
        failure_message=(failure_message or "")[:300],
        idempotency_key=idempotency_key,
    )
    if invoice.payment_failed_at is None:
        invoice.payment_failed_at = failed_at
        invoice.save(update_fields=["payment_failed_at", "updated_at"])
    emit(
        invoice.organization,
        "payment.failed",
        {
            "payment_id": payment.pk,
            "invoice_id": str(invoice.public_id),
            "number": invoice.number,
            "amount_minor": amount_minor,
            "currency": invoice.currency,
        },
        client=invoice.client,
    )
    return payment


def fulfil_invoice(*, invoice: Invoice, actor=None) -> list[Purchase]:
    """Give what a paid invoice bought: a purchase and its session credits, once per plan line."""
    from booking import services as booking_services

    made = []
    if invoice.client is None:  # the client was deleted: nothing to give
        return made
    paid_at = invoice.paid_at or timezone.now()
    lines = invoice.lines.select_related("plan").filter(plan__isnull=False)
    for line in lines:
        plan = line.plan
        if plan.is_recurring:
            continue
        expires_at = paid_at + timedelta(days=plan.validity_days) if plan.validity_days else None
        sessions = plan.sessions * line.quantity
        source_ref = f"billing:invoice:{invoice.public_id}:plan:{plan.pk}"
        purchase, created = Purchase.objects.get_or_create(
            invoice=invoice,
            plan=plan,
            defaults={
                "organization": invoice.organization,
                "client": invoice.client,
                "sessions": sessions,
                "expires_at": expires_at,
                "credit_source_ref": source_ref if sessions else "",
            },
        )
        if sessions:
            booking_services.grant_credits(
                client=invoice.client,
                quantity=sessions,
                source_ref=source_ref,
                expires_at=expires_at,
                reason=_("%(plan)s (invoice %(number)s)") % {"plan": plan.name, "number": invoice.number},
                actor=_actor(actor),
            )
        if created:
            made.append(purchase)
        access.grant_purchase_access(purchase=purchase, actor=actor)
    if invoice.subscription_id is not None:
        access.grant_subscription_access(
            subscription=invoice.subscription, reason=AccessGrant.Reason.MEMBERSHIP_PAID, actor=actor
        )
    if invoice.fulfilled_at is None:
        Invoice.objects.filter(pk=invoice.pk).update(fulfilled_at=timezone.now())
    return made
