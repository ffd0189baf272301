"""Sessions and bookings, under the coach's lock: book, move, cancel, attendance, series."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from clients.services import ensure_waivers_signed
from mecto import optin
from mecto.events import emit, register_event_type
from mecto.localization import format_date, format_time

from .. import ports, selectors
from ..models import Booking, CoachProfile, RecurringSeries, ServiceType, Session, VideoProvider
from ._common import BookingError, _lock_booking, _payload
from .availability import ensure_coach_profile
from .credits import consume_credit, forfeit_credit, return_credit

__all__ = [
    "RECORD_PAST_DAYS",
    "BOOK_AHEAD_DAYS",
    "local_start",
    "book_session",
    "book_from_public_page",
    "reschedule_booking",
    "cancel_booking",
    "mark_attendance",
    "update_session",
    "cancel_session",
    "create_recurring_series",
    "cancel_series",
]

register_event_type("booking.created", gettext_lazy("A session was booked"))
register_event_type("booking.rescheduled", gettext_lazy("A booking moved to another time"))
register_event_type("booking.cancelled", gettext_lazy("A booking was cancelled (late cancels included)"))
register_event_type("booking.attended", gettext_lazy("A client attended a session"))
register_event_type("booking.no_show", gettext_lazy("A client did not show up to a session"))
register_event_type("session.updated", gettext_lazy("A session on the calendar changed"))
register_event_type("session.cancelled", gettext_lazy("A session was removed from the calendar"))


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
            % {"time": format_time(at), "date": format_date(day), "zone": time_zone},
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


def _video_for(session: Session, profile: CoachProfile) -> None:
    """Jitsi rooms are made here; a connected Zoom / Meet / Teams account makes its
    meeting after commit (through booking.ports), falling back to Jitsi if that fails."""
    if not session.is_virtual:
        return
    provider = ports.video_provider_for(
        organization=session.organization, user=session.coach, preferred=profile.video_provider
    )
    session.video_provider = provider
    if provider == VideoProvider.JITSI:
        session.video_url = ports.jitsi_url(session.organization)


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
    session = (
        Session.objects.for_org(organization)
        .scheduled()
        .filter(coach=coach, start_at=start_at)
        .select_for_update()  # a class's places are counted under its row lock (services.classes)
        .first()
    )
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
        held = session.waitlist_entries.filter(status="offered").count()  # places offered to the waitlist
        if len(free) <= held:
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
    note = (note or "").strip()
    note_limit = Booking._meta.get_field("note").max_length
    if len(note) > note_limit:
        # Refused, never cut short: the person sees the limit beside the field.
        raise BookingError(
            _("Keep the message to %(limit)s characters (it has %(count)s).")
            % {"limit": note_limit, "count": len(note)},
            field="note",
        )
    organization = service.organization
    if client.organization_id != organization.pk:
        raise BookingError(_("Choose a client of this business."), field="client")
    if not service.is_active:
        raise BookingError(_("This service is not bookable any more."), field="service")
    if not service.coaches.filter(pk=coach.pk).exists():
        raise BookingError(_("%(coach)s does not offer this service.") % {"coach": coach}, field="coach")
    if source in (Booking.Source.PUBLIC_PAGE, Booking.Source.APP):
        # A client books only after signing the current version of every required waiver.
        ensure_waivers_signed(client=client)
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
        note=note,
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

    from ..tokens import manage_url

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
    email_consent: bool = False,
    email_wording=None,
) -> Booking:
    """A stranger books: a known email attaches to its client, a new one becomes a lead of
    the coach they booked, in the time zone they booked in, from the booking page. A ticked
    "news and offers" box (`email_consent`, with the wording version shown) only sends a
    confirmation email: consent is recorded when they confirm (double opt-in)."""
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
            source=Client.Source.BOOKING,
            coach=coach,
            time_zone=time_zone,
        )
    booking = book_session(service=service, coach=coach, start_at=start_at, client=client, source=source, note=note)
    if email_consent and not client.email_consent:
        optin.request_opt_in(
            organization=organization,
            client=client,
            email=client.email,
            wording_id=email_wording,
            source=optin.SOURCE_BOOKING,
        )
    return booking


def _cancel_session_if_empty(session: Session, actor=None) -> bool:
    if session.group_class_id:
        return False  # a class on the timetable runs whoever is booked; the coach cancels it
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
    if session.series_id or session.group_class_id:
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
    if booking.session.group_class_id:
        from .classes import _lock_session, offer_free_places

        offer_free_places(session=_lock_session(booking.session), now=now)  # the freed place goes to the waitlist
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
    check_availability: bool = False,
) -> Session:
    """A coach changes one session (one occurrence of a series): its time, notes or place.

    `check_availability` holds a move to the rules a client's booking meets (the coach's
    hours, minimum notice, other sessions with their buffers, busy calendar times): the
    calendar's drag and drop and the session page ask for it; the session page's "move it
    anyway" places a session anywhere free (clashes are always refused)."""
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
            profile = _lock_coach(session.organization, session.coach)
            if check_availability:
                _check_move_rules(session, start_at, profile)
            if selectors.conflicting_sessions(
                service=session.service, coach_id=session.coach_id, start=start_at, exclude_session_id=session.pk
            ):
                raise BookingError(
                    _("This clashes with another session or a busy time in %(coach)s's calendar (buffers included).")
                    % {"coach": session.coach.get_short_name()}
                    if check_availability
                    else _("This clashes with another session."),
                    field="start_at",
                    code="clash",
                )
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


def _check_move_rules(session: Session, start_at: datetime, profile: CoachProfile) -> None:
    """Refuse a move a client could not book: a session under way, too little notice, or a
    time outside the coach's working hours (weekly hours, extra hours, time off)."""
    now = timezone.now()
    if session.start_at <= now:
        raise BookingError(_("This session has already started."), code="started")
    if start_at < now + timedelta(minutes=profile.min_notice_minutes):
        raise BookingError(
            _("That is too soon: %(coach)s takes bookings at least %(hours)s hours ahead.")
            % {"coach": session.coach.get_short_name(), "hours": f"{profile.min_notice_minutes / 60:g}"},
            field="start_at",
            code="notice",
        )
    end_at = start_at + (session.end_at - session.start_at)
    windows = selectors.availability_windows(
        organization=session.organization,
        coach_id=session.coach_id,
        tz_name=profile.time_zone,
        start=start_at,
        end=end_at,
    )
    if not any(w_start <= start_at and end_at <= w_end for w_start, w_end in windows):
        raise BookingError(
            _("That is outside %(coach)s's working hours.") % {"coach": session.coach.get_short_name()},
            field="start_at",
            code="outside_hours",
        )


@transaction.atomic
def cancel_session(*, session: Session, actor=None, reason: str = "") -> Session:
    """The coach cancels a session: every client's booking is cancelled, credits come back."""
    if session.group_class_id:
        from .classes import cancel_class_session

        return cancel_class_session(session=session, actor=actor, reason=reason)
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
                _("Week %(n)s (%(date)s): %(error)s")
                % {"n": index + 1, "date": format_date(day), "error": exc.message},
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
