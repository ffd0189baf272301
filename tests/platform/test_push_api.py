"""Turning notifications on and off for a device: /api/v1/push/ for the app and the pages
(session with CSRF, or the app's session token), never a business's API token; and the
"Notifications on this device" switch on the account page."""

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse
from rest_framework.test import APIClient

from integrations.services_tokens import create_token
from mecto.comms.models import PushSubscription
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

from .push_fakes import FakeBrowser

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/push/subscriptions/"
KEY = "/api/v1/push/vapid-public-key/"
ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def coach(org):
    return MembershipFactory(organization=org, role="coach").user


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_device_is_turned_on_once_and_its_keys_refreshed(coach, org, settings):
    api, device = _api(coach), FakeBrowser()
    assert api.get(KEY).json() == {"enabled": True, "public_key": settings.VAPID_PUBLIC_KEY}
    response = api.post(SUBSCRIPTIONS, device.subscription_json(), format="json", HTTP_USER_AGENT=ANDROID)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["endpoint"] == device.endpoint and body["user_agent"] == "Chrome on Android"
    row = PushSubscription.objects.get()
    assert row.user == coach and row.organization == org and str(row.public_id) == body["id"]
    renewed = FakeBrowser(device.endpoint)  # the browser rotated its keys
    assert api.post(SUBSCRIPTIONS, renewed.subscription_json(), format="json").status_code == 200
    row.refresh_from_db()
    assert PushSubscription.objects.count() == 1 and row.p256dh == renewed.p256dh


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "http://fcm.googleapis.com/fcm/send/abc"},
        {"endpoint": "https://127.0.0.1/push"},
        {"endpoint": "https://push.example.com/v1/abc"},
        {"endpoint": "https://fcm.googleapis.com:8443/fcm/send/abc"},
        {"endpoint": "https://evil.com/?x=fcm.googleapis.com"},
        {"endpoint": "https://fcm.googleapis.com/" + "a" * 1000},
        {"endpoint": ""},
        {"keys": {"p256dh": "not base64!", "auth": "tBHItJI5svbpez7KI4CCXg"}},
        {"keys": {"p256dh": "AAAA", "auth": "tBHItJI5svbpez7KI4CCXg"}},
        {"keys": {"p256dh": None, "auth": "short"}},
        {"keys": "nope"},
    ],
)
def test_bad_subscriptions_are_a_400_with_field_errors(coach, change):
    data = {**FakeBrowser().subscription_json(), **change}
    response = _api(coach).post(SUBSCRIPTIONS, data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] and not PushSubscription.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(coach):
    api = _api(coach)
    assert api.post(SUBSCRIPTIONS, "[1, 2]", content_type="application/json").status_code == 400
    assert api.delete(SUBSCRIPTIONS, "{bad", content_type="application/json").status_code == 400


def test_at_most_n_devices_per_person_the_oldest_goes(coach, settings):
    settings.PUSH_MAX_DEVICES = 2
    api = _api(coach)
    devices = [FakeBrowser() for _ in range(3)]
    for device in devices:
        assert api.post(SUBSCRIPTIONS, device.subscription_json(), format="json").status_code == 201
    assert set(PushSubscription.objects.values_list("endpoint", flat=True)) == {d.endpoint for d in devices[1:]}


def test_turning_off_removes_only_this_device_and_only_ones_own(coach, org):
    other_business_owner = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    mine, theirs = FakeBrowser(), FakeBrowser()
    mine.subscribe(coach, org)
    theirs.subscribe(other_business_owner)
    # Someone else (another business, another person) cannot turn my device off: 404.
    response = _api(other_business_owner).delete(SUBSCRIPTIONS, {"endpoint": mine.endpoint}, format="json")
    assert response.status_code == 404 and PushSubscription.objects.filter(endpoint=mine.endpoint).exists()
    assert _api(coach).delete(SUBSCRIPTIONS, {"endpoint": mine.endpoint}, format="json").status_code == 204
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [theirs.endpoint]
    assert _api(coach).delete(SUBSCRIPTIONS, {"endpoint": mine.endpoint}, format="json").status_code == 404


def test_a_browser_profile_belongs_to_the_last_person_signed_in(coach, org):
    """One shared tablet: the endpoint moves to whoever turned it on last."""
    device = FakeBrowser()
    device.subscribe(UserFactory())
    assert _api(coach).post(SUBSCRIPTIONS, device.subscription_json(), format="json").status_code == 201
    assert PushSubscription.objects.get().user == coach


def test_clients_turn_on_their_own_devices(org):
    user = UserFactory()
    ClientFactory(organization=org, user=user, email=user.email)
    response = _api(user).post(SUBSCRIPTIONS, FakeBrowser().subscription_json(), format="json")
    assert response.status_code == 201 and PushSubscription.objects.get().organization == org


def test_signed_out_and_business_api_tokens_are_refused(coach, org):
    owner = MembershipFactory(organization=org, role="owner").user
    _token, secret = create_token(organization=org, actor=owner, name="Sync", scopes={"clients": "write"})
    anonymous = APIClient()
    assert anonymous.get(KEY).status_code in (401, 403)
    assert anonymous.post(SUBSCRIPTIONS, FakeBrowser().subscription_json(), format="json").status_code in (401, 403)
    with_token = APIClient(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert with_token.get(KEY).status_code == 403
    assert with_token.post(SUBSCRIPTIONS, FakeBrowser().subscription_json(), format="json").status_code == 403
    assert not PushSubscription.objects.exists()


def test_the_page_uses_the_session_with_its_csrf_token(coach):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(coach)
    page = browser.get(reverse("account_email"))
    assert page.status_code == 200
    token = page.context["csrf_token"]
    data = FakeBrowser().subscription_json()
    assert browser.post(SUBSCRIPTIONS, data, content_type="application/json").status_code == 403
    response = browser.post(SUBSCRIPTIONS, data, content_type="application/json", HTTP_X_CSRFTOKEN=str(token))
    assert response.status_code == 201


def test_the_routes_are_documented(coach):
    schema = _api(UserFactory(is_staff=True)).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"post", "delete"} <= set(paths[SUBSCRIPTIONS]) and "get" in paths[KEY]
    assert "requestBody" in paths[SUBSCRIPTIONS]["post"] and "201" in paths[SUBSCRIPTIONS]["post"]["responses"]


# --- The switch on the account page --------------------------------------------------------------
@pytest.mark.parametrize("who", ["coach", "client"])
def test_the_account_page_offers_notifications_on_this_device(org, coach, client, who):
    if who == "client":
        user = UserFactory()
        ClientFactory(organization=org, user=user, email=user.email)
    else:
        user = coach
    client.force_login(user)
    html = client.get(reverse("account_email")).content.decode()
    assert 'role="switch"' in html and "Notifications on this device" in html
    assert '<label for="push-optin-toggle">' in html  # a labelled control
    assert "Add to Home Screen" in html  # the iOS hint, shown by the script on an iPhone outside the app
    assert "js/push-optin.js" in html and 'data-subscriptions-url="/api/v1/push/subscriptions/"' in html
    # Only on the account page, not on every account-management page.
    assert "push-optin-toggle" not in client.get(reverse("account_change_password")).content.decode()


def test_no_switch_when_push_is_off(coach, client, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = settings.VAPID_KEY_FILE = ""
    client.force_login(coach)
    assert "push-optin-toggle" not in client.get(reverse("account_email")).content.decode()
