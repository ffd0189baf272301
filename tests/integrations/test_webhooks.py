"""Outgoing webhooks: Standard Webhooks signatures, delivery, retries, 410, Retry-After,
auto-disable, redirects, fan-out once per (endpoint, event)."""

from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.core import mail  # noqa: F401
from freezegun import freeze_time
from standardwebhooks import Webhook

from accounts.models import Membership
from integrations import services_webhooks as services
from integrations import webhooks
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mecto.comms.models import OutboundMessage
from mecto.events import dispatch, emit
from tests.factories import MembershipFactory, OrganizationFactory
from tests.integrations.factories import WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db
PUBLIC_IP = "93.184.216.34"
PINNED = f"https://{PUBLIC_IP}/in"

# The Standard Webhooks specification's published test vector.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TS = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    monkeypatch.setattr("integrations.ssrf.resolve", lambda host, port: [PUBLIC_IP])


def test_signature_matches_the_spec_test_vector():
    when = datetime.fromtimestamp(VECTOR_TS, tz=UTC)
    assert webhooks.signature_header([VECTOR_SECRET], VECTOR_ID, when, VECTOR_BODY) == VECTOR_SIG


def test_rotation_signs_with_both_secrets_for_24_hours():
    endpoint = WebhookEndpointFactory()
    old = endpoint.secret
    new = services.rotate_secret(endpoint=endpoint, actor=None)
    endpoint.refresh_from_db()
    assert new.startswith("whsec_") and new != old and endpoint.secret == new
    headers = webhooks.signed_headers(endpoint, "msg_1", "{}")
    sigs = headers["webhook-signature"].split(" ")
    assert len(sigs) == 2 and all(s.startswith("v1,") for s in sigs)
    for secret in (old, new):  # a receiver with either secret verifies the message
        Webhook(secret).verify("{}", headers)
    with freeze_time(datetime.now(UTC) + timedelta(hours=25)):
        later = webhooks.signed_headers(endpoint, "msg_2", "{}")
    assert len(later["webhook-signature"].split(" ")) == 1


def _owner_endpoint(**kwargs):
    org = OrganizationFactory()
    MembershipFactory(organization=org, role="owner")
    return WebhookEndpointFactory(organization=org, url="https://hooks.example.com/in", **kwargs)


@responses.activate
def test_event_is_fanned_out_once_and_delivered_signed(django_capture_on_commit_callbacks):
    endpoint = _owner_endpoint()
    responses.post(PINNED, status=204)
    with django_capture_on_commit_callbacks(execute=True):
        event = emit(endpoint.organization, "client.created", {"client_id": 7})
    with django_capture_on_commit_callbacks(execute=True):
        services.fan_out(event)  # a second run makes no second chain
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, event=event)
    assert delivery.status == "delivered" and delivery.attempts == 1
    sent = responses.calls[0].request
    assert sent.headers["host"] == "hooks.example.com"
    payload = Webhook(endpoint.secret).verify(sent.body, dict(sent.headers))
    assert payload["type"] == "client.created" and payload["data"] == {"client_id": 7}
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.response_status == 204 and "webhook-signature" in attempt.request_headers


def test_an_endpoint_gets_only_its_event_types(django_capture_on_commit_callbacks):
    endpoint = _owner_endpoint(event_types=["booking.created"])
    event = emit(endpoint.organization, "client.created", {})
    assert services.fan_out(event) == 0


@responses.activate
def test_retry_schedule_with_jitter():
    endpoint = _owner_endpoint()
    responses.post(PINNED, status=500)
    delivery = WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    gaps = []
    with freeze_time(start) as clock:
        delivery.next_attempt_at = start
        delivery.save()
        for _ in range(10):
            services.deliver(delivery.pk)
            delivery.refresh_from_db()
            if delivery.next_attempt_at is None:
                break
            gap = (delivery.next_attempt_at - datetime.now(UTC)).total_seconds()
            gaps.append(gap)
            clock.move_to(delivery.next_attempt_at)
    assert len(gaps) == len(webhooks.RETRY_SCHEDULE)
    for gap, base in zip(gaps, webhooks.RETRY_SCHEDULE, strict=True):
        assert base * 0.9 <= gap <= base * 1.1
    assert delivery.status == "failed" and delivery.attempts == 10
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 10


@responses.activate
def test_410_gone_disables_the_endpoint():
    endpoint = _owner_endpoint()
    responses.post(PINNED, status=410)
    delivery = WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint)
    assert services.deliver(delivery.pk) == "failed"
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "410" in endpoint.disabled_reason


@responses.activate
@pytest.mark.parametrize(
    "header,expected",
    [("120", 120), ("999999", 86400), ("Mon, 02 Mar 2026 10:00:00 GMT", 3600)],
)
def test_retry_after_is_honoured(header, expected):
    endpoint = _owner_endpoint()
    responses.post(PINNED, status=429, headers={"Retry-After": header})
    delivery = WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint)
    with freeze_time("2026-03-02 09:00:00"):
        services.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.next_attempt_at - datetime.now(UTC)).total_seconds() == expected


@responses.activate
def test_five_days_of_failures_disable_the_endpoint_and_tell_the_owner():
    endpoint = _owner_endpoint()
    responses.post(PINNED, status=503)
    with freeze_time("2026-03-01 09:00:00"):
        first = WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint)
        services.deliver(first.pk)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.failing_since is not None
    with freeze_time("2026-03-06 09:00:01"):
        later = WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint)
        services.deliver(later.pk)
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "5 days" in endpoint.disabled_reason
    message = OutboundMessage.objects.get(topic="integrations")
    owner = Membership.objects.get(organization=endpoint.organization, role="owner").user
    assert message.to_address == owner.email


@responses.activate
def test_a_success_clears_the_failing_streak():
    endpoint = _owner_endpoint()
    responses.post(PINNED, status=500)
    services.deliver(WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint).pk)
    responses.replace(responses.POST, PINNED, status=200)
    services.deliver(WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint).pk)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


@responses.activate
def test_a_redirect_to_a_private_address_is_recorded_as_a_failure_not_followed():
    endpoint = _owner_endpoint()
    responses.post(PINNED, status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    delivery = WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint)
    services.deliver(delivery.pk)
    assert len(responses.calls) == 1  # nothing fetched from the metadata address
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.response_status == 302 and "not followed" in attempt.error
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.next_attempt_at is not None


@responses.activate
def test_test_event_and_redelivery(django_capture_on_commit_callbacks):
    endpoint = _owner_endpoint()
    other = WebhookEndpointFactory(organization=endpoint.organization)
    responses.post(PINNED, status=200)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.send_test_event(endpoint=endpoint, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch(event.pk)
    delivery = WebhookDelivery.objects.get(event_type="webhook.test")
    assert delivery.endpoint == endpoint and not WebhookDelivery.objects.filter(endpoint=other).exists()
    assert delivery.status == "delivered"
    with django_capture_on_commit_callbacks(execute=True):
        services.redeliver(delivery=delivery, actor=None)
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 2
    ids = {call.request.headers["webhook-id"] for call in responses.calls}
    assert ids == {delivery.message_id}


def test_retry_after_parsing():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert webhooks.parse_retry_after(None) is None
    assert webhooks.parse_retry_after("soon") is None
    assert webhooks.parse_retry_after("Mon, 02 Mar 2026 08:00:00 GMT", now) == 0


def test_disabled_endpoint_is_not_delivered():
    endpoint = _owner_endpoint(enabled=False)
    delivery = WebhookDeliveryFactory(organization=endpoint.organization, endpoint=endpoint)
    assert services.deliver(delivery.pk) == "failed"
    assert not WebhookAttempt.objects.exists()
    assert WebhookEndpoint.objects.count() == 1
