"""Message templates under /api/v1/marketing/templates/: CRUD (archive on delete), a preview
with a real client's data, a test send to oneself, drafting help and the SMS counter.
Writes go through marketing.services.templates."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clients.models import Client
from mecto.api_base import ErrorSerializer, OrgGenericViewSet, OrgPrimaryKeyRelatedField, TenantAPIView
from mecto.comms.models import Channel

from .. import drafting
from ..models import MessageTemplate
from ..rendering import BLOCK_TYPES, TemplateError, render, render_with, sample_values, sms_estimate
from ..services import templates as services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CAPABILITY = "marketing.manage"


class EmailBlockSerializer(serializers.Serializer):
    """One block of an email's body; the keys a type does not use are ignored."""

    type = serializers.ChoiceField(choices=list(BLOCK_TYPES))
    text = serializers.CharField(required=False, allow_blank=True, help_text="heading, text, quote")
    label = serializers.CharField(required=False, allow_blank=True, help_text="button")
    url = serializers.CharField(required=False, allow_blank=True, help_text="button: https://… or a link merge field")
    src = serializers.CharField(required=False, allow_blank=True, help_text="image: https://…")
    alt = serializers.CharField(required=False, allow_blank=True, help_text="image")
    href = serializers.CharField(required=False, allow_blank=True, help_text="image: optional link")
    height = serializers.IntegerField(required=False, min_value=8, max_value=96, help_text="spacer, in pixels")


class SmsCountSerializer(serializers.Serializer):
    characters = serializers.IntegerField()
    encoding = serializers.ChoiceField(choices=["GSM-7", "UCS-2"])
    units = serializers.IntegerField(help_text="Septets (GSM-7, extension characters count 2) or UTF-16 units.")
    segments = serializers.IntegerField()
    per_segment = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text="Characters left before the next segment.")
    max_segments = serializers.IntegerField(required=False, help_text="With each merge field at its longest.")
    warning = serializers.CharField(required=False)


class MessageTemplateSerializer(serializers.ModelSerializer):
    blocks = EmailBlockSerializer(many=True, required=False, help_text="The email's body, in order.")
    is_archived = serializers.SerializerMethodField()

    class Meta:
        model = MessageTemplate
        fields = [
            "id",
            "name",
            "channel",
            "subject",
            "preheader",
            "blocks",
            "sms_body",
            "is_archived",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_is_archived(self, obj) -> bool:
        return obj.archived_at is not None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["blocks"] = instance.blocks if isinstance(instance.blocks, list) else []
        return data

    def validate_blocks(self, value):
        return [{k: v for k, v in dict(b).items() if v is not None} for b in value]


class TemplatePreviewSerializer(serializers.Serializer):
    client = serializers.IntegerField(
        allow_null=True, help_text="The client whose data filled the fields; null: sample data."
    )
    subject = serializers.CharField()
    preheader = serializers.CharField()
    html = serializers.CharField()
    text = serializers.CharField()
    sms = serializers.CharField()
    sms_count = SmsCountSerializer(allow_null=True)


class TemplateTestSendSerializer(serializers.Serializer):
    client = OrgPrimaryKeyRelatedField(
        queryset=Client.objects.all(), required=False, allow_null=True, help_text="Whose data fills the fields."
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text="Text messages: your mobile number."
    )


class TemplateTestSentSerializer(serializers.Serializer):
    message_id = serializers.IntegerField()
    to = serializers.CharField()


class TemplateDraftRequestSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)
    goal = serializers.ChoiceField(choices=list(drafting.GOALS.items()))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=drafting.MAX_NOTE,
        help_text="The offer, or the goal in your words.",
    )
    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all(), required=False, allow_null=True)
    use_provider = serializers.BooleanField(
        default=False, help_text="Ask the configured language model (metered); the local draft otherwise."
    )


class TemplateDraftSerializer(serializers.Serializer):
    subject = serializers.CharField()
    preheader = serializers.CharField()
    blocks = EmailBlockSerializer(many=True)
    sms_body = serializers.CharField()
    source = serializers.ChoiceField(choices=["local", "provider"])
    message = serializers.CharField()


class SmsTextSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=1600, trim_whitespace=False)


def _client_param(request, organization):
    raw = request.query_params.get("client", "")
    qs = Client.objects.for_org(organization)
    if raw == "":
        return qs.order_by("first_name", "last_name", "id").first()
    if not raw.isdigit() or len(raw) > 18:
        raise TemplateError(_("Choose a client of this business."), field="client")
    client = qs.filter(pk=int(raw)).first()
    if client is None:
        raise TemplateError(_("Choose a client of this business."), field="client")
    return client


def preview_data(template, client) -> dict:
    organization = template.organization
    if client is not None:
        rendered = render(template, client, organization=organization)
    else:
        rendered = render_with(template, sample_values(organization), organization)
    return {
        "client": client.pk if client is not None else None,
        "subject": rendered.subject,
        "preheader": rendered.preheader,
        "html": rendered.html,
        "text": rendered.text,
        "sms": rendered.sms,
        "sms_count": sms_estimate(template.sms_body, organization) if template.channel == Channel.SMS else None,
    }


def _fields(validated: dict) -> dict:
    return dict(validated)


@extend_schema_view(
    list=extend_schema(
        summary="Your business's message templates",
        parameters=[
            OpenApiParameter("channel", str, enum=["email", "sms"], description="Only this channel."),
            OpenApiParameter("archived", bool, description="true: only archived templates."),
        ],
    ),
    retrieve=extend_schema(
        summary="A message template", responses={200: MessageTemplateSerializer, 404: ErrorSerializer}
    ),
    create=extend_schema(
        summary="Add an email or SMS template (merge fields outside the allow-list are refused)",
        responses={201: MessageTemplateSerializer, **ERRORS},
    ),
    partial_update=extend_schema(summary="Change a template", responses={200: MessageTemplateSerializer, **ERRORS}),
    destroy=extend_schema(
        summary="Archive a template (campaigns that used it keep it)", responses={204: None, 404: ErrorSerializer}
    ),
)
class MessageTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = MessageTemplate.objects.all()
    serializer_class = MessageTemplateSerializer
    required_capability = CAPABILITY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            params = self.request.query_params
            qs = qs.filter(archived_at__isnull=params.get("archived") not in ("true", "1"))
            if params.get("channel") in Channel.values:
                qs = qs.filter(channel=params["channel"])
        return qs

    def perform_create(self, serializer):
        serializer.instance = services.create_template(
            organization=self.organization, actor=self.request.user, **_fields(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_template(
            template=serializer.instance, actor=self.request.user, **_fields(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.archive_template(template=instance, actor=self.request.user)

    @extend_schema(
        summary="The template rendered with a client's data (the first client when none is given)",
        parameters=[OpenApiParameter("client", int, description="A client of this business.")],
        responses={200: TemplatePreviewSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        template = self.get_object()
        return Response(
            TemplatePreviewSerializer(preview_data(template, _client_param(request, self.organization))).data
        )

    @extend_schema(
        summary="Send a test of the template to yourself (email to your address, a text to the number given)",
        request=TemplateTestSendSerializer,
        responses={202: TemplateTestSentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="test-send")
    def test_send(self, request, pk=None):
        template = self.get_object()
        body = TemplateTestSendSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        message = services.send_test(
            template=template,
            actor=request.user,
            client=body.validated_data.get("client"),
            phone=body.validated_data.get("phone", ""),
        )
        return Response({"message_id": message.pk, "to": message.to_address}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Draft a template for a goal (local generator, or the metered language model when asked)",
        request=TemplateDraftRequestSerializer,
        responses={200: TemplateDraftSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def draft(self, request):
        body = TemplateDraftRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        result = drafting.draft(organization=self.organization, actor=request.user, **body.validated_data)
        return Response(TemplateDraftSerializer(result.as_dict()).data)


class SmsCountView(TenantAPIView):
    """POST /api/v1/marketing/sms-count/: characters, encoding and segments of a text."""

    tenant_exempt = "Counts the text it is sent; reads only the business's longest client names."
    permission_classes = OrgGenericViewSet.permission_classes
    required_capability = CAPABILITY
    serializer_class = SmsTextSerializer

    @extend_schema(
        summary="Count an SMS: characters, GSM-7 or UCS-2, segments (merge fields at typical and longest values)",
        request=SmsTextSerializer,
        responses={200: SmsCountSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def create(self, request):
        body = SmsTextSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = sms_estimate(body.validated_data["text"], request.tenant.organization)
        return Response(SmsCountSerializer(data).data)
