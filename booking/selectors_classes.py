"""Reads of group classes: the timetable, upcoming occurrences with places left, a class's
roster, and what one client holds in each (a booking, a waitlist spot, an offer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Booking, GroupClass, Session, WaitlistEntry


def timetable(*, organization) -> QuerySet[GroupClass]:
    return (
        GroupClass.objects.for_org(organization)
        .select_related("service", "coach")
        .order_by("-is_active", "title", "id")
    )


def _count(model, **filters):
    rows = model.objects.filter(session=OuterRef("pk"), **filters).values("session").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_places(qs: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate `booked`, `offered`, `waiting` and `places_left` (capacity minus booked and held)."""
    return qs.annotate(
        booked=_count(Booking, status__in=Booking.ACTIVE),
        offered=_count(WaitlistEntry, status=WaitlistEntry.Status.OFFERED),
        waiting=_count(WaitlistEntry, status=WaitlistEntry.Status.WAITING),
    ).annotate(places_left=models_places_left())


def models_places_left():
    from django.db.models import F
    from django.db.models.functions import Greatest

    return Greatest(F("capacity") - F("booked") - F("offered"), Value(0))


def class_sessions(
    *, organization, start: datetime | None = None, end: datetime | None = None, coach_id=None, public_only=False
) -> QuerySet[Session]:
    """Occurrences of timetable classes, soonest first, with places counted."""
    qs = Session.objects.for_org(organization).filter(group_class__isnull=False)
    if start is not None:
        qs = qs.filter(start_at__gte=start)
    if end is not None:
        qs = qs.filter(start_at__lt=end)
    if coach_id:
        qs = qs.filter(coach_id=coach_id)
    if public_only:
        qs = qs.filter(
            status=Session.Status.SCHEDULED,
            service__is_active=True,
            service__is_public=True,
            group_class__is_active=True,
        )
    return with_places(qs.select_related("service", "coach", "group_class", "group_class__service")).order_by(
        "start_at", "id"
    )


def roster(*, session: Session) -> Session:
    """One occurrence with its active bookings (by place) and its queue (by arrival)."""
    return (
        with_places(Session.objects.filter(pk=session.pk))
        .select_related("service", "coach", "group_class", "group_class__service")
        .prefetch_related(
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
        .get()
    )


@dataclass
class ClientPlace:
    """What a client holds in one class: their booking, or their waitlist entry and position."""

    booking: Booking | None = None
    entry: WaitlistEntry | None = None
    position: int | None = None


def client_places(*, client, session_ids) -> dict[int, ClientPlace]:
    """For each of `session_ids` the client is in: their booking or waitlist entry (two queries)."""
    session_ids = list(session_ids)
    out: dict[int, ClientPlace] = {}
    for booking in Booking.objects.active().filter(client=client, session_id__in=session_ids):
        out[booking.session_id] = ClientPlace(booking=booking)
    entries = with_positions(WaitlistEntry.objects.in_line().filter(client=client, session_id__in=session_ids))
    for entry in entries:
        out.setdefault(entry.session_id, ClientPlace()).entry = entry
        out[entry.session_id].position = entry.position
    return out


def with_positions(qs: QuerySet[WaitlistEntry]) -> QuerySet[WaitlistEntry]:
    """Annotate `position`: 1 for the first in line (in the queue entries only; others get 0)."""
    ahead = (
        WaitlistEntry.objects.filter(
            session=OuterRef("session"), status__in=WaitlistEntry.IN_LINE, sequence__lt=OuterRef("sequence")
        )
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    from django.db.models import Case, When

    return qs.annotate(
        position=Case(
            When(
                status__in=WaitlistEntry.IN_LINE,
                then=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1,
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def client_waitlist(*, client) -> QuerySet[WaitlistEntry]:
    return with_positions(
        WaitlistEntry.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("session", "session__service", "session__group_class", "session__coach")
        .order_by("-created_at", "-id")
    )
