"""Invoices: lines, issuing and voiding, and selling a plan on an invoice."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from mecto.events import emit, register_event_type

from .. import notifications
from ..errors import BillingError
from ..models import Invoice, InvoiceLine, Plan, Subscription
from ..money import line_amounts, sum_lines
from . import coupons
from ._common import MAX_LINES, MAX_QUANTITY, MAX_UNIT_MINOR, _actor, _take_number
from .settings import billing_settings, checked_tax_rate

__all__ = ["LineInput", "plan_line", "create_invoice", "issue_invoice", "send_invoice", "void_invoice", "sell_plan"]

register_event_type("invoice.issued", gettext_lazy("An invoice was issued to a client"))
register_event_type("invoice.voided", gettext_lazy("An invoice was voided"))


@dataclass
class LineInput:
    description: str
    unit_price_minor: int
    quantity: int = 1
    # None: the business's default rate and its "prices include tax" choice (billing settings).
    tax_rate: Decimal | str | int | None = None
    tax_inclusive: bool | None = None
    plan: Plan | None = None
    # Taken off unit price × quantity before tax (a coupon): see money.line_amounts.
    discount_minor: int = 0


def plan_line(plan: Plan, quantity: int = 1, description: str = "") -> LineInput:
    return LineInput(
        description=description or plan.name,
        unit_price_minor=plan.price_minor,
        quantity=quantity,
        tax_rate=plan.tax_rate,
        tax_inclusive=plan.price_includes_tax,
        plan=plan,
    )


def _with_business_defaults(lines: list[LineInput], organization) -> list[LineInput]:
    """Lines without their own rate or pricing take the business's default from billing settings."""
    if all(line.tax_rate is not None and line.tax_inclusive is not None for line in lines):
        return lines
    row = billing_settings(organization)
    return [
        replace(
            line,
            tax_rate=row.default_tax_rate if line.tax_rate is None else line.tax_rate,
            tax_inclusive=row.prices_include_tax if line.tax_inclusive is None else line.tax_inclusive,
        )
        for line in lines
    ]


def _check_lines(lines: list[LineInput], currency: str) -> None:
    if not lines:
        raise BillingError(_("Add at least one line."), field="lines")
    if len(lines) > MAX_LINES:
        raise BillingError(_("An invoice has at most %(n)s lines.") % {"n": MAX_LINES}, field="lines")
    for line in lines:
        if not (line.description or "").strip():
            raise BillingError(_("Every line needs a description."), field="lines")
        if len(line.description) > 200:
            raise BillingError(_("A line description is at most 200 characters."), field="lines")
        if not isinstance(line.quantity, int) or not (1 <= line.quantity <= MAX_QUANTITY):
            raise BillingError(_("Quantities are whole numbers from 1 to 1000."), field="lines")
        if not isinstance(line.unit_price_minor, int) or not (0 <= line.unit_price_minor <= MAX_UNIT_MINOR):
            raise BillingError(_("Enter a price between zero and 1,000,000."), field="lines")
        checked_tax_rate(line.tax_rate, field="lines")
        discount = line.discount_minor or 0
        if not isinstance(discount, int) or not (0 <= discount <= line.unit_price_minor * line.quantity):
            raise BillingError(_("A discount is at most the line's price."), field="lines")
        if line.plan is not None and line.plan.currency != currency:
            raise BillingError(_("This plan is priced in another currency."), field="lines")


def _write_lines(invoice: Invoice, lines: list[LineInput]) -> None:
    amounts = []
    for position, line in enumerate(lines):
        computed = line_amounts(
            unit_minor=line.unit_price_minor,
            quantity=line.quantity,
            tax_rate=line.tax_rate,
            tax_inclusive=line.tax_inclusive,
            discount_minor=line.discount_minor or 0,
        )
        amounts.append(computed)
        InvoiceLine.objects.create(
            organization=invoice.organization,
            invoice=invoice,
            position=position,
            description=line.description.strip(),
            quantity=line.quantity,
            unit_price_minor=line.unit_price_minor,
            tax_rate=Decimal(str(line.tax_rate)),
            tax_inclusive=line.tax_inclusive,
            discount_minor=line.discount_minor or 0,
            net_minor=computed.net,
            tax_minor=computed.tax,
            total_minor=computed.total,
            plan=line.plan,
        )
    totals = sum_lines(amounts)
    invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor = totals.net, totals.tax, totals.total
    invoice.discount_minor = sum(line.discount_minor or 0 for line in lines)


@transaction.atomic
def create_invoice(
    *,
    client: Client,
    lines: list[LineInput],
    memo: str = "",
    actor=None,
    subscription: Subscription | None = None,
    period: tuple[datetime, datetime] | None = None,
    source_key: str = "",
    issue: bool = False,
    send_email: bool = True,
    due_at: datetime | None = None,
    stripe_invoice_id: str = "",
    coupon_code: str = "",
) -> Invoice:
    """A draft invoice (or an issued one with `issue=True`). `source_key` makes it once:
    calling again with the same key returns the first invoice. `coupon_code` takes the
    coupon's discount off the lines it applies to and records its use (under its lock)."""
    organization = client.organization
    if source_key:
        existing = Invoice.objects.for_org(organization).filter(source_key=source_key).first()
        if existing is not None:
            return existing
    currency = subscription.currency if subscription else organization.currency
    lines = _with_business_defaults(lines, organization)
    _check_lines(lines, currency)
    coupon, undiscounted = None, lines
    if (coupon_code or "").strip():
        coupon = coupons.validate_coupon(
            organization=organization, code=coupon_code, client=client, plans=[line.plan for line in lines], lock=True
        )
        lines = coupons.discount_lines(coupon, lines)
    if len(memo or "") > 500:
        raise BillingError(_("The note is at most 500 characters."), field="memo")
    invoice = Invoice(
        organization=organization,
        client=client,
        bill_to_name=client.full_name[:170],
        bill_to_email=client.email,
        subscription=subscription,
        currency=currency,
        memo=(memo or "").strip(),
        source_key=source_key,
        stripe_invoice_id=stripe_invoice_id,
        created_by=_actor(actor),
    )
    if period:
        invoice.period_start, invoice.period_end = period
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:  # the same source raced us
        if source_key:
            return Invoice.objects.for_org(organization).get(source_key=source_key)
        raise
    _write_lines(invoice, lines)
    invoice.save(update_fields=["subtotal_minor", "tax_minor", "total_minor", "discount_minor"])
    if coupon is not None:
        coupons.redeem_coupon(
            coupon=coupon,
            client=client,
            invoice=invoice,
            amount_off_minor=coupons.gross_discount(undiscounted, lines),
            actor=actor,
        )
    if issue:
        invoice = issue_invoice(invoice=invoice, actor=actor, send_email=send_email, due_at=due_at)
    return invoice


@transaction.atomic
def issue_invoice(*, invoice: Invoice, actor=None, send_email: bool = True, due_at: datetime | None = None) -> Invoice:
    """Give a draft its number and make it payable; the client gets it by email."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("client", "organization").get(pk=invoice.pk)
    )
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError(_("This invoice was already issued."))
    if not invoice.lines.exists():
        raise BillingError(_("Add at least one line."), field="lines")
    # A coupon that takes off the whole price makes a free invoice: issued and settled at once
    # (numbered, in the books at zero, and what it bought is given), so a free code still works.
    free = invoice.total_minor == 0 and invoice.discount_minor > 0
    if invoice.total_minor <= 0 and not free:
        raise BillingError(_("There is nothing to bill: the total is zero."), field="lines")
    if invoice.client is None:
        raise BillingError(_("The client of this draft was deleted; void it."))
    now = timezone.now()
    invoice.bill_to_name, invoice.bill_to_email = invoice.client.full_name[:170], invoice.client.email
    invoice.sequence, invoice.number = _take_number(invoice.organization, "invoice")
    invoice.status = Invoice.Status.OPEN
    invoice.issued_at = now
    terms = billing_settings(invoice.organization).payment_terms_days
    invoice.due_at = due_at or now + timedelta(days=terms)
    invoice.save()
    emit(
        invoice.organization,
        "invoice.issued",
        {
            "invoice_id": str(invoice.public_id),
            "number": invoice.number,
            "total_minor": invoice.total_minor,
            "currency": invoice.currency,
        },
        actor=_actor(actor),
        client=invoice.client,
    )
    if free:
        _settle_free_invoice(invoice, actor=actor)
    if send_email:
        notifications.queue_invoice_email(invoice)
    return invoice


def _settle_free_invoice(invoice: Invoice, *, actor=None) -> None:
    """Paid in full by its discount: no payment row, the invoice is paid and fulfilled."""
    from .payments import fulfil_invoice

    invoice.status = Invoice.Status.PAID
    invoice.paid_at = invoice.issued_at
    invoice.save(update_fields=["status", "paid_at", "updated_at"])
    emit(
        invoice.organization,
        "invoice.paid",
        {"invoice_id": str(invoice.public_id), "number": invoice.number, "total_minor": 0},
        actor=_actor(actor),
        client=invoice.client,
    )
    fulfil_invoice(invoice=invoice, actor=actor)


@transaction.atomic
def send_invoice(*, invoice: Invoice, actor=None) -> None:
    """Email an issued invoice (or the receipt of a paid one) to the client again."""
    if invoice.status not in (Invoice.Status.OPEN, Invoice.Status.PAID) or not invoice.bill_to_email:
        raise BillingError(_("Only an issued invoice of a client with an email can be sent."))
    notifications.queue_invoice_email(invoice, again=True)


@transaction.atomic
def void_invoice(*, invoice: Invoice, actor=None) -> Invoice:
    """Cancel an unpaid invoice. It keeps its number (numbers are never reused)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        return invoice
    if invoice.status == Invoice.Status.PAID or invoice.amount_paid_minor:
        raise BillingError(_("Money was received on this invoice; refund the payment instead."))
    if invoice.stripe_invoice_id:
        from .. import stripe_services

        stripe_services.void_stripe_invoice(invoice=invoice)
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = timezone.now()
    invoice.save(update_fields=["status", "voided_at", "updated_at"])
    coupons.release_invoice_redemptions(invoice)
    emit(
        invoice.organization,
        "invoice.voided",
        {"invoice_id": str(invoice.public_id), "number": invoice.number},
        actor=_actor(actor),
        client=invoice.client,
    )
    return invoice


@transaction.atomic
def sell_plan(
    *,
    client: Client,
    plan: Plan,
    actor=None,
    quantity: int = 1,
    send_email: bool = True,
    issue: bool = True,
    coupon_code: str = "",
) -> Invoice:
    """Invoice a client for a package or service (paid by hand or through a payment link);
    `issue=False` keeps a draft to check before it is issued and emailed."""
    if plan.organization_id != client.organization_id:
        raise BillingError(_("Choose one of your plans."), field="plan")
    if plan.is_recurring:
        raise BillingError(_("Start a membership for recurring plans."), field="plan")
    if not plan.is_active:
        raise BillingError(_("This plan is no longer sold."), field="plan")
    if not isinstance(quantity, int) or not (1 <= quantity <= 100):
        raise BillingError(_("Quantities are whole numbers from 1 to 100."), field="quantity")
    return create_invoice(
        client=client,
        lines=[plan_line(plan, quantity)],
        actor=actor,
        issue=issue,
        send_email=send_email,
        coupon_code=coupon_code,
    )
