"""The business's brand on every page a client or a stranger sees: its colours and font as CSS
variables, its favicon, logo, footer and social links; no platform name or sign-up there; and
the portal sections a business switched off are gone for its clients (not for its coaches)."""

import re
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import User
from mecto.branding import FONTS
from tests.factories import MembershipFactory
from tests.shared_data import DEMO_NOW

from .brand_helpers import CSS_VARIABLES, HARBOUR, harbour_brand

pytestmark = pytest.mark.django_db
custom_brand_fixture = pytest.fixture(name="custom_brand")(harbour_brand)

PLATFORM_NAME = re.compile(r"\bMecto\b")
SIGN_UP = "/account/signup/"


def _assert_branded(page: str, where: str = "") -> None:
    for variable in CSS_VARIABLES:
        assert variable in page, (where, variable)
    assert f"--font:{FONTS['serif'][1]}" in page, where
    assert '<link rel="icon" href="/media/brand/harbour-icon.png">' in page, where
    assert "<p>Harbour Lift Ltd<br>12 Quay Street &lt;Bristol&gt;</p>" in page, where
    assert "/static/img/favicon.svg" not in page, where


def _assert_not_the_platform(page: str, where: str = "") -> None:
    assert not PLATFORM_NAME.search(page), (where, PLATFORM_NAME.search(page))
    assert SIGN_UP not in page, where


def _portal_as(client, client_record):
    client.force_login(client_record.user)
    return client


# --- The layout --------------------------------------------------------------------------------------


def test_the_portal_wears_the_business_brand(client, client_record, custom_brand):
    page = _portal_as(client, client_record).get("/portal/").content.decode()
    _assert_branded(page, "/portal/")
    assert '<img src="/media/brand/harbour-logo.png" alt="" class="brand-logo"><span>Harbour Lift</span>' in page
    assert "<title>Home · Harbour Lift</title>" in page
    for label, url in HARBOUR.social_links:
        link = re.search(rf'<a href="{re.escape(url)}"[^>]*>{label}</a>', page)
        assert link, label
        assert 'rel="noopener"' in link.group(0)
        assert f'aria-label="Harbour Lift on {label} (opens in a new tab)"' in link.group(0)
    _assert_not_the_platform(page, "/portal/")


def test_the_stylesheet_takes_its_accent_and_font_from_the_brand_variables():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/app.css")) as file:
        css = file.read()
    assert "font-family: var(--font);" in css
    assert "--focus: 3px solid var(--accent);" in css
    assert ".button.secondary { background: var(--bg); color: var(--text); border-color: var(--accent); }" in css
    assert "--brand: var(--primary);" in css and "--bg: var(--background);" in css


def test_a_stored_value_that_is_not_a_colour_never_reaches_the_style_rule(client, client_record, custom_brand):
    custom_brand.brand = replace(HARBOUR, primary="red;}body{display:none", accent="</style>", font="comic")
    page = _portal_as(client, client_record).get("/portal/").content.decode()
    style = re.search(r"<style[^>]*>(.*?)</style>", page, re.S).group(1)
    assert "--primary:#15803d" in style and "--accent:#1d4ed8" in style  # the defaults instead
    assert "display:none" not in page and f"--font:{FONTS['system'][1]}" in style


def test_a_business_without_a_logo_or_icon_shows_its_name_and_the_default_icon(client, client_record, custom_brand):
    custom_brand.brand = replace(HARBOUR, logo_url="", icon_url="", footer="", social_links=())
    page = _portal_as(client, client_record).get("/portal/").content.decode()
    assert "brand-logo" not in page and "<span>Harbour Lift</span>" in page
    assert "/static/img/favicon.svg" in page and "social-links" not in page and "brand-footer" not in page


def test_a_social_link_that_is_not_a_web_address_is_left_out(client, client_record, custom_brand):
    custom_brand.brand = replace(
        HARBOUR, social_links=(("Evil", "javascript:alert(1)"), ("Site", "https://ok.example"))
    )
    page = _portal_as(client, client_record).get("/portal/").content.decode()
    assert "javascript:" not in page and 'href="https://ok.example"' in page


# --- Every page a client or a stranger sees ----------------------------------------------------------


@freeze_time(DEMO_NOW)
def test_no_portal_page_names_the_platform_or_offers_its_sign_up(client, demo, custom_brand):
    """Follow every link a client of the demo business can reach from their portal."""
    from tests.platform.test_crawl import _crawl

    custom_brand.only = demo
    client.force_login(User.objects.get(email="client@demo.mecto.test"))
    pages: dict[str, str] = {}
    seen, _found_on = _crawl(client, "/portal/", pages)
    assert len(pages) >= 10, seen
    for url, page in pages.items():
        _assert_branded(page, url)
        _assert_not_the_platform(page, url)


@freeze_time(DEMO_NOW)
def test_no_public_booking_page_names_the_platform_or_offers_its_sign_up(client, demo, custom_brand):
    from tests.platform.test_crawl import _crawl

    custom_brand.only = demo
    pages: dict[str, str] = {}
    seen, _found_on = _crawl(client, f"/book/{demo.slug}/", pages)
    assert len(pages) >= 3, seen
    for url, page in pages.items():
        _assert_branded(page, url)
        _assert_not_the_platform(page, url)
        assert "/account/login/" not in page, url


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _public_pages(client, org, client_record) -> dict[str, str]:
    """One URL of each kind of public page a business's client or a stranger opens from a link."""
    from billing import services as billing
    from clients import services as clients
    from clients.services.waivers import waiver_signing_url
    from marketing import unsubscribe
    from marketing.services import optin
    from mecto.comms.models import OutboundMessage
    from mecto.comms.preferences import preference_token
    from tests.factories import ClientFactory

    form = clients.ensure_default_intake_form(organization=org)
    invoice = billing.create_invoice(
        client=client_record,
        lines=[billing.LineInput(description="Coaching", unit_price_minor=6000)],
        issue=True,
        send_email=False,
    )
    _link, pay_url = billing.create_payment_link(client=client_record, invoice=invoice, send=False)
    token = unsubscribe.token_for(organization=org, client=client_record, channel="email", address=client_record.email)
    lead = ClientFactory(organization=org, email="lead@example.com", user=None)
    opt_in = optin.request_opt_in(organization=org, client=lead, email=lead.email, source="public_intake")
    opt_in_url = OutboundMessage.objects.get(idempotency_key=f"optin:{opt_in.pk}:1").context["url"]
    # The thank-you page after an intake form knows the business from the visitor's session.
    session = client.session
    session["intake_thanks_org"] = org.pk
    session.save()
    return {
        "booking page": f"/book/{org.slug}/",
        "intake form": reverse("clients:intake_public", args=[form.public_token]),
        "intake done": reverse("clients:intake_thanks"),
        "payment": _path(pay_url),
        "payment done": _path(pay_url) + "done/",
        "unsubscribe": reverse("marketing:unsubscribe", args=[token.token]),
        "message preferences": reverse(
            "comms:preferences",
            args=[preference_token(organization_id=org.pk, channel="email", address=client_record.email)],
        ),
        "opt-in": _path(opt_in_url),
        "waiver signing": _path(waiver_signing_url(lead)),
    }


def test_every_kind_of_public_page_wears_the_business_brand_alone(client, org, client_record, custom_brand):
    pages = _public_pages(client, org, client_record)
    for kind, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (kind, url, response.status_code)
        page = response.content.decode()
        _assert_branded(page, kind)
        _assert_not_the_platform(page, kind)
        assert "/account/login/" not in page, kind


def test_a_broken_public_link_names_no_business_and_no_platform(client, custom_brand):
    for url in ("/u/not-a-token/", "/optin/not-a-token/"):
        response = client.get(url)
        assert response.status_code == 404
        page = response.content.decode()
        _assert_not_the_platform(page, url)
        assert "Harbour Lift" not in page and 'class="brand"' not in page


def test_the_platform_pages_keep_the_platform_brand_and_sign_up(client, custom_brand):
    page = client.get("/account/login/").content.decode()
    assert "Mecto" in page and SIGN_UP in page and "Harbour Lift" not in page


# --- Sections a business switched off ---------------------------------------------------------------

PORTAL_SECTIONS = {
    "training": "/portal/workouts/",
    "nutrition": "/portal/nutrition/",
    "habits": "/portal/habits/",
    "progress": "/portal/progress/",
    "checkins": "/portal/checkins/",
    "messages": "/portal/messages/",
    "booking": "/portal/bookings/",
    "billing": "/portal/billing/",
}


def _nav_links(page: str) -> set[str]:
    nav = re.search(r'<nav id="site-nav".*?</nav>', page, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize("feature", sorted(PORTAL_SECTIONS))
def test_a_section_switched_off_leaves_the_portal_nav_and_answers_404(client, client_record, custom_brand, feature):
    url = PORTAL_SECTIONS[feature]
    browser = _portal_as(client, client_record)
    assert browser.get(url).status_code == 200
    assert url in _nav_links(browser.get("/portal/").content.decode())

    custom_brand.switch_off(feature)
    assert browser.get(url).status_code == 404
    home = browser.get("/portal/").content.decode()
    assert url not in _nav_links(home) and f'href="{url}' not in home  # no nav item, no home card
    # The other sections stay.
    others = set(PORTAL_SECTIONS.values()) - {url}
    assert others <= _nav_links(home)


def test_the_pages_inside_a_switched_off_section_answer_404_too(client, client_record, custom_brand):
    import uuid

    custom_brand.switch_off("nutrition", "billing", "training")
    browser = _portal_as(client, client_record)
    some_id = uuid.uuid4()
    for url in (
        "/portal/nutrition/search/",
        "/portal/nutrition/plan/",
        f"/portal/nutrition/entries/{some_id}/",
        f"/portal/billing/invoices/{some_id}/pdf/",
        "/portal/billing/card/",
        f"/portal/workouts/{some_id}/log/",
    ):
        assert browser.get(url).status_code == 404, url
    assert browser.post("/portal/nutrition/quick-add/", {"name": "Apple"}).status_code == 404


def test_coaches_keep_every_section_whatever_the_clients_see(client, org, custom_brand):
    custom_brand.switch_off(*PORTAL_SECTIONS)
    owner = MembershipFactory(organization=org, role="owner").user
    client.force_login(owner)
    nav = _nav_links(client.get("/dashboard/").content.decode())
    for name in ("billing:overview", "booking:calendar", "training:programs", "clients:list", "nutrition:foods"):
        assert reverse(name) in nav, name
    assert client.get(reverse("billing:overview")).status_code == 200


# --- One brand per request -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/portal/", "/portal/workouts/", "/portal/billing/", "/account/email/"])
def test_a_portal_page_asks_for_the_brand_once(client, client_record, custom_brand, url):
    browser = _portal_as(client, client_record)
    custom_brand.calls = 0
    assert browser.get(url).status_code == 200
    assert custom_brand.calls == 1


def test_a_public_booking_page_asks_for_the_brand_once(client, org, custom_brand):
    custom_brand.calls = 0
    assert client.get(f"/book/{org.slug}/").status_code == 200
    assert custom_brand.calls == 1


def test_the_brand_adds_no_query_to_a_portal_page(client, client_record, custom_brand):
    """The same page with every section on and with most switched off costs no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = _portal_as(client, client_record)
    browser.get("/portal/")
    with CaptureQueriesContext(connection) as all_on:
        browser.get("/portal/")
    custom_brand.switch_off("nutrition", "billing", "messages")
    with CaptureQueriesContext(connection) as some_off:
        browser.get("/portal/")
    assert len(some_off) <= len(all_on)
