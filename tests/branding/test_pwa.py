"""The installable client app: the manifest a business's client installs, its icons, the service
worker's script and the offline page; each business sees only its own app."""

import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import resolve, reverse
from PIL import Image

from branding import pwa
from branding.models import BrandSettings
from mecto import branding as platform_branding
from mecto.branding import Brand
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brands(monkeypatch):
    """Brands by organisation id, answered through the platform's provider registry."""
    saved: dict[int, Brand] = {}
    monkeypatch.setattr(platform_branding, "_providers", [lambda org: saved.get(getattr(org, "pk", None))])
    return saved


def _png(colour, size=(300, 300)) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return ContentFile(out.getvalue(), name="mark.png")


def _client_of(org):
    user = UserFactory()
    ClientFactory(organization=org, user=user, email=user.email)
    return user


def _manifest(client) -> dict:
    response = client.get(reverse("pwa:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def _decoded(client, src) -> Image.Image:
    response = client.get(src)
    assert response.status_code == 200, src
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def test_a_clients_manifest_is_their_business_app(client, brands):
    org = OrganizationFactory(name="Northside Strength and Conditioning")
    brands[org.pk] = Brand(name=org.name, primary="#7c2d12", background="#fffbeb")
    client.force_login(_client_of(org))

    manifest = _manifest(client)

    for member in ("id", "name", "short_name", "start_url", "scope", "display", "icons"):
        assert manifest[member]
    assert manifest["name"] == "Northside Strength and Conditioning"
    assert len(manifest["short_name"]) <= 12 and manifest["short_name"] == "Northside"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#7c2d12" and manifest["background_color"] == "#fffbeb"
    assert manifest["start_url"].startswith(manifest["scope"])
    assert resolve(manifest["start_url"].split("?")[0]).view_name == "portal:home"
    assert org.slug in manifest["id"]
    kinds = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert kinds == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = _decoded(client, icon["src"])
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]


def test_icons_are_drawn_from_the_brand_and_differ_between_businesses(client, brands):
    plain, marked = OrganizationFactory(name="Plain Gym"), OrganizationFactory(name="Marked Gym")
    brands[plain.pk] = Brand(name=plain.name, primary="#1e3a8a")
    brands[marked.pk] = Brand(name=marked.name, primary="#7c2d12", icon_url="/media/brand/x/icon.png")
    BrandSettings.objects.create(organization=marked, icon=_png("#facc15"))

    def maskable_512(org):
        client.force_login(_client_of(org))
        src = next(
            i["src"] for i in _manifest(client)["icons"] if i["purpose"] == "maskable" and i["sizes"] == "512x512"
        )
        return src, _decoded(client, src).convert("RGB")

    plain_src, plain_icon = maskable_512(plain)
    marked_src, marked_icon = maskable_512(marked)
    assert plain_src != marked_src
    # No icon saved: initials on the primary colour, which fills the maskable icon to its edges.
    assert plain_icon.getpixel((5, 5)) == (0x1E, 0x3A, 0x8A)
    assert any(plain_icon.getpixel((x, 256)) == (255, 255, 255) for x in range(100, 412))  # the letters
    # The saved icon sits inside the safe zone (a circle of 40% radius) on the primary colour.
    assert marked_icon.getpixel((5, 5)) == (0x7C, 0x2D, 0x12)
    assert marked_icon.getpixel((256, 256)) == (0xFA, 0xCC, 0x15)
    yellow = [
        (x, y) for x in range(0, 512, 4) for y in range(0, 512, 4) if marked_icon.getpixel((x, y)) == (0xFA, 0xCC, 0x15)
    ]
    assert max(((x - 256) ** 2 + (y - 256) ** 2) ** 0.5 for x, y in yellow) <= 0.4 * 512 + 2
    # The `any` icon uses the icon itself, edge to edge.
    any_src = marked_src.replace("maskable-512", "any-512")
    assert _decoded(client, any_src).convert("RGB").getpixel((5, 5)) == (0xFA, 0xCC, 0x15)


def test_a_wide_logo_stands_in_for_a_missing_icon(client, brands):
    org = OrganizationFactory(name="Logo Only")
    brands[org.pk] = Brand(name=org.name, primary="#14532d", background="#ffffff", logo_url="/media/brand/x/logo.png")
    BrandSettings.objects.create(organization=org, logo=_png("#dc2626", size=(400, 100)))
    client.force_login(_client_of(org))
    src = next(i["src"] for i in _manifest(client)["icons"] if i["purpose"] == "any" and i["sizes"] == "192x192")
    icon = _decoded(client, src).convert("RGB")
    assert icon.getpixel((96, 96)) == (0xDC, 0x26, 0x26)
    assert icon.getpixel((96, 5)) == (255, 255, 255)  # the page colour above and below the logo


def test_a_brand_change_gives_the_icons_a_new_address_and_the_old_one_is_gone(client, brands):
    org = OrganizationFactory()
    brands[org.pk] = Brand(name=org.name, primary="#1e3a8a")
    client.force_login(_client_of(org))
    before = _manifest(client)["icons"][0]["src"]
    response = client.get(before)
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]

    brands[org.pk] = Brand(name=org.name, primary="#7c2d12")
    after = _manifest(client)["icons"][0]["src"]
    assert after != before
    assert client.get(before).status_code == 404
    assert client.get(after).status_code == 200


def test_nobody_gets_another_business_app(client, brands):
    """The manifest follows the signed-in person; another business's icons are public like its
    logo, but only under the version its current manifest names, which only its people see."""
    ours, theirs = OrganizationFactory(name="Ours"), OrganizationFactory(name="Theirs")
    brands[ours.pk] = Brand(name="Ours", primary="#1e3a8a")
    brands[theirs.pk] = Brand(name="Theirs", primary="#7c2d12")
    client.force_login(_client_of(ours))
    manifest = _manifest(client)
    assert manifest["name"] == "Ours" and "Theirs" not in json.dumps(manifest)
    our_icon = manifest["icons"][0]["src"]
    # Their slug with our version: nothing.
    assert client.get(our_icon.replace(f"/{ours.slug}/", f"/{theirs.slug}/")).status_code == 404
    # A guessed version, a size or purpose not offered: nothing.
    assert client.get(re.sub(r"/[0-9a-f]{16}/", "/0123456789abcdef/", our_icon)).status_code == 404
    assert client.get(our_icon.replace("-192.png", "-64.png")).status_code == 404
    assert client.get(our_icon.replace("any-", "monochrome-")).status_code == 404

    # Signed out, the platform's own app.
    client.logout()
    anonymous = _manifest(client)
    assert anonymous["name"] == "Mecto" and anonymous["id"] == reverse("portal:home")
    assert _decoded(client, anonymous["icons"][0]["src"]).size == (192, 192)


def test_a_coach_gets_their_business_app_too(client, brands):
    membership = MembershipFactory(role="coach")
    brands[membership.organization.pk] = Brand(name="Coach Co", primary="#1e3a8a")
    client.force_login(membership.user)
    assert _manifest(client)["name"] == "Coach Co"


def test_manifest_is_never_shared_by_a_cache(client):
    response = client.get(reverse("pwa:manifest"))
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Mecto", "Mecto"),
        ("Twelve chars", "Twelve chars"),
        ("Northside Strength and Conditioning", "Northside"),
        ("Coach Anna Fit", "Coach Anna"),
        ("Supercalifragilistic Fitness", "SF"),
        ("Supercalifragilistic", "Supercalifra"),
        ("  Spaced   out  ", "Spaced out"),
    ],
)
def test_short_name_fits_under_an_icon(name, short):
    assert pwa.short_name(name) == short
    assert len(pwa.short_name(name)) <= 12


def test_service_worker_is_served_from_the_root_with_its_headers(client):
    response = client.get(reverse("pwa:service_worker"))
    assert reverse("pwa:service_worker") == "/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(re.search(r"^const CONFIG = (.*);$", body, re.M).group(1))
    assert reverse("pwa:offline") in config["shell"]
    for name in ("css/app.css", "js/app.js", "js/pwa.js", "vendor/htmx/htmx.min.js"):
        assert any(url.endswith(name) for url in config["shell"])
    assert any(url.endswith("any-192.png") for url in config["shell"])
    assert f"mecto-shell-{config['version']}" not in body  # built in the script from the version
    assert "caches.delete" in body and 'addEventListener("push"' not in body


def test_service_worker_imports_the_push_handlers_only_when_they_exist(client, monkeypatch):
    pwa.push_script_exists.cache_clear()
    monkeypatch.setattr(pwa.finders, "find", lambda name: "/somewhere" if name == pwa.PUSH_SCRIPT else None)
    config = pwa.service_worker_config(client.get("/").wsgi_request)
    assert config["pushScript"].endswith("js/sw-push.js")
    pwa.push_script_exists.cache_clear()
    monkeypatch.setattr(pwa.finders, "find", lambda name: None)
    assert pwa.service_worker_config(client.get("/").wsgi_request)["pushScript"] == ""
    pwa.push_script_exists.cache_clear()


def test_service_worker_version_follows_the_brand(client, brands):
    org = OrganizationFactory()
    brands[org.pk] = Brand(name=org.name, primary="#1e3a8a")
    client.force_login(_client_of(org))

    def version():
        body = client.get(reverse("pwa:service_worker")).content.decode()
        return json.loads(re.search(r"^const CONFIG = (.*);$", body, re.M).group(1))["version"]

    before = version()
    assert version() == before
    brands[org.pk] = Brand(name=org.name, primary="#7c2d12")
    assert version() != before


def test_every_post_kept_offline_is_an_idempotent_log_route():
    """The service worker keeps only posts that are safe to send twice: each pattern matches its
    real route, whose form or serializer takes the idempotency key the rule names."""
    samples = {
        "training:portal_log": reverse("training:portal_log", args=["0b7e6d3c-1f2a-4b5c-8d9e-0a1b2c3d4e5f"]),
        "nutrition:portal_add_food": reverse("nutrition:portal_add_food", args=[12]),
        "nutrition:portal_quick_add": reverse("nutrition:portal_quick_add"),
        "api:my-workout-log-list": "/api/v1/me/workout-logs/",
        "api:my-food-log-list": "/api/v1/me/food-log/",
        "training:portal_session_action": reverse(
            "training:portal_session_action", args=["0b7e6d3c-1f2a-4b5c-8d9e-0a1b2c3d4e5f", "set"]
        ),
        "api:my-workout-session-sets": "/api/v1/me/workout-sessions/0b7e6d3c-1f2a-4b5c-8d9e-0a1b2c3d4e5f/sets/",
    }
    from nutrition.views.portal import AddFoodForm, QuickAddForm
    from training.api.serializers import SessionSetWriteSerializer
    from training.forms import PortalLogForm

    key_of_form = {
        "training:portal_log": PortalLogForm.base_fields,
        "nutrition:portal_add_food": AddFoodForm.base_fields,
        "nutrition:portal_quick_add": QuickAddForm.base_fields,
        # The screen's forms carry it (tests/training/test_sessions.py reads them off the page).
        "training:portal_session_action": {"entry_key"},
        "api:my-workout-session-sets": SessionSetWriteSerializer().fields,
    }
    for rule in pwa.OFFLINE_POSTS:
        path = samples[rule.url_name]
        assert re.match(rule.pattern, path), rule
        match = resolve(path)
        if rule.url_name in key_of_form:
            assert f"{match.namespace}:{match.url_name}" == rule.url_name or rule.url_name.startswith("api:")
            assert rule.key in key_of_form[rule.url_name]
        else:
            serializer = match.func.cls.serializer_class
            assert rule.key in serializer().fields, rule


def test_session_gives_a_fresh_token_and_an_opaque_key_of_the_person(client):
    user = _client_of(OrganizationFactory())
    anonymous = client.get(reverse("pwa:session")).json()
    assert anonymous["user"] == "" and anonymous["csrfToken"]
    client.force_login(user)
    response = client.get(reverse("pwa:session"))
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    key = response.json()["user"]
    assert len(key) == 32 and str(user.pk) != key
    other = UserFactory()
    assert pwa.user_key(other) != key


def test_a_token_from_the_session_lets_a_kept_post_through(client):
    """The service worker posts with the token it just fetched, not the page's old one."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    user = _client_of(OrganizationFactory())
    browser.force_login(user)
    token = browser.get(reverse("pwa:session")).json()["csrfToken"]
    refused = browser.post(reverse("nutrition:portal_quick_add"), {"csrfmiddlewaretoken": "stale" * 8})
    assert refused.status_code == 403
    accepted = browser.post(reverse("nutrition:portal_quick_add"), {"csrfmiddlewaretoken": token})
    assert accepted.status_code == 400  # through CSRF, to the form's own checks


def test_offline_page_is_branded_and_translated(client, brands):
    org = OrganizationFactory(name="Riverside PT")
    brands[org.pk] = Brand(name="Riverside PT", primary="#7c2d12")
    client.force_login(_client_of(org))
    page = client.get(reverse("pwa:offline")).content.decode()
    assert "Riverside PT" in page and "#7c2d12" in page
    assert "You're offline" in page
    assert "data-app-offline-queued" in page


def test_every_page_links_the_manifest_and_offers_the_app_to_clients_only(client, brands):
    org = OrganizationFactory()
    brands[org.pk] = Brand(name=org.name, primary="#1e3a8a")
    client.force_login(_client_of(org))
    page = client.get(reverse("portal:home")).content.decode()
    assert f'<link rel="manifest" href="{reverse("pwa:manifest")}" crossorigin="use-credentials">' in page
    assert '<meta name="theme-color" content="#1e3a8a">' in page
    assert 'id="app-install"' in page and "js/pwa.js" in page
    assert f'data-service-worker="{reverse("pwa:service_worker")}"' in page

    # The team's pages are plain pages: no install prompt, and no worker registered by them
    # (it would answer every navigation of a coach's working day).
    coach = MembershipFactory(organization=org, role="coach").user
    client.force_login(coach)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'rel="manifest"' in page and 'id="app-install"' not in page
    assert "data-service-worker" not in page


def test_csp_allows_our_own_worker_and_manifest_only(client):
    policy = client.get(reverse("pwa:offline"))["Content-Security-Policy"]
    assert "worker-src 'self'" in policy and "manifest-src 'self'" in policy
