"""The push opt-in for the app and the pages: this device's subscription, and the key the
browser subscribes with. Personal routes: a session or the app's session token, never a
business's API token (a token acts for the business, notifications are a person's)."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, TenantAPIView

from . import push
from .models import PushSubscription

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}
EXAMPLE_ENDPOINT = "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bF"


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(
        max_length=120, validators=[push.validate_p256dh], help_text="The browser's P-256 public key, base64url."
    )
    auth = serializers.CharField(
        max_length=40, validators=[push.validate_auth], help_text="The browser's 16-byte auth secret, base64url."
    )


class PushSubscribeSerializer(serializers.Serializer):
    """What `PushManager.subscribe()` returns, as `subscription.toJSON()`."""

    endpoint = serializers.CharField(
        max_length=PushSubscription.MAX_ENDPOINT_LENGTH,
        validators=[push.validate_endpoint],
        help_text="The push service URL of this device (https, a known push service).",
    )
    keys = PushKeysSerializer()
    expirationTime = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")


class PushEndpointSerializer(serializers.Serializer):
    endpoint = serializers.CharField(max_length=PushSubscription.MAX_ENDPOINT_LENGTH)


class PushSubscriptionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "user_agent", "created_at", "last_used_at"]
        read_only_fields = fields


class PushSubscriptionsView(TenantAPIView):
    """Notifications on this device: turn them on (POST the browser's subscription) or off
    (DELETE with its endpoint)."""

    tenant_exempt = "Reads and writes only the signed-in person's own devices."
    token_resource = None  # personal: business API tokens are refused
    permission_classes = [IsAuthenticated]
    serializer_class = PushSubscribeSerializer

    @extend_schema(
        summary="Turn notifications on for this device",
        request=PushSubscribeSerializer,
        responses={200: PushSubscriptionSerializer, 201: PushSubscriptionSerializer, **ERRORS},
        description=(
            "Send the browser's push subscription (`PushSubscription.toJSON()`, made with the key from "
            "`/api/v1/push/vapid-public-key/`). The same endpoint again refreshes its keys (200). At most "
            "`PUSH_MAX_DEVICES` devices per person: a new one beyond that drops the oldest. New messages, "
            "session reminders and check-ins due then arrive as notifications on this device."
        ),
        examples=[
            OpenApiExample(
                "Chrome on Android",
                request_only=True,
                value={
                    "endpoint": EXAMPLE_ENDPOINT,
                    "expirationTime": None,
                    "keys": {
                        "p256dh": (
                            "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
                        ),
                        "auth": "tBHItJI5svbpez7KI4CCXg",
                    },
                },
            )
        ],
    )
    def create(self, request):
        if not push.is_enabled():
            return Response(
                {"detail": "Push notifications are not available on this server.", "errors": {}},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        serializer = PushSubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = PushSubscription.objects.filter(endpoint=data["endpoint"], user=request.user).exists()
        subscription = push.subscribe(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            organization=request.tenant.organization,
        )
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(PushSubscriptionSerializer(subscription).data, status=code)

    @extend_schema(
        summary="Turn notifications off for this device",
        request=PushEndpointSerializer,
        responses={204: None, 404: ErrorSerializer, **ERRORS},
        description="Send the endpoint of this device's subscription; 404 when it is not one of yours.",
    )
    def remove(self, request):
        serializer = PushEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not push.unsubscribe(user=request.user, endpoint=serializer.validated_data["endpoint"]):
            return Response({"detail": "No such device among yours.", "errors": {}}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VapidPublicKeyView(TenantAPIView):
    """The application server key a browser subscribes with."""

    tenant_exempt = "The platform's public key: the same for everyone, no business's data."
    token_resource = None
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The key to subscribe to push with",
        responses={
            200: inline_serializer(
                "VapidPublicKey",
                {
                    "enabled": serializers.BooleanField(help_text="False when this server sends no push."),
                    "public_key": serializers.CharField(
                        help_text="base64url P-256 public key: `applicationServerKey` of `PushManager.subscribe()`."
                    ),
                },
            ),
            401: ErrorSerializer,
        },
    )
    def retrieve(self, request):
        key = push.public_key()
        return Response({"enabled": bool(key), "public_key": key})


urlpatterns = [
    path(
        "push/subscriptions/",
        PushSubscriptionsView.as_view({"post": "create", "delete": "remove"}),
        name="push-subscriptions",
    ),
    path("push/vapid-public-key/", VapidPublicKeyView.as_view({"get": "retrieve"}), name="push-vapid-public-key"),
]
