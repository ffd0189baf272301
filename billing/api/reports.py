"""The revenue reports API: MRR history, metrics, revenue by plan / coach / service, cash
against accrual and coach commission. Figures are integers in minor units; rates are
percentages with two decimals, or null where there is nothing to divide by."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, TenantAPIView
from mecto.errors import DomainError
from mecto.permissions import HasCapability, IsOrgMember
from mecto.roles import OWNER

from .. import reports

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer}
RANGE_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First local date of the range (default: 11 months before this month)."
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last local date of the range, included (default: today)."),
]
RATE = {"max_digits": 7, "decimal_places": 2, "allow_null": True}


# --- Query parameters --------------------------------------------------------------------------------
class RangeQuerySerializer(serializers.Serializer):
    """`from` and `to` (local dates, both included): at most five years, `to` not before `from`."""

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        fields["to"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        organization = self.context["organization"]
        first, last = reports.default_range(organization=organization)
        attrs["start"], attrs["end"] = attrs.pop("from", first), attrs.pop("to", last)
        try:
            reports.check_range(start=attrs["start"], end=attrs["end"])
        except DomainError as error:
            raise serializers.ValidationError({error.field: [error.message]})
        return attrs


class MonthsQuerySerializer(serializers.Serializer):
    months = serializers.ChoiceField(choices=reports.MONTH_CHOICES, required=False, default=12)

    def validate_months(self, value):
        return int(value)


class RevenueByQuerySerializer(RangeQuerySerializer):
    group = serializers.ChoiceField(choices=reports.GROUPS)


# --- Responses ----------------------------------------------------------------------------------------
class MrrMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the local month.")
    opening_minor = serializers.IntegerField(help_text="MRR at the end of the month before.")
    new_minor = serializers.IntegerField(help_text="Clients from 0 to more who never paid before.")
    expansion_minor = serializers.IntegerField(help_text="Clients paying more than at the month's start.")
    contraction_minor = serializers.IntegerField(help_text="Clients paying less (but more than 0).")
    churned_minor = serializers.IntegerField(help_text="Clients from more to 0: their opening MRR.")
    reactivated_minor = serializers.IntegerField(help_text="Clients from 0 to more who paid before.")
    closing_minor = serializers.IntegerField(
        help_text="opening + new + expansion − contraction − churned + reactivated; the current month is measured now."
    )
    customers_opening = serializers.IntegerField()
    customers_new = serializers.IntegerField()
    customers_churned = serializers.IntegerField()
    customers_reactivated = serializers.IntegerField()
    customers_closing = serializers.IntegerField()
    customer_churn_rate = serializers.DecimalField(help_text="customers_churned ÷ customers_opening, in %.", **RATE)
    revenue_churn_rate = serializers.DecimalField(help_text="(churned + contraction) ÷ opening, in %.", **RATE)
    net_revenue_retention = serializers.DecimalField(
        help_text="(opening + expansion − contraction − churned) ÷ opening, in %.", **RATE
    )
    arpu_minor = serializers.IntegerField(allow_null=True, help_text="closing ÷ customers_closing, rounded half up.")
    is_complete = serializers.BooleanField(
        help_text="False for the current month, measured at the moment of the request."
    )


class MrrHistorySerializer(serializers.Serializer):
    currency = serializers.CharField()
    months = MrrMonthSerializer(many=True)


class MetricsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    mrr_minor = serializers.IntegerField(help_text="MRR now.")
    paying_customers = serializers.IntegerField(help_text="Clients with MRR above 0 now.")
    arpu_minor = serializers.IntegerField(allow_null=True, help_text="MRR ÷ paying customers; null with none.")
    last_month = MrrMonthSerializer(allow_null=True, help_text="The last complete month: its churn and retention.")
    average_customer_churn_rate = serializers.DecimalField(
        help_text="Mean monthly customer churn of the last 6 complete months with paying clients at their start, in %.",
        **RATE,
    )
    churn_months = serializers.IntegerField(help_text="How many months that average is over.")
    lifetime_value_minor = serializers.IntegerField(
        allow_null=True, help_text="ARPU ÷ average monthly customer churn; null: not enough history."
    )


class RevenueRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The plan, coach or service id; `none` for what has none.")
    label = serializers.CharField()
    invoiced_minor = serializers.IntegerField(help_text="Invoices issued in the range, net of tax.")
    credited_minor = serializers.IntegerField(help_text="Credit notes issued in the range, net of tax.")
    net_minor = serializers.IntegerField()


class RevenueBySerializer(serializers.Serializer):
    currency = serializers.CharField()
    group = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    rows = RevenueRowSerializer(many=True)


class CashAccrualMonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    received_minor = serializers.IntegerField(help_text="Payments received, tax included.")
    refunded_minor = serializers.IntegerField(help_text="Credit notes (refunds), tax included.")
    cash_minor = serializers.IntegerField(help_text="received − refunded.")
    invoiced_net_minor = serializers.IntegerField(help_text="Invoices issued (not void), net of tax.")
    credited_net_minor = serializers.IntegerField(help_text="Credit notes, net of tax.")
    accrual_net_minor = serializers.IntegerField(help_text="invoiced_net − credited_net.")
    tax_minor = serializers.IntegerField(help_text="Tax invoiced − tax credited.")


class CashAccrualTotalsSerializer(serializers.Serializer):
    received_minor = serializers.IntegerField()
    refunded_minor = serializers.IntegerField()
    cash_minor = serializers.IntegerField()
    invoiced_net_minor = serializers.IntegerField()
    credited_net_minor = serializers.IntegerField()
    accrual_net_minor = serializers.IntegerField()
    tax_minor = serializers.IntegerField()


class CashAccrualSerializer(serializers.Serializer):
    currency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    months = CashAccrualMonthSerializer(many=True)
    totals = CashAccrualTotalsSerializer()


class CommissionRowSerializer(serializers.Serializer):
    coach_id = serializers.IntegerField()
    coach = serializers.CharField()
    sessions_minor = serializers.IntegerField(help_text="Invoices of bookings on the coach's sessions, net of tax.")
    credits_used = serializers.IntegerField(help_text="Package credits used on the coach's sessions (less returns).")
    credits_minor = serializers.IntegerField(help_text="Those credits at the package's price per session, net of tax.")
    memberships_minor = serializers.IntegerField(help_text="Membership invoices of the coach's clients, net of tax.")
    base_minor = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Commission rate in %.")
    commission_minor = serializers.IntegerField(help_text="base × rate ÷ 100, rounded half up.")


class CommissionSerializer(serializers.Serializer):
    currency = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    rows = CommissionRowSerializer(many=True)


# --- Views --------------------------------------------------------------------------------------------
class _ReportView(TenantAPIView):
    tenant_exempt = "Aggregates of the request's own organisation only."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = "billing.view"
    query_serializer = RangeQuerySerializer

    def query(self, request) -> dict:
        params = self.query_serializer(data=request.query_params, context={"organization": request.tenant.organization})
        params.is_valid(raise_exception=True)
        return params.validated_data


class MrrHistoryView(_ReportView):
    serializer_class = MrrHistorySerializer
    query_serializer = MonthsQuerySerializer

    @extend_schema(
        summary="MRR history by local month: opening, new, expansion, contraction, churned, reactivated, closing",
        description=(
            "Per client, MRR is the total (tax included) of each membership's invoice whose period covers the "
            "month's last instant, normalised to a month (weekly × 52 ÷ 12, yearly ÷ 12), added and rounded once "
            "half up. The current month is measured now. A `months` other than 12, 24 or 36 is a 400."
        ),
        parameters=[OpenApiParameter("months", OpenApiTypes.INT, enum=list(reports.MONTH_CHOICES))],
        responses={200: MrrHistorySerializer, **ERRORS},
    )
    def retrieve(self, request):
        months = self.query(request)["months"]
        organization = request.tenant.organization
        history = reports.mrr_history(organization=organization, months=months)
        return Response(MrrHistorySerializer({"currency": organization.currency, "months": history}).data)


class MetricsView(_ReportView):
    serializer_class = MetricsSerializer

    @extend_schema(
        summary="Churn, net revenue retention, ARPU and lifetime value",
        description=(
            "Customer churn = clients lost ÷ clients at the month's start; revenue churn = (churned + contraction) "
            "÷ opening MRR; NRR = (opening + expansion − contraction − churned) ÷ opening; ARPU = MRR ÷ paying "
            "clients; lifetime value = ARPU ÷ average monthly customer churn of the last 6 complete months "
            "(null when there is no such month or no churn: not enough history)."
        ),
        responses={200: MetricsSerializer, 403: ErrorSerializer},
    )
    def retrieve(self, request):
        metrics = reports.revenue_metrics(organization=request.tenant.organization)
        return Response(MetricsSerializer(metrics).data)


class RevenueByView(_ReportView):
    serializer_class = RevenueBySerializer
    query_serializer = RevenueByQuerySerializer

    @extend_schema(
        summary="Revenue of a range by plan, by coach or by service",
        description=(
            "Invoices issued in the range minus credit notes issued in it, net of tax. A session paid at booking "
            "belongs to the session's coach and its service; other invoices to the client's coach. `service` "
            "lists only sessions paid at booking."
        ),
        parameters=[OpenApiParameter("group", OpenApiTypes.STR, enum=list(reports.GROUPS), required=True)]
        + RANGE_PARAMETERS,
        responses={200: RevenueBySerializer, **ERRORS},
    )
    def retrieve(self, request):
        q = self.query(request)
        organization = request.tenant.organization
        rows = reports.revenue_by(organization=organization, group=q["group"], start=q["start"], end=q["end"])
        data = {"currency": organization.currency, "group": q["group"], "start": q["start"], "end": q["end"]}
        return Response(RevenueBySerializer({**data, "rows": rows}).data)


class CashAccrualView(_ReportView):
    serializer_class = CashAccrualSerializer

    @extend_schema(
        summary="Cash against accrual by local month",
        description=(
            "Cash: payments received minus refunds, by the date they happened, tax included. Accrual: invoices "
            "issued minus credit notes, by issue date, net of tax, with the tax beside it."
        ),
        parameters=RANGE_PARAMETERS,
        responses={200: CashAccrualSerializer, **ERRORS},
    )
    def retrieve(self, request):
        q = self.query(request)
        report = reports.cash_accrual(organization=request.tenant.organization, start=q["start"], end=q["end"])
        return Response(CashAccrualSerializer(report).data)


class CommissionView(_ReportView):
    serializer_class = CommissionSerializer

    @extend_schema(
        summary="Coach commission of a range (owners: every coach; a coach: their own row)",
        description=(
            "Base = sessions + package credits used on the coach's sessions + membership invoices of their "
            "clients, net of tax and of credit notes; commission = base × rate ÷ 100, rounded half up."
        ),
        parameters=RANGE_PARAMETERS,
        responses={200: CommissionSerializer, **ERRORS},
    )
    def retrieve(self, request):
        q = self.query(request)
        organization = request.tenant.organization
        mine = None if request.tenant.role == OWNER else request.user.pk
        rows = reports.commission_report(organization=organization, start=q["start"], end=q["end"], coach_id=mine)
        data = {"currency": organization.currency, "start": q["start"], "end": q["end"], "rows": rows}
        return Response(CommissionSerializer(data).data)
