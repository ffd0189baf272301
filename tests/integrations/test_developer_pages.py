"""Settings → Developers as an owner uses it: endpoints and tokens created from the page with
their secret shown once, bad input refused with the reason and nothing saved, the endpoint
page's test event, redelivery, rotation, pause and removal; other roles and businesses kept out."""

import pytest
import responses
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from standardwebhooks import Webhook

from integrations.models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mecto.crypto import hash_token
from tests.factories import MembershipFactory, OrganizationFactory
from tests.integrations.factories import WebhookAttemptFactory, WebhookDeliveryFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db
PUBLIC_IP = "93.184.216.34"
INDEX = reverse("integrations:developers")


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    monkeypatch.setattr("integrations.ssrf.resolve", lambda host, port: [PUBLIC_IP])


@pytest.fixture
def owner(client):
    membership = MembershipFactory(organization=OrganizationFactory(), role="owner")
    client.force_login(membership.user)
    return membership


def test_an_untouched_page_explains_what_to_do(client, owner):
    page = client.get(INDEX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "No endpoints yet" in html and "No tokens yet" in html


def test_adding_an_endpoint_shows_its_secret_once(client, owner):
    answer = client.post(
        INDEX, {"action": "endpoint", "url": "https://hooks.example.com/in", "event_types": ["client.created"]}
    )
    assert answer.status_code == 200
    endpoint = WebhookEndpoint.objects.get(organization=owner.organization)
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in answer.content.decode()
    assert endpoint.event_types == ["client.created"]
    assert endpoint.secret not in client.get(INDEX).content.decode()  # never shown again


@pytest.mark.parametrize(
    ("url", "dns", "reason"),
    [
        ("http://hooks.example.com/in", PUBLIC_IP, "https"),
        ("https://hooks.example.com/in", "10.1.2.3", "private"),
        ("https://hooks.example.com/in", "169.254.169.254", "metadata"),
        ("not a url", PUBLIC_IP, ""),
    ],
)
def test_a_refused_endpoint_says_why_and_saves_nothing(client, owner, monkeypatch, settings, url, dns, reason):
    settings.WEBHOOKS_ALLOW_HTTP = False  # as in production
    monkeypatch.setattr("integrations.ssrf.resolve", lambda host, port: [dns])
    answer = client.post(INDEX, {"action": "endpoint", "url": url})
    assert answer.status_code == 400
    assert 'role="alert"' in answer.content.decode() and reason in answer.content.decode().lower()
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_refused(client, owner):
    answer = client.post(
        INDEX, {"action": "endpoint", "url": "https://hooks.example.com/in", "event_types": ["nope.never"]}
    )
    assert answer.status_code == 400 and "nope.never" in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(client, owner):
    answer = client.post(INDEX, {"action": "token", "name": "Zapier", "expires_in_days": "30", "scope_clients": "read"})
    assert answer.status_code == 200
    token = ApiToken.objects.get(organization=owner.organization)
    html = answer.content.decode()
    secret = html[html.index("mecto_pat_") :].split("<")[0].split('"')[0].strip()
    assert token.secret_hash == hash_token(secret) and token.level("clients") == "read"
    assert token.level("billing") == "none"
    assert (token.expires_at - token.created_at).days in (29, 30)
    assert secret not in client.get(INDEX).content.decode()


@pytest.mark.parametrize("days", ["abc", "0", "367", "-5"])
def test_a_token_with_a_bad_expiry_is_refused(client, owner, days):
    answer = client.post(INDEX, {"action": "token", "name": "Zapier", "expires_in_days": days})
    assert answer.status_code == 400 and 'role="alert"' in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_without_a_name_is_refused(client, owner):
    assert client.post(INDEX, {"action": "token", "name": "", "expires_in_days": "30"}).status_code == 400
    assert not ApiToken.objects.exists()


def test_revoking_a_token_from_the_page(client, owner):
    client.post(INDEX, {"action": "token", "name": "Zapier", "expires_in_days": "30", "scope_clients": "read"})
    token = ApiToken.objects.get()
    assert client.post(INDEX, {"action": "revoke", "token": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active


@responses.activate
def test_endpoint_page_sends_a_signed_test_event_and_redelivers(client, owner, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpointFactory(organization=owner.organization, url="https://hooks.example.com/in")
    responses.post(f"https://{PUBLIC_IP}/in", status=204)
    page = reverse("integrations:webhook", args=[endpoint.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page, {"action": "test"}).status_code == 302
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event_type == "webhook.test" and delivery.status == "delivered"
    sent = responses.calls[0].request
    assert Webhook(endpoint.secret).verify(sent.body, dict(sent.headers))["type"] == "webhook.test"
    log = client.get(page).content.decode()
    assert "webhook.test" in log and "204" in log
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page, {"action": "redeliver", "delivery": delivery.pk}).status_code == 302
    assert WebhookAttempt.objects.filter(delivery__endpoint=endpoint).count() == 2


def test_rotate_pause_edit_and_remove_from_the_endpoint_page(client, owner):
    endpoint = WebhookEndpointFactory(organization=owner.organization, url="https://hooks.example.com/in")
    page = reverse("integrations:webhook", args=[endpoint.pk])
    old = endpoint.secret
    rotated = client.post(page, {"action": "rotate"})
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in rotated.content.decode()
    client.post(page, {"action": "disable"})
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    bad = client.post(page, {"action": "edit", "url": "https://hooks.example.com/in", "event_types": ["x.y"]})
    assert bad.status_code == 400
    endpoint.refresh_from_db()
    assert endpoint.event_types == []  # unchanged
    client.post(page, {"action": "delete"})
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_coaches_and_other_businesses_are_kept_out(client):
    endpoint = WebhookEndpointFactory()
    coach = MembershipFactory(organization=endpoint.organization, role="coach")
    client.force_login(coach.user)
    assert client.get(INDEX).status_code == 403
    stranger = MembershipFactory(organization=OrganizationFactory(), role="owner")
    client.force_login(stranger.user)
    assert client.get(reverse("integrations:webhook", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("integrations:webhook", args=[endpoint.pk]), {"action": "delete"}).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_endpoint_log_costs_the_same_at_5_and_25_deliveries(client, owner, django_assert_max_num_queries):
    endpoint = WebhookEndpointFactory(organization=owner.organization, url="https://hooks.example.com/in")
    page = reverse("integrations:webhook", args=[endpoint.pk])
    _deliveries(endpoint, 5)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    _deliveries(endpoint, 20)
    with django_assert_max_num_queries(len(few)):
        assert client.get(page).status_code == 200


def _deliveries(endpoint, n):
    for delivery in WebhookDeliveryFactory.create_batch(n, endpoint=endpoint, organization=endpoint.organization):
        WebhookAttemptFactory.create_batch(2, delivery=delivery, organization=endpoint.organization)
