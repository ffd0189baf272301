"""Billing emails: invoices and receipts (PDF attached), credit notes, payment links,
payment reminders, past-due notices to coaches and expiring-package reminders.

Each is a row of the platform's sending mechanism, queued by the service that made the
change with a key that makes it happen once. Emails with a PDF or a fresh payment link
are rendered by a composer in the worker when they are sent; the others when queued.
Dates read in the business's time zone.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from mecto import comms
from mecto.localization import format_money, zone
from mecto.roles import role_can

from . import pdf
from .models import CreditNote, Invoice, PaymentLink, Purchase

TOPIC = "billing"
comms.register_topic(TOPIC, _("Invoices, receipts and payments"))


def _render(template: str, context: dict, organization) -> tuple[str, str, str]:
    with timezone.override(zone(organization.time_zone)):
        return comms.render_email(template, context, organization)


def _portal_url() -> str:
    return settings.SITE_URL + reverse("billing:portal")


def invoice_with_details(invoice_id: int) -> Invoice | None:
    return (
        Invoice.objects.select_related("client", "organization", "subscription")
        .prefetch_related("lines", "payments", "credit_notes")
        .filter(pk=invoice_id)
        .first()
    )


def _pay_url(invoice: Invoice) -> str:
    """A fresh payment link for an open invoice when the business takes card payments."""
    from .services import billing_settings, create_payment_link

    if invoice.status != Invoice.Status.OPEN or not billing_settings(invoice.organization).takes_card_payments:
        return ""
    with transaction.atomic():
        _link, url = create_payment_link(client=invoice.client, invoice=invoice, send=False)
    return url


# --- Invoices and receipts ---------------------------------------------------------------------------
def queue_invoice_email(invoice: Invoice, *, again: bool = False) -> None:
    """The invoice (open) or the receipt (paid), once each; `again` for a coach's resend."""
    if invoice.client is None or not invoice.client.email:
        return
    kind = "receipt" if invoice.status == Invoice.Status.PAID else "invoice"
    key = f"invoice:{invoice.pk}:{kind}" + (f":again:{uuid.uuid4().hex}" if again else "")
    comms.queue_email(
        organization=invoice.organization,
        to=invoice.client.email,
        topic=TOPIC,
        key=key,
        composer="billing.invoice",
        params={"invoice_id": invoice.pk, "kind": kind},
        client_id=invoice.client_id,
    )


@comms.register_composer("billing.invoice")
def compose_invoice(message) -> comms.Composed | None:
    """Rendered when sent: the PDF and the pay link are as of that moment; a receipt only
    for a paid invoice, an invoice only while it is open."""
    from .services import billing_settings

    invoice = invoice_with_details(message.context.get("invoice_id"))
    if invoice is None or invoice.client is None or not invoice.client.email:
        return None
    paid = invoice.status == Invoice.Status.PAID
    wanted = message.context.get("kind")
    if (wanted == "receipt" and not paid) or (wanted == "invoice" and invoice.status != Invoice.Status.OPEN):
        return None
    context = {
        "invoice": invoice,
        "client": invoice.client,
        "total": format_money(invoice.total_minor, invoice.currency),
        "due": format_money(invoice.amount_due_minor, invoice.currency),
        "pay_url": _pay_url(invoice),
        "portal_url": _portal_url() if invoice.client.user_id else "",
        "footer": billing_settings(invoice.organization).invoice_footer,
        "bank": _bank(invoice) if not paid else None,
    }
    subject, text, html = _render("billing_receipt" if paid else "billing_invoice", context, invoice.organization)
    stamp = "receipt_sent_at" if paid else "emailed_at"
    Invoice.objects.filter(pk=invoice.pk).update(**{stamp: timezone.now()})
    return comms.Composed(
        subject=subject,
        text=text,
        html=html,
        to=invoice.client.email,
        attachments=[(f"{invoice.number}.pdf", pdf.invoice_pdf(invoice), "application/pdf")],
    )


def queue_credit_note_email(note: CreditNote, *, again: bool = False) -> None:
    """The credit note, once; `again` for a resend from the back office."""
    if note.client is None or not note.client.email:
        return
    comms.queue_email(
        organization=note.organization,
        to=note.client.email,
        topic=TOPIC,
        key=f"credit-note:{note.pk}" + (f":again:{uuid.uuid4().hex}" if again else ""),
        composer="billing.credit_note",
        params={"credit_note_id": note.pk},
        client_id=note.client_id,
    )


@comms.register_composer("billing.credit_note")
def compose_credit_note(message) -> comms.Composed | None:
    note = (
        CreditNote.objects.select_related("client", "organization", "invoice")
        .filter(pk=message.context.get("credit_note_id"))
        .first()
    )
    if note is None or note.client is None or not note.client.email:
        return None
    subject, text, html = _render(
        "billing_credit_note",
        {"note": note, "client": note.client, "amount": format_money(note.amount_minor, note.currency)},
        note.organization,
    )
    return comms.Composed(
        subject=subject,
        text=text,
        html=html,
        to=note.client.email,
        attachments=[(f"{note.number}.pdf", pdf.credit_note_pdf(note), "application/pdf")],
    )


# --- Payment links -------------------------------------------------------------------------------------
def queue_payment_link_email(link: PaymentLink, url: str) -> None:
    """Rendered now: the link's token exists only at creation (its hash is stored)."""
    if not link.client.email:
        return
    if link.invoice_id:
        what, amount = link.invoice.number, format_money(link.invoice.amount_due_minor, link.invoice.currency)
    else:
        what, amount = link.plan.name, link.plan.price_display
    comms.queue_email(
        organization=link.organization,
        to=link.client.email,
        topic=TOPIC,
        key=f"payment-link:{link.pk}",
        template="billing_payment_link",
        context={"link": link, "client": link.client, "url": url, "what": what, "amount": amount},
        reply_to=link.created_by.email if link.created_by and link.created_by.email else "",
        client_id=link.client_id,
    )


# --- Dunning, past due, expiring packages --------------------------------------------------------------
def dunning_key(invoice: Invoice, day: int) -> str:
    return f"dunning:{invoice.public_id}:{day}"


def queue_dunning_reminder(invoice: Invoice, day: int):
    """One payment reminder per failed invoice and day; the row says whether it was new."""
    return comms.queue_email(
        organization=invoice.organization,
        to=invoice.client.email if invoice.client else "",
        topic=TOPIC,
        key=dunning_key(invoice, day),
        composer="billing.dunning",
        params={"invoice_id": invoice.pk, "day": day},
        client_id=invoice.client_id,
    )


def reminder_key(invoice: Invoice, day) -> str:
    """One reminder of an overdue invoice per local day (`day` is a date)."""
    return f"overdue-reminder:{invoice.public_id}:{day.isoformat()}"


def queue_payment_reminder(invoice: Invoice, day):
    """A coach's reminder of an overdue invoice, through the dunning composer (fresh pay
    link, nothing if it was paid meanwhile); the row says whether it was new today."""
    return comms.queue_email(
        organization=invoice.organization,
        to=invoice.client.email if invoice.client else "",
        topic=TOPIC,
        key=reminder_key(invoice, day),
        composer="billing.dunning",
        params={"invoice_id": invoice.pk, "kind": "overdue"},
        client_id=invoice.client_id,
    )


@comms.register_composer("billing.dunning")
def compose_dunning(message) -> comms.Composed | None:
    """With a fresh pay link; nothing if the invoice was paid or voided meanwhile. `kind`
    "overdue" is a reminder of an unpaid invoice; otherwise a failed card payment's step."""
    invoice = invoice_with_details(message.context.get("invoice_id"))
    if invoice is None or invoice.status != Invoice.Status.OPEN or invoice.client is None:
        return None
    context = {
        "notice": {"step": message.context.get("day")},
        "client": invoice.client,
        "invoice": invoice,
        "portal_url": _portal_url(),
        "due": format_money(invoice.amount_due_minor, invoice.currency),
        "pay_url": _pay_url(invoice),
    }
    template = "billing_dunning"
    if message.context.get("kind") == "overdue":
        template = "billing_overdue_reminder"
        context["portal_url"] = context["portal_url"] if invoice.client.user_id else ""
        context["footer"] = _settings(invoice.organization).invoice_footer
        context["bank"] = _bank(invoice)
    subject, text, html = _render(template, context, invoice.organization)
    return comms.Composed(subject=subject, text=text, html=html)


def _bank(invoice: Invoice):
    """How to pay the invoice by transfer (None when the business takes cards or gave no details)."""
    from .services import payment_instructions

    return payment_instructions(invoice.organization, reference=invoice.number)


def _settings(organization):
    from .services import billing_settings

    return billing_settings(organization)


def _billing_people(invoice: Invoice) -> list:
    """The client's coach, or else everyone in the business who manages billing."""
    client = invoice.client
    members = Membership.objects.filter(organization=invoice.organization, is_active=True).select_related("user")
    if client is not None and client.coach_id:
        coach = members.filter(user_id=client.coach_id).first()
        if coach is not None and role_can(coach.role, "billing.view"):
            return [coach.user]
    return [m.user for m in members if role_can(m.role, "billing.manage")]


def queue_past_due_notice(invoice: Invoice) -> None:
    """Tell the coach (or the billing managers) that the reminders ran out."""
    context = {
        "client": invoice.client,
        "invoice": invoice,
        "due": format_money(invoice.amount_due_minor, invoice.currency),
        "portal_url": _portal_url(),
        "invoice_url": settings.SITE_URL + reverse("billing:invoice_detail", args=[invoice.pk]),
        "client_url": (
            settings.SITE_URL + reverse("clients:detail", args=[invoice.client_id]) if invoice.client_id else ""
        ),
    }
    for person in _billing_people(invoice):
        comms.queue_email(
            organization=invoice.organization,
            to=person.email,
            topic=TOPIC,
            key=f"past_due:{invoice.public_id}:{person.pk}",
            template="billing_past_due_coach",
            context={**context, "recipient": person},
            client_id=invoice.client_id,
        )


def expiry_key(purchase: Purchase) -> str:
    return f"expiring:{purchase.public_id}"


def queue_package_expiring(purchase: Purchase, remaining: int):
    context = {
        "notice": {"step": remaining, "purchase": purchase},
        "client": purchase.client,
        "purchase": purchase,
        "portal_url": _portal_url(),
    }
    subject, text, html = _render("billing_package_expiring", context, purchase.organization)
    return comms.queue_email(
        organization=purchase.organization,
        to=purchase.client.email,
        topic=TOPIC,
        key=expiry_key(purchase),
        subject=subject,
        text=text,
        html=html,
        client_id=purchase.client_id,
    )
