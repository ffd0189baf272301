"""Campaign API: drafts, scheduling, sending, pausing, progress and the report."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgModelSerializer, OrgViewSet

from .. import selectors
from ..models import Campaign, CampaignRecipient
from ..services import campaigns as services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CAPABILITY = "marketing.manage"


class ProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Recipients fixed when the send started.")
    sent = serializers.IntegerField()
    remaining = serializers.IntegerField(help_text="Not yet queued, or queued and not yet handed to the provider.")
    failed = serializers.IntegerField(help_text="Failed or bounced.")
    skipped = serializers.IntegerField(help_text="No consent, suppressed or no address.")
    percent = serializers.IntegerField()
    finished = serializers.BooleanField()


class RatesSerializer(serializers.Serializer):
    delivered = serializers.IntegerField()
    opened = serializers.IntegerField()
    clicked = serializers.IntegerField()
    bounced = serializers.IntegerField()
    unsubscribed = serializers.IntegerField()
    replies = serializers.IntegerField()


class ReportSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    opened = serializers.IntegerField(help_text="Where the provider reports opens (email).")
    clicked = serializers.IntegerField()
    bounced = serializers.IntegerField()
    failed = serializers.IntegerField()
    suppressed = serializers.IntegerField()
    unsubscribed = serializers.IntegerField(help_text="Recipients who unsubscribed after this campaign reached them.")
    replies = serializers.IntegerField(help_text="Text replies from recipients after the send.")
    rates = RatesSerializer(help_text="Each figure as a percentage of the messages sent.")


class CampaignSerializer(OrgModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "segment",
            "email_template",
            "sms_template",
            "rate_per_minute",
            "status",
            "scheduled_at",
            "started_at",
            "finished_at",
            "paused_reason",
            "created_at",
            "progress",
        ]
        read_only_fields = ["status", "scheduled_at", "started_at", "finished_at", "paused_reason", "created_at"]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, obj) -> dict:
        if hasattr(obj, "recipient_count"):  # a list: the counts came with the rows
            return selectors.progress_from_counts(obj)
        return selectors.campaign_progress(campaign=obj)


class ScheduleSerializer(serializers.Serializer):
    send_at = serializers.DateTimeField(
        help_text="When to send: with an offset, or without one for the business's local time."
    )


class RecipientSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.full_name", read_only=True)
    message_status = serializers.CharField(source="message.status", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CampaignRecipient
        fields = [
            "id",
            "client",
            "client_name",
            "channel",
            "status",
            "message_status",
            "queued_at",
            "opened_at",
            "clicked_at",
        ]


class RecipientPageSerializer(serializers.Serializer):
    """One page of a campaign's recipients (the API's usual page shape)."""

    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = RecipientSerializer(many=True)


class CampaignViewSet(OrgViewSet):
    """Campaigns of the business. Writes change drafts; actions move them along."""

    queryset = Campaign.objects.all()
    serializer_class = CampaignSerializer
    required_capability = CAPABILITY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def get_queryset(self):
        if self.action == "list":
            return selectors.campaigns(organization=self.organization)
        return super().get_queryset().select_related("organization", "segment", "email_template", "sms_template")

    def perform_create(self, serializer):
        serializer.instance = services.create_campaign(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_campaign(
            campaign=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_campaign(campaign=instance, actor=self.request.user)

    def _done(self, campaign):
        return Response(CampaignSerializer(campaign, context=self.get_serializer_context()).data)

    @extend_schema(request=ScheduleSerializer, responses={200: CampaignSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        campaign = self.get_object()  # another business's campaign is a 404 before the body is read
        body = ScheduleSerializer(data=request.data)
        # A time without an offset is on the business's clock.
        body.fields["send_at"].timezone = ZoneInfo(self.organization.time_zone or "UTC")
        body.is_valid(raise_exception=True)
        return self._done(
            services.schedule_campaign(campaign=campaign, actor=request.user, send_at=body.validated_data["send_at"])
        )

    @extend_schema(request=None, responses={200: CampaignSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="send-now")
    def send_now(self, request, pk=None):
        return self._done(services.send_campaign_now(campaign=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={200: CampaignSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self._done(services.pause_campaign(campaign=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={200: CampaignSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self._done(services.resume_campaign(campaign=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={200: CampaignSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._done(services.cancel_campaign(campaign=self.get_object(), actor=request.user))

    @extend_schema(responses={200: ReportSerializer, **ERRORS})
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        return Response(ReportSerializer(selectors.campaign_report(campaign=self.get_object())).data)

    @extend_schema(responses={200: RecipientPageSerializer, **ERRORS})
    @action(detail=True, methods=["get"])
    def recipients(self, request, pk=None):
        rows = selectors.campaign_recipients(campaign=self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RecipientSerializer(page, many=True).data)
