"""In the browser at phone width: a coach builds an automation with a condition and two steps
without writing JSON (the value input follows the field, a step shows only its own settings),
saves it and sees it listed."""

import re

import pytest
from playwright.sync_api import expect

from automation.models import Automation
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coach_builds_an_automation_on_a_phone(page, live_server, screenshot_dir):
    coach = MembershipFactory(role="coach")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/login/")
    page.get_by_label("Email").fill(coach.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto("/automations/new/")
    page.locator("#id_name").fill("Tag new leads")
    page.locator("#id_trigger").select_option("client.created")

    page.locator('[name="cond-0-field"]').select_option("client.status")
    value = page.locator('[name="cond-0-value"]')
    expect(value).to_have_js_property("tagName", "SELECT")  # a status is picked, not typed
    value.select_option("lead")

    step = page.locator("[data-step]").first
    expect(step.locator('[name="steps-0-tag"]')).to_be_hidden()
    step.locator('[name="steps-0-kind"]').select_option("add_tag")
    expect(step.locator('[name="steps-0-email_template"]')).to_be_hidden()
    step.locator('[name="steps-0-tag"]').fill("new lead")

    page.get_by_role("button", name="Add a step").press("Enter")
    second = page.locator("[data-step]").nth(1)
    expect(second.locator('[name="steps-1-kind"]')).to_be_focused()
    second.locator('[name="steps-1-kind"]').select_option("wait")
    second.locator('[name="steps-1-wait_amount"]').fill("2")
    second.locator('[name="steps-1-wait_unit"]').select_option("days")
    second.get_by_role("button", name="Move up").click()
    page.locator("[data-step]").nth(1).get_by_role("button", name="Move up").click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the builder scrolls sideways at 390 px ({width})"
    page.screenshot(path=f"{screenshot_dir}/automation-builder-phone.png", full_page=True)

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/automations/\d+/$"))
    automation = Automation.objects.get(organization=coach.organization)
    assert automation.conditions == [{"field": "client.status", "op": "eq", "value": "lead"}]
    assert [(s.kind, s.config) for s in automation.steps.order_by("order")] == [
        ("add_tag", {"tag": "new lead"}),
        ("wait", {"days": 2, "hours": 0, "minutes": 0}),
    ]
    page.goto("/automations/")
    expect(page.get_by_role("link", name="Tag new leads")).to_be_visible()
