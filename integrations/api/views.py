from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgGenericViewSet
from mecto.errors import DomainError

from .. import services
from ..models import ConnectedAccount
from ..oauth import AccessRevoked, ProviderError
from .serializers import ConnectedAccountSerializer, SyncResultSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="My connected calendar and video accounts"),
    retrieve=extend_schema(summary="A connected account", responses={200: ConnectedAccountSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Turn calendar sync on or off, or choose the calendar",
        responses={200: ConnectedAccountSerializer, **ERRORS},
    ),
    update=extend_schema(summary="Replace the sync settings", responses={200: ConnectedAccountSerializer, **ERRORS}),
    destroy=extend_schema(
        summary="Disconnect (tokens, busy times and event links are forgotten)", responses={204: None, **ERRORS}
    ),
)
class ConnectedAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    """Connecting happens in the browser (OAuth consent); the API lists and manages."""

    queryset = ConnectedAccount.objects.all()
    serializer_class = ConnectedAccountSerializer
    required_capability = "integrations.manage"

    def get_queryset(self):
        return super().get_queryset().filter(user=self.request.user).order_by("provider")

    def perform_update(self, serializer):
        serializer.instance = services.update_connection(
            connection=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.disconnect(connection=instance, actor=self.request.user)

    @extend_schema(summary="Sync the calendar now", request=None, responses={200: SyncResultSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        from ..calendars import sync_connection

        connection = self.get_object()
        if not connection.has_calendar or not connection.is_active:
            raise DomainError(_("This account has no calendar to sync, or it needs reconnecting."))
        try:
            return Response(sync_connection(connection))
        except AccessRevoked as exc:
            raise DomainError(_("Access was revoked: connect the account again.")) from exc
        except ProviderError as exc:
            raise DomainError(_("The provider did not answer as expected; try again shortly.")) from exc
