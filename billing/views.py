"""Billing pages: the revenue overview, plans, invoices, memberships, payment links and
settings for coaches; the client's billing in the portal; public payment links; the
Stripe webhook."""

from __future__ import annotations

import csv
import logging

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from accounts.forms import apply_domain_error
from clients.models import Client
from mecto.branding import brand_for
from mecto.dashboard import Card
from mecto.errors import DomainError
from mecto.localization import format_money
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from . import pdf, selectors, services, stripe_gateway, stripe_services, webhooks
from .forms import (
    BillingSettingsForm,
    InvoiceForm,
    InvoiceLinkForm,
    MembershipForm,
    PaymentLinkForm,
    PlanForm,
    RecordPaymentForm,
    RefundForm,
    SellPlanForm,
)
from .models import CreditNote, Invoice, Payment, PaymentLink, Plan, Subscription
from .money import from_minor

logger = logging.getLogger(__name__)
PAGE_SIZE = 25


def _org(request):
    return request.tenant.organization


def _pdf_response(content: bytes, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


def billing_dashboard_card(request):
    """The dashboard card: what is owed to the business."""
    tenant = request.tenant
    if not tenant.can("billing.view"):
        return None
    org = tenant.organization
    overdue = selectors.open_invoices(organization=org, overdue=True)
    count = overdue.count()
    if count:
        total = sum(i.total_minor - i.amount_paid_minor for i in overdue)
        return Card(
            title=_("Overdue invoices"),
            value=format_money(total, org.currency),
            body=_("%(count)s invoice(s) past their due date.") % {"count": count},
            url=reverse("billing:invoices") + "?status=overdue",
            action=_("Review overdue invoices"),
            order=40,
        )
    return Card(
        title=_("Billing"),
        value=format_money(selectors.mrr_minor(organization=org), org.currency),
        body=_("Monthly recurring revenue from memberships."),
        url=reverse("billing:overview"),
        action=_("Open the revenue overview"),
        order=40,
    )


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


# --- Overview and reports -----------------------------------------------------------------------------
class OverviewView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        summary = selectors.revenue_summary(organization=org)
        money = lambda amount: format_money(amount, org.currency)  # noqa: E731
        chart = {
            "currency": org.currency,
            "labels": [row["month"].strftime("%b %Y") for row in summary.months],
            "net": [float(from_minor(row["net_minor"], org.currency)) for row in summary.months],
            "refunded": [float(from_minor(row["refunded_minor"], org.currency)) for row in summary.months],
            "label_net": _("Revenue (net of refunds)"),
            "label_refunded": _("Refunds"),
        }
        return render(
            request,
            "billing/overview.html",
            {
                "summary": summary,
                "mrr": money(summary.mrr_minor),
                "outstanding_total": money(summary.outstanding.amount_minor),
                "overdue_total": money(summary.overdue.amount_minor),
                "received_this_month": money(summary.received_this_month_minor),
                "months": [
                    {**row, "net": money(row["net_minor"]), "refunded": money(row["refunded_minor"])}
                    for row in reversed(summary.months)
                ],
                "chart": chart,
                "overdue": selectors.open_invoices(organization=org, overdue=True)[:10],
                "outstanding": selectors.open_invoices(organization=org, overdue=False)[:10],
                "has_plans": Plan.objects.for_org(org).exists(),
                "billing": services.billing_settings(org),
                "tab": "overview",
            },
        )


class RevenueCsvView(MemberRequiredMixin, View):
    """CSV export: revenue by month, or every issued invoice."""

    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        report = request.GET.get("report", "months")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        if report == "invoices":
            response["Content-Disposition"] = f'attachment; filename="{org.slug}-invoices.csv"'
            writer.writerow(
                [
                    "number",
                    "client",
                    "status",
                    "issued",
                    "due",
                    "paid",
                    "currency",
                    "subtotal",
                    "tax",
                    "total",
                    "amount_paid",
                    "amount_refunded",
                ]
            )
            tz = timezone.get_fixed_timezone(0)
            for inv in selectors.invoice_list(organization=org).exclude(status=Invoice.Status.DRAFT).iterator():
                writer.writerow(
                    [
                        inv.number,
                        _csv_safe(inv.bill_to_name),
                        inv.status,
                        inv.issued_at.astimezone(tz).isoformat() if inv.issued_at else "",
                        inv.due_at.astimezone(tz).isoformat() if inv.due_at else "",
                        inv.paid_at.astimezone(tz).isoformat() if inv.paid_at else "",
                        inv.currency,
                        from_minor(inv.subtotal_minor, inv.currency),
                        from_minor(inv.tax_minor, inv.currency),
                        from_minor(inv.total_minor, inv.currency),
                        from_minor(inv.amount_paid_minor, inv.currency),
                        from_minor(inv.amount_refunded_minor, inv.currency),
                    ]
                )
            return response
        if report != "months":
            return HttpResponseBadRequest(_("Unknown report."))
        response["Content-Disposition"] = f'attachment; filename="{org.slug}-revenue-by-month.csv"'
        writer.writerow(["month", "currency", "received", "refunded", "net", "payments"])
        for row in selectors.revenue_by_month(organization=org, months=24):
            writer.writerow(
                [
                    row["month"].strftime("%Y-%m"),
                    org.currency,
                    from_minor(row["received_minor"], org.currency),
                    from_minor(row["refunded_minor"], org.currency),
                    from_minor(row["net_minor"], org.currency),
                    row["payments"],
                ]
            )
        return response


def _csv_safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- Plans ----------------------------------------------------------------------------------------------
class PlanListView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        plans = selectors.plan_list(organization=org)
        return render(
            request,
            "billing/plans.html",
            {"plans": plans, "tab": "plans", "billing": services.billing_settings(org)},
        )


class PlanFormView(MemberRequiredMixin, View):
    required_capability = "billing.manage"

    def _plan(self, request, pk):
        return get_object_or_404(Plan.objects.for_org(_org(request)), pk=pk) if pk else None

    def get(self, request, pk=None):
        plan = self._plan(request, pk)
        form = PlanForm(organization=_org(request), instance=plan)
        return render(request, "billing/plan_form.html", {"form": form, "plan": plan, "tab": "plans"})

    def post(self, request, pk=None):
        org = _org(request)
        plan = self._plan(request, pk)
        form = PlanForm(request.POST, organization=org, instance=plan)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            fields["interval"] = fields.get("interval") or ""
            try:
                if plan is None:
                    plan = services.create_plan(organization=org, actor=request.user, **fields)
                    messages.success(request, _("%(name)s was created.") % {"name": plan.name})
                else:
                    plan = services.update_plan(plan=plan, actor=request.user, **fields)
                    messages.success(request, _("%(name)s was saved.") % {"name": plan.name})
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return redirect("billing:plans")
        return render(request, "billing/plan_form.html", {"form": form, "plan": plan, "tab": "plans"}, status=400)


class PlanArchiveView(MemberRequiredMixin, View):
    required_capability = "billing.manage"

    def post(self, request, pk):
        plan = get_object_or_404(Plan.objects.for_org(_org(request)), pk=pk)
        if request.POST.get("action") == "restore":
            services.update_plan(plan=plan, actor=request.user, is_active=True)
            messages.success(request, _("%(name)s is on sale again.") % {"name": plan.name})
        else:
            services.archive_plan(plan=plan, actor=request.user)
            messages.success(request, _("%(name)s is no longer sold.") % {"name": plan.name})
        return redirect("billing:plans")


# --- Invoices ---------------------------------------------------------------------------------------------
class InvoiceListView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        status = request.GET.get("status", "")
        if status not in ("", "overdue", *Invoice.Status.values):
            status = ""
        search = request.GET.get("q", "").strip()[:100]
        client = None
        if request.GET.get("client", "").isdigit():
            client = Client.objects.for_org(org).filter(pk=int(request.GET["client"])).first()
        qs = selectors.invoice_list(organization=org, status=status, client=client, search=search)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "billing/invoices.html",
            {
                "page": page,
                "status": status,
                "search": search,
                "client": client,
                "statuses": [*Invoice.Status.choices, ("overdue", _("Overdue"))],
                "has_any": Invoice.objects.for_org(org).exists(),
                "tab": "invoices",
            },
        )


class InvoiceCreateView(MemberRequiredMixin, View):
    """A custom one-off charge."""

    required_capability = "billing.manage"

    def get(self, request):
        org = _org(request)
        initial = {}
        if request.GET.get("client", "").isdigit():
            initial["client"] = Client.objects.for_org(org).filter(pk=int(request.GET["client"])).first()
        form = InvoiceForm(organization=org, initial=initial)
        return render(request, "billing/invoice_form.html", {"form": form, "tab": "invoices"})

    def post(self, request):
        org = _org(request)
        form = InvoiceForm(request.POST, organization=org)
        if form.is_valid():
            try:
                invoice = services.create_invoice(
                    client=form.cleaned_data["client"],
                    lines=form.cleaned_data["lines"],
                    memo=form.cleaned_data["memo"],
                    actor=request.user,
                    issue=form.cleaned_data["issue_now"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Invoice %(number)s was issued and emailed.") % {"number": invoice.number}
                    if invoice.number
                    else _("The draft was saved."),
                )
                return redirect("billing:invoice_detail", pk=invoice.pk)
        return render(request, "billing/invoice_form.html", {"form": form, "tab": "invoices"}, status=400)


class SellPlanView(MemberRequiredMixin, View):
    """Invoice a package or service to a client (paid by hand or through a payment link)."""

    required_capability = "billing.manage"

    def get(self, request):
        org = _org(request)
        initial = {}
        if request.GET.get("client", "").isdigit():
            initial["client"] = Client.objects.for_org(org).filter(pk=int(request.GET["client"])).first()
        form = SellPlanForm(organization=org, initial=initial)
        return render(request, "billing/sell_form.html", {"form": form, "tab": "invoices"})

    def post(self, request):
        org = _org(request)
        form = SellPlanForm(request.POST, organization=org)
        if form.is_valid():
            try:
                invoice = services.sell_plan(
                    client=form.cleaned_data["client"],
                    plan=form.cleaned_data["plan"],
                    quantity=form.cleaned_data["quantity"],
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Invoice %(number)s was issued and emailed.") % {"number": invoice.number})
                return redirect("billing:invoice_detail", pk=invoice.pk)
        return render(request, "billing/sell_form.html", {"form": form, "tab": "invoices"}, status=400)


class InvoiceDetailView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def _invoice(self, request, pk):
        return get_object_or_404(selectors.invoice_detail_queryset(organization=_org(request)), pk=pk)

    def context(self, request, invoice, payment_form=None, refund_forms=None, link_form=None):
        payments = list(invoice.payments.all())
        refund_forms = refund_forms or {}
        rows = []
        for p in payments:
            form = refund_forms.get(p.pk) or (
                RefundForm(payment=p, prefix=f"refund{p.pk}") if p.refundable_minor else None
            )
            rows.append({"payment": p, "refund_form": form})
        org = _org(request)
        return {
            "invoice": invoice,
            "payments": rows,
            "credit_notes": invoice.credit_notes.all(),
            "links": [link for link in invoice.payment_links.all() if link.revoked_at is None][:5],
            "payment_form": payment_form
            or (RecordPaymentForm(invoice=invoice) if invoice.status == Invoice.Status.OPEN else None),
            "link_form": link_form or InvoiceLinkForm(),
            "can_manage": request.tenant.can("billing.manage"),
            "takes_card_payments": services.billing_settings(org).takes_card_payments,
            "new_link_url": request.session.pop(f"billing-link-{invoice.pk}", ""),
            "tab": "invoices",
        }

    def get(self, request, pk):
        invoice = self._invoice(request, pk)
        return render(request, "billing/invoice_detail.html", self.context(request, invoice))

    def post(self, request, pk):
        if not request.tenant.can("billing.manage"):
            raise Http404
        invoice = self._invoice(request, pk)
        action = request.POST.get("action", "")
        try:
            if action == "issue":
                services.issue_invoice(invoice=invoice, actor=request.user)
                messages.success(request, _("The invoice was issued and emailed."))
            elif action == "void":
                services.void_invoice(invoice=invoice, actor=request.user)
                messages.success(request, _("The invoice is void."))
            elif action == "email":
                if not invoice.bill_to_email or invoice.status not in (Invoice.Status.OPEN, Invoice.Status.PAID):
                    raise services.BillingError(_("Only an issued invoice of a client with an email can be sent."))
                from . import tasks

                tasks.send_invoice_email.delay(invoice.pk, True)
                messages.success(
                    request, _("The invoice is on its way to %(email)s.") % {"email": invoice.bill_to_email}
                )
            elif action == "record_payment":
                return self._record_payment(request, invoice)
            elif action == "refund":
                return self._refund(request, invoice)
            elif action == "send_link":
                return self._send_link(request, invoice)
            else:
                messages.error(request, _("Unknown action."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("billing:invoice_detail", pk=invoice.pk)

    def _record_payment(self, request, invoice):
        form = RecordPaymentForm(request.POST, invoice=invoice)
        if form.is_valid():
            from . import periods

            received_on = form.cleaned_data["received_on"]
            today = periods.local_today(invoice.organization.time_zone)
            received_at = (
                timezone.now()
                if received_on == today
                else periods.local_midnight(received_on, invoice.organization.time_zone)
            )
            try:
                services.record_payment(
                    invoice=invoice,
                    amount_minor=form.cleaned_data["amount_minor"],
                    method=form.cleaned_data["method"],
                    reference=form.cleaned_data["reference"],
                    received_at=received_at,
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The payment was recorded."))
                return redirect("billing:invoice_detail", pk=invoice.pk)
        invoice = self._invoice(request, invoice.pk)
        return render(
            request, "billing/invoice_detail.html", self.context(request, invoice, payment_form=form), status=400
        )

    def _refund(self, request, invoice):
        payment_id = request.POST.get("payment", "")
        payment = (
            get_object_or_404(Payment.objects.for_org(invoice.organization), pk=payment_id, invoice=invoice)
            if (payment_id.isdigit())
            else None
        )
        if payment is None:
            raise Http404
        form = RefundForm(request.POST, payment=payment, prefix=f"refund{payment.pk}")
        if form.is_valid():
            try:
                note = services.refund_payment(
                    payment=payment,
                    amount_minor=form.cleaned_data["amount_minor"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Refunded: credit note %(number)s.") % {"number": note.number})
                return redirect("billing:invoice_detail", pk=invoice.pk)
        invoice = self._invoice(request, invoice.pk)
        return render(
            request,
            "billing/invoice_detail.html",
            self.context(request, invoice, refund_forms={payment.pk: form}),
            status=400,
        )

    def _send_link(self, request, invoice):
        form = InvoiceLinkForm(request.POST)
        if invoice.client is None:
            messages.error(request, _("The client of this invoice was deleted."))
        elif form.is_valid():
            try:
                _link, url = services.create_payment_link(
                    client=invoice.client, invoice=invoice, message=form.cleaned_data["message"], actor=request.user
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                request.session[f"billing-link-{invoice.pk}"] = url
                messages.success(
                    request, _("The payment link was emailed to %(email)s.") % {"email": invoice.client.email}
                )
        return redirect("billing:invoice_detail", pk=invoice.pk)


class InvoicePdfView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request, pk):
        invoice = get_object_or_404(selectors.invoice_detail_queryset(organization=_org(request)), pk=pk)
        return _pdf_response(pdf.invoice_pdf(invoice), f"{invoice.number or 'draft'}.pdf")


class CreditNotePdfView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request, pk):
        note = get_object_or_404(
            CreditNote.objects.for_org(_org(request)).select_related("invoice", "client", "organization"), pk=pk
        )
        return _pdf_response(pdf.credit_note_pdf(note), f"{note.number}.pdf")


# --- Memberships -------------------------------------------------------------------------------------------
class MembershipListView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        status = request.GET.get("status", "")
        if status not in ("", *Subscription.Status.values):
            status = ""
        page = Paginator(selectors.subscription_list(organization=org, status=status), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "billing/memberships.html",
            {
                "page": page,
                "status": status,
                "statuses": Subscription.Status.choices,
                "has_any": Subscription.objects.for_org(org).exists(),
                "tab": "memberships",
            },
        )


class MembershipCreateView(MemberRequiredMixin, View):
    required_capability = "billing.manage"

    def get(self, request):
        org = _org(request)
        initial = {}
        if request.GET.get("client", "").isdigit():
            initial["client"] = Client.objects.for_org(org).filter(pk=int(request.GET["client"])).first()
        return render(
            request,
            "billing/membership_form.html",
            {"form": MembershipForm(organization=org, initial=initial), "tab": "memberships"},
        )

    def post(self, request):
        org = _org(request)
        form = MembershipForm(request.POST, organization=org)
        if form.is_valid():
            try:
                subscription = services.start_membership(
                    client=form.cleaned_data["client"],
                    plan=form.cleaned_data["plan"],
                    start_date=form.cleaned_data["start_date"],
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(client)s's %(plan)s membership started.")
                    % {"client": subscription.client.full_name, "plan": subscription.plan.name},
                )
                return redirect("billing:memberships")
        return render(request, "billing/membership_form.html", {"form": form, "tab": "memberships"}, status=400)


class MembershipActionView(MemberRequiredMixin, View):
    required_capability = "billing.manage"

    def post(self, request, pk):
        subscription = get_object_or_404(Subscription.objects.for_org(_org(request)), pk=pk)
        action = request.POST.get("action")
        try:
            if action == "cancel":
                subscription = services.cancel_membership(subscription=subscription, actor=request.user)
                messages.success(
                    request,
                    _("The membership ends on %(date)s.") % {"date": _local_date(subscription.cancel_at, request)},
                )
            elif action == "cancel_now":
                services.cancel_membership(subscription=subscription, actor=request.user, immediately=True)
                messages.success(request, _("The membership has ended."))
            elif action == "resume":
                services.resume_membership(subscription=subscription, actor=request.user)
                messages.success(request, _("The membership continues."))
            else:
                messages.error(request, _("Unknown action."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("billing:memberships")


def _local_date(value, request) -> str:
    from mecto.localization import zone

    return value.astimezone(zone(request.tenant.organization.time_zone)).strftime("%d %b %Y") if value else ""


# --- Payment links ---------------------------------------------------------------------------------------
class PaymentLinkListView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        page = Paginator(selectors.payment_link_list(organization=org), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "billing/links.html",
            {
                "page": page,
                "form": PaymentLinkForm(organization=org),
                "billing": services.billing_settings(org),
                "tab": "links",
                "new_link_url": request.session.pop("billing-new-link", ""),
            },
        )

    def post(self, request):
        if not request.tenant.can("billing.manage"):
            raise Http404
        org = _org(request)
        if request.POST.get("action") == "revoke":
            link_id = request.POST.get("link", "")
            if not link_id.isdigit():
                raise Http404
            link = get_object_or_404(PaymentLink.objects.for_org(org), pk=int(link_id))
            services.revoke_payment_link(link=link, actor=request.user)
            messages.success(request, _("The link no longer works."))
            return redirect("billing:links")
        form = PaymentLinkForm(request.POST, organization=org)
        if form.is_valid():
            try:
                _link, url = services.create_payment_link(
                    client=form.cleaned_data["client"],
                    plan=form.cleaned_data["plan"],
                    message=form.cleaned_data["message"],
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                request.session["billing-new-link"] = url
                messages.success(
                    request,
                    _("The payment link was emailed to %(email)s.") % {"email": form.cleaned_data["client"].email},
                )
                return redirect("billing:links")
        page = Paginator(selectors.payment_link_list(organization=org), PAGE_SIZE).get_page(1)
        return render(
            request,
            "billing/links.html",
            {"page": page, "form": form, "billing": services.billing_settings(org), "tab": "links"},
            status=400,
        )


# --- Settings and Stripe Connect ------------------------------------------------------------------------
class SettingsView(MemberRequiredMixin, View):
    required_capability = "billing.settings"

    def context(self, request, form=None):
        org = _org(request)
        row = services.billing_settings(org)
        return {
            "form": form or BillingSettingsForm(instance=row),
            "billing": row,
            "stripe_available": stripe_gateway.is_configured(),
            "tab": "settings",
        }

    def get(self, request):
        return render(request, "billing/settings.html", self.context(request))

    def post(self, request):
        org = _org(request)
        form = BillingSettingsForm(request.POST, instance=services.billing_settings(org))
        if form.is_valid():
            try:
                services.update_billing_settings(
                    organization=org,
                    actor=request.user,
                    **{k: form.cleaned_data[k] for k in BillingSettingsForm.Meta.fields},
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Billing settings saved."))
                return redirect("billing:settings")
        return render(request, "billing/settings.html", self.context(request, form), status=400)


class StripeConnectView(MemberRequiredMixin, View):
    required_capability = "billing.settings"

    def post(self, request):
        org = _org(request)
        if request.POST.get("action") == "disconnect":
            stripe_services.disconnect_stripe(organization=org, actor=request.user)
            messages.success(request, _("Stripe is disconnected. Record payments by hand from now on."))
            return redirect("billing:settings")
        try:
            url = stripe_services.start_onboarding(organization=org, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:settings")
        return redirect(url)


class StripeReturnView(MemberRequiredMixin, View):
    """Stripe sends the owner back here after onboarding."""

    required_capability = "billing.settings"

    def get(self, request):
        try:
            row = stripe_services.refresh_account_status(organization=_org(request))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:settings")
        if row.stripe_charges_enabled:
            messages.success(request, _("Stripe is connected: clients can pay by card."))
        else:
            messages.warning(request, _("Stripe needs more details before you can take card payments."))
        return redirect("billing:settings")


class StripeRefreshView(MemberRequiredMixin, View):
    """An onboarding link expired: make a new one."""

    required_capability = "billing.settings"

    def get(self, request):
        try:
            return redirect(stripe_services.start_onboarding(organization=_org(request), actor=request.user))
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:settings")


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe's events for every connected account: signed, stored once, applied once."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            data = webhooks.verify(request.body, request.headers.get("Stripe-Signature"))
        except webhooks.InvalidWebhook:
            return JsonResponse({"detail": "Invalid signature or payload.", "errors": {}}, status=400)
        event = webhooks.record(data)
        webhooks.process(event.pk)
        return JsonResponse({"received": True})


# --- Public payment links ----------------------------------------------------------------------------------
class PayView(View):
    """What a payment link opens: the invoice or plan, and a button to pay by card."""

    def _link(self, token) -> PaymentLink:
        link = selectors.payment_link_for_token(token)
        if link is None or not link.organization.is_active:
            raise Http404
        return link

    def _context(self, link):
        row = services.billing_settings(link.organization)
        usable = link.revoked_at is None and link.expires_at > timezone.now()
        return {
            "link": link,
            "invoice": link.invoice,
            "plan": link.plan,
            "status": link.status,
            "usable": usable,
            "takes_card_payments": row.takes_card_payments,
            "footer": row.invoice_footer,
            "amount": format_money(link.invoice.amount_due_minor, link.invoice.currency) if link.invoice else "",
            "brand": brand_for(link.organization),
        }

    def get(self, request, token):
        link = self._link(token)
        services.mark_link_opened(link)
        return render(request, "billing/pay.html", self._context(link))

    def post(self, request, token):
        link = self._link(token)
        context = self._context(link)
        if not context["usable"] or context["status"] == "paid":
            return render(request, "billing/pay.html", context, status=400)
        success = settings.SITE_URL + reverse("billing:pay_done", args=[token])
        cancel = settings.SITE_URL + reverse("billing:pay", args=[token])
        try:
            if link.invoice_id:
                url = stripe_services.checkout_for_invoice(
                    invoice=link.invoice, success_url=success, cancel_url=cancel, payment_link=link
                )
            else:
                url = stripe_services.checkout_for_plan(
                    client=link.client, plan=link.plan, success_url=success, cancel_url=cancel, payment_link=link
                )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "billing/pay.html", context, status=400)
        return redirect(url)


class PayDoneView(View):
    def get(self, request, token):
        link = selectors.payment_link_for_token(token)
        if link is None:
            raise Http404
        return render(request, "billing/pay_done.html", {"link": link, "brand": brand_for(link.organization)})


# --- Client portal ----------------------------------------------------------------------------------------
class PortalBillingView(ClientRequiredMixin, View):
    def get(self, request):
        from booking.selectors import credit_balance, grants_with_remaining

        client = request.tenant.client
        row = services.billing_settings(client.organization)
        invoices = selectors.client_invoices(client=client)
        grants = [g for g in grants_with_remaining(client=client) if g.remaining > 0]
        return render(
            request,
            "billing/portal.html",
            {
                "client": client,
                "balance": credit_balance(client=client),
                "grants": grants,
                "memberships": selectors.client_subscriptions(client=client),
                "purchases": selectors.client_purchases(client=client)[:20],
                "invoices": invoices[:50],
                "plans": selectors.plans_on_sale(organization=client.organization),
                "takes_card_payments": row.takes_card_payments,
                "has_stripe_customer": client.stripe_customers.filter(account_id=row.stripe_account_id).exists()
                if row.stripe_account_id
                else False,
                "checkout": request.GET.get("checkout", ""),
            },
        )


def _portal_return(request, state: str) -> str:
    return settings.SITE_URL + reverse("billing:portal") + f"?checkout={state}"


class PortalBuyView(ClientRequiredMixin, View):
    def post(self, request, public_id):
        client = request.tenant.client
        plan = get_object_or_404(selectors.plans_on_sale(organization=client.organization), public_id=public_id)
        try:
            url = stripe_services.checkout_for_plan(
                client=client,
                plan=plan,
                success_url=_portal_return(request, "success"),
                cancel_url=_portal_return(request, "cancelled"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("billing:portal")
        return redirect(url)


class PortalPayInvoiceView(ClientRequiredMixin, View):
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
    def get(self, request, public_id):
        client = request.tenant.client
        invoice = get_object_or_404(
            selectors.client_invoices(client=client).prefetch_related("lines", "payments", "credit_notes"),
            public_id=public_id,
        )
        return _pdf_response(pdf.invoice_pdf(invoice), f"{invoice.number}.pdf")


class PortalCardView(ClientRequiredMixin, View):
    """Open Stripe's customer portal to manage cards and see card invoices."""

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
