"""In the browser, at 1366 px: a coach builds a segment with the rule builder (the live count
follows the rule), writes an email template, schedules a campaign for the segment; beat
releases it at its time and the campaign page shows it sent with its progress and report."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketing.models import Campaign, CampaignRecipient, Segment
from marketing.services import campaigns as services
from mecto import comms
from tests.factories import PASSWORD, ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)
ZONE = "Europe/London"


def _business():
    membership = MembershipFactory(role="coach", organization__time_zone=ZONE)
    org = membership.organization
    for n, status in enumerate(["active", "active", "active", "lead"]):
        person = ClientFactory(organization=org, email=f"lifter{n}@example.com", first_name=f"Lifter{n}", status=status)
        comms.record_consent(
            organization=org,
            channel="email",
            address=person.email,
            granted=True,
            method="intake form",
            client_id=person.pk,
        )
    return membership


def test_coach_builds_a_segment_and_template_schedules_and_sees_the_campaign_sent(page, screenshot_dir):
    page.set_default_timeout(60000)  # the first pages of the live server are slow on a busy machine
    page.set_viewport_size({"width": 1366, "height": 900})
    membership = _business()
    org = membership.organization

    page.goto("/account/login/")
    page.get_by_label("Email").fill(membership.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    # A segment, built in the page: the count follows the rule.
    page.get_by_role("link", name="Marketing").first.click()
    page.get_by_label("Marketing").get_by_role("link", name="Segments").click()
    page.get_by_role("link", name="Build your first segment").click()
    page.get_by_label("Name").fill("Active lifters")
    count = page.locator("#segment-count-total")
    expect(count).to_have_text("4 clients match")
    page.get_by_role("button", name="Add a rule").click()
    rule = page.get_by_role("group", name="Rule 1")
    rule.get_by_label("Field").select_option(label="Status")
    rule.get_by_label("Condition").select_option(label="is")
    rule.get_by_label("Value").select_option(label="Active")
    expect(count).to_have_text("3 clients match")
    expect(page.locator("#segment-count-sample")).to_contain_text("Lifter0")
    page.screenshot(path=f"{screenshot_dir}/marketing-segment-builder-1366.png", full_page=True)
    page.get_by_role("button", name="Save segment").click()
    expect(page.get_by_text("Segment “Active lifters” saved.")).to_be_visible()
    assert Segment.objects.get(organization=org).rules == [{"field": "status", "op": "is", "value": "active"}]

    # An email template with a merge field.
    page.get_by_label("Marketing").get_by_role("link", name="Templates").click()
    page.goto("/marketing/templates/new/")
    page.get_by_label("Name").fill("Deadlift clinic")
    page.get_by_label("Subject").fill("Deadlift clinic, {{ client.first_name }}")
    page.get_by_label("Add a block").select_option("text")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_label("Paragraph").fill("Hi {{ client.first_name }}, the clinic is on Saturday.")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text("Template saved.")).to_be_visible()

    # The campaign, scheduled for two hours from now on the business's clock.
    page.get_by_label("Marketing").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Create your first campaign").click()
    page.get_by_label("Name").fill("Deadlift clinic")
    page.get_by_label("Send to segment").select_option(label="Active lifters")
    page.get_by_label("Email template").select_option(label="Deadlift clinic")
    page.get_by_label("Send later").check()
    local = (timezone.now() + timedelta(hours=2)).astimezone(ZoneInfo(ZONE))
    page.get_by_label("Date").fill(local.strftime("%Y-%m-%d"))
    page.get_by_label("Time").fill(local.strftime("%H:%M"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Campaign scheduled.")).to_be_visible()
    progress = page.locator("#campaign-progress")
    expect(progress.get_by_text("Scheduled")).to_be_visible()

    # Beat, two hours later, releases it (the batch task runs in this process).
    campaign = Campaign.objects.get(organization=org, name="Deadlift clinic")
    assert services.release_due_campaigns(now=campaign.scheduled_at + timedelta(seconds=30)) == 1
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 3
    # A scheduled campaign's page does not poll; the coach comes back to it.
    page.reload()
    progress = page.locator("#campaign-progress")
    expect(progress.locator(".badge", has_text="Sent")).to_be_visible()
    expect(progress.locator("[data-testid=sent]")).to_have_text("3")
    expect(progress.locator("[data-testid=remaining]")).to_have_text("0")
    expect(progress.locator("[data-testid=failed]")).to_have_text("0")
    expect(page.get_by_role("heading", name="Report")).to_be_visible()
    expect(page.get_by_role("cell", name="Lifter0", exact=False).first).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/marketing-campaign-sent-1366.png", full_page=True)
    page.get_by_label("Marketing").get_by_role("link", name="Campaigns").click()
    expect(page.get_by_text("3 of 3 sent")).to_be_visible()
