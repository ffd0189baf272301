"""Health data API: the client's phone sends samples in bulk (`/me/health/samples/`) and reads
its daily figures (`/me/health/daily/`); coaches read their clients' (`/clients/{id}/health/daily/`)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers
from rest_framework.response import Response

from mecto.api_base import ClientViewSet, ErrorSerializer, OrgGenericViewSet, PageNumberPagination

from .. import selectors_health, services
from ..models import HealthDay, HealthKind, HealthSample
from .views import ClientChildMixin


# --- Serializers --------------------------------------------------------------------------------------
class HealthSampleInSerializer(serializers.Serializer):
    """One sample as the phone sends it (read by the service, which checks every field)."""

    id = serializers.CharField(
        max_length=100, help_text=gettext_lazy("The sample's own id in the app (HealthKit UUID, Health Connect id).")
    )
    kind = serializers.ChoiceField(choices=HealthKind.choices)
    value = serializers.FloatField(
        required=False,
        help_text=gettext_lazy(
            "Steps; sleep time (optional for a sleep: its length from start to end); bpm; weight; energy."
        ),
    )
    unit = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "steps: count; sleep: s, min or h; heart rate: bpm; weight: kg, lb or g (required); "
            "active_energy: kcal or kJ (required)."
        ),
    )
    stage = serializers.ChoiceField(
        choices=HealthSample.SleepStage.choices,
        required=False,
        help_text=gettext_lazy("Sleep only; asleep when left out. Awake and in-bed time are not counted as sleep."),
    )
    start = serializers.DateTimeField(help_text=gettext_lazy("ISO 8601 with an offset, e.g. 2026-03-29T07:00:00Z."))
    end = serializers.DateTimeField(required=False, help_text=gettext_lazy("Same as start when left out."))
    source = serializers.CharField(required=False, max_length=60, help_text=gettext_lazy("e.g. Apple Health"))
    device = serializers.CharField(required=False, max_length=120, help_text=gettext_lazy("e.g. Apple Watch"))


class HealthBatchSerializer(serializers.Serializer):
    samples = HealthSampleInSerializer(many=True, max_length=services.MAX_HEALTH_SAMPLES)


class HealthTouchedDaySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HealthKind.choices)
    day = serializers.DateField()


class HealthSyncSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text=gettext_lazy("Sent before with the same values: nothing changed."))
    days = HealthTouchedDaySerializer(many=True, help_text=gettext_lazy("The daily figures rebuilt."))


class HealthDeleteSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=services.MAX_HEALTH_SAMPLES,
        help_text=gettext_lazy("The ids the samples were sent with (as the phone's deletion log reports them)."),
    )


class HealthRemovalSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    deleted = serializers.IntegerField()
    not_found = serializers.IntegerField(
        help_text=gettext_lazy("Ids never stored (or already deleted): counted, not refused.")
    )
    days = HealthTouchedDaySerializer(many=True, help_text=gettext_lazy("The daily figures rebuilt."))


class HealthDaySerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        read_only=True,
        help_text=gettext_lazy("In SI: steps, seconds asleep, bpm, kg, kJ."),
    )
    display_value = serializers.SerializerMethodField()
    display_unit = serializers.SerializerMethodField()

    class Meta:
        model = HealthDay
        fields = [
            "id",
            "kind",
            "day",
            "value",
            "minimum",
            "maximum",
            "sample_count",
            "display_value",
            "display_unit",
            "updated_at",
        ]
        read_only_fields = fields

    def get_display_value(self, row) -> float | None:
        return selectors_health.display_value(row.kind, row.value, row.client.unit_system)

    def get_display_unit(self, row) -> str:
        return selectors_health.display_unit(row.kind, row.client.unit_system)


# --- Examples -----------------------------------------------------------------------------------------
BATCH_EXAMPLE = OpenApiExample(
    "A morning's sync",
    request_only=True,
    value={
        "samples": [
            {
                "id": "steps-2026-03-29T07:00Z",
                "kind": "steps",
                "value": 1234,
                "start": "2026-03-29T07:00:00Z",
                "end": "2026-03-29T08:00:00Z",
                "source": "Apple Health",
                "device": "iPhone 15",
            },
            {
                "id": "6F0C5B8E-5D4B-4E5A-9C61-0E1C6B0B7A11",
                "kind": "sleep",
                "stage": "deep",
                "start": "2026-03-29T01:10:00+01:00",
                "end": "2026-03-29T02:05:00+01:00",
                "source": "Apple Health",
                "device": "Apple Watch",
            },
            {"id": "rhr-2026-03-29", "kind": "resting_hr", "value": 54, "unit": "bpm", "start": "2026-03-29T06:00:00Z"},
            {"id": "w-2026-03-29", "kind": "weight", "value": 176.4, "unit": "lb", "start": "2026-03-29T06:30:00Z"},
            {
                "id": "ae-2026-03-29T07",
                "kind": "active_energy",
                "value": 85,
                "unit": "kcal",
                "start": "2026-03-29T07:00:00Z",
                "end": "2026-03-29T08:00:00Z",
            },
        ]
    },
)
SYNC_EXAMPLE = OpenApiExample(
    "Stored",
    response_only=True,
    status_codes=["200"],
    value={
        "received": 5,
        "created": 4,
        "updated": 1,
        "unchanged": 0,
        "days": [
            {"kind": "active_energy", "day": "2026-03-29"},
            {"kind": "resting_hr", "day": "2026-03-29"},
            {"kind": "sleep", "day": "2026-03-29"},
            {"kind": "steps", "day": "2026-03-29"},
            {"kind": "weight", "day": "2026-03-29"},
        ],
    },
)
REFUSED_EXAMPLE = OpenApiExample(
    "Refused (nothing saved)",
    response_only=True,
    status_codes=["400"],
    value={
        "detail": "Please correct the errors below.",
        "errors": {
            "samples.3.value": ["Weight is from 20 to 400 kg (44 to 880 lb)."],
            "samples.7.start": ["Include the time zone offset (Z or +01:00)."],
        },
    },
)
DAY_EXAMPLE = OpenApiExample(
    "A week of steps",
    response_only=True,
    status_codes=["200"],
    value={
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": 42,
                "kind": "steps",
                "day": "2026-03-29",
                "value": "9120.000",
                "minimum": None,
                "maximum": None,
                "sample_count": 16,
                "display_value": 9120,
                "display_unit": "steps",
                "updated_at": "2026-03-29T21:04:11Z",
            }
        ],
    },
)
DELETE_EXAMPLE = OpenApiExample(
    "Deleted on the phone",
    request_only=True,
    value={"ids": ["steps-2026-03-29T07:00Z", "6F0C5B8E-5D4B-4E5A-9C61-0E1C6B0B7A11"]},
)
REMOVAL_EXAMPLE = OpenApiExample(
    "Forgotten",
    response_only=True,
    status_codes=["200"],
    value={
        "received": 2,
        "deleted": 1,
        "not_found": 1,
        "days": [{"kind": "steps", "day": "2026-03-29"}],
    },
)
DAY_FILTERS = [
    OpenApiParameter("kind", OpenApiTypes.STR, enum=HealthKind.values, description="Only this kind"),
    OpenApiParameter("start", OpenApiTypes.DATE, description="From this day (the client's local date), inclusive"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Up to this day, inclusive"),
]


class HealthDayPagination(PageNumberPagination):
    page_size = 100
    max_page_size = 500


def _filtered_days(request, client):
    """The daily figures the query asks for; a bad kind or date is a 400 naming the parameter."""
    params = request.query_params
    kind = params.get("kind") or None
    errors = {}
    if kind is not None and kind not in HealthKind.values:
        errors["kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(HealthKind.values)}]
    dates = {}
    for name in ("start", "end"):
        raw = params.get(name)
        if raw:
            try:
                dates[name] = datetime.date.fromisoformat(raw)
            except ValueError:
                errors[name] = [_("Enter a date like 2026-03-31.")]
    if not errors and dates.get("start") and dates.get("end") and dates["start"] > dates["end"]:
        errors["end"] = [_("The end is before the start.")]
    if errors:
        raise exceptions.ValidationError(errors)
    return selectors_health.health_days(client=client, kind=kind, start=dates.get("start"), end=dates.get("end"))


# --- Views --------------------------------------------------------------------------------------------
class MyHealthSamplesView(ClientViewSet):
    """The phone sends health samples here, a day or a week at a time."""

    queryset = HealthSample.objects.all()
    serializer_class = HealthBatchSerializer
    filter_backends = []

    @extend_schema(
        summary="Send health samples from the phone (up to 2,000 at a time)",
        description=(
            "All or nothing: one bad sample refuses the batch with a 400 naming each problem by its "
            "index (`samples.3.value`). Samples are keyed by their `id`: sending one again changes "
            "nothing, sending it with a new value replaces it. Values are converted to SI "
            "(kg, kJ, seconds) and the client's daily figures are rebuilt for the days touched. "
            "See docs/clients.md, “Health data from phones”."
        ),
        request=HealthBatchSerializer,
        responses={200: HealthSyncSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[BATCH_EXAMPLE, SYNC_EXAMPLE, REFUSED_EXAMPLE],
    )
    def create(self, request):
        samples = request.data.get("samples") if isinstance(request.data, dict) else None
        result = services.record_health_samples(client=request.tenant.client, samples=samples, actor=request.user)
        data = {
            "received": result.received,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "days": [{"kind": kind, "day": day} for kind, day in result.days],
        }
        return Response(HealthSyncSerializer(data).data)

    @extend_schema(
        summary="Forget samples deleted in the phone's health store (up to 2,000 ids at a time)",
        description=(
            "Health Connect and HealthKit report deletions by the sample's id: send those ids and the "
            "samples go, with their days rebuilt (a day left without samples disappears; a weight "
            "from the phone leaves the Weight measurement). Unknown ids are counted in `not_found`, "
            "so sending the same deletion log again is harmless."
        ),
        request=HealthDeleteSerializer,
        responses={200: HealthRemovalSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[DELETE_EXAMPLE, REMOVAL_EXAMPLE, REFUSED_EXAMPLE],
    )
    def delete_many(self, request):
        ids = request.data.get("ids") if isinstance(request.data, dict) else None
        result = services.delete_health_samples(client=request.tenant.client, ids=ids, actor=request.user)
        data = {
            "received": result.received,
            "deleted": result.deleted,
            "not_found": result.not_found,
            "days": [{"kind": kind, "day": day} for kind, day in result.days],
        }
        return Response(HealthRemovalSerializer(data).data)


@extend_schema_view(
    list=extend_schema(
        summary="My daily health figures, oldest first",
        description="One row per kind and local day: totals for steps, active energy and sleep (for the day "
        "of waking), the average with lowest and highest for heart rates, the day's last weight.",
        parameters=DAY_FILTERS,
        responses={200: HealthDaySerializer(many=True), 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[DAY_EXAMPLE],
    )
)
class MyHealthDayViewSet(mixins.ListModelMixin, ClientViewSet):
    queryset = HealthDay.objects.select_related("client")
    serializer_class = HealthDaySerializer
    pagination_class = HealthDayPagination
    filter_backends = []

    def get_queryset(self):
        return _filtered_days(self.request, self.request.tenant.client)


@extend_schema_view(
    list=extend_schema(
        summary="A client's daily health figures from their phone, oldest first",
        parameters=DAY_FILTERS,
        responses={200: HealthDaySerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
        examples=[DAY_EXAMPLE],
    )
)
class ClientHealthDayViewSet(ClientChildMixin, mixins.ListModelMixin, OrgGenericViewSet):
    queryset = HealthDay.objects.select_related("client")
    serializer_class = HealthDaySerializer
    pagination_class = HealthDayPagination
    filter_backends = []

    def get_queryset(self):
        return _filtered_days(self.request, self.get_client())
