"""Push notifications as a channel of the sending mechanism: one row per device, delivered
by the worker through pywebpush to the push service (faked at the HTTP boundary), with the
service's answer deciding the row and the device's subscription."""

import json
import stat
from datetime import timedelta
from io import StringIO

import pytest
import requests
import responses
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from freezegun import freeze_time

from mecto import comms
from mecto.comms import delivery, push
from mecto.comms.checks import vapid_keys_match
from mecto.comms.models import MessageChannel, OutboundMessage, PushSubscription
from tests.factories import OrganizationFactory, UserFactory

from .push_fakes import FakeBrowser, vapid_claims

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


@pytest.fixture
def org():
    return OrganizationFactory(name="Northside Strength")


@pytest.fixture
def person():
    return UserFactory(email="sam@example.com")


@pytest.fixture
def browser(person, org):
    device = FakeBrowser()
    device.subscription = device.subscribe(person, org)
    return device


@pytest.fixture
def push_service():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as registry:
        yield registry


def _queue(org, person, key="welcome", **extra):
    fields = {"title": "Session tomorrow", "body": "10:00 with Alex", "url": "/portal/", "tag": "t1", **extra}
    return comms.queue_push(organization=org, user_id=person.pk, topic="reminders", key=key, **fields)


def _send(org, person, capture, **extra):
    with capture(execute=True):
        rows = _queue(org, person, **extra)
    for row in rows:
        row.refresh_from_db()
    return rows


def test_a_push_is_encrypted_signed_and_sent_once(
    org, person, browser, push_service, settings, django_capture_on_commit_callbacks
):
    push_service.add(responses.POST, browser.endpoint, status=201, headers={"Location": f"{browser.endpoint}/m/abc"})
    (row,) = _send(org, person, django_capture_on_commit_callbacks, ttl=900, urgency="high")
    assert row.channel == MessageChannel.PUSH and row.to_address == str(browser.subscription.public_id)
    assert row.idempotency_key == f"welcome:push:{browser.subscription.public_id}"
    assert row.status == Status.SENT and row.provider == "webpush" and row.provider_id == "abc"
    (call,) = push_service.calls
    request = call.request
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert request.headers["TTL"] == "900" and request.headers["Urgency"] == "high"
    assert len(request.headers["Topic"]) == 32
    claims = vapid_claims(request, settings.VAPID_PUBLIC_KEY)
    assert claims["aud"] == "https://fcm.googleapis.com" and claims["sub"] == "mailto:push@mecto.test"
    assert claims["exp"] > timezone.now().timestamp()
    payload = browser.decrypt(request.body)
    assert payload == {
        "title": "Session tomorrow",
        "body": "10:00 with Alex",
        "url": f"{settings.SITE_URL}/portal/",
        "tag": "t1",
        "icon": f"{settings.SITE_URL}/static/img/push-icon.png",
        "badge": f"{settings.SITE_URL}/static/img/push-badge.png",
    }
    browser.subscription.refresh_from_db()
    assert browser.subscription.last_used_at is not None and browser.subscription.failure_count == 0
    # The same key again is the same row: nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        (again,) = _queue(org, person)
    assert again.pk == row.pk and again.is_new is False
    assert delivery.deliver(row.pk) is None and len(push_service.calls) == 1


def test_the_icon_is_the_business_brand(
    org, person, browser, push_service, monkeypatch, django_capture_on_commit_callbacks
):
    from mecto import branding

    def brand_of(organization):
        return branding.Brand(name=organization.name, icon_url="https://cdn.example.com/northside-192.png")

    # The brand as the branding app provides it (its registry of the platform).
    monkeypatch.setattr(branding, "_providers", [brand_of])
    push_service.add(responses.POST, browser.endpoint, status=201)
    _send(org, person, django_capture_on_commit_callbacks)
    payload = browser.decrypt(push_service.calls[0].request.body)
    assert payload["icon"] == "https://cdn.example.com/northside-192.png"


def test_one_row_per_device_and_none_without_a_subscription(org, person, django_capture_on_commit_callbacks):
    assert _queue(org, person) == []  # no device turned on: no push at all
    assert not OutboundMessage.objects.filter(channel=MessageChannel.PUSH).exists()
    phone, laptop = FakeBrowser(), FakeBrowser("https://updates.push.services.mozilla.com/wpush/v2/gAAAA")
    phone.subscribe(person)
    laptop.subscribe(person)
    with django_capture_on_commit_callbacks(execute=False):
        rows = _queue(org, person)
    assert len(rows) == 2 and len({r.idempotency_key for r in rows}) == 2
    assert _queue(org, UserFactory()) == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted_and_the_message_failed(
    org, person, browser, push_service, status, django_capture_on_commit_callbacks
):
    push_service.add(responses.POST, browser.endpoint, status=status, body="push subscription has unsubscribed")
    (row,) = _send(org, person, django_capture_on_commit_callbacks)
    assert row.status == Status.FAILED and str(status) in row.status_detail
    assert not PushSubscription.objects.filter(pk=browser.subscription.pk).exists()
    # The next notification for that person queues nothing for the device that left.
    assert _queue(org, person, key="next") == []


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_outages_are_retried_by_the_comms_rules(
    org, person, browser, push_service, status, django_capture_on_commit_callbacks
):
    push_service.add(responses.POST, browser.endpoint, status=status)
    (row,) = _send(org, person, django_capture_on_commit_callbacks)
    assert row.status == Status.QUEUED and row.attempts == 1 and row.send_after > timezone.now()
    assert PushSubscription.objects.filter(pk=browser.subscription.pk).exists()
    push_service.replace(responses.POST, browser.endpoint, status=201)
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        assert delivery.deliver(row.pk) == Status.SENT
    assert len(push_service.calls) == 2


def test_no_connection_is_retried(org, person, browser, push_service, django_capture_on_commit_callbacks):
    push_service.add(responses.POST, browser.endpoint, body=requests.exceptions.ConnectionError("connection refused"))
    (row,) = _send(org, person, django_capture_on_commit_callbacks)
    assert row.status == Status.QUEUED and "Could not reach the push service" in row.status_detail


def test_other_refusals_fail_and_a_device_refused_too_often_is_dropped(
    org, person, browser, push_service, settings, django_capture_on_commit_callbacks
):
    settings.PUSH_MAX_FAILURES = 2
    push_service.add(responses.POST, browser.endpoint, status=403, body="invalid JWT")
    (first,) = _send(org, person, django_capture_on_commit_callbacks, key="a")
    assert first.status == Status.FAILED and "403" in first.status_detail
    browser.subscription.refresh_from_db()
    assert browser.subscription.failure_count == 1
    _send(org, person, django_capture_on_commit_callbacks, key="b")
    assert not PushSubscription.objects.filter(pk=browser.subscription.pk).exists()


def test_a_device_turned_off_before_the_send_is_suppressed(
    org, person, browser, push_service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (row,) = _queue(org, person)
    push.unsubscribe(user=person, endpoint=browser.endpoint)
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.status == Status.SUPPRESSED and "turned off" in row.status_detail
    assert len(push_service.calls) == 0


def test_a_composer_renders_in_the_worker_and_may_cancel(
    org, person, browser, push_service, django_capture_on_commit_callbacks
):
    wanted = {"still": True}

    @comms.register_composer("tests.push_news")
    def compose(message):
        if not wanted["still"]:
            return None
        return comms.Composed(subject="Fresh", text=f"n={message.context['n']}", data={"url": "/x/", "tag": "news"})

    push_service.add(responses.POST, browser.endpoint, status=201)
    with django_capture_on_commit_callbacks(execute=True):
        comms.queue_push(
            organization=org, user_id=person.pk, topic="t", key="c1", composer="tests.push_news", params={"n": 3}
        )
    payload = browser.decrypt(push_service.calls[0].request.body)
    assert payload["title"] == "Fresh" and payload["body"] == "n=3" and payload["tag"] == "news"
    wanted["still"] = False
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = comms.queue_push(
            organization=org, user_id=person.pk, topic="t", key="c2", composer="tests.push_news", params={"n": 4}
        )
    row.refresh_from_db()
    assert row.status == Status.CANCELLED and len(push_service.calls) == 1


def test_the_sweep_sends_an_interrupted_push_again(org, person, browser, push_service, settings):
    """A repeat carries the same tag, so the device replaces it: safe to send again."""
    with freeze_time("2026-06-01 10:00"):
        (row,) = _queue(org, person)
    OutboundMessage.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1), provider_called_at=timezone.now()
    )
    push_service.add(responses.POST, browser.endpoint, status=201)
    counts = delivery.sweep()
    row.refresh_from_db()
    assert counts["requeued"] == 1 and row.status == Status.SENT


def test_bad_arguments_are_refused(org, person, browser):
    with pytest.raises(ValueError):
        comms.queue_push(organization=org, user_id=person.pk, topic="t", key="x")
    with pytest.raises(ValueError):
        _queue(org, person, urgency="urgent")


# --- Keys ------------------------------------------------------------------------------------------
def test_without_keys_push_is_off(org, person, browser, settings, client):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_KEY_FILE = ""
    assert push.is_enabled() is False and _queue(org, person) == []
    client.force_login(person)
    assert client.get("/api/v1/push/vapid-public-key/").json() == {"enabled": False, "public_key": ""}
    response = client.post("/api/v1/push/subscriptions/", FakeBrowser().subscription_json(), "application/json")
    assert response.status_code == 503


def test_the_development_key_pair_is_made_once_into_the_key_file(settings, tmp_path):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_KEY_FILE = str(tmp_path / "var" / "vapid_keys.json")
    out = StringIO()
    call_command("vapid_keys", stdout=out)
    first = push.vapid_keys()
    assert first is not None and first.public_key in out.getvalue()
    assert stat.S_IMODE((tmp_path / "var" / "vapid_keys.json").stat().st_mode) == 0o600
    assert push.vapid_keys() == first  # kept, not made again
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = first.public_key, first.private_key
    assert push.key_problems() == []


def test_a_new_pair_for_production_is_printed_and_matches(settings):
    out = StringIO()
    call_command("vapid_keys", "--new", stdout=out, stderr=StringIO())
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = lines["VAPID_PUBLIC_KEY"], lines["VAPID_PRIVATE_KEY"]
    assert push.key_problems() == [] and vapid_keys_match(None) == []
    settings.VAPID_KEY_FILE = ""
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    with pytest.raises(CommandError):
        call_command("vapid_keys", stdout=StringIO())


def test_a_mismatched_or_half_set_pair_fails_the_system_check(settings):
    other_public, _other_private = push.generate_key_pair()
    settings.VAPID_PUBLIC_KEY = other_public
    assert [e.id for e in vapid_keys_match(None)] == ["mecto.E101"]
    settings.VAPID_PRIVATE_KEY = ""
    assert "both" in vapid_keys_match(None)[0].msg
    settings.VAPID_PRIVATE_KEY = "not-a-key!"
    assert vapid_keys_match(None)


def test_the_payload_stays_small(org, person, browser, push_service, django_capture_on_commit_callbacks):
    push_service.add(responses.POST, browser.endpoint, status=201)
    _send(org, person, django_capture_on_commit_callbacks, title="T" * 500, body="B" * 5000)
    body = push_service.calls[0].request.body
    assert len(body) < 4096
    payload = json.loads(json.dumps(browser.decrypt(body)))
    assert len(payload["title"]) == push.MAX_TITLE and len(payload["body"]) == push.MAX_BODY
