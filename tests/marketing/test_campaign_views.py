"""Campaign pages: list, create (now / later / draft), detail with progress and actions."""

import pytest

from marketing import engine
from marketing.models import Campaign
from tests.factories import CampaignFactory, CampaignRecipientFactory, ClientFactory, MembershipFactory

from .campaign_helpers import business, email_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_page(client, monkeypatch):
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)
    org, segment, people = business(3, time_zone="Australia/Sydney")
    user = MembershipFactory(organization=org, role="owner").user
    client.force_login(user)
    return client, org, segment


def test_the_empty_list_says_what_to_do(coach_page):
    client, org, segment = coach_page
    response = client.get("/marketing/")
    assert response.status_code == 200 and "Create your first campaign" in response.content.decode()


def test_scheduling_from_the_form_uses_the_business_clock(coach_page):
    client, org, segment = coach_page
    template = email_template(org)
    data = {
        "name": "Winter",
        "segment": segment.pk,
        "email_template": template.pk,
        "rate_per_minute": 600,
        "when": "later",
        "send_date": "2099-07-01",
        "send_time": "08:00",
    }
    response = client.post("/marketing/campaigns/new/", data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="Winter")
    assert campaign.status == "scheduled" and campaign.scheduled_at.isoformat() == "2099-06-30T22:00:00+00:00"


def test_a_refused_schedule_shows_the_error_and_makes_nothing(coach_page):
    client, org, segment = coach_page
    data = {"name": "Past", "segment": segment.pk, "email_template": email_template(org).pk, "rate_per_minute": 60}
    response = client.post(
        "/marketing/campaigns/new/", {**data, "when": "later", "send_date": "2001-01-01", "send_time": "08:00"}
    )
    assert response.status_code == 400 and "future" in response.content.decode()
    assert not Campaign.objects.exists()


def test_send_now_then_the_detail_polls_progress_until_done(coach_page):
    client, org, segment = coach_page
    data = {"name": "Now", "segment": segment.pk, "email_template": email_template(org).pk, "rate_per_minute": 60}
    response = client.post("/marketing/campaigns/new/", {**data, "when": "now"})
    campaign = Campaign.objects.get(name="Now")
    assert campaign.status == "sending"
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Pause" in page
    fragment = client.get(f"/marketing/campaigns/{campaign.pk}/progress/").content.decode()
    assert 'data-testid="remaining">3<' in fragment
    client.post(response.url, {"action": "pause"})
    campaign.refresh_from_db()
    assert campaign.status == "paused"


@pytest.mark.parametrize("rows", [2, 12])
def test_the_pages_cost_the_same_whatever_their_length(coach_page, rows, django_assert_max_num_queries):
    client, org, segment = coach_page
    campaign = None
    for _ in range(rows):
        campaign = CampaignFactory(organization=org, segment=segment, status="sent")
        CampaignRecipientFactory(campaign=campaign, client=ClientFactory(organization=org))
    for _ in range(rows):
        CampaignRecipientFactory(campaign=campaign, client=ClientFactory(organization=org))
    with django_assert_max_num_queries(25):
        assert client.get("/marketing/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/marketing/campaigns/{campaign.pk}/").status_code == 200
