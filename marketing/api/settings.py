"""Sending settings API: GET and PATCH /api/v1/marketing/settings/ (one row per business)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgGenericViewSet, TenantAPIView

from ..models import SendingSettings
from ..services import settings as services

CAPABILITY = "marketing.manage"
CHANGE_CAPABILITY = "org.manage"


class SendingSettingsSerializer(serializers.ModelSerializer):
    rate_per_minute = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Messages per minute for the whole business, shared by its campaigns; at most "
        "MARKETING_MAX_RATE_PER_MINUTE (the provider's limit, 3,000 by default).",
    )

    class Meta:
        model = SendingSettings
        fields = [
            "quiet_start",
            "quiet_end",
            "email_cap",
            "sms_cap",
            "reply_to",
            "rate_per_minute",
            "pause_failure_percent",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"pause_failure_percent": {"min_value": 1, "max_value": 50}}

    def validate(self, attrs):
        merged = {f: getattr(self.instance, f) for f in ("quiet_start", "quiet_end")} if self.instance else {}
        merged.update(attrs)
        errors = services.validate_settings(merged)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class SendingSettingsView(TenantAPIView):
    """The request's business's sending settings: members who run marketing read them, those
    the owner changes them."""

    tenant_exempt = "Reads and writes only the request's business's own settings row."
    permission_classes = OrgGenericViewSet.permission_classes
    required_capability = CAPABILITY
    serializer_class = SendingSettingsSerializer

    def _row(self, request):
        return services.sending_settings(organization=request.tenant.organization)

    @extend_schema(
        summary="The business's marketing sending settings",
        responses={200: SendingSettingsSerializer, 403: ErrorSerializer},
    )
    def retrieve(self, request):
        return Response(SendingSettingsSerializer(self._row(request)).data)

    @extend_schema(
        summary="Change the business's marketing sending settings (owner only); nothing is saved on a 400",
        request=SendingSettingsSerializer,
        responses={200: SendingSettingsSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def partial_update(self, request):
        if not request.tenant.can(CHANGE_CAPABILITY):
            raise PermissionDenied("Only the business's owner can change the sending settings.")
        row = self._row(request)
        body = SendingSettingsSerializer(row, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        row = services.update_sending_settings(
            organization=request.tenant.organization, actor=request.user, **body.validated_data
        )
        return Response(SendingSettingsSerializer(row).data)
