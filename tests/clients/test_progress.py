"""Progress: SI storage shown in the person's units, custom metrics, charts, targets, API."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from clients import selectors, services
from clients.models import Metric, ProgressEntry
from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def metrics(org):
    services.ensure_builtin_metrics(organization=org)
    return {m.key: m for m in Metric.objects.for_org(org)}


def test_every_business_gets_the_builtin_metrics(metrics):
    assert {"weight", "body_fat", "waist", "mood", "energy", "sleep"} <= set(metrics)
    assert metrics["weight"].quantity == "mass" and metrics["mood"].kind == "scale"


def test_imperial_values_are_stored_in_si_and_shown_back(org, metrics):
    client = ClientFactory(organization=org, unit_system="imperial")
    services.log_progress(
        client=client, values={"weight": "176.4", "waist": "32", "mood": "7"}, recorded_on="2026-02-01"
    )
    weight = ProgressEntry.objects.get(client=client, metric=metrics["weight"])
    assert weight.value == Decimal("80.014")
    assert ProgressEntry.objects.get(client=client, metric=metrics["waist"]).value == Decimal("81.280")
    chart = {c["key"]: c for c in selectors.progress_charts(client=client)}
    assert chart["weight"]["values"] == [176.4] and chart["weight"]["unit"] == "lb"
    assert chart["waist"]["values"] == [32.0] and chart["mood"]["unit"] == "/10"
    event = Event.objects.get(name="progress.logged", client_id=client.pk)
    assert set(event.payload["metrics"]) == {"weight", "waist", "mood"}


def test_the_same_day_replaces_and_bad_values_name_their_metric(org, metrics):
    client = ClientFactory(organization=org)
    services.log_progress(client=client, values={"weight": "80"}, recorded_on="2026-02-01")
    services.log_progress(client=client, values={"weight": "79.5"}, recorded_on="2026-02-01")
    assert ProgressEntry.objects.get(client=client).value == Decimal("79.5")
    with pytest.raises(services.ProgressValuesError) as caught:
        services.log_progress(client=client, values={"weight": "820", "mood": "11", "body_fat": "x", "nope": 1})
    assert set(caught.value.errors) == {"weight", "mood", "body_fat", "nope"}
    assert ProgressEntry.objects.count() == 1
    with pytest.raises(services.ProgressError):
        services.log_progress(client=client, values={"weight": ""})


def test_custom_metric_with_direction_target_and_trend(org, metrics):
    steps = services.create_metric(organization=org, name="Daily steps", unit="steps", direction="up", target="10000")
    assert steps.key == "daily_steps" and steps.target == Decimal("10000")
    client = ClientFactory(organization=org)
    services.log_progress(client=client, values={steps: "6000"}, recorded_on="2026-01-01")
    services.log_progress(client=client, values={steps: "8000"}, recorded_on="2026-01-08")
    services.set_client_target(client=client, metric=metrics["weight"], value="72")
    chart = selectors.progress_charts(client=client)[0]
    assert chart["target"] == 10000 and chart["values"] == [6000, 8000]
    assert chart["change"] == 2000 and chart["trend"] == "good"
    yes_no = services.create_metric(organization=org, name="Took creatine", kind="yes_no")
    services.log_progress(client=client, values={yes_no: "yes"}, recorded_on="2026-01-08")
    with pytest.raises(services.ProgressError):
        services.create_metric(organization=org, name="")


@pytest.mark.parametrize(
    "now, zone, expected",
    [
        # The day a client logs "today" is their local day, also across the US DST change.
        ("2026-03-08 09:30:00", "America/Los_Angeles", "2026-03-08"),  # 01:30 PST, before the jump
        ("2026-03-08 07:30:00", "America/Los_Angeles", "2026-03-07"),
        ("2026-03-29 00:30:00", "Europe/London", "2026-03-29"),  # the night UK clocks go forward
        ("2026-03-28 23:30:00", "Pacific/Auckland", "2026-03-29"),
    ],
)
def test_today_is_the_clients_local_day(org, metrics, now, zone, expected):
    client = ClientFactory(organization=org, time_zone=zone)
    with freeze_time(now):
        entry = services.log_progress(client=client, values={"mood": 6})[0]
    assert entry.recorded_on.isoformat() == expected


def test_progress_tab_logs_and_draws_charts(client, coach, org, metrics):
    target = ClientFactory(organization=org, unit_system="imperial")
    client.force_login(coach)
    url = reverse("clients:progress", args=[target.pk])
    bad = client.post(url, {"recorded_on": "2026-02-01", "m_weight": "2000"})
    assert bad.status_code == 400 and "Enter a value from" in bad.content.decode()
    ok = client.post(url, {"recorded_on": "2026-02-01", "m_weight": "180", "m_energy": "8", "note": "after holiday"})
    assert ok.status_code == 302
    client.post(reverse("clients:progress_target", args=[target.pk]), {"metric": metrics["weight"].pk, "value": "170"})
    page = client.get(url)
    data = json.loads(
        page.content.decode().split('id="chart-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    )
    weight = next(series for series in data if series["key"] == "weight")
    assert weight["values"] == [180.0] and weight["target"] == 170.0 and weight["unit"] == "lb"
    assert "chart.umd.js" in page.content.decode()


def test_metrics_page_adds_a_custom_metric(client, coach, org, metrics):
    client.force_login(coach)
    response = client.post(
        reverse("clients:metrics"), {"name": "Resting heart rate", "kind": "number", "unit": "bpm", "direction": "down"}
    )
    assert response.status_code == 302
    assert Metric.objects.for_org(org).get(key="resting_heart_rate").direction == "down"
    assert client.get(reverse("clients:metrics")).status_code == 200


def test_progress_api_for_coach_and_client(org, coach_api, metrics):
    client_record = ClientFactory(organization=org, unit_system="imperial")
    from tests.factories import UserFactory

    client_record.user = UserFactory()
    client_record.save()
    response = coach_api.post(
        f"/api/v1/clients/{client_record.pk}/progress-entries/",
        {"metric": metrics["weight"].pk, "recorded_on": "2026-02-02", "value": "80"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["display_value"] == 176.4 and response.data["display_unit"] == "lb"
    me = api_as(client_record.user)
    mine = me.post(
        "/api/v1/me/progress/",
        {"metric": metrics["sleep"].pk, "recorded_on": "2026-02-02", "value": "7.5"},
        format="json",
    )
    assert mine.status_code == 201 and mine.data["source"] == "client"
    bad = me.post(
        "/api/v1/me/progress/",
        {"metric": metrics["mood"].pk, "recorded_on": "2026-02-02", "value": "12"},
        format="json",
    )
    assert bad.status_code == 400 and "mood" in bad.data["errors"]
    listing = me.get("/api/v1/me/progress/", {"metric": "weight"}).data["results"]
    assert [row["value"] for row in listing] == ["80.000"]
    coach_entry = listing[0]["id"]
    assert me.delete(f"/api/v1/me/progress/{coach_entry}/").status_code == 400
    assert me.delete(f"/api/v1/me/progress/{mine.data['id']}/").status_code == 204
    keys = [m["key"] for m in me.get("/api/v1/me/metrics/").data]
    assert "weight" in keys


def test_client_cannot_reach_another_clients_entries(org, metrics):
    from tests.factories import UserFactory

    a = ClientFactory(organization=org, user=UserFactory())
    b = ClientFactory(organization=org, user=UserFactory())
    entry = services.log_progress(client=a, values={"mood": 5}, recorded_on=datetime.date(2026, 1, 1))[0]
    api = api_as(b.user)
    assert api.get(f"/api/v1/me/progress/{entry.pk}/").status_code == 404
    assert api.delete(f"/api/v1/me/progress/{entry.pk}/").status_code == 404
    assert api.get("/api/v1/me/progress/").data["count"] == 0


def test_custom_metric_api_uses_si_targets(org, coach_api):
    org.unit_system = "imperial"
    org.save()
    response = coach_api.post(
        "/api/v1/clients/metrics/",
        {"name": "Bench 1RM", "kind": "number", "quantity": "mass", "direction": "up", "target": "100"},
        format="json",
    )
    assert response.status_code == 201 and Decimal(response.data["target"]) == Decimal("100")
