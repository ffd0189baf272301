"""A newcomer signs up a business, confirms their email, reaches the dashboard, logs in again."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, Organization

pytestmark = pytest.mark.django_db(transaction=True)


def _confirmation_link(live_url: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://\S+/account/confirm-email/\S+/", body)
    assert match, body
    return live_url + match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_sign_up_confirm_and_reach_dashboard(page, live_server, screenshot_dir):
    page.goto("/")
    page.get_by_role("link", name="Sign up your business").click()
    page.get_by_label("Your name").fill("Nora Newcoach")
    page.get_by_label("Email").fill("nora@example.com")
    page.locator("#id_password1").fill("a-long-and-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-and-unusual-passphrase")
    page.get_by_label("Business name").fill("Nora Strength Lab")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Currency").select_option("EUR")
    page.screenshot(path=f"{screenshot_dir}/signup.png", full_page=True)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/account/confirm-email/"))

    org = Organization.objects.get(name="Nora Strength Lab")
    assert org.time_zone == "Europe/Berlin" and org.currency == "EUR"
    assert Membership.objects.get(organization=org).role == "owner"

    page.goto(_confirmation_link(live_server.url))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    expect(page.get_by_role("heading", name=re.compile("Hello, Nora"))).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/dashboard.png", full_page=True)

    # Log out, then log in again with the same credentials.
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/account/login/"))
    page.get_by_label("Email").fill("nora@example.com")
    page.locator("#id_password").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    assert "Nora Strength Lab" in page.content()


def test_sign_up_shows_errors_inline(page):
    page.goto("/account/signup/")
    page.get_by_label("Email").fill("not-an-email")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("different")
    page.get_by_role("button", name="Sign up").click()
    assert page.locator(".field.has-error").count() >= 2
    assert not Organization.objects.exists()
