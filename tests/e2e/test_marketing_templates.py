"""In the browser: a coach writes an email template with the block editor from the keyboard,
sees the SMS composer count live, saves and previews it with a client's data."""

import re

import pytest
from playwright.sync_api import expect

from marketing.models import MessageTemplate
from tests.factories import PASSWORD, ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coach_builds_an_email_and_counts_an_sms(page, live_server, screenshot_dir):
    coach = MembershipFactory(role="coach")
    ClientFactory(organization=coach.organization, first_name="Ann")
    page.goto("/account/login/")
    page.get_by_label("Email").fill(coach.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto("/marketing/templates/new/")
    page.get_by_label("Name").fill("Welcome")
    page.get_by_label("Subject").fill("Hi {{ client.first_name }}")
    page.get_by_label("Add a block").select_option("heading")
    page.get_by_role("button", name="Add", exact=True).press("Enter")
    page.get_by_label("Heading text").fill("Welcome {{ client.first_name }}")
    page.get_by_label("Add a block").select_option("button")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("Button label").fill("Book")
    page.get_by_label("Link (https://").fill("{{ business.booking_url }}")
    page.locator('[data-index="1"]').get_by_role("button", name="Move up").click()
    page.screenshot(path=f"{screenshot_dir}/marketing-template-editor.png", full_page=True)
    page.get_by_role("button", name="Save template").click()
    page.wait_for_url(re.compile(r"/marketing/templates/\d+/preview/"))
    template = MessageTemplate.objects.get(organization=coach.organization)
    assert [b["type"] for b in template.blocks] == ["button", "heading"]
    expect(page.get_by_text("Hi Ann")).to_be_visible()
    frame = page.frame_locator("iframe.email-frame")
    expect(frame.get_by_text("Welcome Ann")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/marketing-template-preview.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/marketing/templates/new/?channel=sms")
    page.get_by_label("Text message").fill("a" * 150 + "{{ client.first_name }}")
    expect(page.locator("#sms-counter")).to_contain_text("GSM-7")
    expect(page.locator("#sms-warning")).to_contain_text("2")
    page.get_by_label("Text message").fill("Hi 💪")
    expect(page.locator("#sms-counter")).to_contain_text("UCS-2")
    page.screenshot(path=f"{screenshot_dir}/marketing-sms-composer.png", full_page=True)
