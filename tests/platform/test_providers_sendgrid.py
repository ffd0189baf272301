"""Email through SendGrid: the Mail Send request each message becomes, and what SendGrid's
answers do to the message."""

import base64
import os
import subprocess
import sys

import pytest
import requests
import responses
from django.conf import settings as django_settings
from django.core.mail import EmailMessage, get_connection, send_mail

from mecto import comms
from mecto.comms.models import OutboundMessage
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
