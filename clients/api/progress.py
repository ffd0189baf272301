"""Progress API: metrics and entries for coaches (/clients/…) and for the client (/me/…)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ClientViewSet, ErrorSerializer, OrgGenericViewSet, TenantAPIView
from mecto.permissions import IsClient

from .. import selectors, services
from ..models import Metric, ProgressEntry
from .serializers import MetricSerializer, ProgressEntrySerializer
from .views import ID, ClientChildMixin

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
METRIC_FILTER = [OpenApiParameter("metric", OpenApiTypes.STR, description="Only this metric (its key)")]


def _log_one(client, serializer, actor, source):
    data = serializer.validated_data
    metric = data["metric"]
    entries = services.log_progress(
        client=client,
        values={metric: data["value"]},
        recorded_on=data["recorded_on"],
        note=data.get("note", ""),
        actor=actor,
        source=source,
        si_units=True,
    )
    serializer.instance = ProgressEntry.objects.select_related("metric", "client").get(pk=entries[0].pk)


@extend_schema_view(
    list=extend_schema(summary="Metrics tracked by the business (built-in and custom)"),
    retrieve=extend_schema(summary="A metric", responses={200: MetricSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a custom metric", responses={201: MetricSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a metric", responses={200: MetricSerializer, **ERRORS}),
)
class MetricViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgGenericViewSet,
):
    queryset = Metric.objects.all()
    serializer_class = MetricSerializer
    required_capability = "clients.view"
    write_capability = "clients.manage"
    lookup_value_regex = ID
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        name = data.pop("name")
        serializer.instance = services.create_metric(
            organization=self.organization, name=name, actor=self.request.user, si_units=True, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_metric(
            metric=serializer.instance, actor=self.request.user, si_units=True, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(summary="A client's progress entries, newest first", parameters=METRIC_FILTER),
    retrieve=extend_schema(summary="A progress entry", responses={200: ProgressEntrySerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Log a value for a day (replaces that day's value of the metric)",
        responses={201: ProgressEntrySerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete an entry", responses={204: None, **ERRORS}),
)
class ProgressEntryViewSet(
    ClientChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = ProgressEntry.objects.select_related("metric", "client")
    serializer_class = ProgressEntrySerializer
    filter_backends = []

    def get_queryset(self):
        qs = super().get_queryset().order_by("-recorded_on", "metric__position", "-id")
        metric = self.request.query_params.get("metric")
        return qs.filter(metric__key=metric) if metric else qs

    def perform_create(self, serializer):
        _log_one(self.get_client(), serializer, self.request.user, ProgressEntry.Source.COACH)

    def perform_destroy(self, instance):
        services.delete_progress_entry(entry=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="My progress entries, newest first", parameters=METRIC_FILTER),
    retrieve=extend_schema(summary="One of my entries", responses={200: ProgressEntrySerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Log my progress for a day", responses={201: ProgressEntrySerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete one of my entries", responses={204: None, **ERRORS}),
)
class MyProgressViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ClientViewSet
):
    queryset = ProgressEntry.objects.select_related("metric", "client")
    serializer_class = ProgressEntrySerializer
    lookup_value_regex = ID
    filter_backends = []

    def get_queryset(self):
        qs = super().get_queryset().order_by("-recorded_on", "metric__position", "-id")
        metric = self.request.query_params.get("metric")
        return qs.filter(metric__key=metric) if metric else qs

    def perform_create(self, serializer):
        _log_one(self.request.tenant.client, serializer, self.request.user, ProgressEntry.Source.CLIENT)

    def perform_destroy(self, instance):
        if instance.source != ProgressEntry.Source.CLIENT:
            raise services.ProgressError(_("Only your coach can delete what they logged."))
        services.delete_progress_entry(entry=instance, actor=self.request.user)


class MyMetricsView(TenantAPIView):
    """The metrics the client can log, with their own targets."""

    tenant_exempt = "Lists the metric definitions of the client's own business; no other client's data."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = MetricSerializer
    queryset = Metric.objects.none()  # for the schema only; list() reads the client's business
    pagination_class = None  # every metric, one array

    @extend_schema(summary="Metrics I can log", responses={200: MetricSerializer(many=True), 403: ErrorSerializer})
    def list(self, request):
        metrics = selectors.metrics(organization=request.tenant.organization)
        return Response(MetricSerializer(metrics, many=True).data)
