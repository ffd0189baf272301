"""An owner adds a custom domain with the keyboard, reads the error beside the field, then sees
the DNS records to copy; nothing overflows at 390 px."""

import re

import pytest
from playwright.sync_api import expect

from branding.models import CustomDomain
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_adds_a_custom_domain_and_sees_the_records_to_create(page, screenshot_dir):
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    page.goto("/account/login/")
    page.get_by_label("Email").fill(owner.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/settings/domains/")
    expect(page.get_by_text("No custom domains yet")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/domains-empty-390.png", full_page=True)
    field = page.get_by_label("Host name")
    field.focus()
    field.fill("*.example.com")
    page.keyboard.press("Enter")
    expect(page.locator("#hostname_error")).to_contain_text("Wildcards")
    expect(page.get_by_label("Host name")).to_have_attribute("aria-invalid", "true")
    page.screenshot(path=f"{screenshot_dir}/domains-error-390.png", full_page=True)
    page.get_by_label("Host name").fill("Coach.Example.com")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="coach.example.com")).to_be_visible()
    domain = CustomDomain.objects.get(organization=org)
    expect(page.get_by_text(domain.verification_token)).to_be_visible()
    expect(page.get_by_text("_mecto-verify.coach.example.com")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Copy")).first).to_be_visible()
    expect(page.get_by_text("Waiting for DNS")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/domains-added-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{screenshot_dir}/domains-added-1366.png", full_page=True)
    page.get_by_role("link", name=re.compile("^Remove")).click()
    expect(page.get_by_role("heading", name="Remove coach.example.com?")).to_be_visible()
    page.get_by_role("button", name="Remove domain").click()
    expect(page.get_by_text("No custom domains yet")).to_be_visible()
    assert not CustomDomain.objects.exists()
