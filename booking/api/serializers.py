from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from clients.models import Client
from mecto.api_base import OrgModelSerializer, OrgPrimaryKeyRelatedField, TimeZoneField

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


class ServiceTypeSerializer(OrgModelSerializer):
    coaches = OrgPrimaryKeyRelatedField(
        many=True,
        queryset=User.objects.all(),
        allow_empty=False,
        help_text="Ids of the team members who offer it (at least one).",
    )

    class Meta:
        model = ServiceType
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "duration_minutes",
            "price_minor",
            "currency",
            "location_type",
            "address",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "capacity",
            "coaches",
            "payment_requirement",
            "deposit_minor",
            "tax_rate",
            "is_active",
            "is_public",
            "created_at",
        ]
        read_only_fields = ["id", "slug", "created_at"]


class PublicServiceSerializer(serializers.ModelSerializer):
    """What a client sees of a service."""

    coaches = serializers.SerializerMethodField()

    class Meta:
        model = ServiceType
        fields = [
            "id",
            "name",
            "description",
            "duration_minutes",
            "price_minor",
            "currency",
            "location_type",
            "address",
            "capacity",
            "payment_requirement",
            "deposit_minor",
            "tax_rate",
            "coaches",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_coaches(self, service) -> list[dict]:
        return [{"id": c.pk, "name": c.get_full_name()} for c in service.coaches.all()]


class CoachProfileSerializer(OrgModelSerializer):
    time_zone = TimeZoneField(required=False)
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    feed_url = serializers.SerializerMethodField()

    class Meta:
        model = CoachProfile
        fields = [
            "id",
            "user",
            "name",
            "slug",
            "bio",
            "time_zone",
            "accepts_bookings",
            "min_notice_minutes",
            "max_days_ahead",
            "slot_step_minutes",
            "video_provider",
            "feed_url",
        ]
        read_only_fields = ["id", "user", "name", "feed_url"]

    def get_feed_url(self, profile) -> str:
        if not profile.feed_token:
            return ""
        request = self.context.get("request")
        path = reverse("booking:feed", args=[profile.feed_token])
        return request.build_absolute_uri(path) if request else path


class AvailabilityRuleSerializer(OrgModelSerializer):
    coach = OrgPrimaryKeyRelatedField(queryset=User.objects.all())

    class Meta:
        model = AvailabilityRule
        fields = ["id", "coach", "weekday", "start_time", "end_time"]
        read_only_fields = ["id"]


class AvailabilityExceptionSerializer(OrgModelSerializer):
    coach = OrgPrimaryKeyRelatedField(queryset=User.objects.all())

    class Meta:
        model = AvailabilityException
        fields = ["id", "coach", "date", "kind", "start_time", "end_time", "note"]
        read_only_fields = ["id"]

    def validate(self, attrs):
        instance = AvailabilityException(**{k: v for k, v in attrs.items() if k != "coach"})
        from django.core.exceptions import ValidationError

        try:
            instance.clean()
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class BookingBriefSerializer(serializers.ModelSerializer):
    client = serializers.PrimaryKeyRelatedField(read_only=True)
    client_name = serializers.CharField(source="client.full_name", read_only=True)

    class Meta:
        model = Booking
        fields = ["public_id", "client", "client_name", "seat", "status", "attendance", "payment_status"]


class SessionSerializer(OrgModelSerializer):
    bookings = BookingBriefSerializer(many=True, read_only=True, source="active_bookings")
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "service",
            "service_name",
            "coach",
            "start_at",
            "end_at",
            "status",
            "capacity",
            "location_type",
            "address",
            "video_provider",
            "video_url",
            "series",
            "series_index",
            "is_modified",
            "notes",
            "sequence",
            "bookings",
        ]
        read_only_fields = [f for f in fields if f not in ("start_at", "notes", "address")]


class SessionUpdateSerializer(serializers.Serializer):
    start_at = serializers.DateTimeField(required=False, help_text="New start (ISO 8601 with offset).")
    notes = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def validate(self, attrs):
        # The session's other fields (coach, service, capacity...) are not changed here; say so
        # rather than answer 200 with the change silently dropped.
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            message = _(
                "This can't be changed here: change start_at, notes or address, or cancel the session and book again."
            )
            raise serializers.ValidationError({field: [message] for field in unknown})
        return attrs


class BookingSerializer(serializers.ModelSerializer):
    """A booking as coaches and clients see it."""

    service = serializers.IntegerField(source="session.service_id", read_only=True)
    service_name = serializers.CharField(source="session.service.name", read_only=True)
    coach = serializers.IntegerField(source="session.coach_id", read_only=True)
    session = serializers.IntegerField(source="session_id", read_only=True)
    start_at = serializers.DateTimeField(source="session.start_at", read_only=True)
    end_at = serializers.DateTimeField(source="session.end_at", read_only=True)
    location_type = serializers.CharField(source="session.location_type", read_only=True)
    address = serializers.CharField(source="session.address", read_only=True)
    video_url = serializers.SerializerMethodField()
    client = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Booking
        fields = [
            "public_id",
            "session",
            "service",
            "service_name",
            "coach",
            "client",
            "start_at",
            "end_at",
            "location_type",
            "address",
            "video_url",
            "status",
            "attendance",
            "source",
            "note",
            "price_minor",
            "currency",
            "payment_status",
            "amount_due_minor",
            "amount_paid_minor",
            "checkout_url",
            "late_cancel_fee_minor",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "created_at",
        ]
        read_only_fields = fields

    def get_video_url(self, booking) -> str:
        return booking.session.video_url if booking.is_active else ""


class CoachBookingCreateSerializer(serializers.Serializer):
    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all())
    service = OrgPrimaryKeyRelatedField(queryset=ServiceType.objects.all())
    coach = OrgPrimaryKeyRelatedField(queryset=User.objects.all())
    start_at = serializers.DateTimeField(help_text="ISO 8601 with offset, e.g. 2026-06-02T10:00:00+01:00.")
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=Booking._meta.get_field("note").max_length
    )


class ClientBookingCreateSerializer(serializers.Serializer):
    service = serializers.IntegerField(help_text="Id of a bookable service.")
    coach = serializers.IntegerField(required=False, help_text="Id of the coach; any free coach if left out.")
    start_at = serializers.DateTimeField(help_text="A start from the open slots.")
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=Booking._meta.get_field("note").max_length
    )

    def validate_start_at(self, value):
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError(_("That time has passed. Pick one of the open slots."))
        if value > now + timedelta(days=366):
            raise serializers.ValidationError(_("That time is not available. Please pick another slot."))
        return value


class RescheduleSerializer(serializers.Serializer):
    start_at = serializers.DateTimeField(help_text="The new start, from the open slots.")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class AttendanceSerializer(serializers.Serializer):
    attendance = serializers.ChoiceField(
        choices=[Booking.Attendance.ATTENDED, Booking.Attendance.NO_SHOW, Booking.Attendance.LATE_CANCEL]
    )


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    local_start = serializers.SerializerMethodField(help_text="Start in the time zone asked for.")
    coach = serializers.IntegerField(source="coach_id")
    places_left = serializers.IntegerField(source="seats_left")

    def get_local_start(self, slot) -> str:
        return slot.start.astimezone(ZoneInfo(self.context.get("tz", "UTC"))).isoformat()


class SlotQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (in `tz`); today by default.")
    days = serializers.IntegerField(required=False, min_value=1, max_value=62, default=14)
    coach = serializers.IntegerField(required=False)
    tz = TimeZoneField(required=False, help_text="Time zone of the days and of local_start.")

    def validate_start(self, value):
        today = timezone.now().date()
        if not today - timedelta(days=366) <= value <= today + timedelta(days=730):
            raise serializers.ValidationError(_("Choose a day between a year ago and two years ahead."))
        return value


class SessionQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(required=False, help_text="Sessions ending after this time.")
    end = serializers.DateTimeField(required=False, help_text="Sessions starting before this time.")


class RecurringSeriesSerializer(OrgModelSerializer):
    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all())
    service = OrgPrimaryKeyRelatedField(queryset=ServiceType.objects.all())
    coach = OrgPrimaryKeyRelatedField(queryset=User.objects.all())

    class Meta:
        model = RecurringSeries
        fields = ["id", "client", "service", "coach", "first_date", "local_time", "time_zone", "weeks", "cancelled_at"]
        read_only_fields = ["id", "time_zone", "cancelled_at"]


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = BookingPolicy
        fields = [
            "cancellation_deadline_hours",
            "late_cancel_forfeits_credit",
            "late_cancel_fee_minor",
            "no_show_forfeits_credit",
            "reminder_offsets_minutes",
            "remind_by_email",
            "remind_by_sms",
            "payment_hold_minutes",
            "waitlist_hold_minutes",
            "public_booking_enabled",
            "booking_page_intro",
        ]

    def validate_reminder_offsets_minutes(self, value):
        if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
            raise serializers.ValidationError(_("A list of whole minutes, e.g. [1440, 120]."))
        return value


class CreditGrantSerializer(OrgModelSerializer):
    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all())
    remaining = serializers.SerializerMethodField()
    source_ref = serializers.CharField(
        required=False, max_length=120, help_text="Idempotency: a source grants once. Generated if left out."
    )

    class Meta:
        model = CreditGrant
        fields = ["id", "client", "quantity", "remaining", "expires_at", "reason", "source_ref", "created_at"]
        read_only_fields = ["id", "remaining", "created_at"]

    def get_remaining(self, grant) -> int | None:
        return getattr(grant, "remaining", None)

    def validate_expires_at(self, value):
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError(_("The expiry has passed. Choose a later date, or none."))
        return value


class CreditEntrySerializer(serializers.ModelSerializer):
    booking = serializers.SlugRelatedField(slug_field="public_id", read_only=True)

    class Meta:
        model = CreditEntry
        fields = ["id", "grant", "client", "booking", "kind", "delta", "reference", "note", "created_at"]
        read_only_fields = fields


class CreditBalanceSerializer(serializers.Serializer):
    balance = serializers.IntegerField()


# --- The coach's calendar feed --------------------------------------------------------------------
class CalendarQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (in `tz`); this week's Monday by default.")
    days = serializers.IntegerField(required=False, min_value=1, max_value=42, default=7)
    coach = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only this coach's sessions (user id)."
    )
    service = serializers.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, help_text="Only this service's sessions."
    )
    tz = TimeZoneField(required=False, help_text="Time zone of the days (the coach's by default).")

    def validate_start(self, value):
        today = timezone.now().date()
        if not today - timedelta(days=366) <= value <= today + timedelta(days=730):
            raise serializers.ValidationError(_("Choose a day between a year ago and two years ahead."))
        return value


class CalendarClientSerializer(serializers.Serializer):
    booking = serializers.UUIDField(source="public_id")
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField(source="client.full_name")
    status = serializers.CharField()
    attendance = serializers.CharField()


class CalendarSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.IntegerField(source="service_id")
    service_name = serializers.CharField(source="service.name")
    coach = serializers.IntegerField(source="coach_id")
    coach_name = serializers.CharField(source="coach.__str__")
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    local_start = serializers.SerializerMethodField(help_text="Start on the clocks of the feed's time zone.")
    capacity = serializers.IntegerField()
    location_type = serializers.CharField()
    clients = CalendarClientSerializer(many=True, source="bookings.all")

    def get_local_start(self, session) -> str:
        return session.start_at.astimezone(ZoneInfo(self.context["tz"])).isoformat()


class CalendarWorkoutSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The scheduled workout's public id.")
    date = serializers.DateField(help_text="In the client's calendar.")
    title = serializers.CharField()
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField()
    coach = serializers.IntegerField(source="coach_id", allow_null=True)


class CalendarBusySerializer(serializers.Serializer):
    coach = serializers.IntegerField()
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()


class CalendarFeedSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="The first day's local midnight, in UTC.")
    end = serializers.DateTimeField(help_text="The day after the last day's local midnight, in UTC.")
    time_zone = serializers.CharField()
    sessions = CalendarSessionSerializer(many=True)
    workouts = CalendarWorkoutSerializer(many=True)
    busy = CalendarBusySerializer(many=True, help_text="Busy times of the coach's connected calendars.")


class SessionMoveSerializer(serializers.Serializer):
    start_at = serializers.DateTimeField(help_text="New start (ISO 8601 with offset).")
