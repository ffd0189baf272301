"""A coach on a phone sees the unread count in the menu, opens their alerts, marks one read
and dismisses another; nothing overflows at 390 px."""

import re

import pytest
from playwright.sync_api import expect

from automation.models import CoachAlert
from tests.automation.factories import CoachAlertFactory
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coach_reads_and_dismisses_alerts_on_a_phone(page, screenshot_dir):
    org = OrganizationFactory()
    coach = MembershipFactory(organization=org, role="coach").user
    first = CoachAlertFactory(organization=org, recipient=coach, title="Ivy Ives booked Personal training")
    second = CoachAlertFactory(organization=org, recipient=coach, title="Lea Lead sent their intake form")
    page.goto("/account/login/")
    page.get_by_label("Email").fill(coach.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    expect(page.get_by_text("Lea Lead sent their intake form").first).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/alerts/")
    expect(page.locator(".nav-count").first).to_have_text("2 unread")
    expect(page.locator(".alert-unread")).to_have_count(2)
    page.screenshot(path=f"{screenshot_dir}/alerts-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".alert-list li", has_text=first.title).get_by_role("button", name="Mark read").click()
    expect(page.locator(".alert-unread")).to_have_count(1)
    expect(page.locator(".nav-count").first).to_have_text("1 unread")
    page.locator(".alert-list li", has_text=second.title).get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Alert dismissed.")).to_be_visible()
    expect(page.get_by_text(second.title)).to_have_count(0)
    expect(page.locator(".nav-count")).to_have_count(0)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{screenshot_dir}/alerts-1366.png", full_page=True)
    first.refresh_from_db()
    assert first.read_at is not None and CoachAlert.objects.get(pk=second.pk).dismissed_at is not None
