"""Automations API: automations with their steps (nested, replaced as a list on write),
the ready templates and switching one on, the dry run, and runs with their timeline."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from marketing.models import MessageTemplate
from mecto.api_base import (
    ErrorSerializer,
    OrgModelSerializer,
    OrgPrimaryKeyRelatedField,
    OrgReadOnlyViewSet,
    OrgViewSet,
    TenantAPIView,
)
from mecto.permissions import HasCapability, IsOrgMember

from .. import library
from .. import services_rules as services
from ..models_rules import IN_PROGRESS, Automation, AutomationRun, AutomationStep, Reentry, RunState, RunStep, StepKind

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CAPABILITY = "marketing.manage"


class ConditionSerializer(serializers.Serializer):
    field = serializers.CharField(max_length=80, help_text="client.status, client.tags, client.coach… or event.<key>")
    op = serializers.ChoiceField(choices=list(services.engine.OPS), default="eq")
    value = serializers.JSONField(required=False, allow_null=True)


class StepSerializer(OrgModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Keep an existing step (runs on it stay there).")
    template = OrgPrimaryKeyRelatedField(queryset=MessageTemplate.objects.all(), required=False, allow_null=True)
    config = serializers.DictField(
        required=False,
        help_text="Per kind: wait {days, hours, minutes}; wait_until {weekdays [1-7], time HH:MM}; "
        "send_email/send_sms {category transactional|marketing}; create_task {title, detail, due_in_days}; "
        "add_tag/remove_tag {tag}; change_status {status}; assign_program {program_id}; "
        "notify_coach {subject, text}; webhook {name}.",
    )

    class Meta:
        model = AutomationStep
        fields = ["id", "order", "kind", "template", "config"]
        read_only_fields = ["order"]


class AutomationSerializer(OrgModelSerializer):
    steps = StepSerializer(many=True, required=False)
    conditions = ConditionSerializer(many=True, required=False)
    goal_conditions = ConditionSerializer(many=True, required=False)
    exit_conditions = ConditionSerializer(many=True, required=False)
    exit_events = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=20)
    trigger = serializers.CharField(max_length=80, help_text="An event name from the product, or date.birthday.")
    goal_event = serializers.CharField(max_length=80, required=False, allow_blank=True)
    runs_in_progress = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Automation
        fields = [
            "id",
            "name",
            "description",
            "trigger",
            "conditions",
            "goal_event",
            "goal_conditions",
            "exit_events",
            "exit_conditions",
            "reentry",
            "reentry_days",
            "is_active",
            "version",
            "template_key",
            "runs_in_progress",
            "steps",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "template_key", "created_at", "updated_at"]


class AutomationTemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    trigger = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField(), help_text="The kinds of its steps, in order.")


class RunStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = RunStep
        fields = ["id", "step", "kind", "outcome", "detail", "message_id", "task", "at"]
        read_only_fields = fields


class RunSerializer(serializers.ModelSerializer):
    automation_name = serializers.CharField(source="automation.name", read_only=True)
    client_name = serializers.CharField(source="client.full_name", read_only=True)

    class Meta:
        model = AutomationRun
        fields = [
            "id",
            "automation",
            "automation_name",
            "client",
            "client_name",
            "event",
            "state",
            "current_step",
            "next_run_at",
            "version",
            "started_at",
            "finished_at",
            "last_error",
        ]
        read_only_fields = fields


class RunDetailSerializer(RunSerializer):
    timeline = RunStepSerializer(many=True, read_only=True)

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "context", "timeline"]
        read_only_fields = fields


DryRunResponse = inline_serializer(
    "AutomationDryRun",
    {
        "matching": serializers.IntegerField(
            help_text="Clients the simulated trigger reached who match the client and event conditions."
        ),
        "count": serializers.IntegerField(help_text="Of those, who would enter (re-entry policy applied)."),
        "clients": inline_serializer(
            "AutomationDryRunClient", {"id": serializers.IntegerField(), "name": serializers.CharField()}, many=True
        ),
        "not_entering": inline_serializer(
            "AutomationDryRunSkipped",
            {"id": serializers.IntegerField(), "name": serializers.CharField(), "reason": serializers.CharField()},
            many=True,
            help_text="Clients the trigger reached who would not enter, and why (conditions, re-entry).",
        ),
        "days": serializers.IntegerField(help_text="Event triggers are simulated with the events of these last days."),
    },
)


def _steps(data):
    return [dict(s) for s in data] if data is not None else None


def _rules(data: dict) -> dict:
    out = dict(data)
    for key in ("conditions", "goal_conditions", "exit_conditions"):
        if key in out:
            out[key] = [dict(r) for r in out[key]]
    return out


@extend_schema_view(
    list=extend_schema(summary="The business's automations", parameters=[OpenApiParameter("active", bool)]),
    retrieve=extend_schema(summary="An automation with its steps", responses={200: AutomationSerializer, **ERRORS}),
    create=extend_schema(summary="Build an automation", responses={201: AutomationSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change an automation (steps sent replace the list; runs keep their place by step id)",
        responses={200: AutomationSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete an automation (its runs in progress exit)", responses={204: None, **ERRORS}),
)
class AutomationViewSet(OrgViewSet):
    queryset = Automation.objects.all()
    serializer_class = AutomationSerializer
    required_capability = CAPABILITY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .annotate(runs_in_progress=Count("runs", filter=Q(runs__state__in=IN_PROGRESS)))
            .prefetch_related("steps")
            .order_by("name", "id")
        )
        active = self.request.query_params.get("active")
        if active in ("true", "1"):
            qs = qs.filter(is_active=True)
        elif active in ("false", "0"):
            qs = qs.filter(is_active=False)
        return qs

    def perform_create(self, serializer):
        data = _rules(serializer.validated_data)
        steps = _steps(data.pop("steps", []))
        serializer.instance = services.create_automation(
            organization=self.organization, actor=self.request.user, steps=steps, **data
        )

    def perform_update(self, serializer):
        data = _rules(serializer.validated_data)
        steps = _steps(data.pop("steps", None))
        serializer.instance = services.update_automation(
            automation=serializer.instance, actor=self.request.user, steps=steps, **data
        )

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        instance = self.get_queryset().get(pk=self.get_object().pk)
        return Response(self.get_serializer(instance).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        instance = self.get_queryset().get(pk=serializer.instance.pk)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_automation(automation=instance, actor=self.request.user)

    @extend_schema(
        summary="Who would enter now (writes nothing)", responses={200: DryRunResponse, 404: ErrorSerializer}
    )
    @action(detail=True, methods=["get"], url_path="dry-run")
    def dry_run(self, request, pk=None):
        result = services.dry_run(automation=self.get_object())
        return Response(
            {
                "matching": result["matching"],
                "count": result["count"],
                "clients": [{"id": c.pk, "name": c.full_name} for c in result["entering"]],
                "not_entering": [
                    {"id": r["client"].pk, "name": r["client"].full_name, "reason": r["reason"]}
                    for r in result["not_entering"]
                ],
                "days": result["days"],
            }
        )


class AutomationTemplateViewSet(TenantAPIView):
    """The ready automations: the product's own list (no business's rows); switching one on
    creates the automation only in the request's business."""

    tenant_exempt = "Lists the product's ready automations; enabling creates rows only in the request's business."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = CAPABILITY
    serializer_class = AutomationTemplateSerializer
    queryset = Automation.objects.none()  # for the schema only: nothing is read from it
    lookup_field = "key"
    lookup_value_regex = "[a-z_]{1,40}"
    pagination_class = None

    @extend_schema(
        summary="Ready automations a coach can switch on", responses={200: AutomationTemplateSerializer(many=True)}
    )
    def list(self, request):
        data = [
            {
                "key": r.key,
                "name": str(r.name),
                "description": str(r.description),
                "trigger": r.trigger,
                "steps": [str(s["kind"]) for s in r.steps],
            }
            for r in library.recipes()
        ]
        return Response(AutomationTemplateSerializer(data, many=True).data)

    @extend_schema(
        summary="Switch a ready automation on (creates it with its steps and message templates)",
        request=None,
        parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, enum=[*library.BY_KEY])],
        responses={201: AutomationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, key=None):
        if key not in library.BY_KEY:
            raise NotFound()
        organization = request.tenant.organization
        automation = library.enable_template(organization=organization, key=key, actor=request.user)
        instance = (
            Automation.objects.for_org(organization)
            .annotate(runs_in_progress=Count("runs", filter=Q(runs__state__in=IN_PROGRESS)))
            .prefetch_related("steps")
            .get(pk=automation.pk)
        )
        context = {"request": request, "view": self, "format": None}
        return Response(AutomationSerializer(instance, context=context).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Automation runs",
        parameters=[
            OpenApiParameter("automation", int),
            OpenApiParameter("client", int),
            OpenApiParameter("state", str, enum=list(RunState.values)),
        ],
    ),
    retrieve=extend_schema(
        summary="A run with its timeline", responses={200: RunDetailSerializer, 404: ErrorSerializer}
    ),
)
class AutomationRunViewSet(OrgReadOnlyViewSet):
    queryset = AutomationRun.objects.select_related("automation", "client")
    serializer_class = RunSerializer
    required_capability = CAPABILITY
    filter_backends: list = []

    def get_serializer_class(self):
        return RunDetailSerializer if self.action == "retrieve" else RunSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            return qs.prefetch_related("timeline")
        params = self.request.query_params
        for name in ("automation", "client"):
            value = params.get(name)
            if value:
                qs = qs.filter(**{f"{name}_id": int(value)}) if value.isdigit() and len(value) < 18 else qs.none()
        if params.get("state"):
            qs = qs.filter(state=params["state"])
        return qs


__all__ = ["AutomationRunViewSet", "AutomationTemplateViewSet", "AutomationViewSet", "Reentry", "StepKind"]
