"""Billing's sections of the back office's support page (360): the client's invoices,
payments (with Stripe's ids) and memberships, amounts with their currency."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from mecto.localization import format_money
from mecto.support import ROWS_PER_SECTION, Section, local_datetime

from .models import Invoice, Payment, Subscription


def _link(name: str, pk: int, text) -> str:
    return format_html('<a href="{}">{}</a>', reverse(name, args=[pk]), text)


def invoices_section(client) -> Section:
    invoices = (
        Invoice.objects.for_org(client.organization)
        .filter(client=client)
        .order_by("-issued_at", "-pk")[:ROWS_PER_SECTION]
    )
    return Section(
        title=_("Invoices"),
        columns=[_("Number"), _("Status"), _("Issued"), _("Due"), _("Total"), _("Paid"), _("Refunded"), _("PDF")],
        rows=[
            [
                _link("admin:billing_invoice_change", i.pk, i.number or _("Draft")),
                i.display_status,
                local_datetime(i.issued_at, client),
                local_datetime(i.due_at, client),
                i.money(i.total_minor),
                i.money(i.amount_paid_minor),
                i.money(i.amount_refunded_minor),
                _link("admin:billing_invoice_pdf", i.pk, _("PDF")),
            ]
            for i in invoices
        ],
        empty=_("No invoices."),
        more_url=reverse("admin:billing_invoice_changelist") + f"?client__id__exact={client.pk}",
        more_label=_("All invoices of this client"),
        order=40,
    )


def payments_section(client) -> Section:
    payments = (
        Payment.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("invoice")
        .order_by("-received_at", "-pk")[:ROWS_PER_SECTION]
    )
    return Section(
        title=_("Payments"),
        columns=[_("Received"), _("Invoice"), _("Method"), _("Status"), _("Amount"), _("Refunded"), _("Stripe charge")],
        rows=[
            [
                _link("admin:billing_payment_change", p.pk, local_datetime(p.received_at, client)),
                p.invoice.number or _("Draft"),
                p.get_method_display(),
                p.get_status_display() + (f" ({p.failure_message})" if p.failure_message else ""),
                format_money(p.amount_minor, p.currency),
                format_money(p.amount_refunded_minor, p.currency),
                p.stripe_charge_id or "-",
            ]
            for p in payments
        ],
        empty=_("No payments."),
        more_url=reverse("admin:billing_payment_changelist") + f"?client__id__exact={client.pk}",
        more_label=_("All payments of this client (refund from there)"),
        order=50,
    )


def memberships_section(client) -> Section | None:
    memberships = list(
        Subscription.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("plan")
        .order_by("-started_at", "-pk")[:ROWS_PER_SECTION]
    )
    if not memberships:
        return None
    return Section(
        title=_("Memberships"),
        columns=[_("Plan"), _("Status"), _("Price"), _("Paid by"), _("Period ends"), _("Cancels on")],
        rows=[
            [
                _link("admin:billing_subscription_change", m.pk, m.plan.name),
                m.get_status_display(),
                m.price_display,
                m.get_collection_display(),
                local_datetime(m.current_period_end, client),
                local_datetime(m.cancel_at, client),
            ]
            for m in memberships
        ],
        order=45,
    )
