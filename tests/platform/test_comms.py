"""The one sending mechanism: rows in the caller's transaction, delivered once after
commit, consent and suppression checked before every send, the sweep for lost work."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from mecto import comms
from mecto.comms import delivery
from mecto.comms.addresses import normalise_phone
from mecto.comms.models import Category, Channel, Consent, OutboundMessage, Suppression
from mecto.comms.preferences import preference_token, preference_url
from mecto.comms.sms import outbox as sms_outbox
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms_outbox.clear()
    yield
    sms_outbox.clear()


@pytest.fixture
def org():
    return OrganizationFactory(name="Northside Strength")


def _email(org, key="k1", to="sam@example.com", **extra):
    fields = {"subject": "Hello", "text": "Hi Sam", "html": "<p>Hi Sam</p>", "topic": "account", **extra}
    return comms.queue_email(organization=org, to=to, key=key, **fields)


def test_a_message_is_a_row_first_and_is_sent_once_after_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _email(org, to="  Sam@Example.COM ")
        assert message.status == Status.QUEUED and message.to_address == "sam@example.com"
        assert mail.outbox == []  # nothing leaves before the change commits
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == Status.SENT and message.sent_at is not None and message.provider == "locmem"
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["sam@example.com"] and sent.subject == "Hello"
    assert sent.from_email.startswith('"Northside Strength" <')
    assert sent.alternatives[0][0] == "<p>Hi Sam</p>"
    # Delivering the row again (a redelivered task) sends nothing more.
    assert delivery.deliver(message.pk) is None
    assert len(mail.outbox) == 1


def test_the_same_key_gives_the_same_row_and_one_email(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _email(org, key="invoice:1:sent")
        second = _email(org, key="invoice:1:sent", subject="Other")
    assert first.pk == second.pk and first.is_new and not second.is_new
    assert comms.is_queued("invoice:1:sent") and not comms.is_queued("invoice:2:sent")
    assert OutboundMessage.objects.count() == 1 and len(mail.outbox) == 1


def test_a_rolled_back_change_sends_nothing(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _email(org)
        raise RuntimeError("the service failed after queueing")
    assert OutboundMessage.objects.count() == 0 and mail.outbox == []


def test_rows_queued_in_bulk_go_to_the_worker_a_chunk_per_task(org, monkeypatch, django_capture_on_commit_callbacks):
    from mecto import tasks

    chunks, single = [], []
    monkeypatch.setattr(tasks.deliver_messages, "delay", lambda ids: chunks.append(list(ids)))
    monkeypatch.setattr(tasks.deliver_message, "delay", lambda pk: single.append(pk))
    monkeypatch.setattr(tasks.deliver_message, "apply_async", lambda args, eta: single.append(args[0]))
    later = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), comms.bulk_handoff(chunk=3):
        now_rows = [_email(org, key=f"bulk{n}", to=f"p{n}@example.com") for n in range(7)]
        deferred = _email(org, key="bulk-later", to="later@example.com", send_after=later)
        again = _email(org, key="bulk0", to="p0@example.com")  # the same key: no second row
    ids = [m.pk for m in now_rows]
    assert chunks == [ids[0:3], ids[3:6], ids[6:7]]  # one task per chunk, after commit
    assert single == [deferred.pk]  # a row due later keeps its own timed task
    assert again.pk == ids[0] and not again.is_new

    # The worker's chunk task sends each row once; running it again (a redelivered task) sends nothing.
    assert tasks.deliver_messages.run(ids) == 7
    assert tasks.deliver_messages.run(ids) == 0
    assert len(mail.outbox) == 7
    assert set(OutboundMessage.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.SENT}


def test_a_rolled_back_bulk_hands_nothing_to_the_worker(org, monkeypatch, django_capture_on_commit_callbacks):
    from mecto import tasks

    chunks = []
    monkeypatch.setattr(tasks.deliver_messages, "delay", lambda ids: chunks.append(list(ids)))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
        comms.bulk_handoff(),
    ):
        _email(org, key="gone", to="gone@example.com")
        raise RuntimeError("the batch failed")
    assert chunks == [] and not OutboundMessage.objects.filter(idempotency_key="gone").exists()


def test_an_email_needs_content(org):
    with pytest.raises(ValueError):
        comms.queue_email(organization=org, to="a@example.com", key="x", topic="account", subject="Only a subject")


def test_marketing_needs_consent_and_stops_at_unsubscribe(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        no_consent = _email(org, key="m1", topic="campaigns")
    no_consent.refresh_from_db()
    assert no_consent.category == Category.MARKETING
    assert no_consent.status == Status.SUPPRESSED and "consent" in no_consent.status_detail
    comms.record_consent(
        organization=org, channel=Channel.EMAIL, address="Sam@example.com", granted=True, method="intake form"
    )
    with django_capture_on_commit_callbacks(execute=True):
        allowed = _email(org, key="m2", topic="campaigns")
    allowed.refresh_from_db()
    assert allowed.status == Status.SENT
    comms.record_consent(
        organization=org, channel=Channel.EMAIL, address="sam@example.com", granted=False, method="unsubscribe link"
    )
    with django_capture_on_commit_callbacks(execute=True):
        after = _email(org, key="m3", topic="campaigns")
        transactional = _email(org, key="t1", topic="account")
    after.refresh_from_db()
    transactional.refresh_from_db()
    assert after.status == Status.SUPPRESSED
    assert transactional.status == Status.SENT  # transactional mail ignores a marketing opt-out
    assert Suppression.objects.filter(reason=Suppression.Reason.UNSUBSCRIBED, address="sam@example.com").exists()
    assert list(Consent.objects.values_list("granted", flat=True)) == [False, True]  # the proof, newest first


def test_consent_belongs_to_one_business(org, django_capture_on_commit_callbacks):
    other = OrganizationFactory()
    comms.record_consent(organization=org, channel=Channel.EMAIL, address="sam@example.com", granted=True, method="x")
    with django_capture_on_commit_callbacks(execute=True):
        message = _email(other, key="m-other", topic="campaigns")
    message.refresh_from_db()
    assert message.status == Status.SUPPRESSED


def test_a_hard_bounce_stops_even_transactional_mail_for_every_business(org, django_capture_on_commit_callbacks):
    comms.suppress(
        organization=None, channel=Channel.EMAIL, address="SAM@example.com", reason=Suppression.Reason.HARD_BOUNCE
    )
    comms.suppress(  # a repeated bounce changes nothing
        organization=None, channel=Channel.EMAIL, address="sam@example.com", reason=Suppression.Reason.HARD_BOUNCE
    )
    assert Suppression.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        here = _email(org, key="b1")
        elsewhere = _email(OrganizationFactory(), key="b2")
    for message in (here, elsewhere):
        message.refresh_from_db()
        assert message.status == Status.SUPPRESSED and message.status_detail == "Hard bounce"
    assert mail.outbox == []


def test_stop_stops_every_text_and_a_topic_opt_out_only_its_topic(org, django_capture_on_commit_callbacks):
    comms.opt_out_of_topic(organization=org, channel=Channel.SMS, address="07700 900123", topic="reminders")
    with django_capture_on_commit_callbacks(execute=True):
        reminder = comms.queue_sms(organization=org, to="+447700900123", topic="reminders", key="s1", body="Soon")
        other = comms.queue_sms(organization=org, to="07700900123", topic="bookings", key="s2", body="Booked")
    reminder.refresh_from_db()
    other.refresh_from_db()
    assert reminder.status == Status.SUPPRESSED and other.status == Status.SENT
    assert [m.to for m in sms_outbox] == ["+447700900123"]
    assert sms_outbox[0].idempotency_key == "s2"
    comms.suppress(organization=None, channel=Channel.SMS, address="+447700900123", reason=Suppression.Reason.SMS_STOP)
    with django_capture_on_commit_callbacks(execute=True):
        after_stop = comms.queue_sms(organization=org, to="07700 900123", topic="bookings", key="s3", body="Booked")
    after_stop.refresh_from_db()
    assert after_stop.status == Status.SUPPRESSED and after_stop.status_detail == "Replied STOP"
    comms.lift(organization=None, channel=Channel.SMS, address="+447700900123", reasons=[Suppression.Reason.SMS_STOP])
    with django_capture_on_commit_callbacks(execute=True):
        after_start = comms.queue_sms(organization=org, to="07700 900123", topic="bookings", key="s4", body="Booked")
    after_start.refresh_from_db()
    assert after_start.status == Status.SENT


def test_local_phone_numbers_are_read_in_the_business_country():
    assert normalise_phone("07700 900123", time_zone="Europe/London") == "+447700900123"
    assert normalise_phone("(212) 555-0182", time_zone="America/New_York") == "+12125550182"
    assert normalise_phone("+44 7700 900123") == "+447700900123"
    assert normalise_phone("not a number", time_zone="Europe/London") == ""


def test_an_invalid_address_fails_without_a_provider_call(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = comms.queue_sms(organization=org, to="12", topic="bookings", key="bad", body="Hi")
    message.refresh_from_db()
    assert message.status == Status.FAILED and "valid address" in message.status_detail
    assert sms_outbox == []


def test_a_composer_renders_at_send_time_or_cancels(org, django_capture_on_commit_callbacks):
    seen = []

    @comms.register_composer("tests.greeting")
    def compose(message):
        seen.append(message.context["name"])
        if message.context["name"] == "nobody":
            return None
        return comms.Composed(
            subject=f"Hi {message.context['name']}",
            text="Body",
            attachments=[("receipt.pdf", b"%PDF-1.4", "application/pdf")],
        )

    with django_capture_on_commit_callbacks(execute=True):
        sent = comms.queue_email(
            organization=org,
            to="a@example.com",
            key="c1",
            topic="account",
            composer="tests.greeting",
            params={"name": "Sam"},
        )
        cancelled = comms.queue_email(
            organization=org,
            to="b@example.com",
            key="c2",
            topic="account",
            composer="tests.greeting",
            params={"name": "nobody"},
        )
    sent.refresh_from_db()
    cancelled.refresh_from_db()
    assert seen == ["Sam", "nobody"]
    assert sent.status == Status.SENT and sent.subject == "Hi Sam"  # the log keeps what went out
    assert mail.outbox[0].attachments[0][0] == "receipt.pdf"
    assert cancelled.status == Status.CANCELLED and len(mail.outbox) == 1


def test_binary_attachments_are_refused_in_the_log(org):
    with pytest.raises(TypeError):
        _email(org, attachments=[("a.pdf", b"%PDF", "application/pdf")])


class FlakyBackend:
    calls = []
    temporary = True

    def send(self, message):
        FlakyBackend.calls.append(message.idempotency_key)
        raise comms.SendError("rate limited", temporary=FlakyBackend.temporary)


def test_a_temporary_refusal_is_retried_later_and_a_permanent_one_fails(
    org, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "tests.platform.test_comms.FlakyBackend"
    FlakyBackend.calls = []
    FlakyBackend.temporary = True
    with freeze_time("2026-12-01 10:00"):
        with django_capture_on_commit_callbacks(execute=True):
            message = comms.queue_sms(organization=org, to="+447700900123", topic="bookings", key="f1", body="Hi")
        message.refresh_from_db()
        assert message.status == Status.QUEUED and message.attempts == 1
        assert message.send_after == timezone.now() + timedelta(seconds=60)
        assert "rate limited" in message.status_detail
    for minute in range(2, 400, 7):
        with freeze_time("2026-12-01 10:00") as frozen:
            frozen.tick(timedelta(hours=minute))
            delivery.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == delivery.MAX_ATTEMPTS
    assert len(FlakyBackend.calls) == delivery.MAX_ATTEMPTS
    FlakyBackend.temporary = False
    with django_capture_on_commit_callbacks(execute=True):
        permanent = comms.queue_sms(organization=org, to="+447700900123", topic="bookings", key="f2", body="Hi")
    permanent.refresh_from_db()
    assert permanent.status == Status.FAILED and permanent.attempts == 1


def test_the_sweep_sends_what_a_lost_task_left_queued(org, django_capture_on_commit_callbacks):
    with freeze_time("2026-12-01 10:00"):
        with django_capture_on_commit_callbacks(execute=False):
            message = _email(org)  # the task never ran (broker down, worker gone)
        assert delivery.sweep() == {"resent": 0, "requeued": 0, "failed": 0}  # too young to be lost
    with freeze_time("2026-12-01 10:05"):
        assert delivery.sweep()["resent"] == 1
        assert delivery.sweep()["resent"] == 0
    message.refresh_from_db()
    assert message.status == Status.SENT and len(mail.outbox) == 1


def _interrupted(org, key, *, provider_called: bool, channel="email"):
    """A row a dead worker left: claimed 20 minutes ago, maybe handed to the provider."""
    if channel == "email":
        message = _email(org, key=key)
    else:
        message = comms.queue_sms(organization=org, to="+447700900123", topic="bookings", key=key, body="Hi")
    claimed = timezone.now() - timedelta(minutes=20)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING,
        claimed_at=claimed,
        provider_called_at=claimed if provider_called else None,
        attempts=1,
        send_after=claimed,
    )
    return message


def test_the_sweep_resends_a_message_interrupted_before_the_provider_call(org):
    message = _interrupted(org, "i1", provider_called=False)
    counts = delivery.sweep()
    message.refresh_from_db()
    assert counts["requeued"] == 1 and counts["resent"] == 1
    assert message.status == Status.SENT and len(mail.outbox) == 1


def test_the_sweep_never_risks_a_duplicate_through_a_provider_without_idempotency(org):
    message = _interrupted(org, "i2", provider_called=True)  # Django's locmem backend: no idempotency
    assert delivery.sweep()["failed"] == 1
    message.refresh_from_db()
    assert message.status == Status.FAILED and "avoid a duplicate" in message.status_detail
    assert mail.outbox == []


def test_the_sweep_resends_through_an_idempotent_provider_exactly_once(org, settings, tmp_path):
    settings.EMAIL_BACKEND = "mecto.comms.email_backends.FileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "email.log")
    message = _interrupted(org, "i3", provider_called=True)
    # The provider did take it before the worker died:
    with transaction.atomic():
        delivery._send_email(message, "sam@example.com", comms.Composed(subject="Hello", text="Hi Sam"))
    counts = delivery.sweep()
    message.refresh_from_db()
    assert counts == {"resent": 1, "requeued": 1, "failed": 0}
    assert message.status == Status.SENT
    lines = [json.loads(line) for line in (tmp_path / "email.log").read_text().splitlines()]
    assert [row["idempotency_key"] for row in lines] == ["i3"]
    assert message.provider_id == lines[0]["id"]


def test_the_file_backends_write_what_was_sent(org, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "mecto.comms.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    with django_capture_on_commit_callbacks(execute=True):
        message = comms.queue_sms(organization=org, to="+447700900123", topic="bookings", key="file1", body="Hi")
    message.refresh_from_db()
    row = json.loads((tmp_path / "sms.log").read_text())
    assert row["to"] == "+447700900123" and row["body"] == "Hi" and row["sid"] == message.provider_id


# --- The preference page ---------------------------------------------------------------------------
@pytest.fixture
def reminders_topic():
    return comms.register_topic("reminders", "Booking reminders", can_opt_out=True)


def test_one_click_unsubscribe_stops_the_topic_of_the_message(client, org, reminders_topic):
    url = preference_url(organization=org, channel="email", address="sam@example.com", topic="reminders")
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert comms.is_opted_out(organization=org, channel="email", address="sam@example.com", topic="reminders")
    verdict = comms.check(
        organization=org, channel="email", address="sam@example.com", category="transactional", topic="reminders"
    )
    assert not verdict.allowed


def test_the_preference_page_shows_and_saves_choices(client, org, reminders_topic):
    url = preference_url(organization=org, channel="email", address="sam@example.com", topic="reminders")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "s••@example.com" in body and "Northside Strength" in body and "Booking reminders" in body
    response = client.post(url, {"action": "unsubscribe"})
    assert "no more" in response.content.decode()
    assert comms.is_opted_out(organization=org, channel="email", address="sam@example.com", topic="reminders")
    client.post(url, {"action": "save", "topic-reminders": "on", "marketing": "on"})
    assert not comms.is_opted_out(organization=org, channel="email", address="sam@example.com", topic="reminders")
    consent = comms.latest_consent(organization=org, channel="email", address="sam@example.com")
    assert consent.granted and "preference page" in consent.method
    client.post(url, {"action": "save"})
    assert not comms.latest_consent(organization=org, channel="email", address="sam@example.com").granted


def test_a_forged_or_altered_preference_link_is_not_found(client, org):
    token = preference_token(organization_id=org.pk, channel="email", address="sam@example.com")
    assert client.get(reverse("comms:preferences", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("comms:preferences", args=["nonsense"])).status_code == 404
    assert (
        client.post(reverse("comms:preferences", args=["nonsense"]), {"List-Unsubscribe": "One-Click"}).status_code
        == 404
    )
    assert Suppression.objects.count() == 0


def test_the_message_log_is_in_the_back_office(admin_client, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _email(org, key="admin-1", to="findme@example.com")
    failed = _email(org, key="admin-2")
    OutboundMessage.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    page = admin_client.get(reverse("admin:mecto_outboundmessage_changelist"), {"q": "findme", "status__exact": "sent"})
    assert page.status_code == 200 and "findme@example.com" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:mecto_outboundmessage_changelist"),
            {"action": "send_again", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.status == Status.SENT
