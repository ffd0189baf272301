"""Billing emails: invoices and receipts (PDF attached), credit notes, payment links,
payment reminders, past-due notices to coaches and expiring-package reminders.

Each is called from a task after the change committed; the timestamp or notice row it
checks makes a retried task send once.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from mecto import email
from mecto.localization import format_money, zone
from mecto.roles import role_can

from . import pdf
from .models import CreditNote, Invoice, Notice, PaymentLink

logger = logging.getLogger(__name__)


def send_templated_email(*, organization, **kwargs) -> int:
    """Dates in billing emails read in the business's time zone."""
    with timezone.override(zone(organization.time_zone)):
        return email.send_templated_email(organization=organization, **kwargs)


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
    _link, url = create_payment_link(client=invoice.client, invoice=invoice, send=False)
    return url


def send_invoice_email(*, invoice_id: int, force: bool = False) -> bool:
    """Email an open invoice, or the receipt of a paid one, with the PDF attached."""
    invoice = invoice_with_details(invoice_id)
    if invoice is None or invoice.client is None or not invoice.client.email:
        return False
    if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        return False
    paid = invoice.status == Invoice.Status.PAID
    stamp = "receipt_sent_at" if paid else "emailed_at"
    if getattr(invoice, stamp) is not None and not force:
        return False
    from .services import billing_settings

    context = {
        "invoice": invoice,
        "client": invoice.client,
        "total": format_money(invoice.total_minor, invoice.currency),
        "due": format_money(invoice.amount_due_minor, invoice.currency),
        "pay_url": _pay_url(invoice),
        "portal_url": _portal_url() if invoice.client.user_id else "",
        "footer": billing_settings(invoice.organization).invoice_footer,
    }
    send_templated_email(
        to=invoice.client.email,
        template="billing_receipt" if paid else "billing_invoice",
        context=context,
        organization=invoice.organization,
        attachments=[(f"{invoice.number}.pdf", pdf.invoice_pdf(invoice), "application/pdf")],
    )
    Invoice.objects.filter(pk=invoice.pk).update(**{stamp: timezone.now()})
    return True


def send_credit_note_email(*, credit_note_id: int) -> bool:
    note = CreditNote.objects.select_related("client", "organization", "invoice").filter(pk=credit_note_id).first()
    if note is None or note.client is None or not note.client.email:
        return False
    send_templated_email(
        to=note.client.email,
        template="billing_credit_note",
        context={"note": note, "client": note.client, "amount": format_money(note.amount_minor, note.currency)},
        organization=note.organization,
        attachments=[(f"{note.number}.pdf", pdf.credit_note_pdf(note), "application/pdf")],
    )
    return True


def send_payment_link_email(*, link_id: int, url: str) -> bool:
    link = (
        PaymentLink.objects.select_related("client", "organization", "plan", "invoice", "created_by")
        .filter(pk=link_id)
        .first()
    )
    if link is None or link.revoked_at or not link.client.email:
        return False
    if link.invoice_id:
        what, amount = link.invoice.number, format_money(link.invoice.amount_due_minor, link.invoice.currency)
    else:
        what, amount = link.plan.name, link.plan.price_display
    send_templated_email(
        to=link.client.email,
        template="billing_payment_link",
        context={"link": link, "client": link.client, "url": url, "what": what, "amount": amount},
        organization=link.organization,
        reply_to=[link.created_by.email] if link.created_by and link.created_by.email else None,
    )
    return True


def _coach_emails(notice: Notice) -> list[str]:
    """The client's coach, or else everyone in the business who manages billing."""
    client = notice.client
    members = Membership.objects.filter(organization=notice.organization, is_active=True).select_related("user")
    if client is not None and client.coach_id:
        coach = members.filter(user_id=client.coach_id).first()
        if coach is not None and role_can(coach.role, "billing.view"):
            return [coach.user.email]
    return [m.user.email for m in members if role_can(m.role, "billing.manage")]


def send_notice(*, notice_id: int) -> bool:
    notice = (
        Notice.objects.select_related(
            "organization", "client", "invoice", "subscription", "subscription__plan", "purchase", "purchase__plan"
        )
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        return False
    context = {"notice": notice, "client": notice.client, "invoice": notice.invoice, "portal_url": _portal_url()}
    if notice.invoice_id:
        context["due"] = format_money(notice.invoice.amount_due_minor, notice.invoice.currency)
        if notice.kind == Notice.Kind.DUNNING_REMINDER:
            with transaction.atomic():
                context["pay_url"] = _pay_url(notice.invoice)
    if notice.kind == Notice.Kind.PAST_DUE:
        recipients = _coach_emails(notice)
        if notice.client_id:
            context["client_url"] = settings.SITE_URL + reverse("clients:detail", args=[notice.client_id])
        context["invoice_url"] = settings.SITE_URL + reverse("billing:invoice_detail", args=[notice.invoice_id])
        template = "billing_past_due_coach"
    else:
        recipients = [notice.client.email] if notice.client and notice.client.email else []
        template = "billing_dunning" if notice.kind == Notice.Kind.DUNNING_REMINDER else "billing_package_expiring"
    if not recipients:
        return False
    send_templated_email(to=recipients, template=template, context=context, organization=notice.organization)
    return True
