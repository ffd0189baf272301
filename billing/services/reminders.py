"""Reminders of invoices paid by hand, on the business's schedule: days before and after the
due date, each at the business's local morning and once, none once the invoice is paid or
voided, and never for invoices Stripe collects (dunning follows those). Also how to pay by
transfer (the bank details printed wherever there is no card payment)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto import comms
from mecto.localization import format_money, zone

from .. import notifications, periods
from ..errors import BillingError
from ..models import BillingSettings, Invoice, InvoiceReminder, Subscription

__all__ = [
    "REMINDER_HOUR",
    "checked_reminder_offsets",
    "reminder_moment",
    "send_scheduled_reminders",
    "record_manual_reminder",
    "payment_instructions",
    "PaymentInstructions",
    "overdue_invoices",
    "OVERDUE_SORTS",
    "with_reminder_status",
]

logger = logging.getLogger(__name__)

REMINDER_HOUR = 9  # the business's local morning
OFFSET_MIN, OFFSET_MAX, MAX_OFFSETS = -30, 90, 8
COMPOSER = "billing.invoice_reminder"


# --- The schedule ---------------------------------------------------------------------------------------
def checked_reminder_offsets(value, *, field: str = "reminder_offsets") -> list[int]:
    """The schedule as sorted whole days from the due date (-30 to 90, at most 8, no repeats),
    from a list of integers or a text such as "-3, 0, 3, 7, 14"; else a BillingError."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = [p for p in re.split(r"[,;\s]+", value.replace("\u2212", "-").strip()) if p]
        if not all(re.fullmatch(r"[+-]?\d{1,3}", p) for p in parts):
            raise BillingError(
                _("Write whole numbers of days separated by commas, for example -3, 0, 3, 7."), field=field
            )
        offsets = [int(p) for p in parts]
    elif isinstance(value, list | tuple):
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise BillingError(_("Each reminder is a whole number of days."), field=field)
        offsets = list(value)
    else:
        raise BillingError(_("Give the reminder days as a list of whole numbers."), field=field)
    if len(offsets) > MAX_OFFSETS:
        raise BillingError(_("At most %(n)s reminders.") % {"n": MAX_OFFSETS}, field=field)
    if any(not (OFFSET_MIN <= v <= OFFSET_MAX) for v in offsets):
        raise BillingError(
            _("Reminder days run from %(min)s (before the due date) to %(max)s (after it).")
            % {"min": OFFSET_MIN, "max": OFFSET_MAX},
            field=field,
        )
    if len(set(offsets)) != len(offsets):
        raise BillingError(_("Each reminder day once only."), field=field)
    return sorted(offsets)


def _due_date(invoice: Invoice, time_zone: str) -> date:
    return invoice.due_at.astimezone(zone(time_zone)).date()


def reminder_moment(invoice: Invoice, offset: int, time_zone: str) -> datetime:
    """`offset` days from the local due date, at the local morning: the wall-clock hour stays
    the same across a DST change (the UTC hour moves)."""
    day = _due_date(invoice, time_zone) + timedelta(days=offset)
    return datetime.combine(day, time(REMINDER_HOUR), tzinfo=zone(time_zone)).astimezone(UTC)


def _hand_paid(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Invoices nobody collects by card: Stripe's own invoices and card memberships have dunning."""
    return qs.filter(stripe_invoice_id="", payment_failed_at__isnull=True).exclude(
        subscription__collection=Subscription.Collection.STRIPE
    )


def send_scheduled_reminders(now: datetime | None = None) -> int:
    """Beat (hourly): queue each reminder whose moment has come, once. Only the latest passed
    step is sent, so a late beat or a new schedule sends one reminder, not a burst; a step
    before the invoice was issued is skipped. Returns the reminders queued."""
    now = now or timezone.now()
    schedules = {
        row.organization_id: (checked_offsets_or_empty(row.reminder_offsets), row.organization.time_zone)
        for row in BillingSettings.objects.filter(reminders_enabled=True).select_related("organization")
    }
    schedules = {org_id: s for org_id, s in schedules.items() if s[0]}
    if not schedules:
        return 0
    candidates = (
        _hand_paid(Invoice.objects.filter(organization_id__in=schedules, status=Invoice.Status.OPEN))
        .filter(
            client__isnull=False,
            due_at__gt=now - timedelta(days=OFFSET_MAX + 2),
            due_at__lt=now + timedelta(days=-OFFSET_MIN + 2),
        )
        .exclude(client__email="")
        .prefetch_related("scheduled_reminders")
        .order_by("due_at", "id")
    )
    queued = 0
    for invoice in candidates:
        offsets, tz = schedules[invoice.organization_id]
        passed = [o for o in offsets if invoice.issued_at <= reminder_moment(invoice, o, tz) <= now]
        if not passed:
            continue
        step = max(passed)
        sent = [r.offset_days for r in invoice.scheduled_reminders.all() if not r.is_manual]
        if any(s >= step for s in sent):
            continue
        try:
            queued += _queue_reminder(invoice, step, now)
        except Exception:  # one broken invoice must not stop the others
            logger.exception("Reminder %s of invoice %s failed", step, invoice.pk)
    return queued


def checked_offsets_or_empty(value) -> list[int]:
    try:
        return checked_reminder_offsets(value)
    except BillingError:
        return []


def reminder_key(invoice: Invoice, offset: int) -> str:
    return f"invoice-reminder:{invoice.public_id}:{offset}"


@transaction.atomic
def _queue_reminder(invoice: Invoice, offset: int, now: datetime) -> int:
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("client", "organization").get(pk=invoice.pk)
    )
    if invoice.status != Invoice.Status.OPEN or invoice.client is None:
        return 0
    try:
        with transaction.atomic():
            InvoiceReminder.objects.create(
                organization=invoice.organization, invoice=invoice, offset_days=offset, sent_at=now
            )
    except IntegrityError:  # another beat got there first
        return 0
    comms.queue_email(
        organization=invoice.organization,
        to=invoice.client.email,
        topic=notifications.TOPIC,
        key=reminder_key(invoice, offset),
        composer=COMPOSER,
        params={"invoice_id": invoice.pk, "offset": offset},
        client_id=invoice.client_id,
    )
    return 1


def record_manual_reminder(invoice: Invoice, now: datetime | None = None) -> None:
    """A coach's "Send reminder", counted with the scheduled ones on the overdue list."""
    now = now or timezone.now()
    days = (
        periods.local_today(invoice.organization.time_zone, now) - _due_date(invoice, invoice.organization.time_zone)
    ).days
    InvoiceReminder.objects.create(
        organization=invoice.organization, invoice=invoice, offset_days=days, is_manual=True, sent_at=now
    )


@comms.register_composer(COMPOSER)
def compose_invoice_reminder(message) -> comms.Composed | None:
    """Rendered when sent: nothing if the invoice was paid or voided meanwhile."""
    invoice = notifications.invoice_with_details(message.context.get("invoice_id"))
    if invoice is None or invoice.status != Invoice.Status.OPEN or invoice.client is None:
        return None
    offset = int(message.context.get("offset", 0))
    from .settings import billing_settings

    row = billing_settings(invoice.organization)
    context = {
        "client": invoice.client,
        "invoice": invoice,
        "offset": offset,
        "days_before": -offset,
        "due": format_money(invoice.amount_due_minor, invoice.currency),
        "pay_url": notifications._pay_url(invoice),
        "portal_url": notifications._portal_url() if invoice.client.user_id else "",
        "footer": row.invoice_footer,
        "bank": payment_instructions(invoice.organization, reference=invoice.number, row=row),
    }
    template = "billing_overdue_reminder" if offset > 0 else "billing_invoice_due_soon"
    subject, text, html = notifications._render(template, context, invoice.organization)
    return comms.Composed(subject=subject, text=text, html=html)


# --- How to pay by transfer -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentInstructions:
    account_holder: str
    account_number: str
    bank_code: str
    reference: str


def payment_instructions(organization, *, reference: str = "", row: BillingSettings | None = None):
    """The bank details to pay by transfer, or None when the business takes card payments or
    gave none. `reference` is what the client writes on the transfer (the invoice number)."""
    from .settings import billing_settings

    row = row or billing_settings(organization)
    if row.takes_card_payments or not row.has_bank_details:
        return None
    return PaymentInstructions(
        account_holder=row.bank_account_holder or row.legal_name or organization.name,
        account_number=row.bank_account_number,
        bank_code=row.bank_code,
        reference=reference,
    )


# --- The overdue list -----------------------------------------------------------------------------------
OVERDUE_SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "amount": ("total_minor", "id"),
    "-amount": ("-total_minor", "-id"),
    "client": ("bill_to_name", "id"),
}


def overdue_invoices(*, organization, sort: str = "due", now: datetime | None = None) -> QuerySet[Invoice]:
    """Open invoices past their due date with the reminders they got (`reminders_sent`),
    oldest due first unless `sort` says otherwise (see OVERDUE_SORTS)."""
    return (
        Invoice.objects.for_org(organization)
        .overdue(at=now)
        .select_related("client", "subscription__plan")
        .annotate(reminders_sent=Count("scheduled_reminders", distinct=True))
        .order_by(*OVERDUE_SORTS.get(sort, OVERDUE_SORTS["due"]))
    )


def with_reminder_status(invoices, *, organization, now: datetime | None = None) -> list[Invoice]:
    """Each invoice with `days_overdue` and `next_reminder_at` (None: no more scheduled, or
    Stripe collects it), from one read of the settings and the scheduled reminders sent."""
    from .settings import billing_settings

    now = now or timezone.now()
    invoices = list(invoices)
    row = billing_settings(organization)
    tz = organization.time_zone
    offsets = checked_offsets_or_empty(row.reminder_offsets) if row.reminders_enabled else []
    sent: dict[int, list[int]] = {}
    for invoice_id, offset in InvoiceReminder.objects.filter(
        invoice__in=[i.pk for i in invoices], is_manual=False
    ).values_list("invoice_id", "offset_days"):
        sent.setdefault(invoice_id, []).append(offset)
    today = periods.local_today(tz, now)
    hand_paid = set(_hand_paid(Invoice.objects.filter(pk__in=[i.pk for i in invoices])).values_list("pk", flat=True))
    for invoice in invoices:
        invoice.days_overdue = (today - _due_date(invoice, tz)).days if invoice.due_at else 0
        invoice.next_reminder_at = None
        if invoice.pk not in hand_paid or not invoice.due_at:
            continue
        last = max(sent.get(invoice.pk, []), default=None)
        for offset in reversed(offsets):  # the latest step that has come goes at the next beat
            moment = reminder_moment(invoice, offset, tz)
            if invoice.issued_at <= moment <= now:
                if last is None or offset > last:
                    invoice.next_reminder_at = now
                break
        if invoice.next_reminder_at is None:
            for offset in offsets:
                moment = reminder_moment(invoice, offset, tz)
                if moment > now and (last is None or offset > last):
                    invoice.next_reminder_at = moment
                    break
    return invoices
