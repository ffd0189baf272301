"""In the browser: a coach schedules a campaign to a segment, beat releases it at its time,
and the campaign page shows it sent, with its progress and report.

(The segment is made through the model here; test_marketing_campaign.py builds one with the
segment builder in the browser.)"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from marketing.models import Campaign, MessageTemplate, Segment
from marketing.services import campaigns as services
from mecto import comms
from tests.factories import PASSWORD, ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coach_schedules_a_campaign_and_sees_it_sent(page, screenshot_dir):
    page.set_default_timeout(60000)  # the first pages of the live server are slow on a busy machine
    membership = MembershipFactory(role="owner", organization__time_zone="America/Chicago")
    org = membership.organization
    for n in range(3):
        person = ClientFactory(organization=org, email=f"runner{n}@example.com", status="active")
        comms.record_consent(
            organization=org,
            channel="email",
            address=person.email,
            granted=True,
            method="intake form",
            client_id=person.pk,
        )
    Segment.objects.create(organization=org, name="Active runners")
    MessageTemplate.objects.create(
        organization=org,
        name="Spring 10k plan",
        channel="email",
        subject="Your spring 10k plan",
        blocks=[{"type": "text", "text": "Hi {{ client.first_name }}, the plan is ready."}],
    )

    page.goto("/account/login/")
    page.get_by_label("Email").fill(membership.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.get_by_role("link", name="Marketing").first.click()
    expect(page.get_by_text("No campaigns yet")).to_be_visible()
    page.get_by_role("link", name="Create your first campaign").click()
    page.get_by_label("Name").fill("Spring 10k")
    page.get_by_label("Send to segment").select_option(label="Active runners")
    page.get_by_label("Email template").select_option(label="Spring 10k plan")
    page.get_by_label("Send later").check()
    local = (timezone.now() + timedelta(hours=2)).astimezone(ZoneInfo("America/Chicago"))
    page.get_by_label("Date").fill(local.strftime("%Y-%m-%d"))
    page.get_by_label("Time").fill(local.strftime("%H:%M"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Campaign scheduled.")).to_be_visible()
    expect(page.locator("#campaign-progress").get_by_text("Scheduled")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/marketing-campaign-scheduled.png", full_page=True)

    campaign = Campaign.objects.get(name="Spring 10k")
    assert campaign.scheduled_at.astimezone(ZoneInfo("America/Chicago")).strftime("%H:%M") == local.strftime("%H:%M")
    # Beat, two hours later: the campaign is due and goes out.
    assert services.release_due_campaigns(now=campaign.scheduled_at + timedelta(seconds=30)) == 1

    page.reload()
    progress = page.locator("#campaign-progress")
    expect(progress.get_by_text("Sent", exact=True).first).to_be_visible()
    expect(progress.locator("[data-testid=sent]")).to_have_text("3")
    expect(progress.locator("[data-testid=remaining]")).to_have_text("0")
    expect(page.get_by_role("heading", name="Report")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/marketing-campaign-sent.png", full_page=True)
    page.get_by_role("link", name="Campaigns").first.click()
    expect(page.get_by_text("3 of 3 sent")).to_be_visible()
