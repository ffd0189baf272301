"""Email through SendGrid: the Mail Send request each message becomes, what SendGrid's
answers do to the message, and the Signed Event Webhook (real ECDSA signatures)."""

import base64
import json
import os
import subprocess
import sys
import time

import pytest
import requests
import responses
from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection, send_mail
from django.test import Client
from django.urls import reverse

from mecto import comms
from mecto.comms.models import Category, Channel, Consent, OutboundMessage, Suppression
from mecto.comms.sendgrid import record_events
from tests.factories import OrganizationFactory

from . import sendgrid_fakes as fake

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


@pytest.fixture
def org():
    return OrganizationFactory(name="Northside Strength")


@pytest.fixture
def sendgrid(settings, monkeypatch):
    settings.EMAIL_BACKEND = "mecto.comms.sendgrid.EmailBackend"
    settings.SENDGRID_API_KEY = "SG.test-key.not-real"
    settings.SENDGRID_SANDBOX_MODE = False
    with fake.sendgrid_api(monkeypatch) as registry:
        yield registry


@pytest.fixture
def signer(settings):
    signer = fake.Signer()
    settings.SENDGRID_WEBHOOK_PUBLIC_KEY = signer.public_key
    return signer


def _queue(org, key="welcome:1", to="sam@example.com", **extra):
    fields = {"subject": "Welcome", "text": "Hi Sam", "html": "<p>Hi Sam</p>", "topic": "account", **extra}
    return comms.queue_email(organization=org, to=to, key=key, **fields)


def _send(org, capture, **extra) -> OutboundMessage:
    with capture(execute=True):
        message = _queue(org, **extra)
    message.refresh_from_db()
    return message


# --- Sending ---------------------------------------------------------------------------------------
def _email_backend_with(**env) -> str:
    code = "from mecto.settings import base; print(base.EMAIL_BACKEND)"
    environment = {**os.environ, "SENDGRID_API_KEY": "", "EMAIL_BACKEND": "", **env}
    environment = {name: value for name, value in environment.items() if value}
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=django_settings.BASE_DIR, capture_output=True, text=True
    )
    return result.stdout.strip()


def test_an_api_key_selects_the_sendgrid_backend_unless_another_is_named():
    assert _email_backend_with() == "django.core.mail.backends.console.EmailBackend"
    assert _email_backend_with(SENDGRID_API_KEY="SG.x.y") == "mecto.comms.sendgrid.EmailBackend"
    named = _email_backend_with(SENDGRID_API_KEY="SG.x.y", EMAIL_BACKEND="mecto.comms.email_backends.FileBackend")
    assert named == "mecto.comms.email_backends.FileBackend"


def test_a_queued_email_becomes_one_mail_send_request_with_everything_it_carries(
    org, sendgrid, django_capture_on_commit_callbacks
):
    message_id = fake.accepted(sendgrid, "W86EgYT6SQKk0lRflfLRsA")
    message = _send(
        org,
        django_capture_on_commit_callbacks,
        reply_to="coach@northside.example",
        headers={"List-Unsubscribe": "<https://mecto.example/preferences/t/>"},
        attachments=[("session.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")],
    )
    assert message.status == Status.SENT
    assert message.provider == "sendgrid" and message.provider_id == message_id
    (call,) = sendgrid.calls
    assert call.request.url == fake.MAIL_SEND
    assert call.request.headers["Authorization"] == "Bearer SG.test-key.not-real"
    body = fake.request_body(call)
    assert body["from"] == {"email": "no-reply@mecto.localhost", "name": "Northside Strength"}
    assert body["personalizations"] == [{"to": [{"email": "sam@example.com"}]}]
    assert body["subject"] == "Welcome"
    assert body["content"] == [
        {"type": "text/plain", "value": "Hi Sam"},
        {"type": "text/html", "value": "<p>Hi Sam</p>"},
    ]
    assert body["reply_to"] == {"email": "coach@northside.example"}
    assert body["headers"] == {"List-Unsubscribe": "<https://mecto.example/preferences/t/>"}
    assert body["attachments"] == [
        {
            "content": base64.b64encode(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").decode(),
            "type": "text/calendar",
            "filename": "session.ics",
            "disposition": "attachment",
        }
    ]
    assert sorted(body["categories"]) == ["account", "transactional"]
    assert body["custom_args"] == {"message_id": str(message.pk), "idempotency_key": "welcome:1"}
    assert "mail_settings" not in body


def test_djangos_mail_api_works_through_the_backend(sendgrid, settings):
    fake.accepted(sendgrid)
    fake.accepted(sendgrid)
    settings.SENDGRID_SANDBOX_MODE = True
    sent = send_mail(
        "Your receipt",
        "Thanks",
        '"Mecto Billing" <billing@mecto.example>',
        ["Sam Smith <sam@example.com>", "alex@example.com"],
    )
    html_only = EmailMessage(
        "Invite", "<p>Join us</p>", "no-reply@mecto.example", ["a@example.com"], cc=["b@example.com"]
    )
    html_only.content_subtype = "html"
    html_only.bcc = ["A@example.com", "audit@example.com"]  # the same address twice is sent once
    html_only.attach("notes.bin", b"\x00\x01", None)
    assert sent == 1 and get_connection().send_messages([html_only]) == 1
    first, second = (fake.request_body(call) for call in sendgrid.calls)
    assert first["from"] == {"email": "billing@mecto.example", "name": "Mecto Billing"}
    assert first["personalizations"] == [
        {"to": [{"email": "sam@example.com", "name": "Sam Smith"}, {"email": "alex@example.com"}]}
    ]
    assert first["mail_settings"] == {"sandbox_mode": {"enable": True}}
    assert "custom_args" not in first and "categories" not in first  # not a message of the log
    assert second["content"] == [{"type": "text/html", "value": "<p>Join us</p>"}]
    assert second["personalizations"] == [
        {
            "to": [{"email": "a@example.com"}],
            "cc": [{"email": "b@example.com"}],
            "bcc": [{"email": "audit@example.com"}],
        }
    ]
    assert second["attachments"][0]["type"] == "application/octet-stream"
    assert base64.b64decode(second["attachments"][0]["content"]) == b"\x00\x01"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_rate_limit_or_an_outage_queues_the_message_again(org, sendgrid, status, django_capture_on_commit_callbacks):
    fake.refused(sendgrid, status, "Too many requests" if status == 429 else "Internal server error")
    message = _send(org, django_capture_on_commit_callbacks)
    assert message.status == Status.QUEUED and message.attempts == 1
    assert f"({status})" in message.status_detail


def test_no_connection_queues_the_message_again(org, sendgrid, django_capture_on_commit_callbacks):
    sendgrid.add(responses.POST, fake.MAIL_SEND, body=requests.ConnectionError("Name or service not known"))
    message = _send(org, django_capture_on_commit_callbacks)
    assert message.status == Status.QUEUED and "Could not reach SendGrid" in message.status_detail


def test_a_refused_message_fails_with_sendgrids_own_words(org, sendgrid, django_capture_on_commit_callbacks):
    fake.refused(sendgrid, 400, "The from address does not match a verified Sender Identity.", "from")
    message = _send(org, django_capture_on_commit_callbacks)
    assert message.status == Status.FAILED and message.attempts == 1
    assert message.status_detail == (
        "SendGrid refused the message (400): The from address does not match a verified Sender Identity. (from)"
    )


def test_fail_silently_is_honoured(sendgrid):
    fake.refused(sendgrid, 401, "The provided authorization grant is invalid, expired, or revoked")
    assert send_mail("Hi", "Body", "no-reply@mecto.example", ["a@example.com"], fail_silently=True) == 0
    fake.refused(sendgrid, 401, "The provided authorization grant is invalid, expired, or revoked")
    with pytest.raises(comms.SendError, match="authorization grant"):
        send_mail("Hi", "Body", "no-reply@mecto.example", ["a@example.com"])


# --- The Signed Event Webhook --------------------------------------------------------------------------
@pytest.fixture
def sent(org, sendgrid, django_capture_on_commit_callbacks):
    """Three emails SendGrid accepted: to sam, to alex, and a marketing one to sam."""
    comms.record_consent(organization=org, channel=Channel.EMAIL, address="sam@example.com", granted=True, method="x")
    ids = [fake.accepted(sendgrid) for _ in range(3)]
    messages = [
        _send(org, django_capture_on_commit_callbacks, key="k-sam"),
        _send(org, django_capture_on_commit_callbacks, key="k-alex", to="alex@example.com"),
        _send(org, django_capture_on_commit_callbacks, key="k-news", topic="campaigns"),
    ]
    assert [m.provider_id for m in messages] == ids and all(m.status == Status.SENT for m in messages)
    return messages


def _state():
    return (
        list(OutboundMessage.objects.order_by("pk").values_list("status", "status_detail", "delivered_at", "sent_at")),
        list(Suppression.objects.order_by("pk").values_list("organization", "address", "reason", "topic")),
        list(Consent.objects.order_by("pk").values_list("address", "granted", "recorded_at")),
    )


def _batch(sent):
    sam, alex, news = sent
    return [
        fake.event("processed", email="sam@example.com", message=sam, sg_message_id=sam.provider_id),
        fake.delivered(email="sam@example.com", message=sam, sg_message_id=sam.provider_id),
        fake.event(
            "deferred", email="alex@example.com", message=alex, sg_message_id=alex.provider_id, response="421 busy"
        ),
        fake.hard_bounce(email="alex@example.com", message=alex, sg_message_id=alex.provider_id),
        fake.event("spamreport", email="sam@example.com", message=news, sg_message_id=news.provider_id),
        fake.event("open", email="sam@example.com", message=sam, sg_message_id=sam.provider_id, useragent="Mail"),
    ]


def test_a_signed_batch_updates_each_message_and_a_replay_changes_nothing(
    client, org, sent, signer, sendgrid, django_capture_on_commit_callbacks
):
    sam, alex, news = sent
    response = fake.post_events(client, signer, _batch(sent))
    assert response.status_code == 200 and response.json() == {"received": 6}
    for message in sent:
        message.refresh_from_db()
    assert sam.status == Status.DELIVERED and sam.delivered_at is not None and sam.status_detail == "250 OK"
    assert alex.status == Status.BOUNCED and "does not exist" in alex.status_detail
    assert news.status == Status.SENT  # a spam report does not change what happened to the message
    bounce = Suppression.objects.get(reason=Suppression.Reason.HARD_BOUNCE)
    assert bounce.organization is None and bounce.address == "alex@example.com" and bounce.channel == Channel.EMAIL
    spam = Suppression.objects.get(reason=Suppression.Reason.SPAM_REPORT)
    assert spam.organization == org and spam.address == "sam@example.com"

    before = _state()
    assert fake.post_events(client, signer, _batch(sent)).status_code == 200  # SendGrid retried the batch
    assert _state() == before

    # What the next messages meet: the bounced address gets nothing, not even transactional
    # mail (for any business); after a spam report marketing stops but transactional mail goes on.
    fake.accepted(sendgrid)
    after_bounce = _send(org, django_capture_on_commit_callbacks, key="k-alex-2", to="alex@example.com")
    elsewhere = _send(OrganizationFactory(), django_capture_on_commit_callbacks, key="k-alex-3", to="alex@example.com")
    marketing = _send(org, django_capture_on_commit_callbacks, key="k-news-2", topic="campaigns")
    transactional = _send(org, django_capture_on_commit_callbacks, key="k-sam-2")
    assert after_bounce.status == Status.SUPPRESSED and after_bounce.status_detail == "Hard bounce"
    assert elsewhere.status == Status.SUPPRESSED
    assert marketing.status == Status.SUPPRESSED and marketing.status_detail == "Reported as spam"
    assert marketing.category == Category.MARKETING
    assert transactional.status == Status.SENT
    assert len(sendgrid.calls) == 4  # three before, one transactional after


def test_a_status_never_moves_backwards(client, sent, signer):
    sam, alex, _news = sent
    fake.post_events(client, signer, [fake.hard_bounce(email="alex@example.com", message=alex)])
    fake.post_events(
        client,
        signer,
        [
            fake.delivered(email="alex@example.com", message=alex),  # late, out of order
            fake.delivered(email="sam@example.com", message=sam),
        ],
    )
    fake.post_events(client, signer, [fake.event("processed", email="sam@example.com", message=sam)])
    alex.refresh_from_db()
    sam.refresh_from_db()
    assert alex.status == Status.BOUNCED and alex.delivered_at is None
    assert sam.status == Status.DELIVERED


def test_an_event_that_beats_sendgrids_answer_is_not_overwritten(org, sendgrid, django_capture_on_commit_callbacks):
    """SendGrid's delivered event reaches us while our worker still waits for the 202."""

    def accept_after_delivery(request):
        args = json.loads(request.body)["custom_args"]
        early = fake.delivered(email="sam@example.com", message=OutboundMessage.objects.get(pk=args["message_id"]))
        record_events([early])
        return 202, {"X-Message-Id": "EarlyBirdMessageId01"}, b""

    sendgrid.add_callback(responses.POST, fake.MAIL_SEND, callback=accept_after_delivery)
    message = _send(org, django_capture_on_commit_callbacks)
    assert message.status == Status.DELIVERED and message.provider_id == "EarlyBirdMessageId01"


def test_events_find_their_message_by_sendgrids_id_without_our_custom_args(client, sent, signer):
    sam = sent[0]
    fake.post_events(client, signer, [fake.delivered(email="sam@example.com", sg_message_id=sam.provider_id)])
    sam.refresh_from_db()
    assert sam.status == Status.DELIVERED


def test_dropped_fails_the_message_and_a_bounced_address_is_suppressed(client, sent, signer):
    sam, alex, _news = sent
    fake.post_events(
        client,
        signer,
        [
            fake.event("dropped", email="alex@example.com", message=alex, reason="Bounced Address", status="5.0.0"),
            fake.event("dropped", email="sam@example.com", message=sam, reason="Invalid SMTPAPI header"),
        ],
    )
    alex.refresh_from_db()
    sam.refresh_from_db()
    assert alex.status == Status.FAILED and alex.status_detail == "Dropped by SendGrid: Bounced Address"
    assert sam.status == Status.FAILED and "Invalid SMTPAPI header" in sam.status_detail
    assert list(Suppression.objects.values_list("address", "reason")) == [("alex@example.com", "hard_bounce")]


def test_a_blocked_bounce_is_only_a_note(client, sent, signer):
    alex = sent[1]
    blocked = fake.event(
        "bounce", email="alex@example.com", message=alex, type="blocked", status="4.0.0", reason="IP blocked"
    )
    fake.post_events(client, signer, [blocked])
    alex.refresh_from_db()
    assert alex.status == Status.SENT and alex.status_detail.startswith("Blocked by the receiving server")
    assert Suppression.objects.count() == 0


def test_an_unsubscribe_withdraws_marketing_consent_once(client, org, sent, signer):
    news = sent[2]
    batch = [
        fake.event("unsubscribe", email="sam@example.com", message=news),
        fake.event("group_unsubscribe", email="sam@example.com", message=news, asm_group_id=10),
    ]
    fake.post_events(client, signer, batch)
    latest = comms.latest_consent(organization=org, channel=Channel.EMAIL, address="sam@example.com")
    assert not latest.granted and latest.method.startswith("Unsubscribed through SendGrid at ")
    assert Consent.objects.filter(granted=False).count() == 1
    fake.post_events(client, signer, batch)
    assert Consent.objects.filter(granted=False).count() == 1
    verdict = comms.check(
        organization=org, channel=Channel.EMAIL, address="sam@example.com", category="marketing", topic="campaigns"
    )
    assert not verdict.allowed


def test_events_for_messages_we_do_not_know_are_accepted(client, signer):
    events = [
        fake.delivered(email="who@example.com", sg_message_id="UnknownMessageId01"),
        fake.event("spamreport", email="who@example.com", message_id="999999"),
    ]
    response = fake.post_events(client, signer, events)
    assert response.status_code == 200 and Suppression.objects.count() == 0


def test_a_clock_slightly_off_either_way_is_within_the_tolerance(client, sent, signer):
    body = json.dumps([fake.delivered(email="alex@example.com", message=sent[1])]).encode()
    for skew in (-9 * 60, 9 * 60):
        headers = signer.headers(body, timestamp=int(time.time()) + skew)
        assert fake.post_events(client, None, None, body=body, **headers).status_code == 200, skew


def test_a_bad_body_with_a_valid_signature_is_a_400(client, signer):
    assert fake.post_events(client, signer, None, body=b"[{not json").status_code == 400
    assert fake.post_events(client, signer, None, body=b'{"event": "delivered"}').status_code == 400


def _forged_requests(client, signer, sent):
    alex = sent[1]
    events = [fake.hard_bounce(email="alex@example.com", message=alex)]
    body = json.dumps(events).encode()
    other = fake.Signer()  # someone else's key
    yield "forged signature", fake.post_events(client, other, events)
    signed = signer.headers(body)
    tampered = body.replace(b"alex@example.com", b"sam@example.com")
    yield "tampered payload", fake.post_events(client, None, None, body=tampered, **signed)
    yield "no signature", fake.post_events(client, None, events)
    missing_timestamp = {
        "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": signed["HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE"]
    }
    yield "no timestamp", fake.post_events(client, None, None, body=body, **missing_timestamp)
    stale = signer.headers(body, timestamp=int(time.time()) - 11 * 60)  # signed correctly, but long ago
    yield "old timestamp", fake.post_events(client, None, None, body=body, **stale)
    ahead = signer.headers(body, timestamp=int(time.time()) + 60 * 60)  # signed correctly, for later
    yield "future timestamp", fake.post_events(client, None, None, body=body, **ahead)
    yield (
        "garbage signature",
        fake.post_events(
            client, None, None, body=body, **{**signed, "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": "not base64!"}
        ),
    )


def test_unsigned_forged_tampered_or_old_batches_are_refused_and_change_nothing(client, sent, signer):
    before = _state()
    for reason, response in _forged_requests(client, signer, sent):
        assert response.status_code == 403, reason
        assert _state() == before, reason


def test_without_a_configured_key_every_batch_is_refused(client, sent, signer, settings):
    settings.SENDGRID_WEBHOOK_PUBLIC_KEY = ""
    alex = sent[1]
    response = fake.post_events(client, signer, [fake.hard_bounce(email="alex@example.com", message=alex)])
    assert response.status_code == 403 and Suppression.objects.count() == 0


def test_the_webhook_takes_only_posts_and_needs_no_csrf_token(sent, signer):
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("comms:sendgrid_events")).status_code == 405
    assert reverse("comms:sendgrid_events") == "/webhooks/sendgrid/events/"
    sam = sent[0]
    assert fake.post_events(client, signer, [fake.delivered(email="sam@example.com", message=sam)]).status_code == 200
