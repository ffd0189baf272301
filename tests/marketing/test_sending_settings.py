"""Sending settings: the page, the API, and the engine keeping to the business's shared rate
and its failure threshold."""

from datetime import time

import pytest
from django.urls import reverse
from freezegun import freeze_time

from marketing import engine
from marketing.models import SendingSettings
from marketing.services import campaigns as svc
from marketing.services.settings import sending_settings
from mecto.comms.models import OutboundMessage
from tests.conftest import api_as
from tests.factories import MembershipFactory

from .campaign_helpers import business, email_template

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing/settings/"
FORM = {
    "quiet_start": "22:00",
    "quiet_end": "07:30",
    "email_cap": "4",
    "sms_cap": "1",
    "reply_to": "hello@example.com",
    "rate_per_minute": "600",
    "pause_failure_percent": "10",
}


@pytest.fixture
def batches(monkeypatch):
    calls = []
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: calls.append(countdown))
    return calls


@pytest.fixture
def owner(client):
    org, segment, people = business(0)
    user = MembershipFactory(organization=org, role="owner").user
    client.force_login(user)
    return client, org


def _row(org) -> SendingSettings:
    return sending_settings(organization=org)


# --- The page ---------------------------------------------------------------------------------
def test_the_page_shows_the_defaults_and_saves(owner, django_assert_max_num_queries):
    client, org = owner
    client.get(reverse("marketing:settings"))  # the row is created on first access
    with django_assert_max_num_queries(12):
        response = client.get(reverse("marketing:settings"))
    page = response.content.decode()
    assert response.status_code == 200 and 'name="rate_per_minute"' in page and 'value="1200"' in page
    assert "Sending settings" in page and "Save settings" in page
    response = client.post(reverse("marketing:settings"), FORM, follow=True)
    assert "Sending settings saved." in response.content.decode()
    row = _row(org)
    assert (row.quiet_start, row.quiet_end, row.email_cap, row.sms_cap) == (time(22), time(7, 30), 4, 1)
    assert (row.reply_to, row.rate_per_minute, row.pause_failure_percent) == ("hello@example.com", 600, 10)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("quiet_end", "22:00", "Quiet hours must start and end at different times."),
        ("rate_per_minute", "3001", "At most 3000 messages per minute"),
        ("rate_per_minute", "0", "greater than or equal to 1"),
        ("pause_failure_percent", "51", "less than or equal to 50"),
        ("reply_to", "not-an-address", "valid email"),
    ],
)
def test_bad_input_shows_the_error_and_changes_nothing(owner, field, value, message):
    client, org = owner
    before = _row(org).updated_at
    response = client.post(reverse("marketing:settings"), {**FORM, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    row = _row(org)
    assert row.updated_at == before and row.rate_per_minute == 1200 and row.pause_failure_percent == 5


def test_a_coach_sees_it_read_only_and_cannot_change_it(client):
    org, segment, people = business(0)
    client.force_login(MembershipFactory(organization=org, role="coach").user)
    page = client.get(reverse("marketing:settings")).content.decode()
    assert "owner can change these settings." in page and "Save settings" not in page
    assert "disabled" in page
    assert client.post(reverse("marketing:settings"), FORM).status_code == 403
    assert _row(org).rate_per_minute == 1200


def test_the_tab_links_the_page(owner):
    client, org = owner
    page = client.get(reverse("marketing:segments")).content.decode()
    assert reverse("marketing:settings") in page


# --- The API ----------------------------------------------------------------------------------
def test_api_get_and_patch(django_assert_max_num_queries):
    org, segment, people = business(0)
    api = api_as(MembershipFactory(organization=org, role="owner").user)
    api.get(URL)
    with django_assert_max_num_queries(8):
        body = api.get(URL).json()
    assert body["rate_per_minute"] == 1200 and body["pause_failure_percent"] == 5 and body["quiet_start"] == "21:00:00"
    response = api.patch(URL, {"rate_per_minute": 2000, "pause_failure_percent": 20}, format="json")
    assert response.status_code == 200 and response.json()["rate_per_minute"] == 2000
    row = _row(org)
    assert (row.rate_per_minute, row.pause_failure_percent, row.email_cap) == (2000, 20, 3)


@pytest.mark.parametrize(
    "data,field",
    [
        ({"quiet_end": "21:00"}, "quiet_end"),
        ({"rate_per_minute": 3001}, "rate_per_minute"),
        ({"rate_per_minute": 0}, "rate_per_minute"),
        ({"pause_failure_percent": 0}, "pause_failure_percent"),
        ({"pause_failure_percent": 51, "email_cap": 9}, "pause_failure_percent"),
        ({"rate_per_minute": "fast"}, "rate_per_minute"),
    ],
)
def test_api_bad_input_is_400_with_the_field_and_saves_nothing(data, field):
    org, segment, people = business(0)
    api = api_as(MembershipFactory(organization=org, role="owner").user)
    before = _row(org).updated_at
    response = api.patch(URL, data, format="json")
    assert response.status_code == 400, response.content
    assert field in str(response.json())
    row = _row(org)
    assert row.updated_at == before and row.email_cap == 3 and row.rate_per_minute == 1200


def test_api_the_maximum_is_said():
    org, segment, people = business(0)
    api = api_as(MembershipFactory(organization=org, role="owner").user)
    assert "3000" in str(api.patch(URL, {"rate_per_minute": 5000}, format="json").json())


def test_api_reads_and_writes_only_the_callers_business():
    org, segment, people = business(0)
    other, _segment, _people = business(0)
    SendingSettings.objects.create(organization=other, rate_per_minute=77)
    api = api_as(MembershipFactory(organization=org, role="owner").user)
    assert api.get(URL).json()["rate_per_minute"] == 1200
    api.patch(URL, {"rate_per_minute": 900}, format="json")
    assert _row(other).rate_per_minute == 77 and _row(org).rate_per_minute == 900


def test_api_a_coach_reads_but_cannot_change():
    org, segment, people = business(0)
    api = api_as(MembershipFactory(organization=org, role="coach").user)
    assert api.get(URL).status_code == 200
    assert api.patch(URL, {"rate_per_minute": 900}, format="json").status_code == 403
    assert _row(org).rate_per_minute == 1200


# --- The engine -------------------------------------------------------------------------------
def _campaign(org, segment, name, **kwargs):
    return svc.create_campaign(
        organization=org, name=name, segment=segment, email_template=email_template(org, name=name), **kwargs
    )


def test_two_campaigns_of_one_business_share_its_rate(batches):
    org, segment, people = business(20)
    SendingSettings.objects.create(organization=org, rate_per_minute=12)
    first = _campaign(org, segment, "First", rate_per_minute=10)
    second = _campaign(org, segment, "Second", rate_per_minute=10)
    svc.send_campaign_now(campaign=first)
    svc.send_campaign_now(campaign=second)
    with freeze_time("2026-05-04 10:00:00"):
        assert engine.send_batch(first.pk) == 10  # its own rate caps it
        assert engine.send_batch(second.pk) == 2  # what the business's minute leaves
        batches.clear()
        assert engine.send_batch(second.pk) == 0  # nothing left: waits until the minute frees
        assert batches == [60.0]
    with freeze_time("2026-05-04 10:00:30"):
        batches.clear()
        assert engine.send_batch(first.pk) == 0
        assert batches == [30.0]
    with freeze_time("2026-05-04 10:01:01"):
        assert engine.send_batch(second.pk) == 10  # the minute freed
    assert OutboundMessage.objects.count() == 22
    assert len(_row(org).send_log) == 1  # entries older than a minute are pruned


def test_the_business_rate_slows_a_faster_campaign(batches):
    org, segment, people = business(5)
    SendingSettings.objects.create(organization=org, rate_per_minute=3)
    campaign = _campaign(org, segment, "Spring", rate_per_minute=100)
    svc.send_campaign_now(campaign=campaign)
    batches.clear()
    assert engine.send_batch(campaign.pk) == 3
    assert batches == [60.0]


def test_the_pause_threshold_comes_from_the_settings(batches):
    org, segment, people = business(60)
    SendingSettings.objects.create(organization=org, pause_failure_percent=1)
    campaign = _campaign(org, segment, "Spring", rate_per_minute=30)
    svc.send_campaign_now(campaign=campaign)
    engine.send_batch(campaign.pk)
    messages = list(OutboundMessage.objects.order_by("id"))
    OutboundMessage.objects.filter(pk__in=[m.pk for m in messages[:29]]).update(status="delivered")
    OutboundMessage.objects.filter(pk=messages[29].pk).update(status="failed")  # 1 of 30: 3.3 %
    assert engine.send_batch(campaign.pk) == 0
    campaign.refresh_from_db()
    assert campaign.status == "paused" and "more than 1%" in campaign.paused_reason
    SendingSettings.objects.filter(organization=org).update(pause_failure_percent=5)
    svc.resume_campaign(campaign=campaign)
    assert engine.send_batch(campaign.pk) == 30  # 3.3 % is under 5 %


def test_the_page_shows_and_saves_only_the_callers_business(owner):
    client, org = owner
    other, _segment, _people = business(0)
    SendingSettings.objects.create(organization=other, rate_per_minute=77)
    assert 'value="77"' not in client.get(reverse("marketing:settings")).content.decode()
    client.post(reverse("marketing:settings"), FORM)
    assert _row(other).rate_per_minute == 77 and _row(org).rate_per_minute == 600


def test_the_service_refuses_what_the_page_and_api_refuse():
    from marketing.services.settings import SettingsError, update_sending_settings

    org, _segment, _people = business(0)
    sending_settings(organization=org)
    with pytest.raises(SettingsError) as equal:
        update_sending_settings(organization=org, quiet_end=time(21, 0))  # the default start
    assert equal.value.field == "quiet_end"
    with pytest.raises(SettingsError) as fast:
        update_sending_settings(organization=org, rate_per_minute=10**6)
    assert fast.value.field == "rate_per_minute"
    row = SendingSettings.objects.get(organization=org)
    assert row.quiet_end == time(8, 0) and row.rate_per_minute == 1200
