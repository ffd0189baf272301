"""The API of access: what a plan grants (GET/PUT /billing/plans/{id}/grants/), the access
ledger (/billing/access-grants/) and what the signed-in client holds (/me/access/)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ClientReadOnlyViewSet, ErrorSerializer, OrgReadOnlyViewSet

from .. import services
from ..errors import BillingError
from ..models_access import AccessGrant, AccessKind, PlanAccess
from ..selectors_access import plan_grants
from ..services.access import KIND_FIELDS, plan_access_rule

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class GrantItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=AccessKind.choices, help_text="program, meal_plan, habit, checkin, group or section."
    )
    target_id = serializers.CharField(
        max_length=40,
        help_text="The id of the business's program, meal plan template, habit template, check-in form or group; "
        "for a section its key (training, nutrition, habits, progress, checkins, messages, booking, billing).",
    )
    label = serializers.CharField(read_only=True, help_text="Its name when it was chosen.")


class PlanAccessSerializer(serializers.Serializer):
    """What a plan grants and how access ends; PUT replaces it whole."""

    grants = GrantItemSerializer(many=True, help_text="Everything the plan grants besides session credits.")
    withdrawal = serializers.ChoiceField(
        choices=PlanAccess.Withdrawal.choices,
        default=PlanAccess.Withdrawal.PERIOD_END,
        help_text="When a membership ends, is refunded or goes past due: immediately, period_end or grace.",
    )
    grace_days = serializers.IntegerField(min_value=0, max_value=365, default=0, help_text="For `grace`: 0 to 365.")
    program_start = serializers.ChoiceField(
        choices=PlanAccess.ProgramStart.choices,
        default=PlanAccess.ProgramStart.ON_PURCHASE,
        help_text="When an assigned program starts: on_purchase, next_monday (client's zone) or fixed_date.",
    )
    program_start_date = serializers.DateField(
        required=False, allow_null=True, help_text="For `fixed_date`: the day programs start."
    )


def plan_access_data(plan) -> dict:
    rule = plan_access_rule(plan)
    return {
        "grants": [{"kind": g.kind, "target_id": g.target_id, "label": g.label} for g in plan_grants(plan=plan)],
        "withdrawal": rule.withdrawal,
        "grace_days": rule.grace_days,
        "program_start": rule.program_start,
        "program_start_date": rule.program_start_date,
    }


class PlanGrantsMixin:
    """`/billing/plans/{id}/grants/` on the plan viewset: the plan is found in the caller's business first."""

    @extend_schema(
        methods=["GET"],
        summary="What a plan grants (programs, meal plan, habits, check-ins, groups, portal sections)",
        responses={200: PlanAccessSerializer, 404: ErrorSerializer},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Replace what a plan grants and its withdrawal rule",
        description="Ids of another business's rows are refused (400). Grants already given stay; "
        "new buyers and members get the new set.",
        request=PlanAccessSerializer,
        responses={200: PlanAccessSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "put"], url_path="grants", serializer_class=PlanAccessSerializer)
    def grants(self, request, pk=None):
        plan = self.get_object()
        if request.method == "PUT":
            serializer = PlanAccessSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            grouped: dict[str, list[str]] = {}
            for item in data["grants"]:
                grouped.setdefault(item["kind"], []).append(item["target_id"])
            try:
                services.set_plan_access(
                    plan=plan,
                    actor=request.user,
                    grants=grouped,
                    withdrawal=data["withdrawal"],
                    grace_days=data["grace_days"],
                    program_start=data["program_start"],
                    program_start_date=data.get("program_start_date"),
                )
            except BillingError as exc:
                if exc.field in KIND_FIELDS.values():
                    raise BillingError(exc.message, field="grants") from exc
                raise
        return Response(PlanAccessSerializer(plan_access_data(plan)).data)


class AccessGrantSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    status = serializers.ChoiceField(
        choices=[("live", "live"), ("ending", "ending"), ("withdrawn", "withdrawn")], read_only=True
    )

    class Meta:
        model = AccessGrant
        fields = [
            "id",
            "public_id",
            "client",
            "client_name",
            "plan",
            "plan_name",
            "source",
            "kind",
            "target_id",
            "label",
            "status",
            "granted_at",
            "grant_reason",
            "revoke_after",
            "revoked_at",
            "revoke_reason",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="The access ledger: every grant and withdrawal",
        description="Filter by `client`, `plan`, `kind` and `source`; newest first.",
    ),
    retrieve=extend_schema(summary="One access grant", responses={200: AccessGrantSerializer, 404: ErrorSerializer}),
)
class AccessGrantViewSet(OrgReadOnlyViewSet):
    queryset = AccessGrant.objects.all()
    serializer_class = AccessGrantSerializer
    required_capability = "billing.view"
    filterset_fields = ["client", "plan", "kind", "source"]
    ordering_fields = ["granted_at", "revoked_at"]

    def get_queryset(self):
        return super().get_queryset().select_related("client", "plan").order_by("-granted_at", "-id")


class MyAccessSerializer(serializers.ModelSerializer):
    plan_name = serializers.CharField(source="plan.name", read_only=True)

    class Meta:
        model = AccessGrant
        fields = ["public_id", "plan_name", "kind", "target_id", "label", "granted_at", "revoke_after"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="What my plans include now",
        description="Live grants only; `revoke_after` is set when access is due to end.",
    ),
    retrieve=extend_schema(
        summary="One thing my plan includes", responses={200: MyAccessSerializer, 404: ErrorSerializer}
    ),
)
class MyAccessViewSet(ClientReadOnlyViewSet):
    queryset = AccessGrant.objects.filter(revoked_at__isnull=True).select_related("plan").order_by("plan__name", "pk")
    serializer_class = MyAccessSerializer
    lookup_field = "public_id"
