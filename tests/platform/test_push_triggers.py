"""What sends a push: a new message (to the other side), a session reminder and a check-in
that is due each queue one notification per device the person turned on, with a key that
makes it happen once, beside the email of the same news."""

import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import responses
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from freezegun import freeze_time

from booking import services as booking_services
from booking.tokens import manage_url
from clients import services as client_services
from clients.models import CheckIn
from mecto.comms.models import MessageChannel, OutboundMessage
from tests.booking.conftest import Studio
from tests.booking.factories import BookingPolicyFactory
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

from .push_fakes import FakeBrowser

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status
LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


@pytest.fixture
def push_service():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as registry:
        yield registry


def _pushes():
    return OutboundMessage.objects.filter(channel=MessageChannel.PUSH).order_by("id")


def _device(user, push_service, status=201):
    device = FakeBrowser()
    device.subscription = device.subscribe(user)
    push_service.add(responses.POST, device.endpoint, status=status)
    return device


def _payload(device, push_service):
    (call,) = [c for c in push_service.calls if c.request.url == device.endpoint]
    return device.decrypt(call.request.body), call.request.headers


# --- New message ---------------------------------------------------------------------------------
@pytest.fixture
def conversation():
    org = OrganizationFactory(name="Northside Strength")
    coach = MembershipFactory(organization=org, role="coach").user
    user = UserFactory(full_name="Robin Hale")
    person = ClientFactory(organization=org, user=user, email=user.email, coach=coach)
    thread = client_services.start_thread(client=person, actor=coach)
    return org, coach, person, thread


def test_a_new_message_notifies_each_device_of_the_other_side_once(
    conversation, push_service, django_capture_on_commit_callbacks
):
    org, coach, person, thread = conversation
    phone, laptop = _device(coach, push_service), _device(coach, push_service)
    _device(person.user, push_service)  # the sender's own device hears nothing
    message = client_services.send_message(thread=thread, sender=person.user, body="Can we move Tuesday?")
    later = message.created_at + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert client_services.send_unread_message_emails(now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client_services.send_unread_message_emails(now=later) == 0  # never twice
    rows = list(_pushes())
    assert len(rows) == 2 and {r.status for r in rows} == {Status.SENT}
    assert {r.to_address for r in rows} == {str(phone.subscription.public_id), str(laptop.subscription.public_id)}
    email = OutboundMessage.objects.get(channel=MessageChannel.EMAIL, topic="messages")
    assert all(r.idempotency_key.startswith(email.idempotency_key + ":push:") for r in rows)
    payload, headers = _payload(phone, push_service)
    assert payload["title"] == "Robin Hale" and payload["body"] == "Can we move Tuesday?"
    assert payload["url"].startswith(settings.SITE_URL + reverse("clients:messages", args=[person.pk]))
    assert payload["tag"] == f"thread-{thread.public_id}" and int(headers["TTL"]) == 6 * 3600
    assert len(push_service.calls) == 2


def test_a_coach_reply_notifies_the_client_and_reading_it_first_cancels(
    conversation, push_service, django_capture_on_commit_callbacks
):
    org, coach, person, thread = conversation
    device = _device(person.user, push_service)
    first = client_services.send_message(thread=thread, sender=coach, body="Wednesday works")
    with django_capture_on_commit_callbacks(execute=True):
        client_services.send_unread_message_emails(now=first.created_at + timedelta(hours=1))
    payload, _headers = _payload(device, push_service)
    assert payload["url"].startswith(settings.SITE_URL + reverse("clients:portal_messages"))
    # Read in the app before the worker got to it: the notification is cancelled, not shown.
    second = client_services.send_message(thread=thread, sender=coach, body="See you then")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_services.send_unread_message_emails(now=second.created_at + timedelta(hours=1))
    client_services.mark_thread_read(thread=thread, user=person.user)
    for callback in callbacks:
        callback()
    assert _pushes().last().status == Status.CANCELLED and len(push_service.calls) == 1


def test_no_device_no_push_but_the_email_still_goes(conversation, django_capture_on_commit_callbacks):
    org, coach, person, thread = conversation
    message = client_services.send_message(thread=thread, sender=person.user, body="Hello?")
    with django_capture_on_commit_callbacks(execute=True):
        assert client_services.send_unread_message_emails(now=message.created_at + timedelta(hours=1)) == 1
    assert not _pushes().exists()
    assert OutboundMessage.objects.filter(channel=MessageChannel.EMAIL, topic="messages").count() == 1


# --- Session reminder ----------------------------------------------------------------------------
TUE_10 = datetime.datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


def test_a_session_reminder_goes_to_the_clients_devices_once(push_service, django_capture_on_commit_callbacks):
    studio = Studio()
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440, 120])
    user = UserFactory()
    with freeze_time("2026-05-30 09:00"):
        person = ClientFactory(organization=studio.org, user=user, email=user.email)
        booking = booking_services.book_session(
            service=studio.service, coach=studio.coach, client=person, start_at=TUE_10
        )
    device = _device(user, push_service)
    with freeze_time("2026-06-01 09:05"), django_capture_on_commit_callbacks(execute=True):
        assert booking_services.send_due_reminders() == 2  # the email and this device's notification
    with freeze_time("2026-06-01 09:06"), django_capture_on_commit_callbacks(execute=True):
        assert booking_services.send_due_reminders() == 0
    (row,) = _pushes()
    start = int(booking.session.start_at.timestamp())
    device_id = device.subscription.public_id
    assert row.idempotency_key == f"booking-reminder:{booking.pk}:push:1440:{start}:push:{device_id}"
    assert row.status == Status.SENT and row.topic == "reminders" and row.client_id == person.pk
    payload, headers = _payload(device, push_service)
    assert payload["title"] == f"Reminder: {studio.service.name}"
    # The client's manage link (its signed token is made when the reminder is written).
    assert payload["url"].split(str(booking.public_id))[0] == manage_url(booking).split(str(booking.public_id))[0]
    assert str(booking.public_id) in payload["url"] and payload["tag"] == f"booking-{booking.public_id}"
    assert headers["Urgency"] == "high"
    # Kept by the push service until the session starts (23 h 55 min after the job ran), no longer.
    assert int(headers["TTL"]) == 23 * 3600 + 55 * 60
    with freeze_time("2026-06-02 07:01"), django_capture_on_commit_callbacks(execute=True):
        assert booking_services.send_due_reminders() == 2  # the 2-hour reminder: email and push again
    assert _pushes().count() == 2


def test_a_failing_push_queue_leaves_no_reminder_email_behind(push_service, monkeypatch):
    """The email and the notifications of one reminder are written in one transaction."""
    from mecto import comms

    studio = Studio()
    BookingPolicyFactory(organization=studio.org, reminder_offsets_minutes=[1440])
    user = UserFactory()
    with freeze_time("2026-05-30 09:00"):
        person = ClientFactory(organization=studio.org, user=user, email=user.email)
        booking = booking_services.book_session(
            service=studio.service, coach=studio.coach, client=person, start_at=TUE_10
        )
    _device(user, push_service)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(comms, "queue_push", broken)
    with freeze_time("2026-06-01 09:05"), pytest.raises(RuntimeError), transaction.atomic():
        booking_services.send_due_reminders()
    assert not OutboundMessage.objects.filter(idempotency_key__startswith=f"booking-reminder:{booking.pk}:").exists()


# --- Check-in due --------------------------------------------------------------------------------
def _utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def checkin_client():
    org = OrganizationFactory(time_zone="Europe/London")
    user = UserFactory()
    person = ClientFactory(organization=org, user=user, email=user.email, time_zone="Europe/London")
    form = client_services.create_checkin_form(organization=org, name="Weekly check-in", grace_hours=48)
    client_services.add_checkin_question(form=form, label="How was your week?", kind="scale", required=True)
    with freeze_time("2026-03-20 12:00:00"):
        client_services.save_checkin_schedule(
            client=person, form=form, weekday=6, local_time=datetime.time(18, 0), starts_on=datetime.date(2026, 3, 20)
        )
    return person


def test_a_checkin_due_notifies_the_clients_devices_once(
    checkin_client, push_service, django_capture_on_commit_callbacks
):
    device = _device(checkin_client.user, push_service)
    with django_capture_on_commit_callbacks(execute=True):
        assert client_services.open_due_checkins(now=_utc(2026, 3, 22, 18, 0)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client_services.open_due_checkins(now=_utc(2026, 3, 22, 18, 5)) == 0
    checkin = CheckIn.objects.get(client=checkin_client)
    (row,) = _pushes()
    assert row.idempotency_key == f"checkin-due:{checkin.pk}:push:{device.subscription.public_id}"
    assert row.status == Status.SENT and row.topic == "checkins"
    payload, headers = _payload(device, push_service)
    assert payload["title"] == "Your check-in is due" and "Weekly check-in" in payload["body"]
    assert payload["url"] == settings.SITE_URL + reverse("clients:portal_checkin", args=[checkin.public_id])
    assert payload["tag"] == f"checkin-{checkin.public_id}"
    assert int(headers["TTL"]) == 24 * 3600  # until overdue (48 h), a day at most


def test_a_checkin_submitted_before_the_send_is_not_notified(
    checkin_client, push_service, django_capture_on_commit_callbacks
):
    _device(checkin_client.user, push_service)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_services.open_due_checkins(now=_utc(2026, 3, 22, 18, 0))
    checkin = CheckIn.objects.get(client=checkin_client)
    client_services.submit_checkin(checkin=checkin, answers={"how_was_your_week": 7}, actor=checkin_client.user)
    for callback in callbacks:
        callback()
    assert _pushes().get().status == Status.CANCELLED and len(push_service.calls) == 0
