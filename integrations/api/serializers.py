from rest_framework import serializers

from mecto.api_base import OrgModelSerializer

from ..models import ConnectedAccount


class ConnectedAccountSerializer(OrgModelSerializer):
    """A connected account; its tokens never leave the server."""

    class Meta:
        model = ConnectedAccount
        fields = [
            "id",
            "provider",
            "account_email",
            "status",
            "calendar_sync",
            "calendar_id",
            "last_synced_at",
            "last_error",
            "created_at",
        ]
        read_only_fields = ["id", "provider", "account_email", "status", "last_synced_at", "last_error", "created_at"]


class SyncResultSerializer(serializers.Serializer):
    pushed = serializers.IntegerField()
    busy = serializers.IntegerField()
