"""The campaign API: drafts, actions, progress, report; scheduling in the business's zone."""

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from marketing import engine
from marketing.models import Campaign
from marketing.services import campaigns as svc
from tests.conftest import api_as
from tests.factories import CampaignFactory, CampaignRecipientFactory, ClientFactory, MembershipFactory

from .campaign_helpers import business, email_template, sms_template

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing/campaigns/"


@pytest.fixture
def setup(monkeypatch):
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)
    org, segment, people = business(3, time_zone="America/New_York")
    coach = MembershipFactory(organization=org, role="owner").user
    return org, segment, people, api_as(coach)


def test_create_schedule_and_read_progress(setup):
    org, segment, people, api = setup
    template = email_template(org)
    response = api.post(URL, {"name": "Spring", "segment": segment.pk, "email_template": template.pk}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    with freeze_time("2026-03-01 12:00:00"):
        # 09:30 on the business's clock in New York (EST, UTC-5) is 14:30 UTC.
        response = api.post(f"{URL}{pk}/schedule/", {"send_at": "2026-03-02T09:30:00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "scheduled"
    assert Campaign.objects.get(pk=pk).scheduled_at == datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    detail = api.get(f"{URL}{pk}/").json()
    assert detail["progress"]["total"] == 0


def test_scheduling_refuses_the_past_an_empty_segment_and_a_wrong_template(setup):
    org, segment, people, api = setup
    campaign = svc.create_campaign(organization=org, name="x", segment=segment, email_template=email_template(org))
    with freeze_time("2026-03-01 12:00:00"):
        past = api.post(f"{URL}{campaign.pk}/schedule/", {"send_at": "2026-03-01T06:59:00"}, format="json")
    assert past.status_code == 400 and "future" in str(past.json())
    wrong = api.patch(f"{URL}{campaign.pk}/", {"email_template": sms_template(org).pk}, format="json")
    assert wrong.status_code == 400 and "email template" in str(wrong.json())
    for person in people:
        person.delete()
    empty = api.post(f"{URL}{campaign.pk}/send-now/", format="json")
    assert empty.status_code == 400 and "no clients" in str(empty.json())


def test_a_template_of_another_business_is_refused(setup):
    org, segment, people, api = setup
    other, *_ = business(1)
    response = api.post(
        URL, {"name": "x", "segment": segment.pk, "email_template": email_template(other).pk}, format="json"
    )
    assert response.status_code == 400


def test_send_now_pause_resume_cancel_and_report(setup):
    org, segment, people, api = setup
    campaign = svc.create_campaign(organization=org, name="x", segment=segment, email_template=email_template(org))
    assert api.post(f"{URL}{campaign.pk}/send-now/").json()["status"] == "sending"
    assert api.post(f"{URL}{campaign.pk}/pause/").json()["status"] == "paused"
    assert api.post(f"{URL}{campaign.pk}/pause/").status_code == 400
    assert api.post(f"{URL}{campaign.pk}/resume/").json()["status"] == "sending"
    engine.send_batch(campaign.pk)
    progress = api.get(f"{URL}{campaign.pk}/").json()["progress"]
    assert progress["total"] == 3 and progress["remaining"] == 3  # queued, not yet delivered
    report = api.get(f"{URL}{campaign.pk}/report/").json()
    assert report["total"] == 3 and report["sent"] == 0
    assert api.get(f"{URL}{campaign.pk}/recipients/").json()["count"] == 3
    assert api.post(f"{URL}{campaign.pk}/cancel/").json()["status"] == "cancelled"
    assert api.delete(f"{URL}{campaign.pk}/").status_code == 400


def test_beat_releases_a_scheduled_campaign_at_its_local_time(setup):
    org, segment, people, api = setup
    campaign = svc.create_campaign(organization=org, name="x", segment=segment, email_template=email_template(org))
    with freeze_time("2026-03-07 12:00:00"):  # the day before the US clocks go forward
        svc.schedule_campaign(campaign=campaign, send_at=datetime(2026, 3, 8, 9, 0))  # 09:00 EDT = 13:00 UTC
    with freeze_time("2026-03-08 12:59:00"):
        assert svc.release_due_campaigns() == 0
    with freeze_time("2026-03-08 13:00:30"):
        assert svc.release_due_campaigns() == 1
    campaign.refresh_from_db()
    assert campaign.status == "sending" and campaign.recipients.count() == 3


@pytest.mark.parametrize("rows", [3, 15])
def test_the_list_costs_the_same_whatever_its_length(setup, rows, django_assert_max_num_queries):
    org, segment, people, api = setup
    for _ in range(rows):
        campaign = CampaignFactory(organization=org, segment=segment, email_template=email_template(org))
        CampaignRecipientFactory(campaign=campaign, client=ClientFactory(organization=org))
    with django_assert_max_num_queries(8):
        response = api.get(URL)
    assert response.status_code == 200 and response.json()["count"] == rows
    assert response.json()["results"][0]["progress"]["total"] == 1
