"""Every write about booking: services, availability, sessions and bookings (under the
coach's lock), payments, reminders, and package credits (a ledger that never goes negative)."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clients.models import Client
from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from . import selectors
from .models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingPayment,
    BookingPolicy,
    Channel,
    CoachProfile,
    CreditEntry,
    CreditGrant,
    RecurringSeries,
    Reminder,
    ReminderOptOut,
    ServiceType,
    Session,
    VideoProvider,
)
from .selectors import grants_with_remaining

logger = logging.getLogger(__name__)

register_event_type("credits.granted", _("Session credits were granted to a client"))
register_event_type("credits.revoked", _("Unused session credits were taken back after a refund"))
register_event_type("booking.created", _("A session was booked"))
register_event_type("booking.confirmed", _("A booking awaiting payment was paid and confirmed"))
register_event_type("booking.rescheduled", _("A booking moved to another time"))
register_event_type("booking.cancelled", _("A booking was cancelled (late cancels included)"))
register_event_type("booking.attended", _("A client attended a session"))
register_event_type("booking.no_show", _("A client did not show up to a session"))
register_event_type("booking.paid_after_cancel", _("A payment arrived for a booking already cancelled"))
register_event_type("session.updated", _("A session on the calendar changed"))
register_event_type("session.cancelled", _("A session was removed from the calendar"))


class BookingError(DomainError):
    pass


# --- Coach profiles, policy, services, availability -------------------------------------------------
def _unique_slug(model, organization, base: str, *, fallback: str, exclude_pk=None) -> str:
    """A slug of `base` unique in the business; Unicode letters are kept (`силовая-тренировка`)
    so names in any script get a readable address, and names with no letters or digits (emoji
    only) get `fallback` (`service`, `service-2`, ...)."""
    base = slugify(base, allow_unicode=True)[:50].strip("-") or fallback
    slug, n = base, 1
    qs = model.objects.for_org(organization)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_member(organization, user, field: str = "coach") -> None:
    if user is None or not user.memberships.filter(organization=organization, is_active=True).exists():
        raise BookingError(_("Choose a coach from your team."), field=field)


@transaction.atomic
def ensure_coach_profile(*, organization, user) -> CoachProfile:
    """The coach's booking profile in this business, created with sensible defaults."""
    profile = CoachProfile.objects.for_org(organization).filter(user=user).first()
    if profile is not None:
        return profile
    _check_member(organization, user)
    tz = user.time_zone if user.time_zone and user.time_zone != "UTC" else organization.time_zone
    try:
        with transaction.atomic():
            return CoachProfile.objects.create(
                organization=organization,
                user=user,
                slug=_unique_slug(
                    CoachProfile, organization, user.full_name or user.email.split("@")[0], fallback="coach"
                ),
                time_zone=tz,
            )
    except IntegrityError:  # created concurrently
        return CoachProfile.objects.for_org(organization).get(user=user)


PROFILE_FIELDS = {
    "slug",
    "bio",
    "time_zone",
    "accepts_bookings",
    "min_notice_minutes",
    "max_days_ahead",
    "slot_step_minutes",
    "video_provider",
}


@transaction.atomic
def update_coach_profile(*, profile: CoachProfile, actor=None, **fields) -> CoachProfile:
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise BookingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    profile = CoachProfile.objects.select_for_update().get(pk=profile.pk)
    if "slug" in fields:
        fields["slug"] = slugify(fields["slug"] or "", allow_unicode=True)[:60].strip("-")
        if not fields["slug"]:
            raise BookingError(_("Choose an address for your booking page."), field="slug")
        taken = CoachProfile.objects.for_org(profile.organization).filter(slug=fields["slug"]).exclude(pk=profile.pk)
        if taken.exists():
            raise BookingError(_("Another coach uses this address."), field="slug")
    for key, value in fields.items():
        setattr(profile, key, value)
    _full_clean(profile, exclude=["organization", "user", "feed_token"])
    profile.save()
    return profile


@transaction.atomic
def rotate_feed_token(*, profile: CoachProfile) -> CoachProfile:
    """A new secret calendar-feed address; the old one stops working at once."""
    profile.feed_token = secrets.token_urlsafe(32)
    profile.save(update_fields=["feed_token"])
    return profile


@transaction.atomic
def revoke_feed_token(*, profile: CoachProfile) -> CoachProfile:
    profile.feed_token = ""
    profile.save(update_fields=["feed_token"])
    return profile


POLICY_FIELDS = {
    "cancellation_deadline_hours",
    "late_cancel_forfeits_credit",
    "late_cancel_fee_minor",
    "no_show_forfeits_credit",
    "reminder_offsets_minutes",
    "remind_by_email",
    "remind_by_sms",
    "payment_hold_minutes",
    "public_booking_enabled",
    "booking_page_intro",
}


@transaction.atomic
def update_policy(*, organization, actor=None, **fields) -> BookingPolicy:
    unknown = set(fields) - POLICY_FIELDS
    if unknown:
        raise BookingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    policy = selectors.policy_for(organization)
    for key, value in fields.items():
        setattr(policy, key, value)
    if "reminder_offsets_minutes" in fields:
        policy.reminder_offsets_minutes = sorted(set(policy.reminder_offsets_minutes or []), reverse=True)
    _full_clean(policy, exclude=["organization"])
    policy.save()
    return policy


def _full_clean(instance, exclude=None) -> None:
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BookingError(messages[0], field=None if field == "__all__" else field) from exc


SERVICE_FIELDS = {
    "name",
    "description",
    "duration_minutes",
    "price_minor",
    "currency",
    "location_type",
    "address",
    "buffer_before_minutes",
    "buffer_after_minutes",
    "capacity",
    "payment_requirement",
    "deposit_minor",
    "tax_rate",
    "is_active",
    "is_public",
}


@transaction.atomic
def save_service_type(
    *, organization, actor=None, service: ServiceType | None = None, coaches=None, **fields
) -> ServiceType:
    """Create or change a service; `coaches` (users of the team) offer it."""
    unknown = set(fields) - SERVICE_FIELDS
    if unknown:
        raise BookingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    if service is None:
        service = ServiceType(organization=organization, currency=organization.currency)
    for key, value in fields.items():
        setattr(service, key, value)
    service.name = (service.name or "").strip()
    if not service.name:
        raise BookingError(_("Give the service a name."), field="name")
    if not service.slug or "name" in fields:
        service.slug = _unique_slug(ServiceType, organization, service.name, fallback="service", exclude_pk=service.pk)
    _full_clean(service, exclude=["organization", "coaches", "slug"])
    service.save()
    if coaches is not None:
        coaches = list(coaches)
        for coach in coaches:
            _check_member(organization, coach, field="coaches")
            ensure_coach_profile(organization=organization, user=coach)
        service.coaches.set(coaches)
    return service


@transaction.atomic
def archive_service_type(*, service: ServiceType, actor=None) -> ServiceType:
    """Stop offering a service; its past and booked sessions stay."""
    service.is_active = False
    service.save(update_fields=["is_active"])
    return service


def _check_intervals(intervals: list[tuple[int, time, time]]) -> None:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in intervals:
        if weekday not in range(7):
            raise BookingError(_("Choose a day of the week."), field="weekday")
        if start is None or end is None or end <= start:
            raise BookingError(_("Each interval ends after it starts."), field="end_time")
        by_day.setdefault(weekday, []).append((start, end))
    for weekday, day in by_day.items():
        day.sort()
        for (_s1, e1), (s2, _e2) in zip(day, day[1:], strict=False):
            if s2 < e1:
                name = AvailabilityRule.Weekday(weekday).label
                raise BookingError(_("Two intervals overlap on %(day)s.") % {"day": name}, field="start_time")


@transaction.atomic
def set_weekly_hours(*, organization, coach, intervals: list[tuple[int, time, time]], actor=None) -> list:
    """Replace a coach's weekly hours (several intervals a day allowed, no overlaps)."""
    _check_member(organization, coach)
    _check_intervals(intervals)
    ensure_coach_profile(organization=organization, user=coach)
    AvailabilityRule.objects.for_org(organization).filter(coach=coach).delete()
    return AvailabilityRule.objects.bulk_create(
        [
            AvailabilityRule(organization=organization, coach=coach, weekday=w, start_time=s, end_time=e)
            for w, s, e in sorted(intervals)
        ]
    )


@transaction.atomic
def add_availability_rule(*, organization, coach, weekday: int, start_time: time, end_time: time, actor=None):
    _check_member(organization, coach)
    existing = [
        (r.weekday, r.start_time, r.end_time)
        for r in AvailabilityRule.objects.for_org(organization).filter(coach=coach, weekday=weekday)
    ]
    _check_intervals([*existing, (weekday, start_time, end_time)])
    ensure_coach_profile(organization=organization, user=coach)
    return AvailabilityRule.objects.create(
        organization=organization, coach=coach, weekday=weekday, start_time=start_time, end_time=end_time
    )


@transaction.atomic
def update_availability_rule(*, rule: AvailabilityRule, actor=None, **fields) -> AvailabilityRule:
    """Change a weekly interval, including moving it to another coach of the team (who may
    do that is the caller's permission check)."""
    unknown = set(fields) - {"coach", "weekday", "start_time", "end_time"}
    if unknown:
        raise BookingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    coach = fields.get("coach")
    if coach is not None and coach.pk != rule.coach_id:
        _check_member(rule.organization, coach, field="coach")
        ensure_coach_profile(organization=rule.organization, user=coach)
        rule.coach = coach
    for key in ("weekday", "start_time", "end_time"):
        if key in fields:
            setattr(rule, key, fields[key])
    others = [
        (r.weekday, r.start_time, r.end_time)
        for r in AvailabilityRule.objects.for_org(rule.organization)
        .filter(coach=rule.coach, weekday=rule.weekday)
        .exclude(pk=rule.pk)
    ]
    _check_intervals([*others, (rule.weekday, rule.start_time, rule.end_time)])
    rule.save()
    return rule


@transaction.atomic
def add_exception(
    *,
    organization,
    coach,
    date: date,
    kind: str = AvailabilityException.Kind.OFF,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
    actor=None,
) -> AvailabilityException:
    """Time off (a whole day or some hours) or extra hours on one date, from today on."""
    _check_member(organization, coach)
    profile = ensure_coach_profile(organization=organization, user=coach)
    if date < timezone.now().astimezone(ZoneInfo(profile.time_zone)).date():
        raise BookingError(_("This date has passed. Pick today or a later date."), field="date")
    exc = AvailabilityException(
        organization=organization,
        coach=coach,
        date=date,
        kind=kind,
        start_time=start_time,
        end_time=end_time,
        note=note,
    )
    _full_clean(exc, exclude=["organization", "coach"])
    exc.save()
    return exc


# --- Booking ------------------------------------------------------------------------------------------
def _lock_coach(organization, coach) -> CoachProfile:
    # Lock the coach's profile row: every booking, move and cancellation of one coach runs
    # one after the other, so the clash checks below see every committed session.
    profile = ensure_coach_profile(organization=organization, user=coach)
    return CoachProfile.objects.select_for_update().get(pk=profile.pk)


# How far from now a session may be placed: a week back, so a coach can record one that
# happened but was never entered, and two years ahead. Anything further is a typo.
RECORD_PAST_DAYS = 7
BOOK_AHEAD_DAYS = 730


def local_start(*, day: date, at: time, time_zone: str, field: str = "time") -> datetime:
    """`day` at `at` on the clocks of `time_zone`. A time the clocks skip (the hour lost when
    they go forward) is refused rather than quietly moved an hour; a time they repeat (when
    they go back) is its first occurrence."""
    tz = ZoneInfo(time_zone)
    start = datetime.combine(day, at, tzinfo=tz)
    try:
        exists = start.astimezone(ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None) == start.replace(tzinfo=None)
    except OverflowError:
        return start  # out of range: _normalise refuses it
    if not exists:
        raise BookingError(
            _("%(time)s does not exist on %(date)s in %(zone)s: the clocks go forward. Pick another time.")
            % {"time": f"{at:%H:%M}", "date": day.isoformat(), "zone": time_zone},
            field=field,
            code="no_such_time",
        )
    return start


def _normalise(start_at: datetime) -> datetime:
    if start_at is None or timezone.is_naive(start_at):
        raise BookingError(_("Give the time with its time zone."), field="start_at")
    now = timezone.now()
    try:
        start_at = start_at.astimezone(ZoneInfo("UTC")).replace(second=0, microsecond=0)
    except OverflowError:
        start_at = None
    if start_at is None or start_at > now + timedelta(days=BOOK_AHEAD_DAYS):
        raise BookingError(_("Pick a time within the next two years."), field="start_at", code="too_far")
    if start_at < now - timedelta(days=RECORD_PAST_DAYS):
        raise BookingError(
            _("That is more than a week ago. Past sessions can be added up to 7 days back."),
            field="start_at",
            code="past",
        )
    return start_at


def _payload(booking: Booking, **extra) -> dict:
    session = booking.session
    return {
        "booking_id": booking.pk,
        "booking_public_id": str(booking.public_id),
        "session_id": session.pk,
        "service_id": session.service_id,
        "coach_id": session.coach_id,
        "client_id": booking.client_id,
        "start_at": session.start_at.isoformat(),
        "end_at": session.end_at.isoformat(),
        "status": booking.status,
        "payment_status": booking.payment_status,
        **extra,
    }


def _video_for(session: Session, profile: CoachProfile) -> None:
    """Jitsi rooms are made here; a connected Zoom / Meet / Teams account makes its
    meeting after commit (integrations), falling back to Jitsi if that fails."""
    from integrations import video

    if not session.is_virtual:
        return
    provider = video.provider_for(
        organization=session.organization, user=session.coach, preferred=profile.video_provider
    )
    session.video_provider = provider
    if provider == VideoProvider.JITSI:
        session.video_url = video.jitsi_url(session.organization)


def _take_place(
    *,
    service: ServiceType,
    coach,
    start_at: datetime,
    client: Client,
    profile: CoachProfile,
    check_availability: bool,
    actor=None,
    exclude_session_id: int | None = None,
    series: RecurringSeries | None = None,
    series_index: int | None = None,
) -> tuple[Session, int]:
    """Under the coach's lock: the session the client joins (or a new one) and their place."""
    organization = service.organization
    end_at = start_at + timedelta(minutes=service.duration_minutes)
    taken_msg = _("That time was just taken. Please pick another slot.")
    if check_availability:
        slots = selectors.open_slots(
            service=service,
            coach_id=coach.pk,
            start=start_at,
            end=start_at + timedelta(minutes=1),
            exclude_session_id=exclude_session_id,
            profile=profile,
        )
        if not any(slot.start == start_at for slot in slots):
            raise BookingError(taken_msg, field="start_at", code="slot_taken")
    session = Session.objects.for_org(organization).scheduled().filter(coach=coach, start_at=start_at).first()
    if session is not None and session.pk != exclude_session_id:
        if session.service_id != service.pk or not service.is_group:
            raise BookingError(
                taken_msg if check_availability else _("This clashes with another session."),
                field="start_at",
                code="slot_taken",
            )
        active = session.bookings.active()
        if active.filter(client=client).exists():
            raise BookingError(
                _("%(name)s is already booked in this class.") % {"name": client.full_name}, field="client"
            )
        used = set(active.values_list("seat", flat=True))
        free = [n for n in range(1, session.capacity + 1) if n not in used]
        if not free:
            raise BookingError(_("This class is full."), field="start_at", code="full")
        return session, free[0]
    if not check_availability and selectors.conflicting_sessions(
        service=service, coach_id=coach.pk, start=start_at, exclude_session_id=exclude_session_id
    ):
        raise BookingError(
            _("This clashes with another session or a busy time in %(coach)s's calendar (buffers included).")
            % {"coach": coach.get_short_name()},
            field="start_at",
            code="clash",
        )
    session = Session(
        organization=organization,
        coach=coach,
        service=service,
        start_at=start_at,
        end_at=end_at,
        capacity=service.capacity,
        location_type=service.location_type,
        address=service.address,
        series=series,
        series_index=series_index,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _video_for(session, profile)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:  # another connection created a session at this start first
        raise BookingError(taken_msg, field="start_at", code="slot_taken") from exc
    return session, 1


@transaction.atomic
def book_session(
    *,
    service: ServiceType,
    coach,
    start_at: datetime,
    client: Client,
    actor=None,
    source: str = Booking.Source.COACH,
    note: str = "",
    check_availability: bool | None = None,
    success_url: str = "",
    cancel_url: str = "",
    series: RecurringSeries | None = None,
    series_index: int | None = None,
) -> Booking:
    """Book `client` into `service` with `coach` at `start_at`.

    Clients (public page, app) may only take open slots; a coach booking by hand may go
    outside their hours but never clash. Payment: a credit is consumed, or a checkout link
    is asked of billing (the place is held meanwhile), or nothing is due.
    """
    organization = service.organization
    if client.organization_id != organization.pk:
        raise BookingError(_("Choose a client of this business."), field="client")
    if not service.is_active:
        raise BookingError(_("This service is not bookable any more."), field="service")
    if not service.coaches.filter(pk=coach.pk).exists():
        raise BookingError(_("%(coach)s does not offer this service.") % {"coach": coach}, field="coach")
    start_at = _normalise(start_at)
    if check_availability is None:
        check_availability = source in (Booking.Source.PUBLIC_PAGE, Booking.Source.APP)
    profile = _lock_coach(organization, coach)
    if check_availability and not profile.accepts_bookings:
        raise BookingError(_("This coach is not taking online bookings."), field="coach")
    session, seat = _take_place(
        service=service,
        coach=coach,
        start_at=start_at,
        client=client,
        profile=profile,
        check_availability=check_availability,
        actor=actor,
        series=series,
        series_index=series_index,
    )
    booking = Booking(
        organization=organization,
        session=session,
        client=client,
        seat=seat,
        source=source,
        note=(note or "").strip()[:2000],
        price_minor=service.price_minor,
        currency=service.currency,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise BookingError(_("That place was just taken. Please pick another slot."), field="start_at") from exc
    _settle_at_booking(booking, service, actor=actor, success_url=success_url, cancel_url=cancel_url)
    emit(organization, "booking.created", _payload(booking, source=source), actor=actor, client=client)
    return booking


def _settle_at_booking(booking: Booking, service: ServiceType, *, actor, success_url: str, cancel_url: str) -> None:
    from mecto.payments import booking_checkout_url

    from .tokens import manage_url

    requirement = service.payment_requirement
    if requirement == ServiceType.Payment.CREDIT:
        consume_credit(client=booking.client, reference=booking.credit_reference, actor=actor, booking=booking)
        booking.payment_status = Booking.PaymentStatus.CREDIT
    elif requirement in (ServiceType.Payment.FULL, ServiceType.Payment.DEPOSIT):
        booking.amount_due_minor = service.amount_due_at_booking
        booking.payment_status = Booking.PaymentStatus.PAY_AT_SESSION
        if booking.source in (Booking.Source.PUBLIC_PAGE, Booking.Source.APP):
            policy = selectors.policy_for(booking.organization)
            booking.status = Booking.Status.PENDING_PAYMENT
            booking.payment_status = Booking.PaymentStatus.PENDING
            booking.payment_hold_until = timezone.now() + timedelta(minutes=policy.payment_hold_minutes)
            back = manage_url(booking)
            url = booking_checkout_url(
                booking=booking,
                amount_minor=booking.amount_due_minor,
                currency=booking.currency,
                success_url=success_url or back,
                cancel_url=cancel_url or back,
            )
            if url:
                booking.checkout_url = url
            else:  # no payment provider: the client pays at the session
                booking.status = Booking.Status.CONFIRMED
                booking.payment_status = Booking.PaymentStatus.PAY_AT_SESSION
                booking.payment_hold_until = None
    booking.save()


@transaction.atomic
def book_from_public_page(
    *,
    service: ServiceType,
    coach,
    start_at: datetime,
    first_name: str,
    last_name: str = "",
    email: str,
    phone: str = "",
    note: str = "",
    time_zone: str = "",
    source: str = Booking.Source.PUBLIC_PAGE,
) -> Booking:
    """A stranger books: a known email attaches to its client, a new one becomes a lead."""
    from clients.services import create_client
    from mecto.localization import validate_time_zone

    organization = service.organization
    email = (email or "").strip().lower()
    if not email:
        raise BookingError(_("Enter your email address."), field="email")
    client = Client.objects.for_org(organization).filter(email__iexact=email).first()
    if client is None:
        try:
            validate_time_zone(time_zone)
        except Exception:
            time_zone = organization.time_zone
        client = create_client(
            organization=organization,
            first_name=(first_name or "").strip(),
            last_name=(last_name or "").strip(),
            email=email,
            phone=(phone or "").strip(),
            status=Client.Status.LEAD,
            time_zone=time_zone,
        )
    return book_session(service=service, coach=coach, start_at=start_at, client=client, source=source, note=note)


def _lock_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update().select_related("session", "session__service", "client").get(pk=booking.pk)
    )


def _cancel_session_if_empty(session: Session, actor=None) -> bool:
    if session.status == Session.Status.SCHEDULED and not session.bookings.active().exists():
        session.status = Session.Status.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence", "updated_at"])
        emit(session.organization, "session.cancelled", {"session_id": session.pk}, actor=actor)
        return True
    return False


@transaction.atomic
def reschedule_booking(*, booking: Booking, start_at: datetime, actor=None, by_client: bool = True) -> Booking:
    """Move a booking to another time. Clients may move open slots only, and only before the
    cancellation deadline; a 1:1 session moves with its calendar event and meeting."""
    booking = _lock_booking(booking)
    old_session = booking.session
    if not booking.is_active:
        raise BookingError(_("This booking was cancelled."))
    now = timezone.now()
    if old_session.start_at <= now:
        raise BookingError(_("This session has already started."))
    policy = selectors.policy_for(booking.organization)
    if by_client and selectors.is_late_cancel(booking=booking, at=now, policy=policy):
        raise BookingError(
            _("Sessions can be moved online until %(hours)s hours before they start. Please contact your coach.")
            % {"hours": policy.cancellation_deadline_hours}
        )
    start_at = _normalise(start_at)
    if start_at == old_session.start_at:
        raise BookingError(_("Pick a different time."), field="start_at")
    service, coach = old_session.service, old_session.coach
    profile = _lock_coach(booking.organization, coach)
    sole = service.capacity == 1 and not old_session.bookings.active().exclude(pk=booking.pk).exists()
    old_start = old_session.start_at
    if sole:
        if by_client:
            slots = selectors.open_slots(
                service=service,
                coach_id=coach.pk,
                start=start_at,
                end=start_at + timedelta(minutes=1),
                exclude_session_id=old_session.pk,
                profile=profile,
            )
            if not any(s.start == start_at for s in slots):
                raise BookingError(_("That time is not available. Please pick another slot."), field="start_at")
        elif selectors.conflicting_sessions(
            service=service, coach_id=coach.pk, start=start_at, exclude_session_id=old_session.pk
        ):
            raise BookingError(_("This clashes with another session."), field="start_at")
        _move_session(old_session, start_at)
    else:
        session, seat = _take_place(
            service=service,
            coach=coach,
            start_at=start_at,
            client=booking.client,
            profile=profile,
            check_availability=by_client,
            actor=actor,
        )
        booking.session, booking.seat = session, seat
        booking.save(update_fields=["session", "seat", "updated_at"])
        _cancel_session_if_empty(old_session, actor=actor)
    booking.refresh_from_db()
    emit(
        booking.organization,
        "booking.rescheduled",
        _payload(booking, previous_start_at=old_start.isoformat(), previous_session_id=old_session.pk),
        actor=actor,
        client=booking.client,
    )
    return booking


def _move_session(session: Session, start_at: datetime) -> None:
    duration = session.end_at - session.start_at
    session.start_at, session.end_at = start_at, start_at + duration
    session.sequence += 1
    if session.series_id:
        session.is_modified = True
    try:
        with transaction.atomic():
            session.save(update_fields=["start_at", "end_at", "sequence", "is_modified", "updated_at"])
    except IntegrityError as exc:
        raise BookingError(_("That time was just taken. Please pick another slot."), field="start_at") from exc


@transaction.atomic
def cancel_booking(
    *,
    booking: Booking,
    actor=None,
    by: str = Booking.CancelledBy.CLIENT,
    reason: str = "",
    late: bool | None = None,
) -> Booking:
    """Cancel a booking. A client's cancel inside the deadline is late: the credit is
    forfeited and/or the fee charged, as the business set; otherwise a credit comes back."""
    booking = _lock_booking(booking)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    now = timezone.now()
    if by == Booking.CancelledBy.CLIENT and booking.session.start_at <= now:
        raise BookingError(_("This session has already started; it can no longer be cancelled online."))
    policy = selectors.policy_for(booking.organization)
    if late is None:
        late = by == Booking.CancelledBy.CLIENT and selectors.is_late_cancel(booking=booking, at=now, policy=policy)
    if not late and booking.attendance in (Booking.Attendance.ATTENDED, Booking.Attendance.NO_SHOW):
        # A session that took place (or was missed) keeps its credit; a free cancel would give it back.
        raise BookingError(
            _("%(name)s is marked as %(attendance)s, so this booking cannot be cancelled free of charge.")
            % {"name": booking.client.full_name, "attendance": booking.get_attendance_display().lower()},
            field="attendance",
        )
    credit = None
    used_credit = booking.payment_status == Booking.PaymentStatus.CREDIT
    if used_credit:
        if late and policy.late_cancel_forfeits_credit:
            forfeit_credit(
                client=booking.client,
                reference=booking.credit_reference,
                actor=actor,
                booking=booking,
                note=_("Late cancel"),
            )
            credit = "forfeited"
        else:
            return_credit(
                client=booking.client,
                reference=booking.credit_reference,
                actor=actor,
                booking=booking,
                note=_("Cancelled in time") if not late else _("Late cancel, credit returned by policy"),
            )
            credit = "returned"
    if late and not used_credit and policy.late_cancel_fee_minor:
        booking.late_cancel_fee_minor = policy.late_cancel_fee_minor
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = (reason or "")[:255]
    booking.payment_hold_until = None
    if late:
        booking.attendance = Booking.Attendance.LATE_CANCEL
    booking.save()
    _cancel_session_if_empty(booking.session, actor=actor)
    emit(
        booking.organization,
        "booking.cancelled",
        _payload(
            booking,
            by=by,
            reason=booking.cancel_reason,
            late_cancel=late,
            late_cancel_fee_minor=booking.late_cancel_fee_minor,
            currency=booking.currency,
            credit=credit,
        ),
        actor=actor,
        client=booking.client,
    )
    return booking


@transaction.atomic
def mark_attendance(*, booking: Booking, attendance: str, actor=None) -> Booking:
    """Attended, no-show (forfeits a credit if the business says so) or late cancel."""
    if attendance == Booking.Attendance.LATE_CANCEL:
        return cancel_booking(
            booking=booking, actor=actor, by=Booking.CancelledBy.COACH, late=True, reason=_("Late cancel")
        )
    if attendance not in (Booking.Attendance.ATTENDED, Booking.Attendance.NO_SHOW):
        raise BookingError(_("Choose attended, no-show or late cancel."), field="attendance")
    booking = _lock_booking(booking)
    if booking.status == Booking.Status.CANCELLED:
        raise BookingError(_("This booking was cancelled."), field="attendance")
    if booking.session.start_at > timezone.now():
        raise BookingError(_("Attendance can be marked once the session has started."), field="attendance")
    if booking.attendance == attendance:
        return booking
    policy = selectors.policy_for(booking.organization)
    booking.attendance = attendance
    booking.save(update_fields=["attendance", "updated_at"])
    extra = {}
    credit_used = booking.payment_status == Booking.PaymentStatus.CREDIT
    if attendance == Booking.Attendance.NO_SHOW and credit_used and policy.no_show_forfeits_credit:
        forfeit_credit(
            client=booking.client,
            reference=booking.credit_reference,
            actor=actor,
            booking=booking,
            note=_("No-show"),
        )
        extra["credit"] = "forfeited"
    name = "booking.attended" if attendance == Booking.Attendance.ATTENDED else "booking.no_show"
    emit(
        booking.organization,
        name,
        _payload(booking, attendance=attendance, **extra),
        actor=actor,
        client=booking.client,
    )
    return booking


@transaction.atomic
def update_session(
    *,
    session: Session,
    actor=None,
    start_at: datetime | None = None,
    notes: str | None = None,
    address: str | None = None,
) -> Session:
    """A coach changes one session (one occurrence of a series): its time, notes or place."""
    session = Session.objects.select_for_update().select_related("service", "coach").get(pk=session.pk)
    if session.status != Session.Status.SCHEDULED:
        raise BookingError(_("This session was cancelled."))
    changed = []
    if notes is not None:
        session.notes = notes
        changed.append("notes")
    if address is not None and address != session.address:
        session.address = address
        session.sequence += 1
        changed += ["address", "sequence"]
    if changed:
        session.save(update_fields=[*changed, "updated_at"])
    if start_at is not None:
        start_at = _normalise(start_at)
        if start_at != session.start_at:
            old_start = session.start_at
            _lock_coach(session.organization, session.coach)
            if selectors.conflicting_sessions(
                service=session.service, coach_id=session.coach_id, start=start_at, exclude_session_id=session.pk
            ):
                raise BookingError(_("This clashes with another session."), field="start_at")
            _move_session(session, start_at)
            for booking in session.bookings.active().select_related("client"):
                booking.session = session
                emit(
                    session.organization,
                    "booking.rescheduled",
                    _payload(booking, previous_start_at=old_start.isoformat(), previous_session_id=session.pk),
                    actor=actor,
                    client=booking.client,
                )
            return session
    if "address" in changed:
        emit(session.organization, "session.updated", {"session_id": session.pk}, actor=actor)
    return session


@transaction.atomic
def cancel_session(*, session: Session, actor=None, reason: str = "") -> Session:
    """The coach cancels a session: every client's booking is cancelled, credits come back."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    for booking in session.bookings.active():
        cancel_booking(booking=booking, actor=actor, by=Booking.CancelledBy.COACH, reason=reason, late=False)
    session.refresh_from_db()
    _cancel_session_if_empty(session, actor=actor)
    return session


@transaction.atomic
def create_recurring_series(
    *, service: ServiceType, coach, client: Client, first_date: date, local_time: time, weeks: int, actor=None
) -> RecurringSeries:
    """Weekly sessions for N weeks at the same local time in the coach's zone (the UTC time
    shifts across a clock change); every week is checked for clashes before any is kept."""
    organization = service.organization
    if not 1 <= int(weeks) <= 52:
        raise BookingError(_("Repeat for 1 to 52 weeks."), field="weeks")
    profile = ensure_coach_profile(organization=organization, user=coach)
    tz = ZoneInfo(profile.time_zone)
    today = timezone.now().astimezone(tz).date()
    if first_date < today - timedelta(days=RECORD_PAST_DAYS):
        raise BookingError(_("The first week starts more than 7 days ago."), field="first_date")
    if first_date > today + timedelta(days=BOOK_AHEAD_DAYS):
        raise BookingError(_("Pick a first date within the next two years."), field="first_date")
    series = RecurringSeries.objects.create(
        organization=organization,
        coach=coach,
        client=client,
        service=service,
        first_date=first_date,
        local_time=local_time,
        time_zone=profile.time_zone,
        weeks=weeks,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    for index in range(int(weeks)):
        day = first_date + timedelta(weeks=index)
        try:
            start_at = local_start(day=day, at=local_time, time_zone=profile.time_zone, field="local_time")
            book_session(
                service=service,
                coach=coach,
                start_at=start_at,
                client=client,
                actor=actor,
                source=Booking.Source.RECURRING,
                check_availability=False,
                series=series,
                series_index=index,
            )
        except BookingError as exc:
            raise BookingError(
                _("Week %(n)s (%(date)s): %(error)s") % {"n": index + 1, "date": day.isoformat(), "error": exc.message},
                field=exc.field,
            ) from exc
    return series


@transaction.atomic
def cancel_series(*, series: RecurringSeries, actor=None, from_date: date | None = None) -> int:
    """Cancel the series' sessions from `from_date` (today by default); returns how many."""
    from_at = timezone.now()
    if from_date is not None:
        from_at = max(from_at, datetime.combine(from_date, time(0, 0), tzinfo=ZoneInfo(series.time_zone)))
    count = 0
    for session in series.sessions.filter(status=Session.Status.SCHEDULED, start_at__gte=from_at):
        bookings = session.bookings.active().filter(client=series.client)
        for booking in bookings:
            cancel_booking(
                booking=booking,
                actor=actor,
                by=Booking.CancelledBy.COACH,
                late=False,
                reason=_("Recurring sessions ended"),
            )
            count += 1
    if from_date is None or from_date <= timezone.localdate():
        series.cancelled_at = timezone.now()
        series.save(update_fields=["cancelled_at"])
    return count


# --- Payments (the seam with billing) ------------------------------------------------------------
@transaction.atomic
def mark_booking_paid(*, booking: Booking, amount_minor: int, reference: str) -> Booking:
    """Billing reports a payment for a booking; once per `reference`, however often called.

    A booking awaiting payment is confirmed once the amount due is covered.
    """
    if amount_minor <= 0:
        raise BookingError(_("A payment is more than zero."), field="amount_minor")
    if not reference:
        raise BookingError(_("A payment needs its reference."), field="reference")
    booking = _lock_booking(booking)
    if BookingPayment.objects.for_org(booking.organization).filter(reference=reference).exists():
        return booking
    BookingPayment.objects.create(
        organization=booking.organization, booking=booking, amount_minor=amount_minor, reference=reference
    )
    booking.amount_paid_minor += amount_minor
    if booking.amount_paid_minor >= booking.price_minor:
        booking.payment_status = Booking.PaymentStatus.PAID
    elif booking.amount_paid_minor >= booking.amount_due_minor > 0:
        booking.payment_status = Booking.PaymentStatus.DEPOSIT_PAID
    confirmed = False
    if booking.status == Booking.Status.PENDING_PAYMENT and booking.amount_paid_minor >= booking.amount_due_minor:
        booking.status = Booking.Status.CONFIRMED
        booking.payment_hold_until = None
        booking.checkout_url = ""
        confirmed = True
    booking.save()
    if confirmed:
        emit(booking.organization, "booking.confirmed", _payload(booking, reference=reference), client=booking.client)
    elif booking.status == Booking.Status.CANCELLED:
        emit(
            booking.organization,
            "booking.paid_after_cancel",
            _payload(booking, reference=reference, amount_minor=amount_minor, currency=booking.currency),
            client=booking.client,
        )
    return booking


def release_unpaid_bookings(*, now: datetime | None = None) -> int:
    """Give back the places of bookings whose payment did not arrive within the hold time."""
    now = now or timezone.now()
    count = 0
    expired = Booking.objects.filter(status=Booking.Status.PENDING_PAYMENT, payment_hold_until__lte=now)
    for booking in expired.select_related("session").order_by("payment_hold_until")[:500]:
        with transaction.atomic():
            locked = _lock_booking(booking)
            if locked.status != Booking.Status.PENDING_PAYMENT:
                continue
            cancel_booking(
                booking=locked, by=Booking.CancelledBy.SYSTEM, late=False, reason=_("Not paid within the hold time")
            )
            count += 1
    return count


# --- Reminders --------------------------------------------------------------------------------------
def send_due_reminders(*, now: datetime | None = None) -> int:
    """Send the reminders that are due, each exactly once: the row for (booking, channel,
    offset, start) is claimed before sending, so a second run (or worker) skips it."""
    from .notifications import send_reminder

    now = now or timezone.now()
    horizon = now + timedelta(days=15)
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
            session__start_at__gt=now,
            session__start_at__lte=horizon,
        )
        .select_related("organization", "client", "session", "session__service", "session__coach")
        .order_by("session__start_at")
    )
    policies: dict[int, BookingPolicy] = {}
    sent = 0
    for booking in bookings.iterator(chunk_size=500):
        policy = policies.get(booking.organization_id)
        if policy is None:
            policy = policies[booking.organization_id] = selectors.policy_for(booking.organization)
        start = booking.session.start_at
        due = [
            offset
            for offset in policy.reminder_offsets_minutes or []
            if start - timedelta(minutes=offset) <= now and booking.created_at <= start - timedelta(minutes=offset)
        ]
        if not due:
            continue
        offset = min(due)  # after an outage only the latest reminder goes, never a stale one
        channels = [c for c, on in ((Channel.EMAIL, policy.remind_by_email), (Channel.SMS, policy.remind_by_sms)) if on]
        for channel in channels:
            if not selectors.client_accepts_reminders(client=booking.client, channel=channel):
                continue
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(
                        organization=booking.organization,
                        booking=booking,
                        channel=channel,
                        offset_minutes=offset,
                        session_start=start,
                    )
            except IntegrityError:
                continue  # sent (or being sent) by another run
            try:
                provider_id = send_reminder(booking=booking, reminder=reminder)
            except Exception:
                logger.exception("Reminder %s could not be sent; it will be retried", reminder.pk)
                Reminder.objects.filter(pk=reminder.pk).delete()
                continue
            Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.SENT, provider_id=provider_id or "")
            sent += 1
    return sent


@transaction.atomic
def opt_out_of_reminders(*, client: Client, channel: str) -> ReminderOptOut:
    if channel not in Channel.values:
        raise BookingError(_("Unknown channel."), field="channel")
    opt_out, _created = ReminderOptOut.objects.get_or_create(
        organization=client.organization, client=client, channel=channel
    )
    return opt_out


@transaction.atomic
def opt_in_to_reminders(*, client: Client, channel: str) -> None:
    ReminderOptOut.objects.for_org(client.organization).filter(client=client, channel=channel).delete()


# --- Package credits ----------------------------------------------------------------------------------
def _lock_client(client: Client) -> Client:
    # Lock the client row: credit movements of one client must not interleave, so two
    # concurrent bookings can never both take the last credit.
    return Client.objects.select_for_update().get(pk=client.pk)


@transaction.atomic
def grant_credits(
    *,
    client: Client,
    quantity: int,
    source_ref: str,
    expires_at: datetime | None = None,
    reason: str = "",
    actor=None,
) -> CreditGrant:
    """Give a client `quantity` session credits. A `source_ref` grants once: calling again
    with the same source (a replayed webhook, a retried task) returns the first grant."""
    if quantity <= 0:
        raise BookingError(_("Grant at least one credit."), field="quantity")
    existing = CreditGrant.objects.for_org(client.organization).filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            grant = CreditGrant.objects.create(
                organization=client.organization,
                client=client,
                quantity=quantity,
                expires_at=expires_at,
                reason=reason,
                source_ref=source_ref,
                granted_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:  # a concurrent grant from the same source won
        return CreditGrant.objects.for_org(client.organization).get(source_ref=source_ref)
    emit(
        client.organization,
        "credits.granted",
        {
            "client_id": client.pk,
            "quantity": quantity,
            "source_ref": source_ref,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        actor=actor,
        client=client,
    )
    return grant


def _existing_entry(client: Client, key: str) -> CreditEntry | None:
    return CreditEntry.objects.for_org(client.organization).filter(idempotency_key=key).first()


@transaction.atomic
def consume_credit(
    *, client: Client, reference: str, actor=None, at: datetime | None = None, booking: Booking | None = None
) -> CreditEntry:
    """Use one credit (the one expiring soonest) for `reference` (e.g. 'booking:42'), once."""
    key = f"consume:{reference}"
    client = _lock_client(client)
    if (entry := _existing_entry(client, key)) is not None:
        return entry
    for grant in grants_with_remaining(client=client, at=at):
        if grant.remaining > 0:
            return CreditEntry.objects.create(
                organization=client.organization,
                grant=grant,
                client=client,
                booking=booking,
                kind=CreditEntry.Kind.CONSUME,
                delta=-1,
                reference=reference,
                idempotency_key=key,
                actor=actor if getattr(actor, "pk", None) else None,
            )
    raise BookingError(_("No session credits left. Buy a package or ask your coach."), code="no_credits")


@transaction.atomic
def return_credit(
    *, client: Client, reference: str, actor=None, note: str = "", booking: Booking | None = None
) -> CreditEntry | None:
    """Give back the credit `reference` consumed (an in-policy cancellation), once."""
    client = _lock_client(client)
    consumed = _existing_entry(client, f"consume:{reference}")
    if consumed is None:
        return None
    key = f"return:{reference}"
    if (entry := _existing_entry(client, key)) is not None:
        return entry
    if _existing_entry(client, f"forfeit:{reference}") is not None:
        raise BookingError(_("This credit was already forfeited."))
    entry = CreditEntry.objects.create(
        organization=client.organization,
        grant=consumed.grant,
        client=client,
        booking=booking or consumed.booking,
        kind=CreditEntry.Kind.RETURN,
        delta=1,
        reference=reference,
        idempotency_key=key,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    # A credit coming back to a refunded purchase is taken back too: the client has the money.
    _settle_revocation(client=client, grant=consumed.grant, reference=reference, actor=actor)
    return entry


@transaction.atomic
def forfeit_credit(
    *, client: Client, reference: str, actor=None, note: str = "", booking: Booking | None = None
) -> CreditEntry | None:
    """Record that the credit `reference` consumed stays used (late cancel, no-show), once."""
    client = _lock_client(client)
    consumed = _existing_entry(client, f"consume:{reference}")
    if consumed is None:
        return None
    key = f"forfeit:{reference}"
    if (entry := _existing_entry(client, key)) is not None:
        return entry
    if _existing_entry(client, f"return:{reference}") is not None:
        raise BookingError(_("This credit was already returned."))
    return CreditEntry.objects.create(
        organization=client.organization,
        grant=consumed.grant,
        client=client,
        booking=booking or consumed.booking,
        kind=CreditEntry.Kind.FORFEIT,
        delta=0,
        reference=reference,
        idempotency_key=key,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _settle_revocation(*, client: Client, grant: CreditGrant, reference: str, actor=None, note: str = "") -> int:
    """Revoke what a grant's refunds still owe, as far as credits are unused. The client row
    is locked by the caller. Returns the credits revoked now."""
    grant = CreditGrant.objects.get(pk=grant.pk)
    entries = CreditEntry.objects.filter(grant=grant)
    revoked = -(entries.filter(kind=CreditEntry.Kind.REVOKE).aggregate(total=Sum("delta"))["total"] or 0)
    remaining = grant.quantity + (entries.aggregate(total=Sum("delta"))["total"] or 0)
    count = min(grant.refunded_quantity - revoked, remaining)
    if count <= 0:
        return 0
    done = 0
    while done < count:  # one entry moves at most 1000 credits (the ledger's sanity bound)
        step = min(count - done, 1000)
        CreditEntry.objects.create(
            organization=client.organization,
            grant=grant,
            client=client,
            kind=CreditEntry.Kind.REVOKE,
            delta=-step,
            reference=reference,
            # Keyed by how many credits were revoked before: a replay finds the same key taken.
            idempotency_key=f"revoke:{grant.pk}:{revoked + done}",
            note=note,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        done += step
    emit(
        client.organization,
        "credits.revoked",
        {"client_id": client.pk, "quantity": count, "source_ref": grant.source_ref, "reference": reference},
        actor=actor if getattr(actor, "pk", None) else None,
        client=client,
    )
    return count


@transaction.atomic
def revoke_refunded_credits(
    *, organization, source_ref: str, refunded_quantity: int, reference: str, actor=None, note: str = ""
) -> int:
    """A refund takes back `refunded_quantity` credits of the grant from `source_ref` in all
    (a running total, not an increment: calling again with the same or a smaller number
    revokes nothing more). Only unused credits are revoked, so the balance never goes below
    zero; a credit used now and returned later is revoked when it comes back.
    Returns the credits revoked by this call."""
    grant = CreditGrant.objects.for_org(organization).filter(source_ref=source_ref).select_related("client").first()
    if grant is None:
        return 0
    client = _lock_client(grant.client)
    grant = CreditGrant.objects.get(pk=grant.pk)
    target = max(0, min(int(refunded_quantity), grant.quantity))
    if target > grant.refunded_quantity:
        grant.refunded_quantity = target
        grant.save(update_fields=["refunded_quantity"])
    return _settle_revocation(client=client, grant=grant, reference=reference, actor=actor, note=note)
