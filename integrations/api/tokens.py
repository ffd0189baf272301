"""API tokens: list, create (the secret is returned once), revoke. Session login only."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgGenericViewSet

from .. import services_tokens as services
from ..models import ApiToken

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class ApiTokenSerializer(serializers.ModelSerializer):
    scopes = serializers.DictField(child=serializers.ChoiceField(choices=["none", "read", "write"]))
    expires_in_days = serializers.IntegerField(write_only=True, required=False, min_value=1, max_value=366)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "expires_in_days",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "last_used_ip",
            "created_at",
        ]
        read_only_fields = ["id", "prefix", "expires_at", "revoked_at", "last_used_at", "last_used_ip", "created_at"]


class NewTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


@extend_schema_view(
    list=extend_schema(summary="API tokens of the business"),
    create=extend_schema(
        summary="Create an API token (owners; the secret is returned once)",
        responses={201: NewTokenSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Revoke a token now", responses={204: None, **ERRORS}),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, OrgGenericViewSet):
    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer
    required_capability = "members.manage"
    token_resource = None  # a token cannot mint or revoke tokens

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, secret = services.create_token(
            organization=self.organization, actor=request.user, **serializer.validated_data
        )
        return Response(ApiTokenSerializer(token).data | {"token": secret}, status=201)

    def perform_destroy(self, instance):
        services.revoke_token(token=instance, actor=self.request.user)
