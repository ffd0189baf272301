"""The class API: the timetable (coaches), its occurrences with places left and rosters
(coaches), and the client's side under /me/: upcoming classes, book, waitlist, offers."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from mecto.api_base import (
    ClientViewSet,
    ErrorSerializer,
    OrgGenericViewSet,
    OrgModelSerializer,
    OrgPrimaryKeyRelatedField,
    OrgViewSet,
    TenantAPIView,
)
from mecto.permissions import IsClient

from .. import selectors_classes, services
from ..models import Booking, GroupClass, ServiceType, Session, WaitlistEntry
from .serializers import BookingBriefSerializer, BookingSerializer, CancelSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# --- Serializers ----------------------------------------------------------------------------------
class WeeklyTimeSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 Monday … 6 Sunday.")
    start_time = serializers.TimeField(format="%H:%M", help_text="Local start time, HH:MM, in the business's zone.")


class GroupClassSerializer(OrgModelSerializer):
    service = OrgPrimaryKeyRelatedField(queryset=ServiceType.objects.all(), help_text="A group service (its length).")
    coach = OrgPrimaryKeyRelatedField(queryset=User.objects.all())
    weekly_times = WeeklyTimeSerializer(many=True, help_text="The weekly days and local start times.")
    name = serializers.CharField(read_only=True)
    places = serializers.IntegerField(read_only=True, help_text="`capacity`, else the service's places.")
    schedule_label = serializers.CharField(read_only=True)

    class Meta:
        model = GroupClass
        fields = [
            "id",
            "public_id",
            "name",
            "title",
            "service",
            "coach",
            "capacity",
            "places",
            "location_type",
            "address",
            "room",
            "weekly_times",
            "schedule_label",
            "starts_on",
            "ends_on",
            "waitlist_hold_minutes",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "public_id", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["weekly_times"] = instance.weekly_times
        return data

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        if "weekly_times" in data:
            data["weekly_times"] = [
                {"weekday": t["weekday"], "start_time": t["start_time"].strftime("%H:%M")} for t in data["weekly_times"]
            ]
        return data

    def validate(self, attrs):
        # Model rules (a group service, at least one time...) are the service's: it answers with
        # the field. Only the shape is checked here.
        return attrs


class ClassSessionSerializer(serializers.ModelSerializer):
    """An occurrence with its places: `places_left` is the capacity less bookings and held offers."""

    group_class = serializers.PrimaryKeyRelatedField(read_only=True)
    name = serializers.CharField(source="group_class.name", read_only=True)
    booked = serializers.IntegerField(read_only=True)
    offered = serializers.IntegerField(read_only=True, help_text="Places held for the waitlist's first in line.")
    waiting = serializers.IntegerField(read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "group_class",
            "name",
            "service",
            "coach",
            "start_at",
            "end_at",
            "status",
            "capacity",
            "booked",
            "offered",
            "waiting",
            "places_left",
            "location_type",
            "address",
            "video_url",
            "is_modified",
        ]
        read_only_fields = fields


class RosterSerializer(ClassSessionSerializer):
    bookings = BookingBriefSerializer(many=True, read_only=True, source="active_bookings")
    waitlist = serializers.SerializerMethodField()

    class Meta(ClassSessionSerializer.Meta):
        fields = [*ClassSessionSerializer.Meta.fields, "bookings", "waitlist"]
        read_only_fields = fields

    def get_waitlist(self, session) -> list[dict]:
        return [
            {
                "public_id": str(entry.public_id),
                "client": entry.client_id,
                "client_name": entry.client.full_name,
                "position": index,
                "status": entry.status,
                "offer_expires_at": entry.offer_expires_at.isoformat() if entry.offer_expires_at else None,
            }
            for index, entry in enumerate(session.queue, start=1)
        ]


class CapacitySerializer(serializers.Serializer):
    capacity = serializers.IntegerField(min_value=1, max_value=500)


class WaitlistEntrySerializer(serializers.ModelSerializer):
    session = serializers.PrimaryKeyRelatedField(read_only=True)
    position = serializers.IntegerField(read_only=True, help_text="1 for the first in line; 0 once out of the queue.")
    class_name = serializers.SerializerMethodField()
    start_at = serializers.DateTimeField(source="session.start_at", read_only=True)
    booking = serializers.SlugRelatedField(slug_field="public_id", read_only=True)

    class Meta:
        model = WaitlistEntry
        fields = [
            "public_id",
            "session",
            "class_name",
            "start_at",
            "position",
            "status",
            "offered_at",
            "offer_expires_at",
            "booking",
            "created_at",
        ]
        read_only_fields = fields

    def get_class_name(self, entry) -> str:
        session = entry.session
        return session.group_class.name if session.group_class_id else session.service.name


class MyClassSerializer(ClassSessionSerializer):
    my_booking = serializers.SerializerMethodField(help_text="Public id of my booking in this class, if any.")
    my_waitlist = serializers.SerializerMethodField(help_text="My place in its waitlist, if I am in line.")

    class Meta(ClassSessionSerializer.Meta):
        fields = [*ClassSessionSerializer.Meta.fields, "my_booking", "my_waitlist"]
        read_only_fields = fields

    def _mine(self, session):
        return self.context.get("places", {}).get(session.pk)

    def get_my_booking(self, session) -> str | None:
        mine = self._mine(session)
        return str(mine.booking.public_id) if mine and mine.booking else None

    def get_my_waitlist(self, session) -> dict | None:
        mine = self._mine(session)
        if not mine or not mine.entry:
            return None
        entry = mine.entry
        return {
            "public_id": str(entry.public_id),
            "position": mine.position,
            "status": entry.status,
            "offer_expires_at": entry.offer_expires_at.isoformat() if entry.offer_expires_at else None,
        }


class BookClassSerializer(serializers.Serializer):
    join_waitlist = serializers.BooleanField(
        default=False, help_text="When the class is full, join its waitlist instead of getting a 400."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class BookClassResultSerializer(serializers.Serializer):
    booking = BookingSerializer(required=False, allow_null=True)
    waitlist = WaitlistEntrySerializer(required=False, allow_null=True)


# --- Coaches -------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="The class timetable", description="Classes with their weekly local times."),
    retrieve=extend_schema(summary="A class on the timetable", responses={200: GroupClassSerializer, **ERRORS}),
    create=extend_schema(
        summary="Add a class to the timetable",
        description="Its occurrences are generated eight weeks ahead straight away, at the same local time "
        "across clock changes (a skipped time moves forward, a repeated one is its first occurrence).",
        responses={201: GroupClassSerializer, **ERRORS},
    ),
    update=extend_schema(summary="Replace a class", responses={200: GroupClassSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a class",
        description="Future occurrences nobody booked follow the change; booked ones keep their time.",
        responses={200: GroupClassSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Take a class off the timetable",
        description="Cancels its upcoming occurrences: everyone booked or waiting is told, credits come back.",
        responses={204: None, **ERRORS},
    ),
)
class GroupClassViewSet(OrgViewSet):
    queryset = GroupClass.objects.all()
    serializer_class = GroupClassSerializer
    required_capability = "booking.manage"
    filterset_fields = ["is_active", "coach", "service"]
    search_fields = ["title", "room"]

    def get_queryset(self):
        return super().get_queryset().select_related("service", "coach").order_by("title", "id")

    def perform_create(self, serializer):
        serializer.instance = services.save_group_class(
            organization=self.organization, actor=self.request.user, **serializer.service_fields()
        )

    def perform_update(self, serializer):
        serializer.instance = services.save_group_class(
            organization=self.organization,
            actor=self.request.user,
            group_class=serializer.instance,
            **serializer.service_fields(),
        )

    def perform_destroy(self, instance):
        services.archive_group_class(group_class=instance, actor=self.request.user)


CLASS_SESSION_PARAMS = [
    OpenApiParameter("start", str, description="From this instant (ISO 8601); now by default."),
    OpenApiParameter("end", str, description="Until this instant (ISO 8601); 14 days after start by default."),
]


class ClassSessionQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)


def _window(request):
    query = ClassSessionQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    start = query.validated_data.get("start") or timezone.now()
    end = query.validated_data.get("end") or start + timedelta(days=14)
    return start, end


@extend_schema_view(
    list=extend_schema(
        summary="Class occurrences with places left",
        parameters=CLASS_SESSION_PARAMS,
        responses={200: ClassSessionSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One class occurrence with its roster",
        description="Booked clients (by place) and the waitlist (by arrival, with pending offers).",
        responses={200: RosterSerializer, **ERRORS},
    ),
)
class ClassSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = Session.objects.all()
    serializer_class = ClassSessionSerializer
    required_capability = "booking.manage"
    filterset_fields = ["coach", "group_class", "status"]

    def get_queryset(self):
        qs = selectors_classes.with_places(
            super()
            .get_queryset()
            .filter(group_class__isnull=False)
            .select_related("group_class", "group_class__service", "service")
        ).order_by("start_at", "id")
        if self.action == "list":
            start, end = _window(self.request)
            qs = qs.filter(start_at__gte=start, start_at__lt=end)
        else:
            qs = qs.prefetch_related(
                Prefetch(
                    "bookings",
                    queryset=Booking.objects.active().select_related("client").order_by("seat"),
                    to_attr="active_bookings",
                ),
                Prefetch(
                    "waitlist_entries",
                    queryset=WaitlistEntry.objects.in_line().select_related("client").order_by("sequence"),
                    to_attr="queue",
                ),
            )
        return qs

    def get_serializer_class(self):
        return ClassSessionSerializer if self.action == "list" else RosterSerializer

    def _roster(self, session):
        return Response(RosterSerializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(
        summary="Cancel one class occurrence",
        description="Everyone booked is cancelled with their credit back, the waitlist is closed, all are told.",
        request=CancelSerializer,
        responses={200: RosterSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session = self.get_object()
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cancel_class_session(session=session, actor=request.user, **data.validated_data)
        return self._roster(session)

    @extend_schema(
        summary="Change the places of one occurrence",
        description="More places are offered to the waitlist, first in line first; fewer than booked is a 400.",
        request=CapacitySerializer,
        responses={200: RosterSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def capacity(self, request, pk=None):
        session = self.get_object()
        data = CapacitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_class_capacity(session=session, capacity=data.validated_data["capacity"], actor=request.user)
        return self._roster(session)


# --- Clients ------------------------------------------------------------------------------------------
class MyClassesView(TenantAPIView):
    tenant_exempt = "the upcoming classes of the signed-in client's own organisation (its public timetable)"
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = MyClassSerializer
    queryset = Session.objects.none()  # for the schema; rows come from _sessions()
    pagination_class = None

    def _sessions(self):
        now = timezone.now()
        return selectors_classes.class_sessions(
            organization=self.request.tenant.organization, start=now, end=now + timedelta(days=28), public_only=True
        )

    def _session(self, pk):
        return get_object_or_404(self._sessions(), pk=pk)

    def _one(self, session):
        client = self.request.tenant.client
        places = selectors_classes.client_places(client=client, session_ids=[session.pk])
        row = self._sessions().get(pk=session.pk)
        return MyClassSerializer(row, context={"places": places}).data

    @extend_schema(
        summary="Upcoming classes with places left (4 weeks)",
        description="Each with my booking or my place in its waitlist.",
        responses={200: MyClassSerializer(many=True)},
    )
    def list(self, request):
        sessions = list(self._sessions()[:500])
        places = selectors_classes.client_places(client=request.tenant.client, session_ids=[s.pk for s in sessions])
        return Response(MyClassSerializer(sessions, many=True, context={"places": places}).data)

    @extend_schema(summary="One upcoming class", responses={200: MyClassSerializer, **ERRORS})
    def retrieve(self, request, pk=None):
        return Response(self._one(self._session(pk)))

    @extend_schema(
        summary="Book a place (or join the waitlist of a full class)",
        description="A credit-paid class uses a credit now. A full class is a 400 unless `join_waitlist` "
        "is true: then the answer carries my waitlist entry and position.",
        request=BookClassSerializer,
        responses={201: BookClassResultSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        session = self._session(pk)
        data = BookClassSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.book_class(
            session=session,
            client=request.tenant.client,
            actor=request.user,
            source=Booking.Source.APP,
            note=data.validated_data.get("note", ""),
            join_waitlist=data.validated_data["join_waitlist"],
        )
        return Response(_result(result), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Join the waitlist of a full class",
        request=None,
        responses={201: WaitlistEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="waitlist")
    def join(self, request, pk=None):
        entry = services.join_waitlist(session=self._session(pk), client=request.tenant.client, actor=request.user)
        return Response(_entry(entry), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Leave the waitlist (or turn down an offered place)",
        request=None,
        responses={200: WaitlistEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="leave-waitlist")
    def leave(self, request, pk=None):
        entry = _my_entry(self._session(pk), request.tenant.client)
        return Response(_entry(services.leave_waitlist(entry=entry, actor=request.user)))

    @extend_schema(
        summary="Take the place offered to me",
        description="Books me (a credit-paid class uses the credit now). After the hold it is a 400.",
        request=None,
        responses={201: BookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="confirm-offer")
    def confirm(self, request, pk=None):
        entry = _my_entry(self._session(pk), request.tenant.client)
        booking = services.confirm_offer(entry=entry, actor=request.user, source=Booking.Source.APP)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


def _my_entry(session, client) -> WaitlistEntry:
    from mecto.errors import DomainError

    entry = session.waitlist_entries.in_line().filter(client=client).first()
    if entry is None:
        raise DomainError(_("You are not on the waitlist of this class."), code="not_waiting")
    return entry


def _entry(entry) -> dict:
    row = (
        selectors_classes.with_positions(WaitlistEntry.objects.filter(pk=entry.pk))
        .select_related("session", "session__group_class", "session__service", "booking")
        .get()
    )
    return WaitlistEntrySerializer(row).data


def _result(result) -> dict:
    if isinstance(result, WaitlistEntry):
        return {"booking": None, "waitlist": _entry(result)}
    return {"booking": BookingSerializer(result).data, "waitlist": None}


@extend_schema_view(
    list=extend_schema(summary="My waitlist places (positions and offers)"),
    retrieve=extend_schema(summary="One of my waitlist places", responses={200: WaitlistEntrySerializer, **ERRORS}),
)
class MyWaitlistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = WaitlistEntry.objects.all()
    serializer_class = WaitlistEntrySerializer
    lookup_field = "public_id"
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors_classes.with_positions(
            super()
            .get_queryset()
            .select_related("session", "session__group_class", "session__service", "booking")
            .order_by("-created_at", "-id")
        )
