"""The revenue reports pages: MRR movements, churn and retention, revenue by plan / coach /
service, cash against accrual (with CSV exports), and the coach commission report."""

from __future__ import annotations

import csv
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from mecto.errors import DomainError
from mecto.localization import format_date, format_money
from mecto.permissions import MemberRequiredMixin
from mecto.roles import OWNER

from .. import reports, services
from ..money import from_minor
from .coach import _csv_safe


def _org(request):
    return request.tenant.organization


def percent(value) -> str:
    return "—" if value is None else f"{number_format(value, 2)} %"


class ReportRangeForm(forms.Form):
    """The reports' filters: months of MRR history and a range of local dates."""

    months = forms.TypedChoiceField(
        label=gettext_lazy("MRR history"),
        choices=[(n, gettext_lazy("Last %(n)s months") % {"n": n}) for n in reports.MONTH_CHOICES],
        coerce=int,
        required=False,
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, organization, **kwargs):
        # What is left out is the default, shown in the fields.
        first, last = reports.default_range(organization=organization)
        data = data.copy()
        for key, value in (("months", "12"), ("from", first.isoformat()), ("to", last.isoformat())):
            if not data.get(key):
                data[key] = value
        super().__init__(data, **kwargs)
        self.organization = organization

    def add_prefix(self, field_name):
        # The query string says `from` and `to`, as the API does.
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self):
        cleaned = super().clean()
        first, last = reports.default_range(organization=self.organization)
        cleaned["months"] = cleaned.get("months") or 12
        cleaned["start"] = cleaned.get("start") or first
        cleaned["end"] = cleaned.get("end") or last
        try:
            reports.check_range(start=cleaned["start"], end=cleaned["end"])
        except DomainError as error:
            self.add_error("end", error.message)
        return cleaned

    def values(self) -> tuple[int, date, date]:
        """The valid filters, or the defaults where they are not valid."""
        first, last = reports.default_range(organization=self.organization)
        if self.is_valid():
            return self.cleaned_data["months"], self.cleaned_data["start"], self.cleaned_data["end"]
        months = self.cleaned_data.get("months") if hasattr(self, "cleaned_data") else None
        return months if months in reports.MONTH_CHOICES else 12, first, last


def _mrr_rows(history, money):
    return [
        {
            "month": row.month,
            "opening": money(row.opening_minor),
            "new": money(row.new_minor),
            "expansion": money(row.expansion_minor),
            "contraction": money(row.contraction_minor),
            "churned": money(row.churned_minor),
            "reactivated": money(row.reactivated_minor),
            "closing": money(row.closing_minor),
            "customers": row.customers_closing,
            "customer_churn": percent(row.customer_churn_rate),
            "revenue_churn": percent(row.revenue_churn_rate),
            "nrr": percent(row.net_revenue_retention),
            "arpu": money(row.arpu_minor) if row.arpu_minor is not None else "—",
            "is_complete": row.is_complete,
        }
        for row in history
    ]


class ReportsView(MemberRequiredMixin, View):
    required_capability = "billing.view"

    def get(self, request):
        org = _org(request)
        form = ReportRangeForm(request.GET, organization=org)
        months, start, end = form.values()
        history = reports.mrr_history(organization=org, months=months)
        metrics = reports.metrics_from_history(organization=org, history=history)
        cash = reports.cash_accrual(organization=org, start=start, end=end)
        money = lambda amount: format_money(amount, org.currency)  # noqa: E731
        as_units = lambda amount: float(from_minor(amount, org.currency))  # noqa: E731
        by = {
            group: [
                {
                    "label": r.label,
                    "invoiced": money(r.invoiced_minor),
                    "credited": money(r.credited_minor),
                    "net": money(r.net_minor),
                }
                for r in reports.revenue_by(organization=org, group=group, start=start, end=end)
            ]
            for group in reports.GROUPS
        }
        labels = [format_date(row.month, "YEAR_MONTH_FORMAT") for row in history]
        mrr_chart = {
            "currency": org.currency,
            "labels": labels,
            "series": [
                {"label": _("New"), "data": [as_units(r.new_minor) for r in history], "kind": "up"},
                {"label": _("Expansion"), "data": [as_units(r.expansion_minor) for r in history], "kind": "up"},
                {"label": _("Reactivated"), "data": [as_units(r.reactivated_minor) for r in history], "kind": "up"},
                {"label": _("Contraction"), "data": [-as_units(r.contraction_minor) for r in history], "kind": "down"},
                {"label": _("Churned"), "data": [-as_units(r.churned_minor) for r in history], "kind": "down"},
            ],
            "closing": {"label": _("Closing MRR"), "data": [as_units(r.closing_minor) for r in history]},
        }
        cash_chart = {
            "currency": org.currency,
            "labels": [format_date(r["month"], "YEAR_MONTH_FORMAT") for r in cash["months"]],
            "series": [
                {"label": _("Cash (received − refunds)"), "data": [as_units(r["cash_minor"]) for r in cash["months"]]},
                {
                    "label": _("Accrual (invoiced − credited, net of tax)"),
                    "data": [as_units(r["accrual_net_minor"]) for r in cash["months"]],
                },
            ],
        }
        cash_rows = [{**r, **{k[:-6]: money(v) for k, v in r.items() if k.endswith("_minor")}} for r in cash["months"]]
        last = metrics.last_month
        query = request.GET.urlencode()
        return render(
            request,
            "billing/reports/reports.html",
            {
                "form": form,
                "months": months,
                "start": start,
                "end": end,
                "query": query,
                "mrr_rows": list(reversed(_mrr_rows(history, money))),
                "mrr_chart": mrr_chart,
                "cash_chart": cash_chart,
                "cash_rows": cash_rows,
                "cash_totals": {k[:-6]: money(v) for k, v in cash["totals"].items()},
                "by": by,
                "figures": {
                    "mrr": money(metrics.mrr_minor),
                    "paying": metrics.paying_customers,
                    "arpu": money(metrics.arpu_minor) if metrics.arpu_minor is not None else None,
                    "last_month": last.month if last else None,
                    "customer_churn": percent(last.customer_churn_rate) if last else "—",
                    "revenue_churn": percent(last.revenue_churn_rate) if last else "—",
                    "nrr": percent(last.net_revenue_retention) if last else "—",
                    "average_churn": percent(metrics.average_customer_churn_rate),
                    "ltv": money(metrics.lifetime_value_minor) if metrics.lifetime_value_minor is not None else None,
                },
                "formulas": reports.FORMULAS,
                "is_owner": request.tenant.role == OWNER,
                "tab": "reports",
            },
        )


CSV_REPORTS = ("mrr", "revenue-by-plan", "revenue-by-coach", "revenue-by-service", "cash-accrual")


def _csv_response(filename: str) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


class ReportCsvView(MemberRequiredMixin, View):
    """CSV export of one table of the reports page, with the page's filters."""

    required_capability = "billing.view"

    def get(self, request, report: str):
        if report not in CSV_REPORTS:
            raise Http404
        org = _org(request)
        form = ReportRangeForm(request.GET, organization=org)
        if not form.is_valid():
            return HttpResponseBadRequest(" ".join(e for errors in form.errors.values() for e in errors))
        months, start, end = form.values()
        cur = org.currency
        amount = lambda value: from_minor(value, cur)  # noqa: E731
        response, writer = _csv_response(f"{org.slug}-{report}-{start:%Y%m%d}-{end:%Y%m%d}.csv")
        if report == "mrr":
            response["Content-Disposition"] = f'attachment; filename="{org.slug}-mrr-{months}-months.csv"'
            writer.writerow(
                [
                    "month",
                    "currency",
                    "opening",
                    "new",
                    "expansion",
                    "contraction",
                    "churned",
                    "reactivated",
                    "closing",
                    "customers_opening",
                    "customers_new",
                    "customers_churned",
                    "customers_reactivated",
                    "customers_closing",
                    "customer_churn_percent",
                    "revenue_churn_percent",
                    "net_revenue_retention_percent",
                    "arpu",
                    "complete",
                ]
            )
            for r in reports.mrr_history(organization=org, months=months):
                writer.writerow(
                    [
                        r.month.strftime("%Y-%m"),
                        cur,
                        amount(r.opening_minor),
                        amount(r.new_minor),
                        amount(r.expansion_minor),
                        amount(r.contraction_minor),
                        amount(r.churned_minor),
                        amount(r.reactivated_minor),
                        amount(r.closing_minor),
                        r.customers_opening,
                        r.customers_new,
                        r.customers_churned,
                        r.customers_reactivated,
                        r.customers_closing,
                        r.customer_churn_rate if r.customer_churn_rate is not None else "",
                        r.revenue_churn_rate if r.revenue_churn_rate is not None else "",
                        r.net_revenue_retention if r.net_revenue_retention is not None else "",
                        amount(r.arpu_minor) if r.arpu_minor is not None else "",
                        "yes" if r.is_complete else "no",
                    ]
                )
        elif report == "cash-accrual":
            writer.writerow(
                [
                    "month",
                    "currency",
                    "received",
                    "refunded",
                    "cash",
                    "invoiced_net",
                    "credited_net",
                    "accrual_net",
                    "tax",
                ]
            )
            for r in reports.cash_accrual(organization=org, start=start, end=end)["months"]:
                writer.writerow(
                    [
                        r["month"].strftime("%Y-%m"),
                        cur,
                        amount(r["received_minor"]),
                        amount(r["refunded_minor"]),
                        amount(r["cash_minor"]),
                        amount(r["invoiced_net_minor"]),
                        amount(r["credited_net_minor"]),
                        amount(r["accrual_net_minor"]),
                        amount(r["tax_minor"]),
                    ]
                )
        else:
            group = report.removeprefix("revenue-by-")
            writer.writerow([group, "currency", "from", "to", "invoiced_net", "credited_net", "net"])
            for r in reports.revenue_by(organization=org, group=group, start=start, end=end):
                writer.writerow(
                    [
                        _csv_safe(r.label),
                        cur,
                        start.isoformat(),
                        end.isoformat(),
                        amount(r.invoiced_minor),
                        amount(r.credited_minor),
                        amount(r.net_minor),
                    ]
                )
        return response


# --- Commission -----------------------------------------------------------------------------------------
class CommissionRateForm(forms.Form):
    coach = forms.IntegerField(widget=forms.HiddenInput)
    rate = forms.DecimalField(
        label=gettext_lazy("Commission rate (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        max_digits=5,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}),
    )


class CommissionView(MemberRequiredMixin, View):
    """Owners see every coach's row and set the rates; a coach sees only their own row."""

    required_capability = "billing.view"

    def _rows(self, request, start, end):
        org = _org(request)
        is_owner = request.tenant.role == OWNER
        return reports.commission_report(
            organization=org, start=start, end=end, coach_id=None if is_owner else request.user.pk
        ), is_owner

    def _render(self, request, *, errors=None, status=200):
        org = _org(request)
        form = ReportRangeForm(request.GET, organization=org)
        _months, start, end = form.values()
        rows, is_owner = self._rows(request, start, end)
        money = lambda amount: format_money(amount, org.currency)  # noqa: E731
        errors = errors or {}
        table = [
            {
                "coach_id": r.coach_id,
                "coach": r.coach,
                "sessions": money(r.sessions_minor),
                "credits_used": r.credits_used,
                "credits": money(r.credits_minor),
                "memberships": money(r.memberships_minor),
                "base": money(r.base_minor),
                "rate": r.rate,
                "rate_display": percent(r.rate),
                "commission": money(r.commission_minor),
                "error": errors.get(r.coach_id, {}).get("message"),
                "value": errors.get(r.coach_id, {}).get("value", r.rate),
            }
            for r in rows
        ]
        shown = {r.coach_id for r in rows}
        page_error = next((e["message"] for key, e in errors.items() if key not in shown), None)
        totals = {
            "base": money(sum(r.base_minor for r in rows)),
            "commission": money(sum(r.commission_minor for r in rows)),
        }
        return render(
            request,
            "billing/reports/commission.html",
            {
                "form": form,
                "start": start,
                "end": end,
                "rows": table,
                "totals": totals,
                "page_error": page_error,
                "is_owner": is_owner,
                "query": request.GET.urlencode(),
                "formula": {str(k): v for k, v in reports.FORMULAS}[str(_("Commission"))],
                "tab": "reports",
            },
            status=status,
        )

    def get(self, request):
        return self._render(request)

    def post(self, request):
        org = _org(request)
        if request.tenant.role != OWNER:
            return HttpResponse(_("Only the business's owners set commission rates."), status=403)
        form = CommissionRateForm(request.POST)
        coach_id = request.POST.get("coach", "")
        coach_key = int(coach_id) if coach_id.isdigit() and len(coach_id) < 19 else None
        if not form.is_valid():
            message = " ".join(form.errors.get("rate", [])) or _("Choose a coach of this business.")
            return self._render(
                request, errors={coach_key: {"message": message, "value": request.POST.get("rate", "")}}, status=400
            )
        coach = get_user_model().objects.filter(pk=form.cleaned_data["coach"]).first()
        try:
            services.set_commission_rate(
                organization=org, coach=coach, rate=form.cleaned_data["rate"], actor=request.user
            )
        except DomainError as error:
            return self._render(
                request,
                errors={coach_key: {"message": error.message, "value": request.POST.get("rate", "")}},
                status=400,
            )
        from django.contrib import messages

        messages.success(request, _("Commission rate saved."))
        url = reverse("billing:commission")
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


class CommissionCsvView(CommissionView):
    def get(self, request):
        org = _org(request)
        form = ReportRangeForm(request.GET, organization=org)
        if not form.is_valid():
            return HttpResponseBadRequest(" ".join(e for errors in form.errors.values() for e in errors))
        _months, start, end = form.values()
        rows, _is_owner = self._rows(request, start, end)
        cur = org.currency
        response, writer = _csv_response(f"{org.slug}-commission-{start:%Y%m%d}-{end:%Y%m%d}.csv")
        writer.writerow(
            [
                "coach",
                "currency",
                "from",
                "to",
                "sessions",
                "credits_used",
                "credits_value",
                "memberships",
                "base",
                "rate_percent",
                "commission",
            ]
        )
        for r in rows:
            writer.writerow(
                [
                    _csv_safe(r.coach),
                    cur,
                    start.isoformat(),
                    end.isoformat(),
                    from_minor(r.sessions_minor, cur),
                    r.credits_used,
                    from_minor(r.credits_minor, cur),
                    from_minor(r.memberships_minor, cur),
                    from_minor(r.base_minor, cur),
                    r.rate,
                    from_minor(r.commission_minor, cur),
                ]
            )
        return response

    def post(self, request):
        raise Http404
