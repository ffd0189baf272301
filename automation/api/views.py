from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgGenericViewSet, TenantAPIView
from mecto.permissions import IsOrgMember

from .. import selectors, services
from ..models import CoachAlert
from .serializers import AlertPreferencesSerializer, CoachAlertSerializer, MarkedReadSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class AlertPreferencesView(TenantAPIView):
    """Which alerts the signed-in coach gets by email in this business."""

    tenant_exempt = "Returns and changes only the signed-in coach's own alert settings."
    permission_classes = [IsAuthenticated, IsOrgMember]
    serializer_class = AlertPreferencesSerializer

    def _row(self, request):
        return services.alert_preferences(organization=request.tenant.organization, user=request.user)

    @extend_schema(summary="My alert email settings", responses={200: AlertPreferencesSerializer, 403: ErrorSerializer})
    def retrieve(self, request):
        return Response(AlertPreferencesSerializer(self._row(request)).data)

    @extend_schema(
        summary="Change my alert email settings",
        request=AlertPreferencesSerializer,
        responses={200: AlertPreferencesSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def partial_update(self, request):
        serializer = AlertPreferencesSerializer(self._row(request), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = services.update_alert_preferences(
            organization=request.tenant.organization, user=request.user, **serializer.validated_data
        )
        return Response(AlertPreferencesSerializer(row).data)


@extend_schema_view(
    list=extend_schema(
        summary="My alerts, newest first (dismissed ones are left out)",
        parameters=[
            OpenApiParameter("unread", bool, description="`true`: only the alerts not read yet."),
        ],
        responses={200: CoachAlertSerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
    ),
    retrieve=extend_schema(summary="One of my alerts", responses={200: CoachAlertSerializer, **ERRORS}),
)
class CoachAlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    """The signed-in member's own alerts in this business: another coach's are a 404."""

    queryset = CoachAlert.objects.all()
    serializer_class = CoachAlertSerializer

    def get_queryset(self):
        unread = self.action == "list" and self.request.query_params.get("unread", "").lower() in ("true", "1")
        return selectors.coach_alerts(organization=self.organization, user=self.request.user, unread=unread)

    @extend_schema(summary="Mark an alert read", request=None, responses={200: CoachAlertSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        alert = services.mark_alert_read(alert=self.get_object(), user=request.user)
        return Response(self.get_serializer(alert).data)

    @extend_schema(
        summary="Dismiss an alert (it leaves the list and the counts)", request=None, responses={204: None, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        services.dismiss_alert(alert=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Mark all my alerts read",
        request=None,
        responses={200: MarkedReadSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        count = services.mark_all_alerts_read(organization=self.organization, user=request.user)
        return Response({"marked_read": count, "unread": 0})
