"""Webhook endpoints, their deliveries, and Zapier-style REST hooks for API tokens."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, NestedRouteMixin, OrgGenericViewSet, OrgModelSerializer
from mecto.events import EVENT_TYPES

from .. import services_webhooks as services
from ..models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class WebhookEndpointSerializer(OrgModelSerializer):
    event_types = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=200)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "enabled",
            "disabled_reason",
            "failing_since",
            "created_at",
        ]
        read_only_fields = ["id", "disabled_reason", "failing_since", "created_at"]


class EndpointSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: store it to verify signatures.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField()


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "response_status", "response_body", "duration_ms", "error", "created_at"]


class DeliverySerializer(serializers.ModelSerializer):
    log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_type",
            "message_id",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "log",
        ]


@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints"),
    retrieve=extend_schema(summary="A webhook endpoint", responses={200: WebhookEndpointSerializer, **ERRORS}),
    create=extend_schema(
        summary="Add a webhook endpoint (the secret is returned once)",
        responses={201: EndpointSecretSerializer, **ERRORS},
    ),
    partial_update=extend_schema(summary="Change an endpoint", responses={200: WebhookEndpointSerializer, **ERRORS}),
    update=extend_schema(summary="Replace an endpoint", responses={200: WebhookEndpointSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove an endpoint", responses={204: None, **ERRORS}),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = WebhookEndpoint.objects.all()
    serializer_class = WebhookEndpointSerializer
    required_capability = "org.manage"
    token_resource = "webhooks"

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("enabled", None)  # a new endpoint starts enabled
        endpoint = services.create_endpoint(organization=self.organization, actor=request.user, **fields)
        return Response(EndpointSecretSerializer(endpoint).data | {"secret": endpoint.secret}, status=201)

    def perform_update(self, serializer):
        serializer.instance = services.update_endpoint(
            endpoint=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_endpoint(endpoint=instance, actor=self.request.user)

    @extend_schema(
        summary="Rotate the secret (the old one signs too for 24 h)",
        request=None,
        responses={200: SecretSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        return Response({"secret": services.rotate_secret(endpoint=self.get_object(), actor=request.user)})

    @extend_schema(summary="Send a test event (webhook.test)", request=None, responses={202: None, **ERRORS})
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        services.send_test_event(endpoint=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="Deliveries of an endpoint, newest first, with each attempt"),
    retrieve=extend_schema(summary="A delivery", responses={200: DeliverySerializer, **ERRORS}),
)
class WebhookDeliveryViewSet(NestedRouteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = WebhookDelivery.objects.all()
    serializer_class = DeliverySerializer
    required_capability = "org.manage"
    token_resource = "webhooks"
    parent_lookups = {"endpoint_pk": ("endpoint", "integrations.WebhookEndpoint")}

    def get_queryset(self):
        from django.db.models import Prefetch

        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("log", queryset=WebhookAttempt.objects.order_by("-created_at")))
            .order_by("-created_at")
        )

    @extend_schema(summary="Send this delivery again now", request=None, responses={200: DeliverySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None, endpoint_pk=None):
        delivery = services.redeliver(delivery=self.get_object(), actor=request.user)
        return Response(DeliverySerializer(delivery).data)


class RestHookSerializer(serializers.Serializer):
    target_url = serializers.URLField(max_length=2000)
    event = serializers.CharField(max_length=100)

    def validate_event(self, value):
        if value not in EVENT_TYPES:
            raise serializers.ValidationError("Unknown event.")
        return value


class RestHookOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_url = serializers.CharField()
    event = serializers.CharField()


@extend_schema_view(
    create=extend_schema(
        summary="Subscribe a target URL to one event (REST hooks)",
        request=RestHookSerializer,
        responses={201: RestHookOutSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Unsubscribe (REST hooks)", responses={204: None, **ERRORS}),
)
class RestHookViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, OrgGenericViewSet):
    """Zapier-style subscribe/unsubscribe: `POST /hooks/` {target_url, event}, `DELETE /hooks/{id}/`."""

    queryset = WebhookEndpoint.objects.all()
    serializer_class = RestHookSerializer
    required_capability = "org.manage"
    token_resource = "webhooks"

    def create(self, request, *args, **kwargs):
        serializer = RestHookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.create_endpoint(
            organization=self.organization,
            actor=request.user,
            url=serializer.validated_data["target_url"],
            description="REST hook",
            event_types=[serializer.validated_data["event"]],
        )
        data = {"id": endpoint.pk, "target_url": endpoint.url, "event": serializer.validated_data["event"]}
        return Response(data, status=201)

    def destroy(self, request, *args, **kwargs):
        endpoint = get_object_or_404(self.get_queryset(), pk=kwargs.get("pk"))
        services.delete_endpoint(endpoint=endpoint, actor=request.user)
        return Response(status=204)
