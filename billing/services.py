"""Every write about billing: plans, invoices, payments, refunds, memberships, links.

Stripe-facing flows (connect, checkout, sync) live in `stripe_services.py` and the
webhook in `webhooks.py`; both record what happened through the functions here, so a
manual payment and a card payment take the same path through the books.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from mecto.events import emit, register_event_type

from . import periods
from .errors import BillingError
from .models import (
    BillingSettings,
    CreditNote,
    Invoice,
    InvoiceLine,
    Notice,
    Payment,
    PaymentLink,
    Plan,
    Purchase,
    Subscription,
)
from .money import line_amounts, sum_lines, tax_share

logger = logging.getLogger(__name__)

register_event_type("payment.succeeded", _("A payment was received (card or recorded by hand)"))
register_event_type("payment.failed", _("A card payment failed"))
register_event_type("payment.refunded", _("A payment was refunded (a credit note was issued)"))
register_event_type("invoice.issued", _("An invoice was issued to a client"))
register_event_type("invoice.paid", _("An invoice was paid in full"))
register_event_type("invoice.voided", _("An invoice was voided"))
register_event_type("subscription.started", _("A client's membership started"))
register_event_type("subscription.cancelled", _("A client's membership ended"))
register_event_type("subscription.past_due", _("A membership became past due after payment reminders"))

MAX_UNIT_MINOR = 100_000_000
MAX_QUANTITY = 1000
MAX_LINES = 50


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _on_commit_task(task, *args) -> None:
    def enqueue():
        try:
            task.delay(*args)
        except Exception:  # the broker is down: the message is lost, the books are not
            logger.exception("Could not enqueue %s%s", task.name, args)

    transaction.on_commit(enqueue)


# --- Settings ----------------------------------------------------------------------------------------
def billing_settings(organization) -> BillingSettings:
    """The business's billing settings, created with defaults on first use."""
    row = BillingSettings.objects.filter(organization=organization).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return BillingSettings.objects.create(organization=organization)
    except IntegrityError:  # created concurrently
        return BillingSettings.objects.get(organization=organization)


SETTINGS_FIELDS = {"invoice_prefix", "credit_note_prefix", "payment_terms_days", "invoice_footer"}


@transaction.atomic
def update_billing_settings(*, organization, actor=None, **fields) -> BillingSettings:
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise BillingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    row = BillingSettings.objects.select_for_update().get(pk=billing_settings(organization).pk)
    for key in ("invoice_prefix", "credit_note_prefix"):
        if key in fields:
            value = (fields[key] or "").strip().upper()
            if not value or not value.replace("-", "").isalnum():
                raise BillingError(_("Use letters and digits only, for example INV."), field=key)
            fields[key] = value
    for key, value in fields.items():
        setattr(row, key, value)
    row.full_clean(exclude=["organization"])
    row.save()
    return row


# --- Plans --------------------------------------------------------------------------------------------
PLAN_FIELDS = {
    "name",
    "description",
    "kind",
    "price_minor",
    "tax_rate",
    "price_includes_tax",
    "sessions",
    "validity_days",
    "interval",
    "trial_days",
    "minimum_term_periods",
    "sold_online",
    "is_active",
}


def _check_plan(plan: Plan) -> None:
    plan.name = (plan.name or "").strip()
    if not plan.name:
        raise BillingError(_("Give the plan a name."), field="name")
    if plan.kind not in Plan.Kind.values:
        raise BillingError(_("Choose a package, a fixed service or a membership."), field="kind")
    if plan.price_minor is None or plan.price_minor <= 0:
        raise BillingError(_("Set a price above zero."), field="price_minor")
    if plan.price_minor > MAX_UNIT_MINOR:
        raise BillingError(_("That price is too high."), field="price_minor")
    if plan.tax_rate is None or not (Decimal(0) <= Decimal(plan.tax_rate) <= Decimal(100)):
        raise BillingError(_("The tax rate is a percentage between 0 and 100."), field="tax_rate")
    if plan.kind == Plan.Kind.MEMBERSHIP:
        if plan.interval not in Plan.Interval.values:
            raise BillingError(_("Choose weekly, monthly or yearly."), field="interval")
        plan.validity_days = None
    else:
        plan.interval = ""
        plan.trial_days = 0
        plan.minimum_term_periods = 0
        if plan.kind == Plan.Kind.PACKAGE and not plan.sessions:
            raise BillingError(_("A package includes at least one session."), field="sessions")
        if plan.kind == Plan.Kind.SERVICE:
            plan.sessions = 0
    if plan.trial_days and plan.trial_days > 365:
        raise BillingError(_("A trial lasts at most 365 days."), field="trial_days")
    if plan.minimum_term_periods and plan.minimum_term_periods > 60:
        raise BillingError(_("A minimum term is at most 60 periods."), field="minimum_term_periods")
    if plan.validity_days is not None and not (1 <= plan.validity_days <= 3660):
        raise BillingError(_("Validity is between 1 and 3660 days."), field="validity_days")


def _sync_plan_later(plan: Plan) -> None:
    from . import tasks

    if billing_settings(plan.organization).stripe_account_id:
        _on_commit_task(tasks.sync_plan, plan.pk)


@transaction.atomic
def create_plan(*, organization, actor=None, **fields) -> Plan:
    """Add a package, service or membership, priced in the business's currency."""
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise BillingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    plan = Plan(organization=organization, currency=organization.currency, **fields)
    _check_plan(plan)
    plan.full_clean(exclude=["organization"])
    plan.save()
    _sync_plan_later(plan)
    return plan


@transaction.atomic
def update_plan(*, plan: Plan, actor=None, **fields) -> Plan:
    """Change a plan. Running memberships keep the price they signed up for."""
    unknown = set(fields) - PLAN_FIELDS
    if unknown:
        raise BillingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if "kind" in fields and fields["kind"] != plan.kind and (plan.subscriptions.exists() or plan.purchases.exists()):
        raise BillingError(_("Clients already bought this plan; create a new plan instead."), field="kind")
    for key, value in fields.items():
        setattr(plan, key, value)
    _check_plan(plan)
    plan.full_clean(exclude=["organization"])
    plan.save()
    _sync_plan_later(plan)
    return plan


@transaction.atomic
def archive_plan(*, plan: Plan, actor=None) -> Plan:
    """Stop selling a plan; what clients bought and running memberships stay."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.is_active = False
    plan.save(update_fields=["is_active", "updated_at"])
    _sync_plan_later(plan)
    return plan


# --- Invoices -------------------------------------------------------------------------------------------
@dataclass
class LineInput:
    description: str
    unit_price_minor: int
    quantity: int = 1
    tax_rate: Decimal | str | int = 0
    tax_inclusive: bool = True
    plan: Plan | None = None


def plan_line(plan: Plan, quantity: int = 1, description: str = "") -> LineInput:
    return LineInput(
        description=description or plan.name,
        unit_price_minor=plan.price_minor,
        quantity=quantity,
        tax_rate=plan.tax_rate,
        tax_inclusive=plan.price_includes_tax,
        plan=plan,
    )


def _take_number(organization, kind: str = "invoice") -> tuple[int, str]:
    """Next number in the business's sequence. Locks the settings row until commit, so two
    invoices never share a number and a rolled-back invoice gives its number back."""
    row = BillingSettings.objects.select_for_update().get(pk=billing_settings(organization).pk)
    if kind == "invoice":
        sequence, prefix = row.next_invoice_number, row.invoice_prefix
        row.next_invoice_number = F("next_invoice_number") + 1
        row.save(update_fields=["next_invoice_number"])
    else:
        sequence, prefix = row.next_credit_note_number, row.credit_note_prefix
        row.next_credit_note_number = F("next_credit_note_number") + 1
        row.save(update_fields=["next_credit_note_number"])
    return sequence, f"{prefix}-{sequence:05d}"


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
        rate = Decimal(str(line.tax_rate))
        if not (Decimal(0) <= rate <= Decimal(100)) or rate != rate.quantize(Decimal("0.01")):
            raise BillingError(_("The tax rate is a percentage between 0 and 100."), field="lines")
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
            net_minor=computed.net,
            tax_minor=computed.tax,
            total_minor=computed.total,
            plan=line.plan,
        )
    totals = sum_lines(amounts)
    invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor = totals.net, totals.tax, totals.total


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
) -> Invoice:
    """A draft invoice (or an issued one with `issue=True`). `source_key` makes it once:
    calling again with the same key returns the first invoice."""
    organization = client.organization
    if source_key:
        existing = Invoice.objects.for_org(organization).filter(source_key=source_key).first()
        if existing is not None:
            return existing
    currency = subscription.currency if subscription else organization.currency
    _check_lines(lines, currency)
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
    invoice.save(update_fields=["subtotal_minor", "tax_minor", "total_minor"])
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
    if invoice.total_minor <= 0:
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
    if send_email:
        from . import tasks

        _on_commit_task(tasks.send_invoice_email, invoice.pk)
    return invoice


@transaction.atomic
def void_invoice(*, invoice: Invoice, actor=None) -> Invoice:
    """Cancel an unpaid invoice. It keeps its number (numbers are never reused)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == Invoice.Status.VOID:
        return invoice
    if invoice.status == Invoice.Status.PAID or invoice.amount_paid_minor:
        raise BillingError(_("Money was received on this invoice; refund the payment instead."))
    if invoice.stripe_invoice_id:
        from . import stripe_services

        stripe_services.void_stripe_invoice(invoice=invoice)
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = timezone.now()
    invoice.save(update_fields=["status", "voided_at", "updated_at"])
    emit(
        invoice.organization,
        "invoice.voided",
        {"invoice_id": str(invoice.public_id), "number": invoice.number},
        actor=_actor(actor),
        client=invoice.client,
    )
    return invoice


@transaction.atomic
def sell_plan(*, client: Client, plan: Plan, actor=None, quantity: int = 1, send_email: bool = True) -> Invoice:
    """Invoice a client for a package or service (paid by hand or through a payment link)."""
    if plan.organization_id != client.organization_id:
        raise BillingError(_("Choose one of your plans."), field="plan")
    if plan.is_recurring:
        raise BillingError(_("Start a membership for recurring plans."), field="plan")
    if not plan.is_active:
        raise BillingError(_("This plan is no longer sold."), field="plan")
    return create_invoice(
        client=client, lines=[plan_line(plan, quantity)], actor=actor, issue=True, send_email=send_email
    )


# --- Payments ---------------------------------------------------------------------------------------------
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
            from . import tasks

            _on_commit_task(tasks.send_invoice_email, invoice.pk)
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
    if invoice.fulfilled_at is None:
        Invoice.objects.filter(pk=invoice.pk).update(fulfilled_at=timezone.now())
    return made


# --- Refunds and credit notes -------------------------------------------------------------------------------
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
    from . import tasks

    _on_commit_task(tasks.send_credit_note_email, note.pk)
    return note


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
        from . import stripe_services

        refund_id = stripe_services.refund_online(payment=payment, amount_minor=amount_minor, reason=reason)
        return issue_credit_note(
            payment=payment, amount_minor=amount_minor, reason=reason, actor=actor, stripe_refund_id=refund_id
        )
    return issue_credit_note(payment=payment, amount_minor=amount_minor, reason=reason, actor=actor)


# --- Memberships -------------------------------------------------------------------------------------------------
def grant_period_credits(subscription: Subscription, start: datetime, end: datetime, actor=None) -> None:
    if not subscription.sessions_per_period:
        return
    from booking import services as booking_services

    booking_services.grant_credits(
        client=subscription.client,
        quantity=subscription.sessions_per_period,
        source_ref=period_credit_source(subscription, start),
        expires_at=end,
        reason=_("%(plan)s, period from %(start)s") % {"plan": subscription.plan.name, "start": f"{start:%Y-%m-%d}"},
        actor=_actor(actor),
    )


def _period_line(subscription: Subscription, start: datetime, end: datetime) -> LineInput:
    tz = subscription.organization.time_zone
    first = start.astimezone(periods.zone(tz)).date()
    last = (end.astimezone(periods.zone(tz)) - timedelta(seconds=1)).date()
    return LineInput(
        description=f"{subscription.plan.name} ({first:%d %b %Y} – {last:%d %b %Y})",
        unit_price_minor=subscription.price_minor,
        tax_rate=subscription.tax_rate,
        tax_inclusive=subscription.price_includes_tax,
        plan=subscription.plan,
    )


def _invoice_period(subscription: Subscription, index: int, start: datetime, end: datetime, actor=None) -> Invoice:
    """The renewal invoice of one period of a membership paid by hand, once per period."""
    return create_invoice(
        client=subscription.client,
        lines=[_period_line(subscription, start, end)],
        subscription=subscription,
        period=(start, end),
        source_key=f"renewal:{subscription.public_id}:{index}",
        issue=True,
        due_at=max(start, timezone.now())
        + timedelta(days=billing_settings(subscription.organization).payment_terms_days),
        actor=actor,
    )


def new_subscription(
    *, client: Client, plan: Plan, collection: str, started_at: datetime, actor=None, stripe_subscription_id: str = ""
) -> Subscription:
    """A membership row with its first period laid out (trial first, when the plan has one)."""
    tz = client.organization.time_zone
    trial_ends_at = periods.add_local_days(started_at, plan.trial_days, tz) if plan.trial_days else None
    anchor = trial_ends_at or started_at
    first_start, first_end = periods.period_bounds(anchor=anchor, interval=plan.interval, index=0, time_zone=tz)
    minimum = (
        periods.period_bounds(anchor=anchor, interval=plan.interval, index=plan.minimum_term_periods, time_zone=tz)[0]
        if plan.minimum_term_periods
        else None
    )
    subscription = Subscription(
        organization=client.organization,
        client=client,
        plan=plan,
        collection=collection,
        status=Subscription.Status.TRIALING if trial_ends_at else Subscription.Status.ACTIVE,
        price_minor=plan.price_minor,
        currency=plan.currency,
        tax_rate=plan.tax_rate,
        price_includes_tax=plan.price_includes_tax,
        interval=plan.interval,
        sessions_per_period=plan.sessions,
        started_at=started_at,
        trial_ends_at=trial_ends_at,
        anchor_at=anchor,
        period_index=-1 if trial_ends_at else 0,
        current_period_start=started_at if trial_ends_at else first_start,
        current_period_end=trial_ends_at or first_end,
        minimum_term_ends_at=minimum,
        stripe_subscription_id=stripe_subscription_id,
        created_by=_actor(actor),
    )
    subscription.save()
    emit(
        client.organization,
        "subscription.started",
        {
            "subscription_id": str(subscription.public_id),
            "plan": plan.name,
            "collection": collection,
            "trial": bool(trial_ends_at),
        },
        actor=_actor(actor),
        client=client,
    )
    return subscription


@transaction.atomic
def start_membership(*, client: Client, plan: Plan, actor=None, start_date=None) -> Subscription:
    """Start a membership paid by hand: the first period is invoiced (after any trial) and its
    sessions granted at once; beat renews it at each period start."""
    if plan.organization_id != client.organization_id:
        raise BillingError(_("Choose one of your plans."), field="plan")
    if not plan.is_recurring:
        raise BillingError(_("Choose a membership plan."), field="plan")
    if not plan.is_active:
        raise BillingError(_("This plan is no longer sold."), field="plan")
    tz = client.organization.time_zone
    today = periods.local_today(tz)
    start_date = start_date or today
    if start_date > today:
        raise BillingError(_("A membership starts today or on a past day."), field="start_date")
    if (today - start_date).days > 31:
        raise BillingError(_("A membership can be backdated by at most 31 days."), field="start_date")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if (
        Subscription.objects.for_org(client.organization)
        .filter(client=client, plan=plan, status__in=Subscription.LIVE_STATUSES)
        .exists()
    ):
        raise BillingError(_("%(name)s already has this membership.") % {"name": client.full_name}, field="plan")
    started_at = periods.local_midnight(start_date, tz)
    subscription = new_subscription(
        client=client, plan=plan, collection=Subscription.Collection.MANUAL, started_at=started_at, actor=actor
    )
    grant_period_credits(subscription, subscription.current_period_start, subscription.current_period_end, actor)
    if subscription.status == Subscription.Status.ACTIVE:
        _invoice_period(subscription, 0, subscription.current_period_start, subscription.current_period_end, actor)
    # A backdated start may already have crossed a period boundary.
    renew_membership(subscription=subscription)
    return subscription


@transaction.atomic
def renew_membership(*, subscription: Subscription, now: datetime | None = None) -> int:
    """Advance a membership paid by hand to the period containing `now`: each new period is
    invoiced and its sessions granted, exactly once. Returns the periods started."""
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "client", "organization")
        .get(pk=subscription.pk)
    )
    if subscription.collection != Subscription.Collection.MANUAL or not subscription.is_live:
        return 0
    tz = subscription.organization.time_zone
    started = 0
    while subscription.current_period_end <= now:
        if subscription.cancel_at and subscription.cancel_at <= subscription.current_period_end:
            end_subscription(subscription, at=subscription.cancel_at)
            return started
        index = subscription.period_index + 1
        start, end = periods.period_bounds(
            anchor=subscription.anchor_at, interval=subscription.interval, index=index, time_zone=tz
        )
        subscription.period_index = index
        subscription.current_period_start, subscription.current_period_end = start, end
        if subscription.status == Subscription.Status.TRIALING:
            subscription.status = Subscription.Status.ACTIVE
        subscription.save()
        _invoice_period(subscription, index, start, end)
        grant_period_credits(subscription, start, end)
        started += 1
        if started > 120:  # ten years of monthly periods: something is wrong with the data
            logger.error("Membership %s renewed more than 120 periods at once", subscription.pk)
            break
    return started


def renew_due_memberships(now: datetime | None = None) -> int:
    """Beat: start the new period of every membership paid by hand whose period ended."""
    now = now or timezone.now()
    due = Subscription.objects.filter(
        collection=Subscription.Collection.MANUAL,
        status__in=Subscription.LIVE_STATUSES,
        current_period_end__lte=now,
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        try:
            count += renew_membership(subscription=Subscription(pk=pk), now=now)
        except Exception:  # one broken membership must not stop the others
            logger.exception("Renewing membership %s failed", pk)
    return count


def end_subscription(subscription: Subscription, *, at: datetime, actor=None) -> None:
    if subscription.status == Subscription.Status.CANCELLED:
        return
    subscription.status = Subscription.Status.CANCELLED
    subscription.cancelled_at = at
    subscription.save()
    emit(
        subscription.organization,
        "subscription.cancelled",
        {"subscription_id": str(subscription.public_id), "plan": subscription.plan.name},
        actor=_actor(actor),
        client=subscription.client,
    )


def earliest_cancel_at(subscription: Subscription) -> datetime:
    """When a membership may end by the rules: the end of the current period, and never
    before the minimum term."""
    candidates = [subscription.current_period_end]
    if subscription.minimum_term_ends_at:
        candidates.append(subscription.minimum_term_ends_at)
    return max(candidates)


def cancel_membership(*, subscription: Subscription, actor=None, immediately: bool = False) -> Subscription:
    """End a membership at the end of its period (never inside the minimum term), or at once
    when a coach decides so. Stripe is told first for card memberships."""
    subscription = Subscription.objects.select_related("plan", "organization", "client").get(pk=subscription.pk)
    if subscription.status == Subscription.Status.CANCELLED:
        raise BillingError(_("This membership has already ended."))
    now = timezone.now()
    at = now if immediately else earliest_cancel_at(subscription)
    if subscription.collection == Subscription.Collection.STRIPE and subscription.stripe_subscription_id:
        from . import stripe_services

        stripe_services.cancel_stripe_subscription(subscription=subscription, at=None if immediately else at)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("plan", "client")
            .get(pk=subscription.pk)
        )
        if immediately:
            end_subscription(subscription, at=now, actor=actor)
        else:
            subscription.cancel_at = at
            subscription.save(update_fields=["cancel_at", "updated_at"])
    return subscription


def resume_membership(*, subscription: Subscription, actor=None) -> Subscription:
    """Undo a scheduled cancellation before it takes effect."""
    subscription = Subscription.objects.select_related("organization").get(pk=subscription.pk)
    if not subscription.is_live or subscription.cancel_at is None:
        raise BillingError(_("This membership is not scheduled to end."))
    if subscription.collection == Subscription.Collection.STRIPE and subscription.stripe_subscription_id:
        from . import stripe_services

        stripe_services.resume_stripe_subscription(subscription=subscription)
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(cancel_at=None, updated_at=timezone.now())
    subscription.refresh_from_db()
    return subscription


# --- Dunning and reminders (beat) ------------------------------------------------------------------------
DUNNING_DAYS = (1, 3, 7)


def _notice_once(*, organization, key: str, **fields) -> Notice | None:
    """Record a scheduled step; None when it was already taken (the step happens once)."""
    try:
        with transaction.atomic():
            return Notice.objects.create(organization=organization, key=key, **fields)
    except IntegrityError:
        return None


def run_dunning(now: datetime | None = None) -> int:
    """Beat: for each card payment that failed, remind the client on days 1, 3 and 7 (in the
    business's local time), then mark the membership past due and tell the coach. Once each."""
    from . import tasks

    now = now or timezone.now()
    steps = 0
    failing = (
        Invoice.objects.filter(status=Invoice.Status.OPEN, payment_failed_at__isnull=False)
        .exclude(notices__kind=Notice.Kind.PAST_DUE)
        .select_related("organization", "client", "subscription")
        .order_by("payment_failed_at")
    )
    for invoice in failing:
        tz = invoice.organization.time_zone
        for day in DUNNING_DAYS:
            if now < periods.add_local_days(invoice.payment_failed_at, day, tz):
                break
            with transaction.atomic():
                notice = _notice_once(
                    organization=invoice.organization,
                    key=f"dunning:{invoice.public_id}:{day}",
                    kind=Notice.Kind.DUNNING_REMINDER,
                    client=invoice.client,
                    invoice=invoice,
                    subscription=invoice.subscription,
                    step=day,
                )
                if notice is not None:
                    steps += 1
                    _on_commit_task(tasks.send_notice, notice.pk)
                    if day == DUNNING_DAYS[-1]:
                        steps += _mark_past_due(invoice, now)
    return steps


def _mark_past_due(invoice: Invoice, now: datetime) -> int:
    from . import tasks

    subscription = invoice.subscription
    notice = _notice_once(
        organization=invoice.organization,
        key=f"past_due:{invoice.public_id}",
        kind=Notice.Kind.PAST_DUE,
        client=invoice.client,
        invoice=invoice,
        subscription=subscription,
        step=DUNNING_DAYS[-1],
    )
    if notice is None:
        return 0
    if subscription is not None:
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status in (Subscription.Status.ACTIVE, Subscription.Status.TRIALING):
            subscription.status = Subscription.Status.PAST_DUE
            subscription.past_due_since = now
            subscription.save(update_fields=["status", "past_due_since", "updated_at"])
            emit(
                invoice.organization,
                "subscription.past_due",
                {"subscription_id": str(subscription.public_id), "invoice_id": str(invoice.public_id)},
                client=invoice.client,
            )
    _on_commit_task(tasks.send_notice, notice.pk)
    return 1


EXPIRY_NOTICE_DAYS = 7


def remind_expiring_packages(now: datetime | None = None) -> int:
    """Beat: tell clients, once, that a package with unused sessions expires within a week."""
    from booking.selectors import grants_with_remaining

    from . import tasks

    now = now or timezone.now()
    sent = 0
    purchases = (
        Purchase.objects.filter(
            sessions__gt=0, expires_at__gt=now, expires_at__lte=now + timedelta(days=EXPIRY_NOTICE_DAYS)
        )
        .exclude(credit_source_ref="")
        .select_related("client", "organization", "plan")
    )
    for purchase in purchases:
        if Notice.objects.filter(organization=purchase.organization, key=f"expiring:{purchase.public_id}").exists():
            continue
        remaining = sum(
            max(g.remaining, 0)
            for g in grants_with_remaining(client=purchase.client, at=now).filter(source_ref=purchase.credit_source_ref)
        )
        if remaining <= 0:
            continue
        with transaction.atomic():
            notice = _notice_once(
                organization=purchase.organization,
                key=f"expiring:{purchase.public_id}",
                kind=Notice.Kind.PACKAGE_EXPIRING,
                client=purchase.client,
                purchase=purchase,
                step=remaining,
            )
            if notice is not None:
                sent += 1
                _on_commit_task(tasks.send_notice, notice.pk)
    return sent


# --- Payment links --------------------------------------------------------------------------------------
def payment_link_url(token: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse("billing:pay", args=[token])


@transaction.atomic
def create_payment_link(
    *,
    client: Client,
    plan: Plan | None = None,
    invoice: Invoice | None = None,
    message: str = "",
    actor=None,
    send: bool = True,
) -> tuple[PaymentLink, str]:
    """A link for a client to pay an open invoice, or buy a plan by card, without logging in.
    Returns the link and its URL (shown once; only a hash of the token is stored)."""
    organization = client.organization
    if (plan is None) == (invoice is None):
        raise BillingError(_("Choose either a plan or an invoice."), field="plan")
    if plan is not None:
        if plan.organization_id != organization.id:
            raise BillingError(_("Choose one of your plans."), field="plan")
        if not plan.is_active:
            raise BillingError(_("This plan is no longer sold."), field="plan")
        if not billing_settings(organization).takes_card_payments:
            raise BillingError(
                _("Connect Stripe to sell plans by link; or invoice the plan and send a link to the invoice."),
                field="plan",
            )
    if invoice is not None:
        if invoice.organization_id != organization.id or invoice.client_id != client.id:
            raise BillingError(_("Choose an invoice of this client."), field="invoice")
        if invoice.status != Invoice.Status.OPEN:
            raise BillingError(_("Only an open invoice can be paid."), field="invoice")
    if not client.email and send:
        raise BillingError(_("Add an email address to the client first."), field="client")
    if len(message or "") > 500:
        raise BillingError(_("The message is at most 500 characters."), field="message")
    token, token_hash = PaymentLink.new_token()
    link = PaymentLink.objects.create(
        organization=organization,
        client=client,
        plan=plan,
        invoice=invoice,
        token_hash=token_hash,
        message=(message or "").strip(),
        created_by=_actor(actor),
        expires_at=timezone.now() + PaymentLink.TTL,
    )
    url = payment_link_url(token)
    if send:
        from . import tasks

        _on_commit_task(tasks.send_payment_link_email, link.pk, url)
    return link, url


@transaction.atomic
def revoke_payment_link(*, link: PaymentLink, actor=None) -> PaymentLink:
    link = PaymentLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def mark_link_opened(link: PaymentLink) -> None:
    if link.opened_at is None:
        PaymentLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())
