"""Confirmation emails with a valid .ics invite, signed manage links, reminders exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.signing import TimestampSigner
from freezegun import freeze_time
from icalendar import Calendar

from booking import selectors, services, tokens
from booking.models import Booking
from mecto import comms
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
    [message] = [m for m in mail.outbox if m.to == ["ivy@example.com"]]
    assert "Booked" in message.subject
    assert [m.to for m in mail.outbox if m is not message] == [[studio.coach.email]]  # the coach's alert
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
    [confirmation] = [m for m in mail.outbox if m.to == ["v@example.com"]]
    assert booking.session.video_url in confirmation.body


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


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminder job at a moment and deliver what it queued (after its commit)."""

    def run(moment: str) -> int:
        with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
            return services.send_due_reminders()

    return run


def _reminders(booking):
    return list(selectors.reminder_messages(booking=booking))


def test_reminders_go_once_at_each_offset_even_if_the_task_runs_twice(studio, remind):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440, 120], remind_by_sms=True)
    with freeze_time("2026-05-30 09:00"):
        booking = _booked(studio, TUE_10, phone="+447700900123")
    sms_backends.outbox.clear()
    assert remind("2026-06-01 08:30") == 0  # 25.5 h before: nothing due
    assert remind("2026-06-01 09:05") == 2  # 24 h before (10:05 London on Monday): email and SMS
    assert remind("2026-06-01 09:05") == 0
    assert remind("2026-06-02 07:01") == 2  # 2 h before
    assert remind("2026-06-02 07:01") == 0
    rows = _reminders(booking)
    assert len(rows) == 4 and {r.status for r in rows} == {"sent"} and {r.topic for r in rows} == {"reminders"}
    reminders = [m for m in mail.outbox if "Reminder" in m.subject]
    assert len(reminders) == 2 and "List-Unsubscribe" in reminders[0].extra_headers
    assert reminders[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(sms_backends.outbox) == 2 and sms_backends.outbox[0].to == "+447700900123"
    assert sms_backends.outbox[0].idempotency_key.startswith("booking-reminder:")


def test_reminders_skip_opted_out_clients_and_late_bookings(studio, remind):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440, 120])
    with freeze_time("2026-05-30 09:00"):
        opted = _booked(studio, TUE_10)
        services.opt_out_of_reminders(client=opted.client, channel="email")
    with freeze_time("2026-06-02 05:30"):  # booked 2.5 h before: only the 2 h reminder applies
        late = _booked(studio, TUE_10 + timedelta(hours=2))
    mail.outbox.clear()
    assert remind("2026-06-02 09:59") == 1  # after an outage: only the latest due reminder, never a stale one
    assert [r.idempotency_key.split(":")[3] for r in _reminders(late)] == ["120"]
    assert _reminders(opted) == []


def test_a_moved_booking_gets_reminders_for_its_new_time(studio, remind):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[120])
    with freeze_time("2026-05-29 09:00"):
        booking = _booked(studio, TUE_10)
    assert remind("2026-06-02 07:30") == 1
    with freeze_time("2026-06-02 07:30"):
        services.reschedule_booking(booking=booking, start_at=TUE_10 + timedelta(hours=4), by_client=False)
    assert remind("2026-06-02 11:30") == 1
    assert len(_reminders(booking)) == 2


def test_opt_out_link_is_signed(studio, client):
    booking_client = ClientFactory(organization=studio.org, phone="07700 900222")
    url = tokens.opt_out_url(booking_client, "sms").split("testserver")[-1].split("localhost:8000")[-1]
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    assert comms.is_opted_out(organization=studio.org, channel="sms", address="+447700900222", topic="reminders")
    assert client.get(url[:-3] + "xyz/").status_code == 404


def test_the_link_in_a_reminder_stops_reminders_in_one_click(studio, remind, client):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440, 120])
    with freeze_time("2026-05-30 09:00"):
        booking = _booked(studio, TUE_10, email="rae@example.com")
    assert remind("2026-06-01 09:05") == 1
    [reminder] = [m for m in mail.outbox if "Reminder" in m.subject]
    link = reminder.extra_headers["List-Unsubscribe"].strip("<>").split("localhost:8000")[-1]
    assert client.post(link, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert remind("2026-06-02 07:01") == 0  # the 2 h reminder is not even queued
    assert len(_reminders(booking)) == 1
    # Confirmations and changes still reach them: reminders are one topic, not every message.
    assert comms.check(
        organization=studio.org, channel="email", address="rae@example.com", category="transactional", topic="bookings"
    ).allowed


def test_pending_payment_bookings_get_no_reminders(studio, remind):
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[120])
    with freeze_time("2026-05-29 09:00"):
        booking = _booked(studio, TUE_10)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.PENDING_PAYMENT)
    assert remind("2026-06-02 07:30") == 0


def test_sms_reminders_stop_at_stop_and_at_a_text_opt_out_not_at_marketing_consent(studio, remind):
    """Reminders are transactional: withdrawing marketing consent does not stop them; a
    client who asks to stop reminder texts (or texts STOP) gets none."""
    from clients.services import record_consent

    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440, 120], remind_by_sms=True)
    with freeze_time("2026-05-30 09:00"):
        booking = _booked(studio, TUE_10, phone="+447700900123")
        record_consent(client=booking.client, channel="sms", granted=False, method="No marketing texts, thanks")
    sms_backends.outbox.clear()
    mail.outbox.clear()
    assert remind("2026-06-01 09:05") == 2  # email and SMS: marketing consent does not govern reminders
    with freeze_time("2026-06-01 10:00"):
        services.opt_out_of_reminders(client=booking.client, channel="sms")  # "please stop texting me"
    assert remind("2026-06-02 07:01") == 1  # the email only
    assert len(sms_backends.outbox) == 1 and len(mail.outbox) == 2


@freeze_time("2026-06-03 12:00")
def test_a_session_recorded_after_it_happened_sends_no_invite(studio, run_on_commit):
    client = ClientFactory(organization=studio.org, email="late@example.com")
    booking = run_on_commit(
        services.book_session,
        service=studio.service,
        coach=studio.coach,
        client=client,
        start_at=TUE_10,
        actor=studio.coach,
    )
    assert booking.status == Booking.Status.CONFIRMED and mail.outbox == []
    run_on_commit(
        services.book_session,
        service=studio.service,
        coach=studio.coach,
        client=client,
        start_at=TUE_10 + timedelta(days=2),
        actor=studio.coach,
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
    assert not comms.is_opted_out(organization=studio.org, channel="email", address=chloe.email, topic="reminders")


def test_replying_stop_stops_sms_reminders_and_start_restores_them(studio, remind, client, settings):
    """The whole path: a reminder text goes out; the client replies STOP (a signed Twilio
    webhook); the next reminder is not texted (the email still goes); START brings texts back."""
    from twilio.request_validator import RequestValidator

    settings.SITE_URL = "https://app.mecto.example"
    settings.TWILIO_AUTH_TOKEN = "twilio-auth-token-for-tests"

    def reply(body: str, sid: str):
        params = {"MessageSid": sid, "From": "+447700900123", "To": "+447700900999", "Body": body}
        path = "/webhooks/twilio/inbound/"
        signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(settings.SITE_URL + path, params)
        return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)

    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[2880, 1440, 120], remind_by_sms=True)
    with freeze_time("2026-05-28 09:00"):
        _booked(studio, TUE_10, phone="07700 900123", email="sam@example.com")
    sms_backends.outbox.clear()
    assert remind("2026-05-31 09:05") == 2  # 48 h before: email and text
    assert len(sms_backends.outbox) == 1
    forged = client.post(
        "/webhooks/twilio/inbound/",
        {"MessageSid": "SM" + "0" * 32, "From": "+447700900123", "Body": "STOP"},
        HTTP_X_TWILIO_SIGNATURE="forged",
    )
    assert forged.status_code == 403
    assert reply("Stop", "SM" + "1" * 32).status_code == 200
    assert remind("2026-06-01 09:05") == 1  # 24 h before: the email only
    assert len(sms_backends.outbox) == 1
    assert reply("START", "SM" + "2" * 32).status_code == 200
    assert remind("2026-06-02 07:01") == 2  # 2 h before: texts are back
    assert len(sms_backends.outbox) == 2 and sms_backends.outbox[-1].to == "+447700900123"
