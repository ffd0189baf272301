"""Group classes: the timetable across clock changes, booking and the waitlist with timed offers."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from booking import selectors, selectors_classes, services
from booking.models import Booking, GroupClass, ServiceType, Session, WaitlistEntry
from booking.services import BookingError
from mecto.comms.models import OutboundMessage
from mecto.events import Event
from tests.factories import ClientFactory

from .conftest import Studio
from .factories import ServiceTypeFactory

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def make_class(studio, *, capacity=3, times=((1, "07:00"),), starts_on=date(2026, 6, 1), payment="none", **extra):
    service = ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], capacity=12, name="HIIT", payment_requirement=payment
    )
    return services.save_group_class(
        organization=studio.org,
        actor=studio.coach,
        service=service,
        coach=studio.coach,
        capacity=capacity,
        weekly_times=[{"weekday": d, "start_time": t} for d, t in times],
        starts_on=starts_on,
        **extra,
    )


def occurrences(group_class):
    return list(Session.objects.filter(group_class=group_class, status="scheduled").order_by("start_at"))


def clients(studio, n, **kw):
    return [ClientFactory(organization=studio.org, phone=f"+4477009000{i:02d}", **kw) for i in range(n)]


# --- Timetable -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tz", "change_day"),
    [("Europe/London", date(2026, 3, 29)), ("America/New_York", date(2026, 3, 8))],
)
def test_a_seven_oclock_class_stays_at_seven_local_across_the_spring_change(tz, change_day):
    studio = Studio(tz=tz)
    with freeze_time(datetime.combine(change_day - timedelta(days=14), time(12), tzinfo=UTC)):
        group_class = make_class(
            studio, times=((change_day.weekday(), "07:00"),), starts_on=change_day - timedelta(days=14)
        )
        sessions = occurrences(group_class)
    assert len(sessions) == 8  # day one at 07:00 is already past at noon; eight weeks ahead
    zone = ZoneInfo(tz)
    assert {s.start_at.astimezone(zone).time() for s in sessions} == {time(7)}
    offsets = {s.start_at.astimezone(zone).utcoffset() for s in sessions}
    assert len(offsets) == 2  # the UTC time shifts by an hour with the clocks
    assert all(s.end_at - s.start_at == timedelta(minutes=60) for s in sessions)


@pytest.mark.parametrize(
    ("tz", "change_day", "gap_time", "expected"),
    [
        ("Europe/London", date(2026, 3, 29), "01:30", time(2, 30)),
        ("America/New_York", date(2026, 3, 8), "02:30", time(3, 30)),
    ],
)
def test_a_time_the_clocks_skip_moves_forward(tz, change_day, gap_time, expected):
    studio = Studio(tz=tz)
    with freeze_time(datetime.combine(change_day - timedelta(days=3), time(12), tzinfo=UTC)):
        group_class = make_class(
            studio, times=((change_day.weekday(), gap_time),), starts_on=change_day - timedelta(days=3)
        )
    first = occurrences(group_class)[0]
    assert first.start_at.astimezone(ZoneInfo(tz)).date() == change_day
    assert first.start_at.astimezone(ZoneInfo(tz)).time() == expected


@pytest.mark.parametrize(
    ("tz", "change_day", "repeated", "utc_hour"),
    [("Europe/London", date(2026, 10, 25), "01:30", 0), ("America/New_York", date(2026, 11, 1), "01:30", 5)],
)
def test_a_time_the_clocks_repeat_is_its_first_occurrence(tz, change_day, repeated, utc_hour):
    studio = Studio(tz=tz)
    with freeze_time(datetime.combine(change_day - timedelta(days=3), time(12), tzinfo=UTC)):
        group_class = make_class(
            studio, times=((change_day.weekday(), repeated),), starts_on=change_day - timedelta(days=3)
        )
    first = occurrences(group_class)[0]
    assert first.start_at.astimezone(UTC) == datetime.combine(change_day, time(utc_hour, 30), tzinfo=UTC)


@freeze_time("2026-06-01 06:00")
def test_generation_is_idempotent_and_the_beat_task_tops_up_the_window(studio):
    group_class = make_class(studio)
    assert len(occurrences(group_class)) == 8  # Tuesdays of the next eight weeks
    assert services.generate_class_sessions(group_class=group_class) == (0, 0, 0)
    with freeze_time("2026-06-15 06:00"):
        assert services.generate_all_class_sessions() == 2
    assert len(occurrences(group_class)) == 10


@freeze_time("2026-06-01 06:00")
def test_editing_the_timetable_moves_unbooked_occurrences_and_keeps_booked_ones(studio):
    group_class = make_class(studio)
    first = occurrences(group_class)[0]
    client = ClientFactory(organization=studio.org)
    services.book_class(session=first, client=client)
    services.save_group_class(
        organization=studio.org,
        group_class=group_class,
        weekly_times=[{"weekday": 1, "start_time": "18:00"}],
        capacity=5,
    )
    sessions = occurrences(group_class)
    london = ZoneInfo("Europe/London")
    assert sessions[0].pk == first.pk and sessions[0].start_at.astimezone(london).time() == time(7)
    assert sessions[0].capacity == 5  # places follow even where people are booked
    assert {s.start_at.astimezone(london).time() for s in sessions[1:]} == {time(18)}
    assert Session.objects.filter(group_class=group_class).count() == 9  # unbooked 07:00 ones are gone


@freeze_time("2026-06-01 06:00")
def test_a_coach_cancelled_occurrence_is_not_generated_again(studio):
    group_class = make_class(studio)
    first = occurrences(group_class)[0]
    services.cancel_session(session=first, actor=studio.coach)
    services.generate_class_sessions(group_class=group_class)
    assert Session.objects.get(pk=first.pk).status == "cancelled"
    assert first.pk not in [s.pk for s in occurrences(group_class)]


# --- Booking and the waitlist --------------------------------------------------------------------
@freeze_time("2026-06-01 06:00")
def test_a_full_class_puts_clients_on_the_waitlist_in_order_of_arrival(studio):
    session = occurrences(make_class(studio, capacity=2))[0]
    people = clients(studio, 5)
    results = [services.book_class(session=session, client=c, join_waitlist=True) for c in people]
    assert [type(r).__name__ for r in results] == [
        "Booking",
        "Booking",
        "WaitlistEntry",
        "WaitlistEntry",
        "WaitlistEntry",
    ]
    assert [r.position for r in results[2:]] == [1, 2, 3]
    with pytest.raises(BookingError, match="full"):
        services.book_class(session=session, client=ClientFactory(organization=studio.org))
    with pytest.raises(BookingError, match="already on the waitlist"):
        services.book_class(session=session, client=people[3], join_waitlist=True)
    [row] = selectors_classes.class_sessions(organization=studio.org).filter(pk=session.pk)
    assert (row.booked, row.waiting, row.places_left) == (2, 3, 0)


@freeze_time("2026-06-01 06:00")
def test_a_cancellation_offers_the_place_to_the_first_in_line_with_a_hold(studio):
    session = occurrences(make_class(studio, capacity=1))[0]
    first, second, third = clients(studio, 3)
    booking = services.book_class(session=session, client=first)
    entry = services.book_class(session=session, client=second, join_waitlist=True)
    services.book_class(session=session, client=third, join_waitlist=True)
    services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT)
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert entry.offer_expires_at == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # the 2-hour default
    keys = set(OutboundMessage.objects.filter(client_id=second.pk).values_list("channel", flat=True))
    assert keys == {"email", "sms"}
    email = OutboundMessage.objects.get(client_id=second.pk, channel="email")
    assert "/book/classes/offer/" in email.body_text and email.category == "transactional"
    assert Event.objects.filter(name="class.waitlist_promoted", payload__waitlist_entry_id=entry.pk).count() == 1
    # The held place is not for newcomers.
    with pytest.raises(BookingError, match="full"):
        services.book_class(session=session, client=ClientFactory(organization=studio.org))


@freeze_time("2026-06-01 06:00")
def test_the_hold_never_runs_past_the_class_start(studio):
    session = occurrences(make_class(studio, capacity=1, waitlist_hold_minutes=60 * 24 * 3))[0]
    a, b = clients(studio, 2)
    booking = services.book_class(session=session, client=a)
    entry = services.book_class(session=session, client=b, join_waitlist=True)
    services.cancel_booking(booking=booking, by=Booking.CancelledBy.COACH)
    entry.refresh_from_db()
    assert entry.offer_expires_at == session.start_at


@freeze_time("2026-06-01 06:00")
def test_an_expired_hold_passes_to_the_next_and_cannot_be_confirmed(studio):
    session = occurrences(make_class(studio, capacity=1))[0]
    a, b, c = clients(studio, 3)
    booking = services.book_class(session=session, client=a)
    second = services.book_class(session=session, client=b, join_waitlist=True)
    third = services.book_class(session=session, client=c, join_waitlist=True)
    services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT)
    with freeze_time("2026-06-01 08:01"):
        assert services.expire_waitlist_offers() == 1
        assert services.expire_waitlist_offers() == 0  # idempotent
        second.refresh_from_db()
        third.refresh_from_db()
        assert second.status == "expired" and third.status == "offered"
        assert third.offer_expires_at == datetime(2026, 6, 1, 10, 1, tzinfo=UTC)
        with pytest.raises(BookingError, match="no place offered"):
            services.confirm_offer(entry=second)
        services.confirm_offer(entry=third)
    assert list(session.bookings.active().values_list("client", flat=True)) == [c.pk]


@freeze_time("2026-06-01 06:00")
def test_confirm_after_the_hold_is_refused_before_the_task_runs(studio):
    session = occurrences(make_class(studio, capacity=1))[0]
    a, b = clients(studio, 2)
    booking = services.book_class(session=session, client=a)
    entry = services.book_class(session=session, client=b, join_waitlist=True)
    services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT)
    with freeze_time("2026-06-01 08:00"), pytest.raises(BookingError, match="expired"):
        services.confirm_offer(entry=entry)
    assert not session.bookings.active().exists()


@freeze_time("2026-06-01 06:00")
def test_credits_are_consumed_when_an_offer_is_confirmed_and_returned_when_the_class_is_cancelled(studio):
    session = occurrences(make_class(studio, capacity=1, payment=ServiceType.Payment.CREDIT))[0]
    a, b = clients(studio, 2)
    for client in (a, b):
        services.grant_credits(client=client, quantity=2, source_ref=f"test:{client.pk}")
    booking = services.book_class(session=session, client=a)
    assert selectors.credit_balance(client=a) == 1
    entry = services.book_class(session=session, client=b, join_waitlist=True)
    assert selectors.credit_balance(client=b) == 2  # waiting costs nothing
    services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT)
    assert selectors.credit_balance(client=a) == 2
    confirmed = services.confirm_offer(entry=entry)
    assert confirmed.payment_status == "credit" and selectors.credit_balance(client=b) == 1
    services.cancel_session(session=session, actor=studio.coach, reason="Coach unwell")
    assert selectors.credit_balance(client=b) == 2


@freeze_time("2026-06-01 06:00")
def test_cancelling_a_class_tells_everyone_booked_and_waiting(studio, run_on_commit):
    session = occurrences(make_class(studio, capacity=2))[0]
    people = clients(studio, 4)
    for client in people:
        run_on_commit(services.book_class, session=session, client=client, join_waitlist=True)
    run_on_commit(services.cancel_session, session=session, actor=studio.coach, reason="Roof leak")
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert not session.bookings.active().exists()
    assert set(session.waitlist_entries.values_list("status", flat=True)) == {"withdrawn"}
    emailed = set(
        OutboundMessage.objects.filter(channel="email", idempotency_key__contains="cancel").values_list(
            "client_id", flat=True
        )
    )
    assert emailed == {c.pk for c in people}
    assert Event.objects.filter(
        name="class.cancelled", payload__bookings_cancelled=2, payload__waitlist_withdrawn=2
    ).exists()


@freeze_time("2026-06-01 06:00")
def test_leaving_the_waitlist_moves_everyone_up_and_an_offer_turned_down_passes_on(studio):
    session = occurrences(make_class(studio, capacity=1))[0]
    a, b, c, d = clients(studio, 4)
    booking = services.book_class(session=session, client=a)
    eb, ec, ed = (services.book_class(session=session, client=x, join_waitlist=True) for x in (b, c, d))
    services.leave_waitlist(entry=ec)
    ed.refresh_from_db()
    assert services.waitlist_position(ed) == 2
    services.cancel_booking(booking=booking, by=Booking.CancelledBy.CLIENT)
    services.leave_waitlist(entry=eb)  # turns the offer down
    ed.refresh_from_db()
    assert ed.status == "offered"


@freeze_time("2026-06-01 06:00")
def test_raising_the_places_offers_them_to_the_waitlist(studio):
    session = occurrences(make_class(studio, capacity=1))[0]
    a, b, c = clients(studio, 3)
    services.book_class(session=session, client=a)
    eb, ec = (services.book_class(session=session, client=x, join_waitlist=True) for x in (b, c))
    services.set_class_capacity(session=session, capacity=3, actor=studio.coach)
    assert set(WaitlistEntry.objects.filter(pk__in=[eb.pk, ec.pk]).values_list("status", flat=True)) == {"offered"}
    with pytest.raises(BookingError, match="cannot have fewer"):
        services.set_class_capacity(session=session, capacity=2)


@freeze_time("2026-06-01 06:00")
def test_bad_timetable_input_is_refused_and_changes_nothing(studio):
    service = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=1)
    base = {"organization": studio.org, "service": service, "coach": studio.coach, "starts_on": date(2026, 6, 1)}
    cases = [
        ({"weekly_times": []}, "weekly_times"),
        ({"weekly_times": [{"weekday": 9, "start_time": "07:00"}]}, "weekly_times"),
        ({"weekly_times": [{"weekday": 1, "start_time": "7am"}]}, "weekly_times"),
        ({"weekly_times": [{"weekday": 1, "start_time": "07:00"}]}, "capacity"),  # a 1:1 service, no places set
        (
            {"weekly_times": [{"weekday": 1, "start_time": "07:00"}], "capacity": 4, "ends_on": date(2026, 5, 1)},
            "ends_on",
        ),
    ]
    for extra, field in cases:
        with pytest.raises(BookingError) as exc:
            services.save_group_class(**base, **extra)
        assert exc.value.field == field, (extra, exc.value.message)
    assert not GroupClass.objects.exists() and not Session.objects.exists()


@freeze_time("2026-06-01 06:00")
def test_a_started_or_cancelled_class_cannot_be_booked(studio):
    session = occurrences(make_class(studio))[0]
    client = ClientFactory(organization=studio.org)
    with freeze_time(session.start_at + timedelta(minutes=1)), pytest.raises(BookingError, match="started"):
        services.book_class(session=session, client=client)
    services.cancel_session(session=session)
    with pytest.raises(BookingError, match="cancelled"):
        services.book_class(session=session, client=client)
