"""The booking API: coaches manage everything; clients (under /me/) see services and open
slots, book, reschedule, cancel and list their bookings and credits."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import (
    ClientViewSet,
    ErrorSerializer,
    OrgGenericViewSet,
    OrgReadOnlyViewSet,
    OrgViewSet,
    TenantAPIView,
    scope_parameter,
)
from mecto.errors import DomainError
from mecto.permissions import HasCapability, IsClient, IsOrgMember
from mecto.scope import client_scope

from .. import selectors, services
from ..models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    CoachProfile,
    CreditEntry,
    CreditGrant,
    RecurringSeries,
    ServiceType,
    Session,
)
from .serializers import (
    AttendanceSerializer,
    AvailabilityExceptionSerializer,
    AvailabilityRuleSerializer,
    BookingSerializer,
    CalendarFeedSerializer,
    CalendarQuerySerializer,
    CancelSerializer,
    ClientBookingCreateSerializer,
    CoachBookingCreateSerializer,
    CoachProfileSerializer,
    CreditBalanceSerializer,
    CreditEntrySerializer,
    CreditGrantSerializer,
    PolicySerializer,
    PublicServiceSerializer,
    RecurringSeriesSerializer,
    RescheduleSerializer,
    ServiceTypeSerializer,
    SessionMoveSerializer,
    SessionQuerySerializer,
    SessionSerializer,
    SessionUpdateSerializer,
    SlotQuerySerializer,
    SlotSerializer,
)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
SLOT_PARAMS = [
    OpenApiParameter("start", str, description="First day, YYYY-MM-DD in `tz` (today by default)."),
    OpenApiParameter("days", int, description="How many days (1–62, default 14)."),
    OpenApiParameter("coach", int, description="Only this coach (user id)."),
    OpenApiParameter("tz", str, description="IANA time zone of the days (the business's by default)."),
]
BOOKING_SELECT = ("client", "session", "session__service", "session__coach")
# What a list of BookingSerializer prints: the client and coach by id, so no client or user rows.
BOOKING_LIST_SELECT = ("session__service",)


def _slots_response(request, service: ServiceType, default_tz: str) -> Response:
    query = SlotQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    tz_name = query.validated_data.get("tz") or default_tz
    first = query.validated_data.get("start") or timezone.now().astimezone(ZoneInfo(tz_name)).date()
    start = selectors.local_day_bounds(first, tz_name)[0]
    end = selectors.local_day_bounds(first + timedelta(days=query.validated_data["days"] - 1), tz_name)[1]
    slots = selectors.open_slots_for_service(
        service=service, start=start, end=end, coach_id=query.validated_data.get("coach")
    )
    return Response(SlotSerializer(slots, many=True, context={"tz": tz_name}).data)


# --- Coaches ----------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Services clients can book"),
    retrieve=extend_schema(summary="A service", responses={200: ServiceTypeSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a service", responses={201: ServiceTypeSerializer, **ERRORS}),
    update=extend_schema(summary="Replace a service", responses={200: ServiceTypeSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a service", responses={200: ServiceTypeSerializer, **ERRORS}),
    destroy=extend_schema(summary="Archive a service (booked sessions stay)", responses={204: None, **ERRORS}),
)
class ServiceTypeViewSet(OrgViewSet):
    queryset = ServiceType.objects.all()
    serializer_class = ServiceTypeSerializer
    required_capability = "booking.manage"
    filterset_fields = ["is_active", "is_public", "location_type", "payment_requirement"]
    search_fields = ["name", "description"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("coaches").order_by("name", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        coaches = data.pop("coaches", [])
        serializer.instance = services.save_service_type(
            organization=self.organization, actor=self.request.user, coaches=coaches, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        coaches = data.pop("coaches", None)
        serializer.instance = services.save_service_type(
            organization=self.organization,
            actor=self.request.user,
            service=serializer.instance,
            coaches=coaches,
            **data,
        )

    def perform_destroy(self, instance):
        services.archive_service_type(service=instance, actor=self.request.user)

    @extend_schema(
        summary="Open slots of a service",
        parameters=SLOT_PARAMS,
        responses={200: SlotSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def slots(self, request, pk=None):
        return _slots_response(request, self.get_object(), self.organization.time_zone)


class OwnCalendarUnlessFrontDesk(BasePermission):
    """Coaches change only their own hours, exceptions and booking settings; owners and
    assistants (capability `booking.manage_others`) keep everyone's."""

    message = gettext_lazy("Coaches change only their own hours and booking settings.")

    def _is_self(self, request, value) -> bool:
        return value in (None, "") or str(value) == str(request.user.pk)

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or request.tenant.can("booking.manage_others"):
            return True
        if getattr(view, "action", None) == "create":
            return self._is_self(request, request.data.get(view.coach_field))
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS or request.tenant.can("booking.manage_others"):
            return True
        if getattr(obj, f"{view.coach_field}_id") != request.user.pk:
            return False
        return view.coach_field not in request.data or self._is_self(request, request.data.get(view.coach_field))


@extend_schema_view(
    list=extend_schema(summary="Coaches' booking settings"),
    retrieve=extend_schema(summary="A coach's booking settings", responses={200: CoachProfileSerializer, **ERRORS}),
    update=extend_schema(
        summary="Replace a coach's booking settings", responses={200: CoachProfileSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change a coach's booking settings", responses={200: CoachProfileSerializer, **ERRORS}
    ),
)
class CoachProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, OrgGenericViewSet):
    queryset = CoachProfile.objects.all()
    serializer_class = CoachProfileSerializer
    required_capability = "booking.manage"
    permission_classes = [*OrgGenericViewSet.permission_classes, OwnCalendarUnlessFrontDesk]
    coach_field = "user"

    def get_queryset(self):
        return super().get_queryset().select_related("user").order_by("slug")

    def perform_update(self, serializer):
        serializer.instance = services.update_coach_profile(
            profile=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        summary="A new secret calendar-feed address", request=None, responses={200: CoachProfileSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="rotate-feed")
    def rotate_feed(self, request, pk=None):
        profile = services.rotate_feed_token(profile=self.get_object())
        return Response(self.get_serializer(profile).data)

    @extend_schema(
        summary="Turn the calendar feed off", request=None, responses={200: CoachProfileSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="revoke-feed")
    def revoke_feed(self, request, pk=None):
        profile = services.revoke_feed_token(profile=self.get_object())
        return Response(self.get_serializer(profile).data)


@extend_schema_view(
    list=extend_schema(summary="Weekly hours of the coaches"),
    retrieve=extend_schema(summary="A weekly interval", responses={200: AvailabilityRuleSerializer, **ERRORS}),
    create=extend_schema(summary="Add a weekly interval", responses={201: AvailabilityRuleSerializer, **ERRORS}),
    update=extend_schema(summary="Replace a weekly interval", responses={200: AvailabilityRuleSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a weekly interval", responses={200: AvailabilityRuleSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Remove a weekly interval", responses={204: None, **ERRORS}),
)
class AvailabilityRuleViewSet(OrgViewSet):
    queryset = AvailabilityRule.objects.all()
    serializer_class = AvailabilityRuleSerializer
    required_capability = "booking.manage"
    permission_classes = [*OrgGenericViewSet.permission_classes, OwnCalendarUnlessFrontDesk]
    coach_field = "coach"
    filterset_fields = ["coach", "weekday"]

    def perform_create(self, serializer):
        serializer.instance = services.add_availability_rule(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_availability_rule(
            rule=serializer.instance, actor=self.request.user, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(summary="Date exceptions (time off, extra hours)"),
    retrieve=extend_schema(summary="A date exception", responses={200: AvailabilityExceptionSerializer, **ERRORS}),
    create=extend_schema(summary="Add a date exception", responses={201: AvailabilityExceptionSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove a date exception", responses={204: None, **ERRORS}),
)
class AvailabilityExceptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = AvailabilityException.objects.all()
    serializer_class = AvailabilityExceptionSerializer
    required_capability = "booking.manage"
    permission_classes = [*OrgGenericViewSet.permission_classes, OwnCalendarUnlessFrontDesk]
    coach_field = "coach"
    filterset_fields = ["coach", "date", "kind"]

    def perform_create(self, serializer):
        serializer.instance = services.add_exception(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )


@extend_schema_view(
    list=extend_schema(
        summary="Sessions on the calendar",
        parameters=[
            OpenApiParameter("start", str, description="From (ISO date-time)."),
            OpenApiParameter("end", str, description="Until (ISO date-time)."),
            scope_parameter("sessions you run (a `coach` filter, where allowed, replaces it)"),
        ],
    ),
    retrieve=extend_schema(summary="A session", responses={200: SessionSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Move a session, or change its notes or address",
        request=SessionUpdateSerializer,
        responses={200: SessionSerializer, **ERRORS},
    ),
)
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = Session.objects.all()
    serializer_class = SessionSerializer
    required_capability = "booking.manage"
    filterset_fields = ["coach", "service", "status", "series"]
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        qs = (
            super()
            .get_queryset()
            .select_related("service")
            .prefetch_related(
                Prefetch(
                    "bookings",
                    queryset=Booking.objects.active().select_related("client").order_by("seat"),
                    to_attr="active_bookings",
                )
            )
            .order_by("start_at", "id")
        )
        if self.action == "list":
            scope = client_scope(self.request)
            if not (scope.can_see_all and self.request.query_params.get("coach")):  # a chosen coach wins
                qs = scope.filter(qs, *selectors.SESSION_OWNERS)
            query = SessionQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            if start := query.validated_data.get("start"):
                qs = qs.filter(end_at__gt=start)
            if end := query.validated_data.get("end"):
                qs = qs.filter(start_at__lt=end)
        return qs

    def partial_update(self, request, pk=None):
        session = self.get_object()
        data = SessionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.update_session(session=session, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(
        summary="Reschedule a session within the coach's rules (the calendar's drag and drop)",
        description=(
            "Moves the session and tells its clients, like PATCH, but only to a time a client could book: "
            "inside the coach's working hours, with the minimum notice, clear of other sessions (buffers "
            "included) and of busy times in connected calendars. A refusal is a 400 with the reason."
        ),
        request=SessionMoveSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        session = self.get_object()  # another business's session is a 404 whatever the body
        data = SessionMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.update_session(
            session=session,
            actor=request.user,
            start_at=data.validated_data["start_at"],
            check_availability=True,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data)

    @extend_schema(
        summary="Cancel a session (clients are told, credits returned)",
        request=CancelSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.cancel_session(session=self.get_object(), actor=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Bookings of the business",
        parameters=[scope_parameter("bookings of sessions you run or of clients you coach")],
    ),
    retrieve=extend_schema(summary="A booking", responses={200: BookingSerializer, **ERRORS}),
    create=extend_schema(
        summary="Book a client by hand (may go outside hours, never clashes)",
        request=CoachBookingCreateSerializer,
        responses={201: BookingSerializer, **ERRORS},
    ),
)
class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrgGenericViewSet):
    queryset = Booking.objects.all()
    serializer_class = BookingSerializer
    required_capability = "booking.manage"
    lookup_field = "public_id"
    filterset_fields = ["client", "status", "attendance", "payment_status", "session"]

    def get_queryset(self):
        related = BOOKING_LIST_SELECT if self.action == "list" else BOOKING_SELECT
        qs = super().get_queryset().select_related(*related).order_by("-created_at", "-id")
        if self.action == "list":  # one booking opens whatever the scope
            qs = client_scope(self.request).filter(qs, *selectors.BOOKING_OWNERS)
        return qs

    def get_serializer_class(self):
        return CoachBookingCreateSerializer if self.action == "create" else BookingSerializer

    def create(self, request):
        data = CoachBookingCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        booking = services.book_session(actor=request.user, source=Booking.Source.COACH, **data.validated_data)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Move a booking", request=RescheduleSerializer, responses={200: BookingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, public_id=None):
        booking = self.get_object()
        data = RescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.reschedule_booking(
            booking=booking, start_at=data.validated_data["start_at"], actor=request.user, by_client=False
        )
        return Response(BookingSerializer(booking).data)

    @extend_schema(
        summary="Cancel a booking (no charge)", request=CancelSerializer, responses={200: BookingSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.cancel_booking(
            booking=self.get_object(),
            actor=request.user,
            by=Booking.CancelledBy.COACH,
            late=False,
            **data.validated_data,
        )
        return Response(BookingSerializer(booking).data)

    @extend_schema(
        summary="Mark attendance: attended, no-show or late cancel",
        request=AttendanceSerializer,
        responses={200: BookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, public_id=None):
        booking = self.get_object()
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.mark_attendance(
            booking=booking, attendance=data.validated_data["attendance"], actor=request.user
        )
        return Response(BookingSerializer(booking).data)


@extend_schema_view(
    list=extend_schema(summary="Recurring weekly sessions"),
    retrieve=extend_schema(summary="Recurring weekly sessions", responses={200: RecurringSeriesSerializer, **ERRORS}),
    create=extend_schema(
        summary="Book weekly sessions for N weeks", responses={201: RecurringSeriesSerializer, **ERRORS}
    ),
)
class RecurringSeriesViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrgGenericViewSet
):
    queryset = RecurringSeries.objects.all()
    serializer_class = RecurringSeriesSerializer
    required_capability = "booking.manage"
    filterset_fields = ["client", "coach", "service"]

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "-id")

    def perform_create(self, serializer):
        serializer.instance = services.create_recurring_series(actor=self.request.user, **serializer.validated_data)

    @extend_schema(
        summary="Cancel the remaining sessions of the series",
        request=None,
        responses={200: RecurringSeriesSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        series = self.get_object()
        services.cancel_series(series=series, actor=request.user)
        series.refresh_from_db()
        return Response(self.get_serializer(series).data)


@extend_schema_view(
    list=extend_schema(summary="Credit grants (with what is left of each)"),
    retrieve=extend_schema(summary="A credit grant", responses={200: CreditGrantSerializer, **ERRORS}),
    create=extend_schema(summary="Grant session credits", responses={201: CreditGrantSerializer, **ERRORS}),
)
class CreditGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, OrgGenericViewSet):
    queryset = CreditGrant.objects.all()
    serializer_class = CreditGrantSerializer
    required_capability = "booking.manage"
    filterset_fields = ["client"]

    def get_queryset(self):
        from django.db.models import F, IntegerField, OuterRef, Subquery, Sum, Value
        from django.db.models.functions import Coalesce

        moved = CreditEntry.objects.filter(grant=OuterRef("pk")).values("grant").annotate(t=Sum("delta")).values("t")
        return (
            super()
            .get_queryset()
            .annotate(remaining=Coalesce(Subquery(moved, output_field=IntegerField()), Value(0)) + F("quantity"))
            .order_by("-created_at", "-id")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.setdefault("source_ref", f"api:{uuid.uuid4()}")
        grant = services.grant_credits(actor=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=grant.pk)


@extend_schema_view(
    list=extend_schema(summary="The credit ledger"),
    retrieve=extend_schema(summary="A ledger entry", responses={200: CreditEntrySerializer, **ERRORS}),
)
class CreditEntryViewSet(OrgReadOnlyViewSet):
    queryset = CreditEntry.objects.all()
    serializer_class = CreditEntrySerializer
    required_capability = "booking.manage"
    filterset_fields = ["client", "kind"]

    def get_queryset(self):
        return super().get_queryset().select_related("booking").order_by("-created_at", "-id")


@extend_schema_view(
    retrieve=extend_schema(summary="The business's booking policy", responses={200: PolicySerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change the booking policy", request=PolicySerializer, responses={200: PolicySerializer, **ERRORS}
    ),
)
class PolicyView(TenantAPIView):
    queryset = BookingPolicy.objects.none()  # one policy per organisation, no list
    tenant_exempt = "one row per organisation, read and written for the request's organisation only"
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = "booking.manage"
    write_capability = "org.manage"
    serializer_class = PolicySerializer

    def retrieve(self, request):
        return Response(PolicySerializer(selectors.policy_for(request.tenant.organization)).data)

    def partial_update(self, request):
        data = PolicySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        policy = services.update_policy(
            organization=request.tenant.organization, actor=request.user, **data.validated_data
        )
        return Response(PolicySerializer(policy).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="The coach's calendar: sessions, assigned workouts and busy times of a range of days",
        parameters=[CalendarQuerySerializer, scope_parameter("sessions you run (a `coach` filter replaces it)")],
        responses={200: CalendarFeedSerializer, **ERRORS},
    ),
)
class CalendarFeedView(TenantAPIView):
    """Days in a time zone (DST-correct: a day is local midnight to local midnight), so a
    week with a clock change holds its 167 or 169 hours."""

    queryset = Session.objects.none()
    tenant_exempt = "reads the request's organisation only, through booking.selectors.calendar_feed"
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = "booking.manage"
    serializer_class = CalendarFeedSerializer

    def retrieve(self, request):
        org = request.tenant.organization
        query = CalendarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        profile = selectors.coach_profile(organization=org, user=request.user)
        tz_name = query.validated_data.get("tz") or (profile.time_zone if profile else org.time_zone)
        today = timezone.now().astimezone(ZoneInfo(tz_name)).date()
        first = query.validated_data.get("start") or today - timedelta(days=today.weekday())
        start = selectors.local_day_bounds(first, tz_name)[0]
        end = selectors.local_day_bounds(first + timedelta(days=query.validated_data["days"] - 1), tz_name)[1]
        scope = client_scope(request)
        coach_id = query.validated_data.get("coach")
        if coach_id is not None and not (scope.can_see_all or coach_id == request.user.pk):
            coach_id = request.user.pk
        if coach_id is None and (scope.is_mine or not scope.can_see_all):
            coach_id = request.user.pk
        feed = selectors.calendar_feed(
            organization=org,
            start=start,
            end=end,
            tz_name=tz_name,
            coach_id=coach_id,
            service_id=query.validated_data.get("service"),
            busy_coach_ids=[coach_id or request.user.pk],
        )
        busy = [{"coach": coach, "start_at": b_start, "end_at": b_end} for coach, b_start, b_end in feed.busy]
        data = {
            "start": start,
            "end": end,
            "time_zone": tz_name,
            "sessions": feed.sessions,
            "workouts": feed.workouts,
            "busy": busy,
        }
        return Response(CalendarFeedSerializer(data, context={"tz": tz_name}).data)


# --- Clients (/me/) -----------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Services I can book", responses={200: PublicServiceSerializer(many=True)}),
    retrieve=extend_schema(summary="A service I can book", responses={200: PublicServiceSerializer, **ERRORS}),
)
class MyServicesView(TenantAPIView):
    tenant_exempt = "the bookable services of the signed-in client's own organisation (a public catalogue)"
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = PublicServiceSerializer
    queryset = ServiceType.objects.none()  # for the schema; rows come from _services()
    pagination_class = None  # the whole catalogue, one array

    def _services(self):
        return (
            ServiceType.objects.for_org(self.request.tenant.organization)
            .bookable()
            .filter(is_public=True)
            .prefetch_related("coaches")
            .order_by("name", "id")
        )

    def list(self, request):
        return Response(PublicServiceSerializer(self._services(), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(PublicServiceSerializer(get_object_or_404(self._services(), pk=pk)).data)

    @extend_schema(
        summary="Open slots of a service", parameters=SLOT_PARAMS, responses={200: SlotSerializer(many=True), **ERRORS}
    )
    @action(detail=True, methods=["get"])
    def slots(self, request, pk=None):
        client = request.tenant.client
        return _slots_response(
            request, get_object_or_404(self._services(), pk=pk), client.time_zone or client.organization.time_zone
        )


@extend_schema_view(
    list=extend_schema(summary="My bookings"),
    retrieve=extend_schema(summary="One of my bookings", responses={200: BookingSerializer, **ERRORS}),
    create=extend_schema(
        summary="Book an open slot", request=ClientBookingCreateSerializer, responses={201: BookingSerializer, **ERRORS}
    ),
)
class MyBookingsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientViewSet):
    queryset = Booking.objects.all()
    serializer_class = BookingSerializer
    lookup_field = "public_id"
    filterset_fields = ["status"]

    def get_queryset(self):
        related = BOOKING_LIST_SELECT if self.action == "list" else BOOKING_SELECT
        return super().get_queryset().select_related(*related).order_by("-session__start_at")

    def get_serializer_class(self):
        return ClientBookingCreateSerializer if self.action == "create" else BookingSerializer

    def create(self, request):
        data = ClientBookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = request.tenant.client
        service = (
            ServiceType.objects.for_org(client.organization)
            .bookable()
            .filter(pk=data.validated_data["service"], is_public=True)
            .first()
        )
        if service is None:
            raise DomainError(_("Choose a service you can book."), field="service")
        start_at = data.validated_data["start_at"]
        coach_id = data.validated_data.get("coach")
        if coach_id is None:
            slots = selectors.open_slots_for_service(
                service=service, start=start_at, end=start_at + timedelta(minutes=1)
            )
            coach_id = next((s.coach_id for s in slots if s.start == start_at), None)
            if coach_id is None:
                raise DomainError(_("That time is not available. Please pick another slot."), field="start_at")
        coach = service.coaches.filter(pk=coach_id).first()
        if coach is None:
            raise DomainError(_("This coach does not offer this service."), field="coach")
        booking = services.book_session(
            service=service,
            coach=coach,
            client=client,
            start_at=start_at,
            actor=request.user,
            source=Booking.Source.APP,
            note=data.validated_data.get("note", ""),
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Move my booking to another open slot",
        request=RescheduleSerializer,
        responses={200: BookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, public_id=None):
        booking = self.get_object()
        data = RescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.reschedule_booking(
            booking=booking, start_at=data.validated_data["start_at"], actor=request.user, by_client=True
        )
        return Response(BookingSerializer(booking).data)

    @extend_schema(
        summary="Cancel my booking (inside the deadline it is a late cancel)",
        request=CancelSerializer,
        responses={200: BookingSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id=None):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.cancel_booking(
            booking=self.get_object(), actor=request.user, by=Booking.CancelledBy.CLIENT, **data.validated_data
        )
        return Response(BookingSerializer(booking).data)


@extend_schema_view(
    list=extend_schema(summary="My credit ledger"),
    retrieve=extend_schema(summary="A ledger entry", responses={200: CreditEntrySerializer, **ERRORS}),
)
class MyCreditsViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = CreditEntry.objects.all()
    serializer_class = CreditEntrySerializer

    def get_queryset(self):
        return super().get_queryset().select_related("booking").order_by("-created_at", "-id")

    @extend_schema(summary="My credit balance", responses={200: CreditBalanceSerializer})
    @action(detail=False, methods=["get"])
    def balance(self, request):
        return Response({"balance": selectors.credit_balance(client=request.tenant.client)})
