"""Text messages through Twilio: the Messages API call (faked with `responses`, documented
payloads), signed status callbacks, and inbound STOP / START / HELP, with requests signed
the way Twilio signs them (RequestValidator.compute_signature over URL + parameters)."""

from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.test import Client
from django.urls import reverse
from twilio.request_validator import RequestValidator

from mecto import comms
from mecto.comms.models import Channel, InboundMessage, OutboundMessage, Suppression
from mecto.comms.sms import outbox as sms_outbox
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status

ACCOUNT_SID = "AC" + "a" * 32
AUTH_TOKEN = "twilio-auth-token-for-tests"
SITE_URL = "https://app.mecto.example"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
CLIENT_NUMBER = "+447700900123"
OUR_NUMBER = "+447700900999"


@pytest.fixture(autouse=True)
def twilio_settings(settings):
    settings.SITE_URL = SITE_URL  # the public URL, not the test client's host: what Twilio signs
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = OUR_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    sms_outbox.clear()
    yield
    sms_outbox.clear()


@pytest.fixture
def org():
    org = OrganizationFactory(name="Northside Strength", time_zone="Europe/London")
    owner = UserFactory(email="owner@northside.example")
    MembershipFactory(organization=org, user=owner, role="owner")
    return org


@pytest.fixture
def twilio_api(settings):
    settings.SMS_BACKEND = "mecto.comms.sms.TwilioBackend"
    with responses.RequestsMock() as registry:
        yield registry


def _message_resource(sid: str, to: str, body: str, status: str = "queued") -> dict:
    """A Message resource as the Messages API returns it on create."""
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": body,
        "date_created": "Tue, 01 Dec 2026 10:00:00 +0000",
        "date_sent": None,
        "date_updated": "Tue, 01 Dec 2026 10:00:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": OUR_NUMBER,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "GBP",
        "sid": sid,
        "status": status,
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json"},
        "to": to,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
    }


def _twilio_error(code: int, message: str, status: int) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _sms(org, key="reminder:1", to=CLIENT_NUMBER, topic="reminders", capture=None):
    with capture(execute=True):
        message = comms.queue_sms(organization=org, to=to, topic=topic, key=key, body="See you at 6pm")
    message.refresh_from_db()
    return message


def _signed_post(client, name, params, *, token=AUTH_TOKEN, signature=None):
    path = reverse(name)
    if signature is None:
        signature = RequestValidator(token).compute_signature(SITE_URL + path, params)
    extra = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(path, params, **extra)


def _status_params(sid: str, status: str, error_code: str = "") -> dict:
    params = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "From": OUR_NUMBER,
        "MessageSid": sid,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "To": CLIENT_NUMBER,
    }
    if error_code:
        params["ErrorCode"] = error_code
    return params


def _inbound_params(body: str, sid: str = "SM" + "1" * 32, sender: str = CLIENT_NUMBER) -> dict:
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": sender,
        "FromCountry": "GB",
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": OUR_NUMBER,
        "ToCountry": "GB",
    }


# --- Sending -----------------------------------------------------------------------------------------
def test_a_queued_text_is_one_messages_api_call_with_a_status_callback(
    org, twilio_api, django_capture_on_commit_callbacks
):
    sid = "SM" + "b" * 32
    twilio_api.add(responses.POST, MESSAGES_URL, status=201, json=_message_resource(sid, CLIENT_NUMBER, "See you"))
    message = _sms(org, capture=django_capture_on_commit_callbacks)
    assert message.status == Status.SENT and message.provider == "twilio" and message.provider_id == sid
    sent = parse_qs(twilio_api.calls[0].request.body)
    assert sent == {
        "To": [CLIENT_NUMBER],
        "From": [OUR_NUMBER],
        "Body": ["See you at 6pm"],
        "StatusCallback": [f"{SITE_URL}/webhooks/twilio/status/"],
    }


def test_a_recipient_who_texted_stop_is_refused_and_suppressed(org, twilio_api, django_capture_on_commit_callbacks):
    error = _twilio_error(21610, "Attempt to send to unsubscribed recipient", 400)
    twilio_api.add(responses.POST, MESSAGES_URL, status=400, json=error)
    message = _sms(org, capture=django_capture_on_commit_callbacks)
    assert message.status == Status.FAILED and "unsubscribed recipient" in message.status_detail
    stop = Suppression.objects.get()
    assert stop.reason == Suppression.Reason.SMS_STOP and stop.organization is None and stop.address == CLIENT_NUMBER
    again = _sms(org, key="reminder:2", capture=django_capture_on_commit_callbacks)
    assert again.status == Status.SUPPRESSED and len(twilio_api.calls) == 1


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 429, "json": _twilio_error(20429, "Too Many Requests", 429)},
        {"status": 503, "json": _twilio_error(20503, "Service unavailable", 503)},
        {"body": requests.exceptions.ConnectionError("Connection refused")},
        {"body": requests.exceptions.ConnectTimeout("connect timed out")},
    ],
    ids=["rate-limited", "outage", "no-connection", "connect-timeout"],
)
def test_an_outage_or_no_connection_queues_the_text_again(org, twilio_api, answer, django_capture_on_commit_callbacks):
    twilio_api.add(responses.POST, MESSAGES_URL, **answer)
    message = _sms(org, capture=django_capture_on_commit_callbacks)
    assert message.status == Status.QUEUED and message.attempts == 1
    assert Suppression.objects.count() == 0


def test_no_answer_after_the_request_went_out_is_not_sent_twice(org, twilio_api, django_capture_on_commit_callbacks):
    twilio_api.add(responses.POST, MESSAGES_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    message = _sms(org, capture=django_capture_on_commit_callbacks)
    assert message.status == Status.FAILED and "No answer from Twilio" in message.status_detail


# --- Status callbacks ---------------------------------------------------------------------------------
@pytest.fixture
def sent_text(org, twilio_api, django_capture_on_commit_callbacks):
    sid = "SM" + "c" * 32
    twilio_api.add(responses.POST, MESSAGES_URL, status=201, json=_message_resource(sid, CLIENT_NUMBER, "See you"))
    return _sms(org, capture=django_capture_on_commit_callbacks)


def test_status_callbacks_mark_a_text_delivered_and_never_move_it_back(client, sent_text):
    sid = sent_text.provider_id
    assert _signed_post(client, "comms:twilio_status", _status_params(sid, "sent")).status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.status == Status.SENT
    _signed_post(client, "comms:twilio_status", _status_params(sid, "delivered"))
    sent_text.refresh_from_db()
    assert sent_text.status == Status.DELIVERED and sent_text.delivered_at is not None
    delivered_at = sent_text.delivered_at
    _signed_post(client, "comms:twilio_status", _status_params(sid, "sent"))  # late, out of order
    _signed_post(client, "comms:twilio_status", _status_params(sid, "delivered"))  # repeated
    sent_text.refresh_from_db()
    assert sent_text.status == Status.DELIVERED and sent_text.delivered_at == delivered_at


def test_a_failed_text_records_the_error_and_a_dead_number_is_suppressed(client, org, sent_text):
    response = _signed_post(
        client, "comms:twilio_status", _status_params(sent_text.provider_id, "undelivered", "30005")
    )
    assert response.status_code == 204
    sent_text.refresh_from_db()
    assert sent_text.status == Status.FAILED
    assert (
        sent_text.status_detail
        == "undelivered: Twilio error 30005: unknown destination handset (the number does not exist)"
    )
    dead = Suppression.objects.get()
    assert dead.reason == Suppression.Reason.HARD_BOUNCE and dead.channel == Channel.SMS and dead.organization is None


def test_a_phone_switched_off_fails_the_text_but_not_the_number(client, sent_text):
    _signed_post(client, "comms:twilio_status", _status_params(sent_text.provider_id, "failed", "30003"))
    sent_text.refresh_from_db()
    assert sent_text.status == Status.FAILED and "30003" in sent_text.status_detail
    assert Suppression.objects.count() == 0


def test_a_forged_status_callback_is_refused_and_changes_nothing(client, sent_text, settings):
    params = _status_params(sent_text.provider_id, "failed", "21610")
    assert _signed_post(client, "comms:twilio_status", params, token="someone-elses-token").status_code == 403
    assert _signed_post(client, "comms:twilio_status", params, signature="").status_code == 403
    settings.TWILIO_AUTH_TOKEN = ""
    assert _signed_post(client, "comms:twilio_status", params).status_code == 403
    sent_text.refresh_from_db()
    assert sent_text.status == Status.SENT and Suppression.objects.count() == 0


def test_a_status_for_a_text_we_do_not_know_is_accepted(client):
    response = _signed_post(client, "comms:twilio_status", _status_params("SM" + "f" * 32, "delivered"))
    assert response.status_code == 204


# --- Inbound messages ------------------------------------------------------------------------------------
def test_stop_suppresses_reminders_to_that_number_and_start_restores_them(
    client, org, django_capture_on_commit_callbacks
):
    first = _sms(org, key="reminder:1", capture=django_capture_on_commit_callbacks)
    assert first.status == Status.SENT
    response = _signed_post(client, "comms:twilio_inbound", _inbound_params(" stop ", sid="SM" + "2" * 32))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    assert response.content.decode().endswith("<Response />")
    stop = Suppression.objects.get()
    assert stop.reason == Suppression.Reason.SMS_STOP and stop.organization is None  # one shared sender
    reminder = _sms(org, key="reminder:2", capture=django_capture_on_commit_callbacks)
    assert reminder.status == Status.SUPPRESSED and reminder.status_detail == "Replied STOP"
    assert len(sms_outbox) == 1

    # "Yes" inside a sentence is not a START: it must be the whole message.
    _signed_post(client, "comms:twilio_inbound", _inbound_params("Yes see you Tuesday", sid="SM" + "3" * 32))
    assert Suppression.objects.count() == 1
    _signed_post(client, "comms:twilio_inbound", _inbound_params("START", sid="SM" + "4" * 32))
    assert Suppression.objects.count() == 0
    after = _sms(org, key="reminder:3", capture=django_capture_on_commit_callbacks)
    assert after.status == Status.SENT and len(sms_outbox) == 2
    actions = list(InboundMessage.objects.order_by("received_at", "id").values_list("action", flat=True))
    assert actions == ["stopped", "none", "resumed"]
    assert InboundMessage.objects.filter(organization=org).count() == 3


def test_help_answers_with_the_business_and_how_to_reach_it(client, org, django_capture_on_commit_callbacks):
    _sms(org, capture=django_capture_on_commit_callbacks)
    response = _signed_post(client, "comms:twilio_inbound", _inbound_params("help"))
    body = response.content.decode()
    assert "<Response><Message>Northside Strength:" in body and "owner@northside.example" in body
    assert "Reply STOP to stop texts" in body
    assert InboundMessage.objects.get().action == InboundMessage.Action.HELPED
    stranger = _signed_post(
        client, "comms:twilio_inbound", _inbound_params("INFO", sid="SM" + "5" * 32, sender="+447700900555")
    )
    assert "<Message>Mecto:" in stranger.content.decode()


def test_twilios_advanced_opt_out_keyword_is_respected(client):
    params = {**_inbound_params("ARRET"), "OptOutType": "STOP"}
    _signed_post(client, "comms:twilio_inbound", params)
    assert Suppression.objects.get().reason == Suppression.Reason.SMS_STOP


def test_a_replayed_inbound_message_is_recorded_once(client):
    params = _inbound_params("STOP")
    for _ in range(2):
        assert _signed_post(client, "comms:twilio_inbound", params).status_code == 200
    assert InboundMessage.objects.count() == 1 and Suppression.objects.count() == 1
    lifted = _inbound_params("START", sid="SM" + "6" * 32)
    _signed_post(client, "comms:twilio_inbound", lifted)
    _signed_post(client, "comms:twilio_inbound", params)  # the old STOP once more: already done
    assert Suppression.objects.count() == 0 and InboundMessage.objects.count() == 2


def test_a_forged_or_unsigned_inbound_message_is_refused_and_changes_nothing(client, settings):
    params = _inbound_params("STOP")
    assert _signed_post(client, "comms:twilio_inbound", params, token="someone-elses-token").status_code == 403
    assert _signed_post(client, "comms:twilio_inbound", params, signature="").status_code == 403
    tampered = {**params, "From": "+447700900777"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(SITE_URL + reverse("comms:twilio_inbound"), params)
    assert _signed_post(client, "comms:twilio_inbound", tampered, signature=signature).status_code == 403
    settings.TWILIO_AUTH_TOKEN = ""
    assert _signed_post(client, "comms:twilio_inbound", params).status_code == 403
    assert Suppression.objects.count() == 0 and InboundMessage.objects.count() == 0


def test_a_signature_for_another_url_is_refused(client):
    """Signed for the host the request reached inside the network, not the public SITE_URL."""
    params = _inbound_params("STOP")
    signature = RequestValidator(AUTH_TOKEN).compute_signature("http://testserver/webhooks/twilio/inbound/", params)
    assert _signed_post(client, "comms:twilio_inbound", params, signature=signature).status_code == 403


def test_the_inbound_log_is_in_the_back_office(admin_client, client):
    _signed_post(client, "comms:twilio_inbound", _inbound_params("STOP please"))
    page = admin_client.get(
        reverse("admin:mecto_inboundmessage_changelist"), {"q": "+447700900123", "action__exact": "stopped"}
    )
    assert page.status_code == 200 and "STOP please" in page.content.decode()


def test_the_webhooks_take_only_signed_posts_without_a_csrf_token(sent_text):
    client = Client(enforce_csrf_checks=True)
    assert client.get(reverse("comms:twilio_inbound")).status_code == 405
    assert client.get(reverse("comms:twilio_status")).status_code == 405
    assert _signed_post(client, "comms:twilio_inbound", _inbound_params("hello")).status_code == 200
    status = _signed_post(client, "comms:twilio_status", _status_params(sent_text.provider_id, "delivered"))
    assert status.status_code == 204
