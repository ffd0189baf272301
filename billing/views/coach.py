"""Billing pages for the business: the revenue overview and reports, plans, invoices,
memberships, payment links, settings and Stripe Connect; and the dashboard card."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from clients.models import Client
from mecto.branding import brand_for
from mecto.dashboard import Card
from mecto.errors import DomainError
from mecto.forms import ServiceFormView, apply_domain_error
from mecto.localization import format_date, format_money
from mecto.permissions import MemberRequiredMixin

from .. import pdf, selectors, services, stripe_gateway, stripe_services
from ..forms import (
    BillingSettingsForm,
    CouponForm,
    InvoiceForm,
    InvoiceLinkForm,
    MembershipForm,
    PaymentLinkForm,
    PlanForm,
    RecordPaymentForm,
    RefundForm,
    SellPlanForm,
)
from ..models import Coupon, CreditNote, Invoice, Payment, PaymentLink, Plan, Subscription
from ..money import from_minor
from . import access
from ._common import _local_date, _pdf_response

PAGE_SIZE = 25


def _org(request):
    return request.tenant.organization


def _client_initial(request) -> dict:
    """The form's client, when the page was opened from a client's page (?client=<id>)."""
    initial = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = Client.objects.for_org(_org(request)).filter(pk=int(request.GET["client"])).first()
    return initial


def billing_dashboard_card(request, scope):
    """The dashboard card: what is owed to the business (by the member's own clients on "mine")."""
    tenant = request.tenant
    if not tenant.can("billing.view"):
        return None
    org = tenant.organization
    overdue = selectors.open_invoices(organization=org, overdue=True)
    if scope.coach_id:
        overdue = overdue.filter(client__coach_id=scope.coach_id)
    count = overdue.count()
    if count:
        total = sum(i.total_minor - i.amount_paid_minor for i in overdue)
        return Card(
            title=_("Overdue invoices"),
            value=format_money(total, org.currency),
            body=ngettext(
                "%(count)s invoice is past its due date.", "%(count)s invoices are past their due date.", count
            )
            % {"count": count},
            url=reverse("billing:invoices") + "?status=overdue",
            action=_("Review overdue invoices"),
            order=40,
        )
    if scope.is_mine:
        return Card(
            title=_("Billing"),
            body=_("No invoice of your clients is past its due date."),
            url=reverse("billing:invoices"),
            action=_("See invoices"),
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


# --- Overview and reports -----------------------------------------------------------------------------
class OverviewView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        summary = selectors.revenue_summary(organization=org)
        money = lambda amount: format_money(amount, org.currency)  # noqa: E731
        chart = {
            "currency": org.currency,
            "labels": [format_date(row["month"], "YEAR_MONTH_FORMAT") for row in summary.months],
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


class PlanFormView(MemberRequiredMixin, ServiceFormView):
    required_capability = "billing.manage"
    template_name = "billing/plan_form.html"
    form_class = PlanForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Plan.objects.for_org(_org(self.request)), pk=pk) if pk else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": _org(self.request), "instance": self.object}

    def get_context_data(self, **kwargs):
        access_form = access.access_form_for(self.object) if self.object is not None else None
        return super().get_context_data(plan=self.object, tab="plans", access_form=access_form, **kwargs)

    def perform(self, form):
        fields = dict(form.cleaned_data)
        fields["interval"] = fields.get("interval") or ""
        if self.object is None:
            return services.create_plan(organization=_org(self.request), actor=self.request.user, **fields)
        return services.update_plan(plan=self.object, actor=self.request.user, **fields)

    def get_success_message(self, result):
        if self.object is None:
            return _("%(name)s was created.") % {"name": result.name}
        return _("%(name)s was saved.") % {"name": result.name}

    def get_success_url(self, result):
        return reverse("billing:plans")


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


# --- Coupons --------------------------------------------------------------------------------------------
class CouponListView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        coupons = selectors.coupon_list(organization=org)
        page = Paginator(coupons, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "billing/coupons.html", {"page": page, "tab": "coupons"})


class CouponFormView(MemberRequiredMixin, ServiceFormView):
    required_capability = "billing.manage"
    template_name = "billing/coupon_form.html"
    form_class = CouponForm

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Coupon.objects.for_org(_org(self.request)), pk=pk) if pk else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": _org(self.request), "instance": self.object}

    def get_context_data(self, **kwargs):
        redemptions = []
        if self.object is not None:
            redemptions = selectors.coupon_redemptions(coupon=self.object)[:50]
        return super().get_context_data(coupon=self.object, redemptions=redemptions, tab="coupons", **kwargs)

    def perform(self, form):
        fields = form.service_fields()
        if self.object is None:
            return services.create_coupon(organization=_org(self.request), actor=self.request.user, **fields)
        return services.update_coupon(coupon=self.object, actor=self.request.user, **fields)

    def get_success_message(self, result):
        if self.object is None:
            return _("The code %(code)s was created.") % {"code": result.code}
        return _("The code %(code)s was saved.") % {"code": result.code}

    def get_success_url(self, result):
        return reverse("billing:coupons")


class CouponArchiveView(MemberRequiredMixin, View):
    required_capability = "billing.manage"

    def post(self, request, pk):
        coupon = get_object_or_404(Coupon.objects.for_org(_org(request)), pk=pk)
        if request.POST.get("action") == "restore":
            services.update_coupon(coupon=coupon, actor=request.user, is_active=True)
            messages.success(request, _("The code %(code)s can be used again.") % {"code": coupon.code})
        else:
            services.archive_coupon(coupon=coupon, actor=request.user)
            messages.success(request, _("The code %(code)s was archived.") % {"code": coupon.code})
        return redirect("billing:coupons")


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
        sort = request.GET.get("sort", "")
        if status == "overdue":
            # The overdue list: oldest due first (or as sorted), with days overdue and reminders.
            sort = sort if sort in services.OVERDUE_SORTS else "due"
            qs = services.overdue_invoices(organization=org, sort=sort)
            if client is not None:
                qs = qs.filter(client=client)
            if search:
                qs = qs.filter(Q(number__icontains=search) | Q(bill_to_name__icontains=search))
        else:
            qs = selectors.invoice_list(organization=org, status=status, client=client, search=search)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        if status == "overdue":
            page.object_list = services.with_reminder_status(page.object_list, organization=org)
        return render(
            request,
            "billing/invoices.html",
            {
                "page": page,
                "status": status,
                "search": search,
                "client": client,
                "statuses": [*Invoice.Status.choices, ("overdue", _("Overdue"))],
                "sort": sort,
                "sorts": [
                    ("due", _("Oldest due first")),
                    ("-due", _("Newest due first")),
                    ("-amount", _("Largest first")),
                    ("amount", _("Smallest first")),
                    ("client", _("Client name")),
                ],
                "has_any": Invoice.objects.for_org(org).exists(),
                "tab": "invoices",
                **(access.client_ledger_context(client) if client else {}),
            },
        )


class InvoiceCreateView(MemberRequiredMixin, ServiceFormView):
    """A custom one-off charge."""

    required_capability = "billing.manage"
    template_name = "billing/invoice_form.html"
    form_class = InvoiceForm
    extra_context = {"tab": "invoices"}

    def get_initial(self):
        return _client_initial(self.request)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": _org(self.request)}

    def post(self, request, *args, **kwargs):
        if "add_line" in request.POST:
            # Without JavaScript: the same page with one more row; nothing is saved yet.
            data = request.POST
            form = InvoiceForm(
                organization=_org(request),
                line_rows=InvoiceForm.rows_from(
                    data, add=1, default_tax_rate=services.billing_settings(_org(request)).default_tax_rate
                ),
                initial={
                    "client": data.get("client", ""),
                    "memo": data.get("memo", ""),
                    "coupon_code": data.get("coupon_code", ""),
                    "tax_inclusive": bool(data.get("tax_inclusive")),
                    "issue_now": bool(data.get("issue_now")),
                },
            )
            return self.render_form(form)
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return services.create_invoice(
            client=form.cleaned_data["client"],
            lines=form.cleaned_data["lines"],
            memo=form.cleaned_data["memo"],
            actor=self.request.user,
            issue=form.cleaned_data["issue_now"],
            coupon_code=form.cleaned_data["coupon_code"],
        )

    def get_success_message(self, result):
        if result.number:
            return _("Invoice %(number)s was issued and emailed.") % {"number": result.number}
        return _("The draft was saved.")

    def get_success_url(self, result):
        return reverse("billing:invoice_detail", kwargs={"pk": result.pk})


class SellPlanView(MemberRequiredMixin, ServiceFormView):
    """Invoice a package or service to a client (paid by hand or through a payment link)."""

    required_capability = "billing.manage"
    template_name = "billing/sell_form.html"
    form_class = SellPlanForm
    extra_context = {"tab": "invoices"}

    def get_initial(self):
        return _client_initial(self.request)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": _org(self.request)}

    def perform(self, form):
        return services.sell_plan(
            client=form.cleaned_data["client"],
            plan=form.cleaned_data["plan"],
            quantity=form.cleaned_data["quantity"],
            actor=self.request.user,
            issue=form.cleaned_data["issue_now"],
            coupon_code=form.cleaned_data["coupon_code"],
        )

    def get_success_message(self, result):
        if result.number:
            return _("Invoice %(number)s was issued and emailed.") % {"number": result.number}
        return _("The draft was saved. Check it, then issue and email it.")

    def get_success_url(self, result):
        return reverse("billing:invoice_detail", kwargs={"pk": result.pk})


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
        row = services.billing_settings(org)
        brand_name = brand_for(org).name
        return {
            "invoice": invoice,
            "brand_name": brand_name,
            "seller": selectors.seller_lines(organization=org, brand_name=brand_name),
            "tax_details_missing": invoice.tax_minor > 0 and not (row.tax_number and row.business_address),
            "payments": rows,
            "credit_notes": invoice.credit_notes.all(),
            "links": [link for link in invoice.payment_links.all() if link.revoked_at is None][:5],
            "payment_form": payment_form
            or (RecordPaymentForm(invoice=invoice) if invoice.status == Invoice.Status.OPEN else None),
            "link_form": link_form or InvoiceLinkForm(),
            "can_manage": request.tenant.can("billing.manage"),
            "takes_card_payments": row.takes_card_payments,
            "new_link_url": request.session.pop(f"billing-link-{invoice.pk}", ""),
            "return_to": "overdue" if "overdue" in (request.GET.get("next"), request.POST.get("next")) else "",
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
                services.send_invoice(invoice=invoice, actor=request.user)
                messages.success(
                    request, _("The invoice is on its way to %(email)s.") % {"email": invoice.bill_to_email}
                )
            elif action == "remind":
                _remind(request, invoice)
                if request.POST.get("next") == "overdue":
                    return redirect(reverse("billing:invoices") + "?status=overdue")
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
            from .. import periods

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
                if request.POST.get("next") == "overdue":
                    return redirect(reverse("billing:invoices") + "?status=overdue")
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


def _remind(request, invoice) -> None:
    """A payment reminder of an overdue invoice, at most one a day (the service decides)."""
    if services.send_payment_reminder(invoice=invoice, actor=request.user):
        messages.success(
            request,
            _("A reminder of %(number)s is on its way to %(email)s.")
            % {"number": invoice.number, "email": invoice.client.email},
        )
    else:
        messages.info(
            request, _("%(number)s was already reminded today; no second email was sent.") % {"number": invoice.number}
        )


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


class MembershipCreateView(MemberRequiredMixin, ServiceFormView):
    required_capability = "billing.manage"
    template_name = "billing/membership_form.html"
    form_class = MembershipForm
    extra_context = {"tab": "memberships"}

    def get_initial(self):
        return _client_initial(self.request)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": _org(self.request)}

    def perform(self, form):
        return services.start_membership(
            client=form.cleaned_data["client"],
            plan=form.cleaned_data["plan"],
            start_date=form.cleaned_data["start_date"],
            actor=self.request.user,
            coupon_code=form.cleaned_data["coupon_code"],
        )

    def get_success_message(self, result):
        return _("%(client)s's %(plan)s membership started.") % {
            "client": result.client.full_name,
            "plan": result.plan.name,
        }

    def get_success_url(self, result):
        return reverse("billing:memberships")


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
class SettingsView(MemberRequiredMixin, ServiceFormView):
    required_capability = "billing.settings"
    template_name = "billing/settings.html"
    form_class = BillingSettingsForm

    def get_object(self):
        return services.billing_settings(_org(self.request))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            billing=self.object, stripe_available=stripe_gateway.is_configured(), tab="settings", **kwargs
        )

    def perform(self, form):
        return services.update_billing_settings(
            organization=_org(self.request),
            actor=self.request.user,
            **{k: form.cleaned_data[k] for k in BillingSettingsForm.Meta.fields},
        )

    def get_success_message(self, result):
        return _("Billing settings saved.")

    def get_success_url(self, result):
        return reverse("billing:settings")


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
