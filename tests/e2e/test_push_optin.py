"""In the browser: the "Notifications on this device" switch on the Account page, at phone
width; on an iPhone outside the home-screen app it explains how to add the app first."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ClientFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _client_user():
    user = UserFactory()
    ClientFactory(organization=OrganizationFactory(name="Northside Strength"), user=user, email=user.email)
    return user


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)


def test_the_switch_is_offered_on_a_phone(page, screenshot_dir):
    page.set_viewport_size({"width": 390, "height": 900})
    _login(page, _client_user().email)
    page.goto("/account/email/")
    switch = page.get_by_role("switch", name="Notifications on this device")
    expect(switch).to_be_enabled()  # Chromium can show notifications
    expect(switch).not_to_be_checked()
    expect(page.get_by_text("Notifications are off for this device.")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width})"
    switch.focus()
    assert page.evaluate("document.activeElement.id") == "push-optin-toggle"  # reachable by keyboard
    page.locator("[data-push-optin]").screenshot(path=f"{screenshot_dir}/push-optin-390.png")


def test_an_iphone_outside_the_home_screen_app_is_told_to_add_it(browser, live_server, settings, screenshot_dir):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        user_agent=IPHONE_SAFARI,
        service_workers="allow",
    )
    page = context.new_page()
    try:
        _login(page, _client_user().email)
        page.goto("/account/email/")
        expect(page.locator("#push-optin-status")).to_contain_text("Add to Home Screen")
        expect(page.get_by_role("switch", name="Notifications on this device")).to_be_disabled()
        page.screenshot(path=f"{screenshot_dir}/push-optin-iphone.png", full_page=True)
    finally:
        context.close()
