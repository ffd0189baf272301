"""API of plan requests: the coach's list with approve and decline (`/billing/plan-requests/`)
and the client's own requests (`/me/plan-requests/`)."""

from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ClientViewSet, ErrorSerializer, OrgReadOnlyViewSet

from .. import selectors, services
from ..models import PlanRequest

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class PlanRequestRecordSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    plan = serializers.UUIDField(source="plan.public_id", read_only=True, help_text="public_id of the plan.")
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    invoice = serializers.UUIDField(
        source="invoice.public_id", read_only=True, allow_null=True, help_text="The invoice issued on approval."
    )
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True)
    subscription = serializers.UUIDField(
        source="subscription.public_id", read_only=True, allow_null=True, help_text="The membership started."
    )

    class Meta:
        model = PlanRequest
        fields = [
            "id",
            "public_id",
            "client",
            "client_name",
            "plan",
            "plan_name",
            "message",
            "coupon_code",
            "status",
            "decline_reason",
            "invoice",
            "invoice_number",
            "subscription",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class MyPlanRequestRecordSerializer(PlanRequestRecordSerializer):
    class Meta(PlanRequestRecordSerializer.Meta):
        fields = [f for f in PlanRequestRecordSerializer.Meta.fields if f not in ("id", "client", "client_name")]
        read_only_fields = fields


class PlanRequestCreateSerializer(serializers.Serializer):
    plan = serializers.UUIDField(help_text="public_id of a plan from /me/plans/.")
    message = serializers.CharField(
        required=False, allow_blank=True, max_length=services.MESSAGE_MAX, help_text="Optional note to the coach."
    )
    coupon_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text="Optional coupon code (any case): checked now (400 with the reason under coupon_code), "
        "applied when the coach approves.",
    )


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.REASON_MAX, help_text="Emailed to the client.")


def _pending_first(qs):
    order = Case(When(status=PlanRequest.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(pending_first=order).order_by("pending_first", "-created_at", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="Plan requests from clients (pending first)",
        description="Clients ask for a plan when the business takes no card payments. Filter by `status`, `client`.",
    ),
    retrieve=extend_schema(
        summary="A plan request", responses={200: PlanRequestRecordSerializer, 404: ErrorSerializer}
    ),
)
class PlanRequestViewSet(OrgReadOnlyViewSet):
    queryset = PlanRequest.objects.all()
    serializer_class = PlanRequestRecordSerializer
    required_capability = "billing.view"
    write_capability = "billing.manage"
    filterset_fields = ["status", "client"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return _pending_first(super().get_queryset().select_related("client", "plan", "invoice", "subscription"))

    def _fresh(self, plan_request):
        return Response(PlanRequestRecordSerializer(self.get_queryset().get(pk=plan_request.pk)).data)

    @extend_schema(
        summary="Approve: issue the invoice (a membership starts, paid by hand); once only",
        description="Approving an approved request returns it unchanged: one invoice, however often it is called.",
        request=None,
        responses={200: PlanRequestRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._fresh(services.approve_plan_request(plan_request=self.get_object(), actor=request.user))

    @extend_schema(
        summary="Decline with a reason (emailed to the client)",
        request=DeclineSerializer,
        responses={200: PlanRequestRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        plan_request = self.get_object()
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._fresh(
            services.decline_plan_request(
                plan_request=plan_request, reason=serializer.validated_data["reason"], actor=request.user
            )
        )


@extend_schema_view(
    list=extend_schema(summary="My plan requests"),
    retrieve=extend_schema(
        summary="One of my plan requests", responses={200: MyPlanRequestRecordSerializer, 404: ErrorSerializer}
    ),
)
class MyPlanRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = PlanRequest.objects.select_related("plan", "invoice", "subscription")
    serializer_class = MyPlanRequestRecordSerializer
    lookup_field = "public_id"

    def get_queryset(self):
        return _pending_first(super().get_queryset())

    @extend_schema(
        summary="Ask for a plan (when the business takes no card payments)",
        description="One open request per plan. A plan that is not on sale at my business is a 404.",
        request=PlanRequestCreateSerializer,
        responses={201: MyPlanRequestRecordSerializer, **ERRORS},
    )
    def create(self, request):
        serializer = PlanRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = request.tenant.client
        plan = get_object_or_404(
            selectors.plans_on_sale(organization=client.organization), public_id=serializer.validated_data["plan"]
        )
        plan_request = services.request_plan(
            client=client,
            plan=plan,
            message=serializer.validated_data.get("message", ""),
            coupon_code=serializer.validated_data.get("coupon_code", ""),
            actor=request.user,
        )
        return Response(
            MyPlanRequestRecordSerializer(self.get_queryset().get(pk=plan_request.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Withdraw my request before the coach answers",
        request=None,
        responses={200: MyPlanRequestRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        plan_request = services.cancel_plan_request(plan_request=self.get_object(), actor=request.user)
        return Response(MyPlanRequestRecordSerializer(self.get_queryset().get(pk=plan_request.pk)).data)
