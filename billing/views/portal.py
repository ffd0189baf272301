"""The client's billing in the portal: invoices and their PDFs, buying a plan, paying, the
card on file, ending a membership; and the card on the portal home."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from mecto.dashboard import Card
from mecto.errors import DomainError
from mecto.localization import format_money
from mecto.permissions import ClientRequiredMixin

from .. import pdf, selectors, services, stripe_services
from ..forms import PlanRequestForm
from ..models import Invoice, PlanRequest
from ._common import _local_date, _pdf_response


def billing_portal_card(request):
    """The client's open invoices and the session credits they can still use."""
    from booking.selectors import credit_balance

    client = request.tenant.client
    currency = client.organization.currency
    due = [i.amount_due_minor for i in selectors.client_invoices(client=client).filter(status=Invoice.Status.OPEN)]
    credits = credit_balance(client=client)
    rows = [ngettext("%(n)d session credit left", "%(n)d session credits left", credits) % {"n": credits}]
    if due:
        return Card(
            title=_("Open invoices"),
            value=format_money(sum(due), currency),
            body=ngettext("%(n)d invoice to pay", "%(n)d invoices to pay", len(due)) % {"n": len(due)},
            rows=rows,
            url=reverse("billing:portal"),
            action=_("Pay or download invoices"),
            order=40,
        )
    return Card(
        title=_("Billing"),
        body=_("Nothing to pay. Your invoices, packages and memberships are on the billing page."),
        rows=rows,
        url=reverse("billing:portal"),
        action=_("Open billing"),
        order=40,
    )


def _portal_context(request, **extra) -> dict:
    from booking.selectors import credit_balance, grants_with_remaining

    client = request.tenant.client
    row = services.billing_settings(client.organization)
    invoices = selectors.client_invoices(client=client)
    grants = [g for g in grants_with_remaining(client=client) if g.remaining > 0]
    plan_requests = list(
        PlanRequest.objects.for_org(client.organization).filter(client=client).select_related("plan", "invoice")[:10]
    )
    memberships = selectors.client_subscriptions(client=client)
    return {
        "client": client,
        "balance": credit_balance(client=client),
        "grants": grants,
        "memberships": memberships,
        "purchases": selectors.client_purchases(client=client)[:20],
        "invoices": invoices[:50],
        "plans": selectors.plans_on_sale(organization=client.organization),
        "takes_card_payments": row.takes_card_payments,
        "has_stripe_customer": client.stripe_customers.filter(account_id=row.stripe_account_id).exists()
        if row.stripe_account_id
        else False,
        "checkout": request.GET.get("checkout", ""),
        "plan_requests": plan_requests,
        "requested_plan_ids": {r.plan_id for r in plan_requests if r.is_pending},
        "member_plan_ids": {s.plan_id for s in memberships if s.is_live},
        "request_form": PlanRequestForm(),
        "bank": services.payment_instructions(client.organization, row=row),
        **extra,
    }


class PortalBillingView(ClientRequiredMixin, View):
    feature = "billing"

    def get(self, request):
        return render(request, "billing/portal.html", _portal_context(request))


def _portal_return(request, state: str) -> str:
    return settings.SITE_URL + reverse("billing:portal") + f"?checkout={state}"


class PortalBuyView(ClientRequiredMixin, View):
    """Buy or sign up: with a coupon code, "Check the code" shows the discounted price first; a
    code that cannot be used comes back beside the field and nothing is started."""

    feature = "billing"

    def post(self, request, public_id):
        client = request.tenant.client
        plan = get_object_or_404(selectors.plans_on_sale(organization=client.organization), public_id=public_id)
        code = request.POST.get("coupon_code", "").strip()[:40]
        try:
            if "check_code" in request.POST:
                quote = services.quote_coupon(organization=client.organization, code=code, client=client, plan=plan)
                return render(
                    request, "billing/portal.html", _portal_context(request, quote=quote, quote_plan=plan, code=code)
                )
            url = stripe_services.checkout_for_plan(
                client=client,
                plan=plan,
                success_url=_portal_return(request, "success"),
                cancel_url=_portal_return(request, "cancelled"),
                coupon_code=code,
            )
        except DomainError as exc:
            if exc.field == "coupon_code":
                context = _portal_context(request, code_error=exc.message, quote_plan=plan, code=code)
                return render(request, "billing/portal.html", context, status=400)
            messages.error(request, exc.message)
            return redirect("billing:portal")
        return redirect(url)


class PortalPayInvoiceView(ClientRequiredMixin, View):
    feature = "billing"

    def post(self, request, public_id):
        client = request.tenant.client
        invoice = get_object_or_404(selectors.client_invoices(client=client), public_id=public_id)
        try:
            url = stripe_services.checkout_for_invoice(
                invoice=invoice,
                success_url=_portal_return(request, "success"),
                cancel_url=_portal_return(request, "cancelled"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:portal")
        return redirect(url)


class PortalInvoicePdfView(ClientRequiredMixin, View):
    feature = "billing"

    def get(self, request, public_id):
        client = request.tenant.client
        invoice = get_object_or_404(
            selectors.client_invoices(client=client).prefetch_related("lines", "payments", "credit_notes"),
            public_id=public_id,
        )
        return _pdf_response(pdf.invoice_pdf(invoice), f"{invoice.number}.pdf")


class PortalCardView(ClientRequiredMixin, View):
    """Open Stripe's customer portal to manage cards and see card invoices."""

    feature = "billing"

    def post(self, request):
        client = request.tenant.client
        try:
            url = stripe_services.customer_portal_url(
                client=client, return_url=settings.SITE_URL + reverse("billing:portal")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:portal")
        return redirect(url)


class PortalCancelMembershipView(ClientRequiredMixin, View):
    """A client ends their membership: at the end of the period, never inside the minimum term."""

    feature = "billing"

    def post(self, request, public_id):
        client = request.tenant.client
        subscription = get_object_or_404(selectors.client_subscriptions(client=client), public_id=public_id)
        try:
            subscription = services.cancel_membership(subscription=subscription, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Your membership ends on %(date)s.") % {"date": _local_date(subscription.cancel_at, request)},
            )
        return redirect("billing:portal")
