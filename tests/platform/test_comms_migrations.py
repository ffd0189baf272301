"""Upgrading a database that still has the three "sent once" tables and the two opt-out
tables: every row lands in the sending mechanism, nothing that went out goes again, and
the step can be undone."""

import datetime

import pytest
from django.utils import timezone

from tests.migration_helpers import empty_database, migrate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]

BEFORE = [
    ("clients", "0012_intake_submission_review"),
    ("booking", "0007_service_tax_rate"),
    ("billing", "0002_invoices_outlive_deleted_clients"),
]
AFTER = [
    ("clients", "0013_consent_and_message_emails_move_to_comms"),
    ("booking", "0008_reminders_move_to_the_message_log"),
    ("billing", "0003_notices_move_to_the_message_log"),
]


_migrate = migrate


@pytest.fixture
def old_schema():
    with empty_database():
        yield _migrate(BEFORE)


def test_upgrade_moves_sent_once_and_opt_out_rows_to_the_message_log(old_schema):
    apps = old_schema
    Organization = apps.get_model("accounts", "Organization")
    User = apps.get_model("accounts", "User")
    Client = apps.get_model("clients", "Client")
    ConsentRecord = apps.get_model("clients", "ConsentRecord")
    Thread = apps.get_model("clients", "Thread")
    Message = apps.get_model("clients", "Message")
    MessageNotification = apps.get_model("clients", "MessageNotification")
    ServiceType = apps.get_model("booking", "ServiceType")
    Session = apps.get_model("booking", "Session")
    Booking = apps.get_model("booking", "Booking")
    Reminder = apps.get_model("booking", "Reminder")
    ReminderOptOut = apps.get_model("booking", "ReminderOptOut")
    Invoice = apps.get_model("billing", "Invoice")
    Notice = apps.get_model("billing", "Notice")

    org = Organization.objects.create(name="Peak", slug="peak", time_zone="Europe/London")
    coach = User.objects.create(email="coach@example.com", password="!")
    sam = Client.objects.create(
        organization=org, first_name="Sam", email="sam@example.com", phone="07700 900123", coach=coach
    )
    then = timezone.now() - datetime.timedelta(days=3)
    ConsentRecord.objects.create(
        organization=org, client=sam, channel="email", granted=True, method="Paper form", recorded_at=then
    )
    ConsentRecord.objects.create(organization=org, client=sam, channel="sms", granted=False, method="Asked by phone")
    thread = Thread.objects.create(organization=org, client=sam)
    first = Message.objects.create(organization=org, thread=thread, client=sam, body="one", from_client=True)
    second = Message.objects.create(organization=org, thread=thread, client=sam, body="two", from_client=True)
    for message in (first, second):
        MessageNotification.objects.create(organization=org, message=message, recipient=coach)
    service = ServiceType.objects.create(organization=org, name="PT", slug="pt", duration_minutes=60)
    start = timezone.now() + datetime.timedelta(days=1)
    session = Session.objects.create(
        organization=org,
        coach=coach,
        service=service,
        start_at=start,
        end_at=start + datetime.timedelta(hours=1),
        location_type="in_person",
    )
    booking = Booking.objects.create(organization=org, session=session, client=sam)
    Reminder.objects.create(
        organization=org, booking=booking, channel="email", offset_minutes=1440, session_start=start, status="sent"
    )
    ReminderOptOut.objects.create(organization=org, client=sam, channel="sms")
    invoice = Invoice.objects.create(organization=org, client=sam, status="open", currency="GBP")
    Notice.objects.create(
        organization=org,
        key=f"dunning:{invoice.public_id}:1",
        kind="dunning_reminder",
        client=sam,
        invoice=invoice,
        step=1,
    )
    Notice.objects.create(
        organization=org, key=f"past_due:{invoice.public_id}", kind="past_due", client=sam, invoice=invoice, step=7
    )

    apps = _migrate(AFTER)
    Consent = apps.get_model("mecto", "Consent")
    OutboundMessage = apps.get_model("mecto", "OutboundMessage")
    Suppression = apps.get_model("mecto", "Suppression")
    Invoice = apps.get_model("billing", "Invoice")

    consents = {c.channel: c for c in Consent.objects.all()}
    assert consents["email"].address == "sam@example.com" and consents["email"].granted
    assert consents["email"].recorded_at == then and consents["email"].client_id == sam.pk
    assert consents["sms"].address == "+447700900123" and not consents["sms"].granted  # E.164, UK business
    keys = set(OutboundMessage.objects.values_list("idempotency_key", flat=True))
    start_ts = int(start.timestamp())
    assert keys == {
        f"new-message:{coach.pk}:{thread.pk}:{second.pk}",  # the newest message the email covered
        f"booking-reminder:{booking.pk}:email:1440:{start_ts}",  # the key the reminder job uses
        f"dunning:{invoice.public_id}:1",
        f"past_due:{invoice.public_id}",
    }
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    emailed = OutboundMessage.objects.get(topic="messages")
    assert emailed.context["message_ids"] == [first.pk, second.pk] and emailed.to_address == "coach@example.com"
    opt_out = Suppression.objects.get()
    assert (opt_out.address, opt_out.reason, opt_out.topic) == ("+447700900123", "topic_opt_out", "reminders")
    assert Invoice.objects.get(pk=invoice.pk).past_due_at is not None  # the past-due step happened

    apps = _migrate(BEFORE)
    assert apps.get_model("clients", "ConsentRecord").objects.count() == 2
    assert apps.get_model("clients", "MessageNotification").objects.count() == 2
    assert apps.get_model("booking", "Reminder").objects.get().offset_minutes == 1440
    assert apps.get_model("booking", "ReminderOptOut").objects.get().channel == "sms"
    assert set(apps.get_model("billing", "Notice").objects.values_list("kind", flat=True)) == {
        "dunning_reminder",
        "past_due",
    }
