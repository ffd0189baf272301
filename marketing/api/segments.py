"""Segment API: saved segments (CRUD), their live count, a count for unsaved rules, and the
field registry the editor is built from."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgModelSerializer, OrgViewSet

from .. import segments as engine
from ..models import Segment
from ..services import segments as services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CAPABILITY = "marketing.manage"
SAMPLE_SIZE = 5


class SegmentRuleSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=list(engine.SEGMENT_FIELDS), help_text="A key of /segments/fields/.")
    op = serializers.CharField(max_length=20, help_text="One of the field's operators.")
    value = serializers.JSONField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "By the operator's kind: choice → a string; tags → a list of tag ids; coach → a user id; "
            "date → YYYY-MM-DD; days / number → an integer; percent_days → {percent, days}; none → null."
        ),
    )


class SegmentSerializer(OrgModelSerializer):
    rules = SegmentRuleSerializer(many=True, required=False)
    match = serializers.ChoiceField(choices=["all", "any"], required=False, default="all")
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Segment
        fields = ["id", "name", "description", "match", "rules", "summary", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def get_summary(self, segment) -> str:
        return engine.describe(segment.rules)


class PreviewRequestSerializer(serializers.Serializer):
    rules = SegmentRuleSerializer(many=True)
    match = serializers.ChoiceField(choices=["all", "any"], required=False, default="all")


SampleClient = inline_serializer(
    "SegmentSampleClient", {"id": serializers.IntegerField(), "name": serializers.CharField()}, many=True
)
CountResponse = inline_serializer(
    "SegmentCount",
    {
        "count": serializers.IntegerField(help_text="Clients the rules select now."),
        "sample": SampleClient,
    },
)
FieldOp = inline_serializer(
    "SegmentFieldOperator",
    {
        "op": serializers.CharField(),
        "label": serializers.CharField(),
        "kind": serializers.ChoiceField(
            choices=["choice", "tags", "coach", "date", "days", "number", "percent_days", "none"]
        ),
    },
    many=True,
)
FieldsResponse = inline_serializer(
    "SegmentField",
    {
        "key": serializers.CharField(),
        "label": serializers.CharField(),
        "help": serializers.CharField(),
        "ops": FieldOp,
        "choices": inline_serializer(
            "SegmentFieldChoice", {"value": serializers.CharField(), "label": serializers.CharField()}, many=True
        ),
    },
    many=True,
)


def _count_payload(total: int, clients) -> dict:
    return {"count": total, "sample": [{"id": c.pk, "name": c.full_name} for c in clients]}


@extend_schema_view(
    list=extend_schema(summary="The business's saved segments"),
    retrieve=extend_schema(summary="A segment", responses={200: SegmentSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Save a segment (rules are validated)", responses={201: SegmentSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a segment", responses={200: SegmentSerializer, **ERRORS}),
    destroy=extend_schema(
        summary="Delete a segment (refused while a campaign uses it)", responses={204: None, **ERRORS}
    ),
)
class SegmentViewSet(OrgViewSet):
    queryset = Segment.objects.all()
    serializer_class = SegmentSerializer
    required_capability = CAPABILITY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def perform_create(self, serializer):
        fields = {"rules": [], **serializer.validated_data}  # no rules: a segment of every client
        serializer.instance = services.create_segment(organization=self.organization, actor=self.request.user, **fields)

    def perform_update(self, serializer):
        serializer.instance = services.update_segment(
            segment=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_segment(segment=instance, actor=self.request.user)

    @extend_schema(summary="How many clients the segment selects now, and the first few", responses=CountResponse)
    @action(detail=True, methods=["get"])
    def count(self, request, *args, **kwargs):
        segment = self.get_object()
        return Response(_count_payload(*engine.sample(segment.organization, segment.rules, segment.match)))

    @extend_schema(
        summary="Count the clients of rules not saved yet (the builder's live count)",
        request=PreviewRequestSerializer,
        responses={200: CountResponse, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="preview-count")
    def preview_count(self, request, *args, **kwargs):
        data = PreviewRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = engine.sample(
            self.organization, data.validated_data["rules"], data.validated_data["match"], limit=SAMPLE_SIZE
        )
        return Response(_count_payload(*result), status=status.HTTP_200_OK)

    @extend_schema(summary="The fields, operators and value kinds a rule can use", responses=FieldsResponse)
    @action(detail=False, methods=["get"], pagination_class=None)
    def fields(self, request, *args, **kwargs):
        return Response(engine.fields_registry())
