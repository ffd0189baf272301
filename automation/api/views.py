from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, TenantAPIView
from mecto.permissions import IsOrgMember

from .. import services
from .serializers import AlertPreferencesSerializer


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
