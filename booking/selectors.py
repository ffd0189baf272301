"""Reads worth naming: open slots (the availability engine), calendars, policies, credits."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import ports
from .models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPolicy,
    CoachProfile,
    CreditEntry,
    CreditGrant,
    ServiceType,
    Session,
)

Interval = tuple[datetime, datetime]


# --- Policies and profiles ---------------------------------------------------------------------------
def policy_for(organization) -> BookingPolicy:
    """The business's booking policy; the defaults (unsaved) until the owner changes them."""
    policy = BookingPolicy.objects.for_org(organization).first()
    if policy is None:
        policy = BookingPolicy(
            organization=organization, reminder_offsets_minutes=list(BookingPolicy.DEFAULT_REMINDERS)
        )
    return policy


def coach_profile(*, organization, user) -> CoachProfile | None:
    return CoachProfile.objects.for_org(organization).filter(user=user).select_related("user").first()


def public_coaches(*, organization) -> QuerySet[CoachProfile]:
    """Coaches shown on the business's booking page: taking bookings and offering a public service."""
    return (
        CoachProfile.objects.for_org(organization)
        .filter(
            accepts_bookings=True,
            user__memberships__organization=organization,
            user__memberships__is_active=True,
            user__booking_services__organization=organization,
            user__booking_services__is_active=True,
            user__booking_services__is_public=True,
        )
        .select_related("user")
        .distinct()
        .order_by("user__full_name", "slug")
    )


def public_services(*, organization, coach=None) -> QuerySet[ServiceType]:
    qs = ServiceType.objects.for_org(organization).bookable().filter(is_public=True)
    if coach is not None:
        qs = qs.filter(coaches=coach)
    return qs.filter(coaches__coach_profiles__organization=organization).distinct().order_by("name", "id")


def service_coaches(*, service: ServiceType) -> list[CoachProfile]:
    """Profiles of the coaches who offer `service` and take bookings."""
    return list(
        CoachProfile.objects.for_org(service.organization)
        .filter(user__in=service.coaches.all(), accepts_bookings=True)
        .select_related("user")
        .order_by("user__full_name", "slug")
    )


# --- The availability engine ------------------------------------------------------------------------
@dataclass(frozen=True)
class Slot:
    """A time a client can book: [start, end) in UTC, with whom, and places left."""

    start: datetime
    end: datetime
    coach_id: int
    seats_left: int
    session_id: int | None = None

    def local_start(self, tz: str) -> datetime:
        return self.start.astimezone(ZoneInfo(tz))


def _to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    # Wall-clock times inside a spring-forward gap resolve with the offset before the
    # change (fold=0), i.e. they land just after the gap; ambiguous autumn times take the
    # first occurrence. Either way the interval becomes a real UTC interval.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _merge(intervals: list[Interval]) -> list[Interval]:
    out: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def _subtract(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    holes = _merge(holes)
    out = []
    for start, end in intervals:
        cursor = start
        for h_start, h_end in holes:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                out.append((cursor, h_start))
            cursor = max(cursor, h_end)
        if cursor < end:
            out.append((cursor, end))
    return out


def availability_windows(
    *, organization, coach_id: int, tz_name: str, start: datetime, end: datetime
) -> list[Interval]:
    """When the coach works between `start` and `end`: weekly hours, plus extra hours, minus
    time off, computed day by day in the coach's zone and returned as UTC intervals."""
    tz = ZoneInfo(tz_name)
    first_day = start.astimezone(tz).date() - timedelta(days=1)
    last_day = end.astimezone(tz).date() + timedelta(days=1)
    rules: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for rule in AvailabilityRule.objects.for_org(organization).filter(coach_id=coach_id):
        rules[rule.weekday].append((rule.start_time, rule.end_time))
    exceptions: dict[date, list[AvailabilityException]] = defaultdict(list)
    for exc in AvailabilityException.objects.for_org(organization).filter(
        coach_id=coach_id, date__gte=first_day, date__lte=last_day
    ):
        exceptions[exc.date].append(exc)

    opened: list[Interval] = []
    closed: list[Interval] = []
    day = first_day
    while day <= last_day:
        todays = exceptions.get(day, [])
        whole_day_off = any(e.kind == e.Kind.OFF and e.is_all_day for e in todays)
        if not whole_day_off:
            for s, e in rules.get(day.weekday(), []):
                opened.append((_to_utc(day, s, tz), _to_utc(day, e, tz)))
        for exc in todays:
            if exc.kind == exc.Kind.EXTRA:
                opened.append((_to_utc(day, exc.start_time, tz), _to_utc(day, exc.end_time, tz)))
            elif not exc.is_all_day:
                closed.append((_to_utc(day, exc.start_time, tz), _to_utc(day, exc.end_time, tz)))
        day += timedelta(days=1)
    windows = _subtract(_merge(opened), closed)
    return [(max(s, start), min(e, end)) for s, e in windows if e > start and s < end]


def _blocked_for(
    *, service: ServiceType, coach_id: int, start: datetime, end: datetime, exclude_session_id: int | None = None
) -> tuple[list[Interval], dict[datetime, Session]]:
    """Times a new session of `service` may not overlap (its core [start, end)), and the
    scheduled sessions of the same group service by start (joinable while places are left).

    Buffers work both ways: the new session's buffers must not overlap another session,
    and another session's buffers must not overlap the new session.
    """
    organization = service.organization
    margin = timedelta(hours=13)
    sessions = (
        Session.objects.for_org(organization)
        .scheduled()
        .filter(coach_id=coach_id, start_at__lt=end + margin, end_at__gt=start - margin)
        .select_related("service")
        .annotate(taken=Count("bookings", filter=~Q(bookings__status=Booking.Status.CANCELLED)))
    )
    before_c = timedelta(minutes=service.buffer_before_minutes)
    after_c = timedelta(minutes=service.buffer_after_minutes)
    blocked: list[Interval] = []
    joinable: dict[datetime, Session] = {}
    for session in sessions:
        if session.pk == exclude_session_id:
            continue
        if service.is_group and session.service_id == service.pk:
            joinable[session.start_at] = session
        before_s = timedelta(minutes=session.service.buffer_before_minutes)
        after_s = timedelta(minutes=session.service.buffer_after_minutes)
        blocked.append((session.start_at - max(after_c, before_s), session.end_at + max(before_c, after_s)))
    for busy_start, busy_end in ports.busy_intervals(
        organization=organization, coach_id=coach_id, start=start - margin, end=end + margin
    ):
        blocked.append((busy_start - after_c, busy_end + before_c))
    return _merge(blocked), joinable


def _overlaps(blocked: list[Interval], starts: list[datetime], start: datetime, end: datetime) -> bool:
    i = bisect.bisect_left(starts, end)  # blocks starting before our end
    # merged intervals are disjoint and sorted, so only the one just before can reach us
    return i > 0 and blocked[i - 1][1] > start


def open_slots(
    *,
    service: ServiceType,
    coach_id: int,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    exclude_session_id: int | None = None,
    profile: CoachProfile | None = None,
) -> list[Slot]:
    """Slots of `service` with one coach in [start, end): inside their hours, at their slot
    step, with the minimum notice and the booking horizon, clear of other sessions (with
    buffers) and of busy times from their connected calendars."""
    now = now or timezone.now()
    organization = service.organization
    profile = profile or CoachProfile.objects.for_org(organization).filter(user_id=coach_id).first()
    if profile is None or not profile.accepts_bookings:
        return []
    earliest = max(start, now + timedelta(minutes=profile.min_notice_minutes))
    latest = min(end, now + timedelta(days=profile.max_days_ahead))
    if earliest >= latest:
        return []
    duration = timedelta(minutes=service.duration_minutes)
    step = timedelta(minutes=profile.slot_step_minutes)
    blocked, joinable = _blocked_for(
        service=service, coach_id=coach_id, start=earliest, end=latest, exclude_session_id=exclude_session_id
    )
    starts = [b[0] for b in blocked]
    found: dict[datetime, Slot] = {}
    for session_start, session in joinable.items():
        seats_left = session.capacity - session.taken
        if earliest <= session_start < latest and seats_left > 0:
            found[session_start] = Slot(session_start, session.end_at, coach_id, seats_left, session.pk)
    # Slots step from the start of each stretch of working hours, in real (UTC) time, so a
    # day with a clock change has exactly the slots its real hours hold.
    day_start = local_day_bounds(earliest.astimezone(ZoneInfo(profile.time_zone)).date(), profile.time_zone)[0]
    windows = availability_windows(
        organization=organization, coach_id=coach_id, tz_name=profile.time_zone, start=day_start, end=latest + duration
    )
    for window_start, window_end in windows:
        cursor = window_start
        if cursor < earliest:
            cursor += step * -(-(earliest - cursor) // step)
        while cursor + duration <= window_end and cursor < latest:
            free = cursor not in found and cursor not in joinable
            if free and not _overlaps(blocked, starts, cursor, cursor + duration):
                found[cursor] = Slot(cursor, cursor + duration, coach_id, service.capacity)
            cursor += step
    return [found[k] for k in sorted(found)]


def open_slots_for_service(
    *, service: ServiceType, start: datetime, end: datetime, coach_id: int | None = None, now: datetime | None = None
) -> list[Slot]:
    """Slots of `service` with one coach, or with any of its coaches (each time once, the
    first free coach by name)."""
    profiles = service_coaches(service=service)
    if coach_id is not None:
        profiles = [p for p in profiles if p.user_id == coach_id]
    by_start: dict[datetime, Slot] = {}
    for profile in profiles:
        for slot in open_slots(
            service=service, coach_id=profile.user_id, start=start, end=end, now=now, profile=profile
        ):
            by_start.setdefault(slot.start, slot)
    return [by_start[k] for k in sorted(by_start)]


def slots_by_day(slots: list[Slot], tz_name: str) -> dict[date, list[Slot]]:
    """Slots grouped by the viewer's local date (a client in another zone sees their own days)."""
    tz = ZoneInfo(tz_name)
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.start.astimezone(tz).date()].append(slot)
    return dict(days)


def local_day_bounds(day: date, tz_name: str) -> Interval:
    """[start, end) in UTC of a local calendar day (23 or 25 hours long on DST days)."""
    tz = ZoneInfo(tz_name)
    return _to_utc(day, time(0, 0), tz), _to_utc(day + timedelta(days=1), time(0, 0), tz)


def conflicting_sessions(
    *, service: ServiceType, coach_id: int, start: datetime, exclude_session_id: int | None = None
) -> bool:
    """Whether a new session of `service` at `start` would clash (buffers included)."""
    end = start + timedelta(minutes=service.duration_minutes)
    blocked, _joinable = _blocked_for(
        service=service, coach_id=coach_id, start=start, end=end, exclude_session_id=exclude_session_id
    )
    return _overlaps(blocked, [b[0] for b in blocked], start, end)


# --- Calendars and bookings -------------------------------------------------------------------------
# Whose rows are on "mine" (mecto.scope): the sessions a coach runs, and the bookings of those
# sessions or of the clients they coach.
SESSION_OWNERS = ("coach",)
BOOKING_OWNERS = ("session__coach", "client__coach")


def calendar_sessions(
    *, organization, start: datetime, end: datetime, coach_id: int | None = None
) -> QuerySet[Session]:
    """Scheduled sessions in [start, end) with their service, coach and active bookings."""
    qs = (
        Session.objects.for_org(organization)
        .scheduled()
        .overlapping(start, end)
        .select_related("service", "coach")
        .prefetch_related(
            Prefetch("bookings", queryset=Booking.objects.active().select_related("client").order_by("seat"))
        )
        .order_by("start_at", "id")
    )
    if coach_id:
        qs = qs.filter(coach_id=coach_id)
    return qs


@dataclass
class CalendarFeed:
    """What the coach's calendar shows between two instants: sessions (with service, coach
    and active bookings), assigned workouts by date, and busy times of connected calendars."""

    start: datetime
    end: datetime
    sessions: list[Session]
    workouts: list
    busy: list[tuple[int, datetime, datetime]]


def calendar_feed(
    *,
    organization,
    start: datetime,
    end: datetime,
    tz_name: str,
    coach_id: int | None = None,
    service_id: int | None = None,
    busy_coach_ids: list[int] = (),
) -> CalendarFeed:
    """The calendar's rows in [start, end): one coach's or everyone's, one service's or all.
    Workouts are dated in the client's calendar; the days of [start, end) in `tz_name` pick them."""
    from mecto import schedule

    sessions = calendar_sessions(organization=organization, start=start, end=end, coach_id=coach_id)
    if service_id is not None:
        sessions = sessions.filter(service_id=service_id)
    tz = ZoneInfo(tz_name)
    first_day, last_day = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    workouts = (
        []
        if service_id is not None
        else schedule.calendar_workouts(organization=organization, start=first_day, end=last_day, coach_id=coach_id)
    )
    busy = [
        (coach, max(b_start, start), min(b_end, end))
        for coach in dict.fromkeys(busy_coach_ids)
        for b_start, b_end in ports.busy_intervals(organization=organization, coach_id=coach, start=start, end=end)
    ]
    return CalendarFeed(start=start, end=end, sessions=list(sessions), workouts=workouts, busy=sorted(busy))


def booking_list(*, organization) -> QuerySet[Booking]:
    return Booking.objects.for_org(organization).select_related(
        "client", "session", "session__service", "session__coach"
    )


def client_bookings(*, client) -> QuerySet[Booking]:
    return (
        Booking.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("session", "session__service", "session__coach")
        .order_by("-session__start_at")
    )


def booking_by_public_id(public_id) -> Booking | None:
    return (
        Booking.objects.select_related(
            "organization", "client", "session", "session__service", "session__coach", "session__organization"
        )
        .filter(public_id=public_id)
        .first()
    )


def is_late_cancel(*, booking: Booking, at: datetime | None = None, policy: BookingPolicy | None = None) -> bool:
    """Inside the business's cancellation deadline (a late cancel)?"""
    at = at or timezone.now()
    policy = policy or policy_for(booking.organization)
    return at > booking.session.start_at - timedelta(hours=policy.cancellation_deadline_hours)


def reminder_messages(*, booking) -> QuerySet:
    """The reminders of a booking in the message log (each channel, offset and start once)."""
    from mecto.comms.models import OutboundMessage

    return (
        OutboundMessage.objects.for_org(booking.organization)
        .filter(idempotency_key__startswith=f"booking-reminder:{booking.pk}:")
        .order_by("created_at", "id")
    )


# --- Credits ------------------------------------------------------------------------------------------
def _with_remaining(grants: QuerySet[CreditGrant]) -> QuerySet[CreditGrant]:
    moved = (
        CreditEntry.objects.filter(grant=OuterRef("pk")).values("grant").annotate(total=Sum("delta")).values("total")
    )
    return grants.annotate(remaining=Coalesce(Subquery(moved, output_field=IntegerField()), Value(0)) + F("quantity"))


def grants_with_remaining(*, client, at: datetime | None = None):
    """The client's unexpired grants, oldest expiry first, each annotated with `remaining`."""
    at = at or timezone.now()
    return _with_remaining(
        CreditGrant.objects.for_org(client.organization)
        .filter(client=client)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
    ).order_by("expires_at", "created_at", "pk")


def credit_grants(*, client) -> QuerySet[CreditGrant]:
    """Every grant of the client, newest first, expired ones included, with `remaining`."""
    return _with_remaining(CreditGrant.objects.for_org(client.organization).filter(client=client)).order_by(
        "-created_at", "-pk"
    )


def credit_grant_for(*, organization, source_ref: str) -> CreditGrant | None:
    """The grant a source (a paid invoice line, a membership period) made, if it made one."""
    return CreditGrant.objects.for_org(organization).filter(source_ref=source_ref).first()


def credit_balance(*, client, at: datetime | None = None) -> int:
    """Credits a client can use now: derived from the ledger, never stored."""
    return sum(max(g.remaining, 0) for g in grants_with_remaining(client=client, at=at))


def credit_entries(*, client) -> QuerySet[CreditEntry]:
    return (
        CreditEntry.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("grant", "booking", "booking__session")
        .order_by("-created_at", "-id")
    )
