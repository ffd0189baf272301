from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import CoachAlert, CoachAlertPreference
from ..services import PREFERENCE_FIELDS


class AlertPreferencesSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoachAlertPreference
        fields = list(PREFERENCE_FIELDS)


class CoachAlertSerializer(serializers.ModelSerializer):
    client_name = serializers.SerializerMethodField(help_text=_("The client the alert is about, if any"))
    is_read = serializers.BooleanField(read_only=True)
    path = serializers.CharField(read_only=True, help_text=_("Where the alert leads in the coach pages (may be empty)"))

    class Meta:
        model = CoachAlert
        fields = ["id", "kind", "title", "detail", "path", "client", "client_name", "is_read", "read_at", "created_at"]
        read_only_fields = fields

    def get_client_name(self, alert) -> str:
        return alert.client.full_name if alert.client_id else ""


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text=_("How many alerts were unread"))
    unread = serializers.IntegerField(help_text=_("Unread alerts left (0)"))
