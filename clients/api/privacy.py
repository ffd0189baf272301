"""The client's data rights in the API: exports (with progress and a signed download link)
and the erasure request, for the signed-in client (/me/…) and for coaches (/clients/{id}/…)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from mecto.api_base import UUID_ID, ClientViewSet, ErrorSerializer, OrgGenericViewSet

from .. import services
from ..models import DataExport, ErasureRequest
from .views import ClientChildMixin

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CONFIRM_WORD = "ERASE"


class DataExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="A signed link, valid until `expires_at`; empty until the export is ready."
    )

    class Meta:
        model = DataExport
        fields = [
            "public_id",
            "status",
            "progress",
            "size_bytes",
            "by_client",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, export) -> str:
        if export.status != DataExport.Status.READY or not export.file:
            return ""
        url = reverse("clients:data_export_download", args=[services.export_download_url_token(export)])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ErasureRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ErasureRequest
        fields = ["public_id", "status", "by_client", "requested_at", "grace_until", "cancelled_at", "done_at"]
        read_only_fields = fields


class RequestErasureSerializer(serializers.Serializer):
    confirm = serializers.CharField(help_text=f"Type {CONFIRM_WORD} to confirm.", max_length=20)

    def validate_confirm(self, value):
        if value.strip().upper() != CONFIRM_WORD:
            raise serializers.ValidationError(_("Type %(word)s to confirm.") % {"word": CONFIRM_WORD})
        return value


class CoachRequestErasureSerializer(RequestErasureSerializer):
    grace_days = serializers.IntegerField(
        min_value=0, max_value=services.MAX_GRACE_DAYS, default=services.DEFAULT_GRACE_DAYS
    )


class _ExportMixin:
    queryset = DataExport.objects.all()
    serializer_class = DataExportSerializer
    lookup_field = "public_id"
    filter_backends = []

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-id")

    def _create(self, request, client, by_client):
        export = services.request_export(client=client, actor=request.user, by_client=by_client)
        export.refresh_from_db()
        return Response(self.get_serializer(export).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="My data exports"),
    retrieve=extend_schema(summary="One of my data exports (progress, download link)"),
    create=extend_schema(
        summary="Ask for an export of all my data", request=None, responses={201: DataExportSerializer, **ERRORS}
    ),
)
class MyDataExportViewSet(
    _ExportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientViewSet
):
    def create(self, request, *args, **kwargs):
        return self._create(request, request.tenant.client, True)


@extend_schema_view(
    list=extend_schema(summary="A client's data exports"),
    retrieve=extend_schema(summary="A data export (progress, download link)"),
    create=extend_schema(
        summary="Export all of a client's data", request=None, responses={201: DataExportSerializer, **ERRORS}
    ),
)
class ClientDataExportViewSet(
    _ExportMixin,
    ClientChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    OrgGenericViewSet,
):
    required_capability = "clients.export"
    write_capability = "clients.export"
    lookup_value_regex = UUID_ID

    def create(self, request, *args, **kwargs):
        return self._create(request, self.get_client(), False)


class _ErasureMixin:
    queryset = ErasureRequest.objects.all()
    serializer_class = ErasureRequestSerializer
    filter_backends = []
    pagination_class = None

    def _client(self):
        raise NotImplementedError

    def _current(self):
        erasure = (
            self.get_queryset()
            .filter(client=self._client(), status=ErasureRequest.Status.PENDING)
            .order_by("-requested_at")
            .first()
        )
        if erasure is None:
            raise Http404
        return erasure

    def retrieve(self, request, *args, **kwargs):
        return Response(ErasureRequestSerializer(self._current()).data)

    def destroy(self, request, *args, **kwargs):
        erasure = services.cancel_erasure(erasure=self._current(), actor=request.user)
        return Response(ErasureRequestSerializer(erasure).data)


@extend_schema_view(
    retrieve=extend_schema(summary="My pending erasure request", responses={200: ErasureRequestSerializer, **ERRORS}),
    create=extend_schema(
        summary="Ask to be erased (after the grace period)",
        request=RequestErasureSerializer,
        responses={201: ErasureRequestSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Cancel my pending erasure", responses={200: ErasureRequestSerializer, **ERRORS}),
)
class MyErasureRequestView(_ErasureMixin, ClientViewSet):
    def _client(self):
        return self.request.tenant.client

    def create(self, request, *args, **kwargs):
        RequestErasureSerializer(data=request.data).is_valid(raise_exception=True)
        erasure = services.request_erasure(client=self._client(), actor=request.user, by_client=True)
        return Response(ErasureRequestSerializer(erasure).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(
        summary="A client's pending erasure request", responses={200: ErasureRequestSerializer, **ERRORS}
    ),
    create=extend_schema(
        summary="Erase a client on their behalf (after the grace period)",
        request=CoachRequestErasureSerializer,
        responses={201: ErasureRequestSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Cancel a pending erasure", responses={200: ErasureRequestSerializer, **ERRORS}),
)
class ClientErasureRequestView(_ErasureMixin, ClientChildMixin, OrgGenericViewSet):
    required_capability = "clients.manage"
    write_capability = "clients.manage"

    def _client(self):
        return self.get_client()

    def create(self, request, *args, **kwargs):
        body = CoachRequestErasureSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        erasure = services.request_erasure(
            client=self._client(), actor=request.user, grace_days=body.validated_data["grace_days"]
        )
        return Response(ErasureRequestSerializer(erasure).data, status=status.HTTP_201_CREATED)
