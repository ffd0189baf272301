"""In the browser: an owner invites a coach and a client, the coach joins, the owner turns
on two-factor authentication and logs in again with a TOTP code."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership
from clients.models import Client
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email, password=PASSWORD):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _link_in_last_email(live_url, pattern):
    match = re.search(pattern, mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return live_url + match.group(1)


def test_owner_invites_a_coach_and_a_client(page, live_server, screenshot_dir):
    owner = MembershipFactory(role="owner")
    _login(page, owner.user.email)
    page.get_by_role("link", name="Team", exact=True).click()  # the setup checklist also links to it
    page.get_by_label("Email").fill("new.coach@example.com")
    page.get_by_label("Role").select_option("coach")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.coach@example.com")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/team.png", full_page=True)
    coach_link = _link_in_last_email(live_server.url, r"https?://[^/\s]+(/invitations/\S+/)")

    # The client: added by hand, then invited to the portal.
    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name=re.compile("Add (your first )?client")).first.click()
    page.get_by_label("First name").fill("Chloe")
    page.get_by_role("textbox", name="Email").fill("chloe@example.com")
    page.get_by_role("button", name="Save client").click()
    page.get_by_role("button", name="Invite to the client portal").click()
    expect(page.get_by_text("Portal invitation sent to chloe@example.com")).to_be_visible()
    client_link = _link_in_last_email(live_server.url, r"https?://[^/\s]+(/invitations/\S+/)")
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Log out").click()

    # The coach accepts, sets a password and lands on the dashboard of the business.
    page.goto(coach_link)
    page.get_by_label("Your name").fill("New Coach")
    page.locator("#id_password1").fill("a-long-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-unusual-passphrase")
    page.screenshot(path=f"{screenshot_dir}/accept-invitation.png", full_page=True)
    page.get_by_role("button", name="Accept invitation").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    assert Membership.objects.get(user__email="new.coach@example.com").role == "coach"
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Log out").click()

    # The client accepts and sees the portal, not the coach pages.
    page.goto(client_link)
    page.get_by_label("Your name").fill("Chloe")
    page.locator("#id_password1").fill("a-long-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Accept invitation").click()
    page.wait_for_url(re.compile(r"/portal/"))
    expect(page.get_by_role("heading", name="Hi Chloe, here is your day")).to_be_visible()
    assert Client.objects.get(email="chloe@example.com").user is not None


def test_owner_enables_mfa_and_logs_in_with_a_totp_code(page, screenshot_dir):
    owner = MembershipFactory(role="owner")
    _login(page, owner.user.email)
    page.locator("details.account-menu summary").click()
    page.get_by_role("link", name="Two-factor").click()
    page.get_by_role("link", name="Activate").first.click()
    # Turning it on asks for the password again.
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.screenshot(path=f"{screenshot_dir}/mfa-activate.png", full_page=True)
    activated_at = int(time.time()) // 30
    page.get_by_label("Authenticator code").fill(format_hotp_value(hotp_value(secret, activated_at)))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/account/2fa/"))
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Log out").click()

    _login(page, owner.user.email)
    page.wait_for_url(re.compile(r"/account/2fa/authenticate/"))
    page.screenshot(path=f"{screenshot_dir}/mfa-authenticate.png", full_page=True)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errorlist, .alert-error").first).to_be_visible()
    # A code is accepted once: the one used to activate is refused until the next 30 s step.
    while int(time.time()) // 30 == activated_at:
        time.sleep(0.5)
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
