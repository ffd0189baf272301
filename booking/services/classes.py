"""Group classes: the timetable and its generated occurrences, booking a place under the
session's row lock, the waitlist with timed offers, and cancelling one occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.models import Client
from clients.services import ensure_waivers_signed
from mecto.events import emit, register_event_type

from .. import selectors
from ..models import Booking, GroupClass, Session, WaitlistEntry
from ._common import BookingError, _full_clean, _payload
from .availability import ensure_coach_profile

__all__ = [
    "CLASS_WEEKS_AHEAD",
    "class_start",
    "save_group_class",
    "archive_group_class",
    "generate_class_sessions",
    "generate_all_class_sessions",
    "book_class",
    "book_class_from_public_page",
    "join_waitlist",
    "leave_waitlist",
    "offer_free_places",
    "waitlist_position",
    "confirm_offer",
    "expire_waitlist_offers",
    "set_class_capacity",
    "cancel_class_session",
]

register_event_type("class.waitlist_joined", gettext_lazy("A client joined the waitlist of a full class"))
register_event_type(
    "class.waitlist_promoted", gettext_lazy("The first on a class's waitlist was offered a freed place")
)
register_event_type("class.waitlist_left", gettext_lazy("A client left a class's waitlist"))
register_event_type("class.offer_expired", gettext_lazy("A waitlist offer of a class place lapsed"))
register_event_type("class.cancelled", gettext_lazy("A coach cancelled one occurrence of a class"))
register_event_type("class.timetable_changed", gettext_lazy("A class on the timetable was added or changed"))

# Occurrences exist this far ahead: the beat task tops the window up every day.
CLASS_WEEKS_AHEAD = 8
GROUP_CLASS_FIELDS = (
    "service",
    "coach",
    "title",
    "capacity",
    "location_type",
    "address",
    "room",
    "weekly_times",
    "starts_on",
    "ends_on",
    "waitlist_hold_minutes",
    "is_active",
)


def class_start(day: date, at: time, time_zone: str) -> datetime:
    """`day` at `at` on the clocks of `time_zone`, in UTC, as the availability engine reads
    local times: a time the clocks skip moves forward by the gap (fold=0 keeps the offset of
    before the change), a time they repeat is its first occurrence."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def _occurrence_key(day: date, at: time) -> str:
    return f"{day.isoformat()}T{at:%H:%M}"


def _normalise_times(value) -> list[dict]:
    """Weekly times as stored: [{"weekday": int, "start_time": "HH:MM"}], sorted; bad shapes
    are left for the model's clean() to refuse with its message."""
    if not isinstance(value, list):
        return value
    out = []
    for item in value:
        if isinstance(item, dict):
            weekday, start = item.get("weekday"), item.get("start_time")
            if isinstance(start, time):
                start = start.strftime("%H:%M")
            elif isinstance(start, str):
                try:
                    start = time.fromisoformat(start).strftime("%H:%M")
                except ValueError:
                    pass
            item = {"weekday": weekday, "start_time": start}
        out.append(item)
    try:
        return sorted(out, key=lambda t: (t["weekday"], t["start_time"]))
    except (TypeError, KeyError):
        return out


@transaction.atomic
def save_group_class(*, organization, actor=None, group_class: GroupClass | None = None, **fields) -> GroupClass:
    """Add or change a class on the timetable, then bring its future occurrences in line:
    new ones are generated, unbooked ones follow the change, booked ones keep their time."""
    unknown = set(fields) - set(GROUP_CLASS_FIELDS)
    if unknown:
        raise BookingError(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if group_class is None:
        group_class = GroupClass(organization=organization, created_by=actor if getattr(actor, "pk", None) else None)
    else:
        group_class = GroupClass.objects.select_for_update().get(pk=group_class.pk, organization=organization)
    if "weekly_times" in fields:
        fields["weekly_times"] = _normalise_times(fields["weekly_times"])
    for name, value in fields.items():
        setattr(group_class, name, value)
    for name in ("title", "address", "room"):
        setattr(group_class, name, (getattr(group_class, name) or "").strip())
    service = group_class.service if group_class.service_id else None
    if service is not None and service.organization_id != organization.pk:
        raise BookingError(_("Choose a service of this business."), field="service")
    if service is not None and group_class.coach_id and not service.coaches.filter(pk=group_class.coach_id).exists():
        raise BookingError(_("This coach does not offer this service."), field="coach")
    from accounts.models import Membership

    is_member = Membership.objects.for_org(organization).filter(user_id=group_class.coach_id, is_active=True)
    if group_class.coach_id and not is_member.exists():
        raise BookingError(_("Choose a coach of this business."), field="coach")
    _full_clean(group_class, exclude=["organization", "created_by"])
    is_new = group_class.pk is None
    group_class.save()
    created, updated, removed = generate_class_sessions(group_class=group_class, actor=actor)
    emit(
        organization,
        "class.timetable_changed",
        {
            "group_class_id": group_class.pk,
            "created": is_new,
            "sessions_created": created,
            "sessions_updated": updated,
            "sessions_removed": removed,
        },
        actor=actor,
    )
    return group_class


@transaction.atomic
def archive_group_class(*, group_class: GroupClass, actor=None, reason: str = "") -> int:
    """Take a class off the timetable: its future occurrences are cancelled (everyone booked or
    waiting is told, credits come back). Returns how many occurrences were cancelled."""
    group_class = GroupClass.objects.select_for_update().get(pk=group_class.pk)
    group_class.is_active = False
    group_class.save(update_fields=["is_active", "updated_at"])
    count = 0
    future = Session.objects.filter(
        group_class=group_class, status=Session.Status.SCHEDULED, start_at__gt=timezone.now()
    )
    for session in future:
        cancel_class_session(
            session=session, actor=actor, reason=reason or _("This class is no longer on the timetable.")
        )
        count += 1
    return count


def _desired_occurrences(group_class: GroupClass, *, now: datetime, weeks: int) -> dict[str, datetime]:
    tz_name = group_class.organization.time_zone or "UTC"
    tz = ZoneInfo(tz_name)
    today = now.astimezone(tz).date()
    first = max(today, group_class.starts_on)
    last = today + timedelta(weeks=weeks)
    if group_class.ends_on:
        last = min(last, group_class.ends_on)
    out = {}
    if not group_class.is_active or first > last:
        return out
    times = group_class.local_times()
    day = first
    while day <= last:
        for weekday, at in times:
            if weekday == day.weekday():
                start = class_start(day, at, tz_name)
                if start > now:
                    out[_occurrence_key(day, at)] = start
        day += timedelta(days=1)
    return out


def _has_people(session: Session) -> bool:
    return session.bookings.active().exists() or session.waitlist_entries.in_line().exists()


@transaction.atomic
def generate_class_sessions(
    *, group_class: GroupClass, weeks: int = CLASS_WEEKS_AHEAD, now: datetime | None = None, actor=None
) -> tuple[int, int, int]:
    """Make the class's future occurrences match the timetable for `weeks` ahead.

    Missing occurrences are created; future unbooked ones (not changed by hand) take the
    class's time, coach, places and place; ones the timetable no longer has are removed
    unless someone is booked or waiting. An occurrence the coach cancelled stays cancelled.
    Idempotent: running it twice changes nothing. Returns (created, updated, removed)."""
    now = now or timezone.now()
    group_class = GroupClass.objects.select_related("service", "organization", "coach").get(pk=group_class.pk)
    service = group_class.service
    desired = _desired_occurrences(group_class, now=now, weeks=weeks)
    existing = {
        s.class_occurrence: s for s in Session.objects.filter(group_class=group_class, start_at__gt=now).order_by("pk")
    }
    created = updated = removed = 0
    duration = timedelta(minutes=service.duration_minutes)
    address = group_class.address or service.address
    for key, session in existing.items():
        if session.status != Session.Status.SCHEDULED or session.is_modified:
            continue
        if key not in desired and _has_people(session):
            # Booked people keep their class (the coach cancels it if it is off); its places follow.
            updated += _follow_capacity(session, group_class, now=now)
            continue
        if key not in desired:
            if session.bookings.exists() or session.waitlist_entries.exists():
                session.status = Session.Status.CANCELLED
                session.sequence += 1
                session.save(update_fields=["status", "sequence", "updated_at"])
            else:
                session.delete()
            emit(group_class.organization, "session.cancelled", {"session_id": session.pk}, actor=actor)
            removed += 1
            continue
        booked = _has_people(session)
        changes = {}
        capacity = max(group_class.places, session.bookings.active().count())
        if session.capacity != capacity:
            changes["capacity"] = capacity
        if not booked:
            start = desired[key]
            for name, value in (
                ("start_at", start),
                ("end_at", start + duration),
                ("coach_id", group_class.coach_id),
                ("location_type", group_class.location_type),
                ("address", address),
            ):
                if getattr(session, name) != value:
                    changes[name] = value
        if changes:
            for name, value in changes.items():
                setattr(session, name, value)
            session.sequence += 1
            try:
                with transaction.atomic():
                    session.save()
            except IntegrityError:  # the coach has another session at that time: leave this one
                session.refresh_from_db()
                continue
            updated += 1
            if "capacity" in changes:
                offer_free_places(session=_lock_session(session), now=now)
    if desired.keys() - existing.keys():
        profile = ensure_coach_profile(organization=group_class.organization, user=group_class.coach)
    for key in sorted(desired.keys() - existing.keys()):
        from .bookings import _video_for

        start = desired[key]
        session = Session(
            organization=group_class.organization,
            coach=group_class.coach,
            service=service,
            start_at=start,
            end_at=start + duration,
            capacity=group_class.places,
            location_type=group_class.location_type,
            address=address,
            group_class=group_class,
            class_occurrence=key,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _video_for(session, profile)
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError:  # a clash with the coach's other session at that start
            continue
        created += 1
    return created, updated, removed


def _follow_capacity(session: Session, group_class: GroupClass, *, now: datetime) -> int:
    capacity = max(group_class.places, session.bookings.active().count())
    if session.capacity == capacity:
        return 0
    raised = capacity > session.capacity
    session.capacity = capacity
    session.sequence += 1
    session.save(update_fields=["capacity", "sequence", "updated_at"])
    if raised:
        offer_free_places(session=_lock_session(session), now=now)
    return 1


def generate_all_class_sessions(*, now: datetime | None = None) -> int:
    """Top up every running class's occurrences (the daily beat task); returns how many were made."""
    total = 0
    for group_class in GroupClass.objects.running().order_by("pk"):
        created, _updated, _removed = generate_class_sessions(group_class=group_class, now=now)
        total += created
    return total


# --- Places, under the session's row lock -----------------------------------------------------------
# Key space of the advisory locks that queue a class's bookings (pg_advisory_xact_lock(int, int)).
CLASS_LOCK_SPACE = 0x636C  # "cl"


def _lock_session(session: Session) -> Session:
    # Lock the class occurrence's row: bookings, offers and leavers of one class run one
    # after the other, so places are counted once. On PostgreSQL a transaction-scoped
    # advisory lock is taken first: row locks are not granted strictly first come, first
    # served (a newcomer arriving as one holder commits can overtake those queued), while
    # the lock manager queues advisory locks in order, so the waitlist keeps arrival order.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CLASS_LOCK_SPACE, session.pk % 2**31])
    return (
        Session.objects.select_for_update(of=("self",))  # the session row only, not its joined ones
        .select_related("service", "coach", "organization", "group_class")
        .get(pk=session.pk)
    )


def _free_places(session: Session) -> int:
    booked = session.bookings.active().count()
    offered = session.waitlist_entries.filter(status=WaitlistEntry.Status.OFFERED).count()
    return session.capacity - booked - offered


def _check_class_open(session: Session, client: Client, now: datetime) -> None:
    if not session.group_class_id:
        raise BookingError(_("This is not a class on the timetable."), field="session")
    if client.organization_id != session.organization_id:
        raise BookingError(_("Choose a client of this business."), field="client")
    if session.status != Session.Status.SCHEDULED:
        raise BookingError(_("This class was cancelled."), field="session", code="cancelled")
    if session.start_at <= now:
        raise BookingError(_("This class has already started."), field="session", code="started")
    if not session.service.is_active:
        raise BookingError(_("This service is not bookable any more."), field="session")


def _create_class_booking(session: Session, client: Client, *, actor, source: str, note: str = "") -> Booking:
    from .bookings import _settle_at_booking

    used = set(session.bookings.active().values_list("seat", flat=True))
    seat = next(n for n in range(1, session.capacity + 2) if n not in used)
    service = session.service
    booking = Booking(
        organization=session.organization,
        session=session,
        client=client,
        seat=seat,
        source=source,
        note=(note or "").strip()[: Booking._meta.get_field("note").max_length],
        price_minor=service.price_minor,
        currency=service.currency,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise BookingError(_("You are already booked in this class."), field="session") from exc
    _settle_at_booking(booking, service, actor=actor, success_url="", cancel_url="")
    emit(session.organization, "booking.created", _payload(booking, source=source), actor=actor, client=client)
    return booking


def _join(session: Session, client: Client, *, actor, source: str) -> WaitlistEntry:
    last = session.waitlist_entries.aggregate(last=Max("sequence"))["last"] or 0
    entry = WaitlistEntry.objects.create(
        organization=session.organization, session=session, client=client, sequence=last + 1, source=source
    )
    entry.position = waitlist_position(entry)
    emit(
        session.organization,
        "class.waitlist_joined",
        {"waitlist_entry_id": entry.pk, "session_id": session.pk, "client_id": client.pk, "position": entry.position},
        actor=actor,
        client=client,
    )
    return entry


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """1 for the first in line; None once the entry is out of the queue."""
    if not entry.is_in_line:
        return None
    return (
        WaitlistEntry.objects.filter(
            session_id=entry.session_id, status__in=WaitlistEntry.IN_LINE, sequence__lt=entry.sequence
        ).count()
        + 1
    )


def _refuse_twice(session: Session, client: Client) -> None:
    if session.bookings.active().filter(client=client).exists():
        raise BookingError(_("You are already booked in this class."), field="session", code="booked")
    entry = session.waitlist_entries.in_line().filter(client=client).first()
    if entry is not None:
        if entry.status == WaitlistEntry.Status.OFFERED:
            raise BookingError(_("A place is held for you: confirm it to book."), field="session", code="offer_pending")
        raise BookingError(_("You are already on the waitlist of this class."), field="session", code="waiting")


@transaction.atomic
def book_class(
    *,
    session: Session,
    client: Client,
    actor=None,
    source: str = Booking.Source.APP,
    note: str = "",
    join_waitlist: bool = False,
    now: datetime | None = None,
) -> Booking | WaitlistEntry:
    """Book `client` into one occurrence of a class, under the session's lock. A full class
    is refused, or with `join_waitlist` the client joins the end of its queue instead.
    A credit-paid service consumes a credit now, as any booking does."""
    now = now or timezone.now()
    session = _lock_session(session)
    _check_class_open(session, client, now)
    if source in (Booking.Source.PUBLIC_PAGE, Booking.Source.APP):
        ensure_waivers_signed(client=client)
    _refuse_twice(session, client)
    if _free_places(session) > 0 and session.waitlist_entries.filter(status=WaitlistEntry.Status.WAITING).exists():
        offer_free_places(session=session, now=now)  # those waiting come first
    if _free_places(session) <= 0:
        if join_waitlist:
            return _join(session, client, actor=actor, source=source)
        raise BookingError(_("This class is full."), field="session", code="full")
    return _create_class_booking(session, client, actor=actor, source=source, note=note)


@transaction.atomic
def book_class_from_public_page(
    *, session: Session, first_name: str, last_name: str = "", email: str, phone: str = "", join_waitlist: bool = False
) -> Booking | WaitlistEntry:
    """A visitor of the booking page takes a class place (or a waitlist spot): a known email
    is its client, a new one becomes a lead of the class's coach."""
    from clients.services import create_client

    email = (email or "").strip().lower()
    if not email:
        raise BookingError(_("Enter your email address."), field="email")
    if not (first_name or "").strip():
        raise BookingError(_("Enter your first name."), field="first_name")
    organization = session.organization
    client = Client.objects.for_org(organization).filter(email__iexact=email).first()
    if client is None:
        client = create_client(
            organization=organization,
            first_name=first_name.strip(),
            last_name=(last_name or "").strip(),
            email=email,
            phone=(phone or "").strip(),
            status=Client.Status.LEAD,
            source=Client.Source.BOOKING,
            coach=session.coach,
            time_zone=organization.time_zone,
        )
    return book_class(session=session, client=client, source=Booking.Source.PUBLIC_PAGE, join_waitlist=join_waitlist)


@transaction.atomic
def join_waitlist(*, session: Session, client: Client, actor=None, source: str = Booking.Source.APP) -> WaitlistEntry:
    """Join the queue of a full class (a class with places is booked instead)."""
    now = timezone.now()
    session = _lock_session(session)
    _check_class_open(session, client, now)
    _refuse_twice(session, client)
    if _free_places(session) > 0 and not session.waitlist_entries.filter(status=WaitlistEntry.Status.WAITING).exists():
        raise BookingError(_("This class has places: book one instead."), field="session", code="has_places")
    return _join(session, client, actor=actor, source=source)


def _lock_entry(entry: WaitlistEntry) -> tuple[Session, WaitlistEntry]:
    session = _lock_session(entry.session)
    return session, WaitlistEntry.objects.select_related("client", "session").get(pk=entry.pk)


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry, actor=None) -> WaitlistEntry:
    """Leave the queue (or turn down an offered place, which passes to the next in line)."""
    session, entry = _lock_entry(entry)
    if not entry.is_in_line:
        return entry
    was_offered = entry.status == WaitlistEntry.Status.OFFERED
    entry.status = WaitlistEntry.Status.LEFT
    entry.offer_expires_at = None
    entry.save(update_fields=["status", "offer_expires_at", "updated_at"])
    emit(
        session.organization,
        "class.waitlist_left",
        {
            "waitlist_entry_id": entry.pk,
            "session_id": session.pk,
            "client_id": entry.client_id,
            "was_offered": was_offered,
        },
        actor=actor,
        client=entry.client,
    )
    if was_offered:
        offer_free_places(session=session)
    return entry


def hold_minutes(session: Session) -> int:
    group_class = session.group_class
    if group_class is not None and group_class.waitlist_hold_minutes:
        return group_class.waitlist_hold_minutes
    return selectors.policy_for(session.organization).waitlist_hold_minutes


def offer_free_places(*, session: Session, now: datetime | None = None) -> list[WaitlistEntry]:
    """Offer each free place to the first waiting in line, held until the hold time ends
    (never past the start). The caller holds the session's lock. Returns the offers made."""
    from ..class_notifications import send_offer

    now = now or timezone.now()
    if session.status != Session.Status.SCHEDULED or session.start_at <= now:
        return []
    offers = []
    free = _free_places(session)
    if free <= 0:
        return offers
    hold = timedelta(minutes=hold_minutes(session))
    waiting = list(
        session.waitlist_entries.filter(status=WaitlistEntry.Status.WAITING)
        .select_related("client")
        .order_by("sequence")[:free]
    )
    for entry in waiting:
        entry.status = WaitlistEntry.Status.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = min(now + hold, session.start_at)
        entry.offers_made += 1
        entry.save(update_fields=["status", "offered_at", "offer_expires_at", "offers_made", "updated_at"])
        send_offer(entry, session)
        emit(
            session.organization,
            "class.waitlist_promoted",
            {
                "waitlist_entry_id": entry.pk,
                "session_id": session.pk,
                "group_class_id": session.group_class_id,
                "client_id": entry.client_id,
                "offer_expires_at": entry.offer_expires_at.isoformat(),
                "start_at": session.start_at.isoformat(),
            },
            client=entry.client,
        )
        offers.append(entry)
    return offers


@transaction.atomic
def confirm_offer(*, entry: WaitlistEntry, actor=None, source: str = Booking.Source.APP) -> Booking:
    """Take an offered place: the client is booked (a credit-paid class consumes the credit
    now). An expired or withdrawn offer is refused and changes nothing."""
    now = timezone.now()
    session, entry = _lock_entry(entry)
    if entry.status == WaitlistEntry.Status.BOOKED and entry.booking_id:
        return entry.booking
    if entry.status != WaitlistEntry.Status.OFFERED:
        raise BookingError(_("There is no place offered to you in this class."), code="no_offer")
    if entry.offer_expires_at is None or entry.offer_expires_at <= now:
        raise BookingError(_("This offer has expired and the place went to the next in line."), code="offer_expired")
    _check_class_open(session, entry.client, now)
    # The held place is this entry's: take it out of the count before booking it.
    entry.status = WaitlistEntry.Status.BOOKED
    entry.save(update_fields=["status", "updated_at"])
    booking = _create_class_booking(session, entry.client, actor=actor, source=source)
    entry.booking = booking
    entry.offer_expires_at = None
    entry.save(update_fields=["booking", "offer_expires_at", "updated_at"])
    return booking


def expire_waitlist_offers(*, now: datetime | None = None) -> int:
    """Offers whose hold ended lapse and pass to the next in line (the beat task; running it
    again finds nothing new). Returns how many lapsed."""
    now = now or timezone.now()
    session_ids = list(
        WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now)
        .values_list("session_id", flat=True)
        .distinct()
    )
    count = 0
    for session_id in session_ids:
        with transaction.atomic():
            session = _lock_session(Session(pk=session_id))
            lapsed = list(
                session.waitlist_entries.filter(status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now)
                .select_related("client")
                .order_by("sequence")
            )
            for entry in lapsed:
                entry.status = WaitlistEntry.Status.EXPIRED
                entry.save(update_fields=["status", "updated_at"])
                emit(
                    session.organization,
                    "class.offer_expired",
                    {"waitlist_entry_id": entry.pk, "session_id": session.pk, "client_id": entry.client_id},
                    client=entry.client,
                )
                count += 1
            offer_free_places(session=session, now=now)
    return count


@transaction.atomic
def set_class_capacity(*, session: Session, capacity: int, actor=None) -> Session:
    """Change the places of one occurrence; raising them offers the new places to the waitlist."""
    session = _lock_session(session)
    if not session.group_class_id:
        raise BookingError(_("This is not a class on the timetable."), field="session")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise BookingError(_("Give the number of places."), field="capacity") from None
    booked = session.bookings.active().count()
    held = session.waitlist_entries.filter(status=WaitlistEntry.Status.OFFERED).count()
    if not 1 <= capacity <= 500:
        raise BookingError(_("A class has 1 to 500 places."), field="capacity")
    if capacity < booked + held:
        raise BookingError(
            ngettext(
                "%(n)s place is booked or held; the class cannot have fewer.",
                "%(n)s places are booked or held; the class cannot have fewer.",
                booked + held,
            )
            % {"n": booked + held},
            field="capacity",
        )
    if capacity != session.capacity:
        session.capacity = capacity
        session.is_modified = True
        session.save(update_fields=["capacity", "is_modified", "updated_at"])
        emit(session.organization, "session.updated", {"session_id": session.pk, "capacity": capacity}, actor=actor)
        offer_free_places(session=session)
    return session


@transaction.atomic
def cancel_class_session(*, session: Session, actor=None, reason: str = "") -> Session:
    """The coach cancels one occurrence: everyone booked is cancelled with their credit back,
    everyone waiting (offers included) is taken off the queue, and all of them are told."""
    from ..class_notifications import send_class_cancelled_to_waitlist
    from .bookings import cancel_booking

    session = _lock_session(session)
    if session.status == Session.Status.CANCELLED:
        return session
    reason = (reason or "").strip()[:255]
    session.status = Session.Status.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence", "updated_at"])
    waiting = list(session.waitlist_entries.in_line().select_related("client").order_by("sequence"))
    for entry in waiting:
        entry.status = WaitlistEntry.Status.WITHDRAWN
        entry.offer_expires_at = None
        entry.save(update_fields=["status", "offer_expires_at", "updated_at"])
        send_class_cancelled_to_waitlist(entry, session, reason=reason)
    bookings = list(session.bookings.active().select_related("client"))
    for booking in bookings:
        cancel_booking(booking=booking, actor=actor, by=Booking.CancelledBy.COACH, reason=reason, late=False)
    emit(
        session.organization,
        "class.cancelled",
        {
            "session_id": session.pk,
            "group_class_id": session.group_class_id,
            "start_at": session.start_at.isoformat(),
            "reason": reason,
            "bookings_cancelled": len(bookings),
            "waitlist_withdrawn": len(waiting),
        },
        actor=actor,
    )
    emit(session.organization, "session.cancelled", {"session_id": session.pk}, actor=actor)
    return session
