"""Confirmation emails with a valid .ics invite, signed manage links, reminders exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.signing import TimestampSigner
from freezegun import freeze_time
from icalendar import Calendar

from booking import services, tokens
from booking.models import Booking, Reminder
from mecto.comms import sms as sms_backends
from tests.factories import ClientFactory

from .factories import BookingPolicyFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


def _ics(message) -> Calendar:
    [attachment] = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


@freeze_time("2026-06-01 06:00")
def test_confirmation_email_carries_a_parseable_invite(studio, run_on_commit):
    booking = run_on_commit(
        services.book_from_public_page,
        service=studio.service,
        coach=studio.coach,
        start_at=TUE_10,
        first_name="Ivy",
        email="ivy@example.com",
        time_zone="America/New_York",
    )
    [message] = mail.outbox
    assert message.to == ["ivy@example.com"] and "Booked" in message.subject
    assert "05:00" in message.subject and "America/New_York" in message.body  # the client's own clock
    assert tokens.manage_url(booking).split("/book/")[1].split("/")[1] == str(booking.public_id)
    cal = _ics(message)
    assert str(cal["method"]) == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == TUE_10 and event.decoded("dtend") == TUE_10 + timedelta(hours=1)
    assert str(event["uid"]) == booking.session.uid and int(event["sequence"]) == 0
    assert "ivy@example.com" in str(event["attendee"])


@freeze_time("2026-06-01 06:00")
def test_reschedule_and_cancel_send_updated_and_cancelling_invites(studio, run_on_commit):
    booking = run_on_commit(
        services.book_from_public_page,
        service=studio.service,
        coach=studio.coach,
        start_at=TUE_10,
        first_name="Ivy",
        email="ivy@example.com",
    )
    run_on_commit(services.reschedule_booking, booking=booking, start_at=TUE_10 + timedelta(hours=2))
    moved = mail.outbox[-1]
    assert "Moved" in moved.subject and "10:00" in moved.body  # the old time is mentioned
    [event] = _ics(moved).walk("VEVENT")
    assert int(event["sequence"]) == 1 and event.decoded("dtstart") == TUE_10 + timedelta(hours=2)
    run_on_commit(services.cancel_booking, booking=booking)
    cancelled = mail.outbox[-1]
    assert "Cancelled" in cancelled.subject
    cal = _ics(cancelled)
    assert str(cal["method"]) == "CANCEL" and str(cal.walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_online_session_gets_a_jitsi_link_in_the_email(studio, run_on_commit):
    studio.service.location_type = "virtual"
    studio.service.address = ""
    studio.service.save()
    with freeze_time("2026-06-01 06:00"):
        booking = run_on_commit(
            services.book_from_public_page,
            service=studio.service,
            coach=studio.coach,
            start_at=TUE_10,
            first_name="V",
            email="v@example.com",
        )
    booking.session.refresh_from_db()
    assert booking.session.video_url.startswith("https://meet.jit.si/")
    assert booking.session.video_url in mail.outbox[0].body


def test_manage_token_rejects_tampering_other_bookings_and_expiry(studio, settings):
    settings.BOOKING_MANAGE_LINK_MAX_AGE_DAYS = 10
    with freeze_time("2026-06-01 06:00"):
        booking = services.book_session(
            service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=TUE_10
        )
        other = services.book_session(
            service=studio.service,
            coach=studio.coach,
            client=ClientFactory(organization=studio.org),
            start_at=TUE_10 + timedelta(hours=2),
        )
        token = tokens.manage_token(booking)
        assert tokens.check_manage_token(booking.public_id, token)
        assert not tokens.check_manage_token(other.public_id, token)
        assert not tokens.check_manage_token(booking.public_id, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
        forged = TimestampSigner(salt="another-salt").sign_object({"b": str(booking.public_id)})
        assert not tokens.check_manage_token(booking.public_id, forged)
        assert not tokens.check_manage_token(booking.public_id, "")
    with freeze_time("2026-06-12 06:00"):
        assert not tokens.check_manage_token(booking.public_id, token)


def _booked(studio, start, **client_fields):
    client = ClientFactory(organization=studio.org, **client_fields)
    return services.book_session(service=studio.service, coach=studio.coach, client=client, start_at=start)


def test_reminders_go_once_at_each_offset_even_if_the_task_runs_twice(studio):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440, 120], remind_by_sms=True)
    with freeze_time("2026-05-30 09:00"):
        booking = _booked(studio, TUE_10, phone="+447700900123")
    sms_backends.outbox.clear()
    with freeze_time("2026-06-01 08:30"):  # 25.5 h before: nothing due
        assert services.send_due_reminders() == 0
    with freeze_time("2026-06-01 09:05"):  # 24 h before (10:05 London on Monday)
        assert services.send_due_reminders() == 2  # email and SMS
        assert services.send_due_reminders() == 0
    with freeze_time("2026-06-02 07:01"):  # 2 h before
        assert services.send_due_reminders() == 2
        assert services.send_due_reminders() == 0
    assert Reminder.objects.filter(booking=booking).count() == 4
    reminders = [m for m in mail.outbox if "Reminder" in m.subject]
    assert len(reminders) == 2 and "List-Unsubscribe" in reminders[0].extra_headers
    assert len(sms_backends.outbox) == 2 and sms_backends.outbox[0].to == "+447700900123"
    assert sms_backends.outbox[0].idempotency_key.startswith("booking-reminder:")


def test_reminders_skip_opted_out_clients_and_late_bookings(studio):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440, 120])
    with freeze_time("2026-05-30 09:00"):
        opted = _booked(studio, TUE_10)
        services.opt_out_of_reminders(client=opted.client, channel="email")
    with freeze_time("2026-06-02 05:30"):  # booked 2.5 h before: only the 2 h reminder applies
        late = _booked(studio, TUE_10 + timedelta(hours=2))
    mail.outbox.clear()
    with freeze_time("2026-06-02 09:59"):  # after an outage: only the latest due reminder, never a stale one
        assert services.send_due_reminders() == 1
    assert [r.offset_minutes for r in Reminder.objects.filter(booking=late)] == [120]
    assert not Reminder.objects.filter(booking=opted).exists()


def test_a_moved_booking_gets_reminders_for_its_new_time(studio):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[120])
    with freeze_time("2026-05-29 09:00"):
        booking = _booked(studio, TUE_10)
    with freeze_time("2026-06-02 07:30"):
        assert services.send_due_reminders() == 1
        services.reschedule_booking(booking=booking, start_at=TUE_10 + timedelta(hours=4), by_client=False)
    with freeze_time("2026-06-02 11:30"):
        assert services.send_due_reminders() == 1
    assert Reminder.objects.filter(booking=booking).count() == 2


def test_opt_out_link_is_signed(studio, client):
    booking_client = ClientFactory(organization=studio.org)
    url = tokens.opt_out_url(booking_client, "sms").split("testserver")[-1].split("localhost:8000")[-1]
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    assert booking_client.reminder_opt_outs.filter(channel="sms").exists()
    assert client.get(url[:-3] + "xyz/").status_code == 404


def test_pending_payment_bookings_get_no_reminders(studio):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[120])
    with freeze_time("2026-05-29 09:00"):
        booking = _booked(studio, TUE_10)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.PENDING_PAYMENT)
    with freeze_time("2026-06-02 07:30"):
        assert services.send_due_reminders() == 0


def test_no_sms_reminder_after_the_client_withdrew_sms_consent(studio):
    from clients.services import record_consent

    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[120], remind_by_sms=True)
    with freeze_time("2026-05-30 09:00"):
        booking = _booked(studio, TUE_10, phone="+447700900123")
        record_consent(client=booking.client, channel="sms", granted=False, method="Asked by phone to stop texts")
    sms_backends.outbox.clear()
    mail.outbox.clear()
    with freeze_time("2026-06-02 07:01"):
        assert services.send_due_reminders() == 1  # the email only
    assert sms_backends.outbox == [] and len(mail.outbox) == 1


@freeze_time("2026-06-03 12:00")
def test_a_session_recorded_after_it_happened_sends_no_invite(studio, run_on_commit):
    client = ClientFactory(organization=studio.org, email="late@example.com")
    booking = run_on_commit(
        services.book_session, service=studio.service, coach=studio.coach, client=client, start_at=TUE_10
    )
    assert booking.status == Booking.Status.CONFIRMED and mail.outbox == []
    run_on_commit(
        services.book_session,
        service=studio.service,
        coach=studio.coach,
        client=client,
        start_at=TUE_10 + timedelta(days=2),
    )
    assert [m.to for m in mail.outbox] == [["late@example.com"]]


def test_a_client_who_stopped_reminders_can_turn_them_back_on(studio, client):
    chloe = ClientFactory(organization=studio.org, email="chloe@example.com")
    url = tokens.opt_out_url(chloe, "email").split("testserver")[-1].split("localhost:8000")[-1]
    stopped = client.post(url).content.decode()
    assert "You will get no more reminders by email." in stopped and "Turn email reminders back on" in stopped
    assert "Turn email reminders back on" in client.get(url).content.decode()  # the link again, later
    resumed = client.post(url, {"action": "resume"}).content.decode()
    assert "Reminders are back on." in resumed and "Stop email reminders" in resumed
    assert not chloe.reminder_opt_outs.exists()
