"""Booking, moving, cancelling, attendance, recurring sessions, payments and credits."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from booking import selectors, services
from booking.models import Booking, BookingPayment, CreditEntry, ServiceType, Session
from booking.services import BookingError
from clients.models import Client
from mecto import payments
from mecto.models import Event
from tests.factories import ClientFactory

from .factories import BookingPolicyFactory, ServiceTypeFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"  # Monday 07:00 in London
MON_10 = datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


def events(name):
    return list(Event.objects.filter(name=name).order_by("id"))


@freeze_time(NOW)
def test_client_booking_takes_an_open_slot_and_emits_created(studio):
    client = ClientFactory(organization=studio.org)
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=client, start_at=MON_10, source=Booking.Source.APP
    )
    assert booking.status == Booking.Status.CONFIRMED and booking.session.start_at == MON_10
    assert booking.payment_status == Booking.PaymentStatus.NOT_REQUIRED
    [event] = events("booking.created")
    assert event.payload["booking_public_id"] == str(booking.public_id) and event.client_id == client.pk
    with pytest.raises(BookingError) as exc:  # the same slot again
        services.book_session(
            service=studio.service,
            coach=studio.coach,
            client=ClientFactory(organization=studio.org),
            start_at=MON_10,
            source=Booking.Source.APP,
        )
    assert exc.value.code == "slot_taken"


@freeze_time(NOW)
def test_clients_cannot_book_outside_hours_but_coaches_can_without_clashing(studio):
    client = ClientFactory(organization=studio.org)
    evening = datetime(2026, 6, 1, 19, 0, tzinfo=LONDON)
    with pytest.raises(BookingError):
        services.book_session(
            service=studio.service, coach=studio.coach, client=client, start_at=evening, source=Booking.Source.APP
        )
    booking = services.book_session(service=studio.service, coach=studio.coach, client=client, start_at=evening)
    assert booking.source == Booking.Source.COACH
    studio.service.buffer_before_minutes = 30
    studio.service.save()
    with pytest.raises(BookingError) as exc:  # 20:15 is inside the 30 min buffer after 19:00–20:00
        services.book_session(
            service=studio.service,
            coach=studio.coach,
            client=ClientFactory(organization=studio.org),
            start_at=evening + timedelta(minutes=75),
        )
    assert exc.value.code == "clash"


@freeze_time(NOW)
def test_group_class_fills_to_capacity_and_refuses_the_same_client_twice(studio):
    group = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=2)
    a, b, c = (ClientFactory(organization=studio.org) for _ in range(3))
    first = services.book_session(service=group, coach=studio.coach, client=a, start_at=MON_10)
    second = services.book_session(service=group, coach=studio.coach, client=b, start_at=MON_10)
    assert first.session_id == second.session_id and {first.seat, second.seat} == {1, 2}
    with pytest.raises(BookingError, match="full"):
        services.book_session(service=group, coach=studio.coach, client=c, start_at=MON_10)
    services.cancel_booking(booking=first, by=Booking.CancelledBy.COACH)
    with pytest.raises(BookingError, match="already booked"):
        services.book_session(service=group, coach=studio.coach, client=b, start_at=MON_10)
    assert services.book_session(service=group, coach=studio.coach, client=c, start_at=MON_10).seat == 1


@freeze_time(NOW)
def test_known_email_attaches_new_email_becomes_a_lead(studio):
    known = ClientFactory(organization=studio.org, email="known@example.com", status=Client.Status.ACTIVE)
    booking = services.book_from_public_page(
        service=studio.service, coach=studio.coach, start_at=MON_10, first_name="K", email="KNOWN@example.com"
    )
    assert booking.client == known and booking.source == Booking.Source.PUBLIC_PAGE
    new = services.book_from_public_page(
        service=studio.service,
        coach=studio.coach,
        start_at=TUE_10,
        first_name="Nia",
        last_name="New",
        email="nia@example.com",
        time_zone="America/New_York",
    )
    assert new.client.status == Client.Status.LEAD and new.client.time_zone == "America/New_York"
    assert Event.objects.filter(name="client.created", client_id=new.client.pk).exists()


@freeze_time(NOW)
def test_reschedule_moves_a_one_to_one_session_and_its_revision(studio):
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
    )
    session_id = booking.session_id
    moved = services.reschedule_booking(booking=booking, start_at=TUE_10 + timedelta(hours=3))
    assert moved.session_id == session_id and moved.session.start_at == TUE_10 + timedelta(hours=3)
    assert moved.session.sequence == 1
    [event] = events("booking.rescheduled")
    assert event.payload["previous_start_at"] == TUE_10.astimezone(UTC).isoformat()
    with pytest.raises(BookingError):  # outside the coach's hours
        services.reschedule_booking(booking=moved, start_at=TUE_10 + timedelta(hours=10))


@freeze_time(NOW)
def test_client_cannot_reschedule_inside_the_deadline(studio):
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=MON_10
    )
    with pytest.raises(BookingError, match="24 hours"):
        services.reschedule_booking(booking=booking, start_at=TUE_10)
    assert services.reschedule_booking(booking=booking, start_at=TUE_10, by_client=False).session.start_at == TUE_10


def _credit_service(studio):
    return ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], payment_requirement=ServiceType.Payment.CREDIT
    )


@freeze_time(NOW)
def test_credit_booking_consumes_and_in_time_cancel_returns_it(studio):
    client = ClientFactory(organization=studio.org)
    services.grant_credits(client=client, quantity=2, source_ref="pkg:1")
    booking = services.book_session(
        service=_credit_service(studio), coach=studio.coach, client=client, start_at=TUE_10 + timedelta(days=2)
    )
    assert booking.payment_status == Booking.PaymentStatus.CREDIT
    assert selectors.credit_balance(client=client) == 1
    assert CreditEntry.objects.get(kind="consume").booking == booking
    services.cancel_booking(booking=booking)
    assert selectors.credit_balance(client=client) == 2
    assert events("booking.cancelled")[0].payload["credit"] == "returned"


@freeze_time(NOW)
def test_late_cancel_forfeits_a_credit(studio):
    client = ClientFactory(organization=studio.org)
    services.grant_credits(client=client, quantity=1, source_ref="pkg:1")
    booking = services.book_session(service=_credit_service(studio), coach=studio.coach, client=client, start_at=MON_10)
    cancelled = services.cancel_booking(booking=booking)
    assert cancelled.attendance == Booking.Attendance.LATE_CANCEL
    assert selectors.credit_balance(client=client) == 0
    assert CreditEntry.objects.filter(kind="forfeit", booking=booking).exists()
    payload = events("booking.cancelled")[0].payload
    assert payload["late_cancel"] is True and payload["credit"] == "forfeited"


@freeze_time(NOW)
def test_late_cancel_charges_the_fee_when_no_credit_was_used(studio):
    BookingPolicyFactory(organization=studio.org, late_cancel_fee_minor=1500, cancellation_deadline_hours=6)
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=MON_10
    )
    cancelled = services.cancel_booking(booking=booking)
    assert cancelled.late_cancel_fee_minor == 1500
    assert events("booking.cancelled")[0].payload["late_cancel_fee_minor"] == 1500
    # a coach's cancellation never costs the client anything
    other = services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=MON_10
    )
    assert services.cancel_booking(booking=other, by=Booking.CancelledBy.COACH).late_cancel_fee_minor == 0


@freeze_time(NOW)
def test_attendance_after_the_start_no_show_forfeits_credit(studio):
    client = ClientFactory(organization=studio.org)
    services.grant_credits(client=client, quantity=3, source_ref="pkg:1")
    booking = services.book_session(service=_credit_service(studio), coach=studio.coach, client=client, start_at=MON_10)
    with pytest.raises(BookingError, match="started"):
        services.mark_attendance(booking=booking, attendance="attended")
    with freeze_time("2026-06-01 09:30"):
        services.mark_attendance(booking=booking, attendance="no_show")
        assert events("booking.no_show")[0].payload["credit"] == "forfeited"
        services.mark_attendance(booking=booking, attendance="attended")
        assert len(events("booking.attended")) == 1
    assert selectors.credit_balance(client=client) == 2
    with pytest.raises(BookingError):
        services.mark_attendance(booking=booking, attendance="maybe")


@freeze_time("2026-03-16 09:00")
def test_recurring_weekly_sessions_keep_local_time_across_the_clock_change(studio):
    client = ClientFactory(organization=studio.org)
    series = services.create_recurring_series(
        service=studio.service,
        coach=studio.coach,
        client=client,
        first_date=date(2026, 3, 17),
        local_time=time(7, 0),
        weeks=3,
    )
    sessions = list(series.sessions.order_by("start_at"))
    assert [s.start_at.astimezone(LONDON).strftime("%d %H:%M") for s in sessions] == [
        "17 07:00",
        "24 07:00",
        "31 07:00",
    ]
    assert [s.start_at.astimezone(UTC).hour for s in sessions] == [7, 7, 6]
    # One occurrence changes on its own
    services.update_session(session=sessions[1], start_at=datetime(2026, 3, 25, 8, 0, tzinfo=LONDON))
    sessions[1].refresh_from_db()
    assert sessions[1].is_modified and sessions[0].start_at.astimezone(LONDON).hour == 7
    assert Event.objects.filter(name="booking.rescheduled").count() == 1


@freeze_time("2026-03-16 09:00")
def test_recurring_sessions_clash_in_any_week_keeps_none(studio):
    services.book_session(
        service=studio.service,
        coach=studio.coach,
        client=ClientFactory(organization=studio.org),
        start_at=datetime(2026, 3, 31, 7, 30, tzinfo=LONDON),
    )
    with pytest.raises(BookingError, match="Week 3"):
        services.create_recurring_series(
            service=studio.service,
            coach=studio.coach,
            client=ClientFactory(organization=studio.org),
            first_date=date(2026, 3, 17),
            local_time=time(7, 0),
            weeks=3,
        )
    assert Session.objects.count() == 1


@freeze_time(NOW)
def test_paid_service_without_a_payment_provider_is_pay_at_session(studio):
    paid = ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], price_minor=5000, payment_requirement="full"
    )
    booking = services.book_from_public_page(
        service=paid, coach=studio.coach, start_at=TUE_10, first_name="P", email="p@example.com"
    )
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment_status == Booking.PaymentStatus.PAY_AT_SESSION and booking.amount_due_minor == 5000


@pytest.fixture
def checkout_provider():
    calls = []

    def provider(*, booking, amount_minor, currency, success_url, cancel_url):
        calls.append((booking.pk, amount_minor, currency, success_url))
        return f"https://pay.example.com/{booking.public_id}"

    payments.register_booking_checkout(provider)
    yield calls
    payments._providers.remove(provider)


@freeze_time(NOW)
def test_deposit_holds_the_place_until_paid_once_per_reference(studio, checkout_provider, run_on_commit):
    deposit = ServiceTypeFactory(
        organization=studio.org,
        coaches=[studio.coach],
        price_minor=6000,
        deposit_minor=2000,
        payment_requirement="deposit",
    )
    booking = run_on_commit(
        services.book_from_public_page,
        service=deposit,
        coach=studio.coach,
        start_at=TUE_10,
        first_name="D",
        email="d@example.com",
    )
    assert booking.status == Booking.Status.PENDING_PAYMENT and booking.checkout_url.startswith("https://pay.")
    assert checkout_provider[0][1:3] == (2000, "GBP") and "/book/manage/" in checkout_provider[0][3]
    assert len(mail.outbox) == 0  # no confirmation (nor coach alert) before payment
    run_on_commit(services.mark_booking_paid, booking=booking, amount_minor=2000, reference="pi_1")
    run_on_commit(services.mark_booking_paid, booking=booking, amount_minor=2000, reference="pi_1")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.payment_status == Booking.PaymentStatus.DEPOSIT_PAID
    assert booking.amount_paid_minor == 2000 and BookingPayment.objects.count() == 1
    [confirmation] = [m for m in mail.outbox if m.to == ["d@example.com"]]
    assert "Booked" in confirmation.subject
    assert [m.to for m in mail.outbox if m is not confirmation] == [[studio.coach.email]]  # told once, when paid
    services.mark_booking_paid(booking=booking, amount_minor=4000, reference="pi_2")
    booking.refresh_from_db()
    assert booking.payment_status == Booking.PaymentStatus.PAID


@freeze_time(NOW)
def test_unpaid_bookings_are_released_after_the_hold(studio, checkout_provider):
    paid = ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], price_minor=5000, payment_requirement="full"
    )
    booking = services.book_from_public_page(
        service=paid, coach=studio.coach, start_at=TUE_10, first_name="U", email="u@example.com"
    )
    assert services.release_unpaid_bookings() == 0
    with freeze_time("2026-06-01 06:31"):
        assert services.release_unpaid_bookings() == 1
        assert services.release_unpaid_bookings() == 0
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == Booking.CancelledBy.SYSTEM
    assert booking.session.status == Session.Status.CANCELLED
    # the place is free again
    assert any(
        s.start == TUE_10
        for s in selectors.open_slots(
            service=paid, coach_id=studio.coach.pk, start=TUE_10, end=TUE_10 + timedelta(minutes=1)
        )
    )
    # a payment that arrives afterwards is recorded and flagged for a refund
    services.mark_booking_paid(booking=booking, amount_minor=5000, reference="pi_late")
    assert events("booking.paid_after_cancel")


def test_bad_payment_reports_are_refused(studio):
    booking = services.book_session(
        service=studio.service,
        coach=studio.coach,
        client=ClientFactory(organization=studio.org),
        start_at=datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=10, hours=1),
    )
    with pytest.raises(BookingError):
        services.mark_booking_paid(booking=booking, amount_minor=0, reference="x")
    with pytest.raises(BookingError):
        services.mark_booking_paid(booking=booking, amount_minor=100, reference="")


@freeze_time(NOW)
def test_coach_cancels_a_session_clients_get_credits_back(studio):
    group = ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], capacity=3, payment_requirement="credit"
    )
    clients = [ClientFactory(organization=studio.org) for _ in range(2)]
    for n, client in enumerate(clients):
        services.grant_credits(client=client, quantity=1, source_ref=f"g{n}")
        booking = services.book_session(service=group, coach=studio.coach, client=client, start_at=MON_10)
    services.cancel_session(session=booking.session, reason="Coach ill")
    assert all(selectors.credit_balance(client=c) == 1 for c in clients)
    booking.session.refresh_from_db()
    assert booking.session.status == Session.Status.CANCELLED
    assert Event.objects.filter(name="session.cancelled").count() == 1


def test_service_validation_messages(studio):
    with pytest.raises(BookingError) as exc:
        services.save_service_type(organization=studio.org, name="Pay", payment_requirement="full", price_minor=0)
    assert exc.value.field == "price_minor"
    with pytest.raises(BookingError) as exc:
        services.save_service_type(
            organization=studio.org, name="Dep", payment_requirement="deposit", price_minor=1000, deposit_minor=1000
        )
    assert exc.value.field == "deposit_minor"
    with pytest.raises(BookingError):
        services.set_weekly_hours(
            organization=studio.org, coach=studio.coach, intervals=[(0, time(9), time(12)), (0, time(11), time(13))]
        )
    service = services.save_service_type(
        organization=studio.org, name="Online PT", location_type="virtual", coaches=[studio.coach]
    )
    assert service.slug == "online-pt" and service.currency == "GBP"


def test_a_session_that_took_place_cannot_be_cancelled_free_of_charge(studio):
    studio.service.payment_requirement = "credit"
    studio.service.save()
    client = ClientFactory(organization=studio.org)
    services.grant_credits(client=client, quantity=2, source_ref="pack")
    with freeze_time("2026-06-01 06:00"):
        attended = services.book_session(service=studio.service, coach=studio.coach, client=client, start_at=TUE_10)
    with freeze_time("2026-06-02 12:00"):
        services.mark_attendance(booking=attended, attendance=Booking.Attendance.ATTENDED, actor=studio.coach)
        with pytest.raises(BookingError, match="marked as attended"):
            services.cancel_session(session=attended.session, actor=studio.coach)
        with pytest.raises(BookingError, match="cannot be cancelled free of charge"):
            services.cancel_booking(booking=attended, actor=studio.coach, by=Booking.CancelledBy.COACH, late=False)
        attended.refresh_from_db()
        assert attended.status == Booking.Status.CONFIRMED
        assert selectors.credit_balance(client=client) == 1
        assert not CreditEntry.objects.filter(kind=CreditEntry.Kind.RETURN).exists()
        # Calling it a late cancel instead keeps the credit used.
        services.mark_attendance(booking=attended, attendance=Booking.Attendance.LATE_CANCEL, actor=studio.coach)
        assert selectors.credit_balance(client=client) == 1


@freeze_time(NOW)
def test_a_note_longer_than_the_limit_is_refused_not_cut_short(studio):
    client = ClientFactory(organization=studio.org)
    limit = Booking._meta.get_field("note").max_length
    with pytest.raises(BookingError) as exc:
        services.book_session(
            service=studio.service, coach=studio.coach, client=client, start_at=MON_10, note="x" * (limit + 1)
        )
    assert exc.value.field == "note" and not Booking.objects.exists() and not Session.objects.exists()
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=client, start_at=MON_10, note="x" * limit
    )
    assert len(booking.note) == limit
