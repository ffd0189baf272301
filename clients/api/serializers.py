from rest_framework import serializers

from mecto.api_base import OrgModelSerializer, TimeZoneField

from ..models import Client


class ClientSerializer(OrgModelSerializer):
    full_name = serializers.CharField(read_only=True)
    time_zone = TimeZoneField(required=False)
    has_portal_account = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "public_id",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "phone",
            "status",
            "coach",
            "time_zone",
            "unit_system",
            "has_portal_account",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "public_id", "created_at", "updated_at"]

    def get_has_portal_account(self, client) -> bool:
        return client.user_id is not None
