"""The phone's health data on the coach's progress tab and the client's progress page:
charts of the last 30 days in the client's units, an empty state saying how to connect,
only the client's own data, and a query count that does not grow with the days."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from clients import services
from tests.clients.factories import HealthDayFactory
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org):
    services.ensure_builtin_metrics(organization=org)
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, first_name="Lee", time_zone="Europe/London")


def _sync(client):
    services.record_health_samples(
        client=client,
        samples=[
            {"id": "s1", "kind": "steps", "value": 8123, "start": "2026-03-09T10:00Z", "source": "Apple Health"},
            {"id": "s2", "kind": "steps", "value": 9001, "start": "2026-03-10T10:00Z", "source": "Apple Health"},
            {"id": "n1", "kind": "sleep", "start": "2026-03-09T23:00Z", "end": "2026-03-10T06:30Z"},
            {"id": "e1", "kind": "active_energy", "value": 2092, "unit": "kJ", "start": "2026-03-10T10:00Z"},
            {"id": "w1", "kind": "weight", "value": 80, "unit": "kg", "start": "2026-03-10T07:00Z"},
        ],
    )


def test_both_pages_explain_how_to_connect_before_the_first_sync(client, owner, person):
    client.force_login(owner)
    coach_page = client.get(reverse("clients:progress", args=[person.pk])).content.decode()
    assert "Nothing from Lee&#x27;s phone yet." in coach_page or "Nothing from Lee's phone yet." in coach_page
    assert "Apple Health (iPhone) or Health Connect (Android)" in coach_page
    client.force_login(person.user)
    portal = client.get(reverse("clients:portal_progress")).content.decode()
    assert "Nothing from your phone yet." in portal and "turn on syncing with Apple Health" in portal


@freeze_time("2026-03-10T18:00:00Z")
def test_coach_and_client_see_daily_charts_in_the_clients_units(client, owner, person):
    person.unit_system = "imperial"
    person.save(update_fields=["unit_system"])
    _sync(person)
    client.force_login(owner)
    response = client.get(reverse("clients:progress", args=[person.pk]))
    charts = {c["key"]: c for c in response.context["health_chart_data"]}
    assert set(charts) == {"health-steps", "health-sleep", "health-active_energy"}
    assert charts["health-steps"]["values"] == [8123, 9001] and charts["health-steps"]["type"] == "bar"
    assert charts["health-sleep"]["values"] == [7.5] and charts["health-sleep"]["unit"] == "h"
    assert charts["health-active_energy"]["values"] == [500] and charts["health-active_energy"]["unit"] == "kcal"
    page = response.content.decode()
    assert 'id="health-chart-data"' in page and 'id="chart-health-steps"' in page and "Apple Health" in page
    # The phone's weight is the Weight measurement, drawn in the client's units with the others.
    weight = {c["key"]: c for c in response.context["chart_data"]}["weight"]
    assert weight["values"] == [176.4]
    assert "Health app" in page  # who logged the weight entry
    client.force_login(person.user)
    portal = client.get(reverse("clients:portal_progress"))
    assert [c["key"] for c in portal.context["health_chart_data"]] == list(charts)


@freeze_time("2026-03-10T18:00:00Z")
def test_only_the_last_30_days_and_only_this_clients_data_show(client, org, owner, person):
    HealthDayFactory(organization=org, client=person, day=datetime.date(2026, 2, 1), value=1)
    HealthDayFactory(organization=org, client=person, day=datetime.date(2026, 3, 1), value=2)
    HealthDayFactory(organization=org, client=ClientFactory(organization=org), day=datetime.date(2026, 3, 2), value=3)
    client.force_login(person.user)
    charts = client.get(reverse("clients:portal_progress")).context["health_charts"]
    assert [(c["key"], c["values"]) for c in charts] == [("health-steps", [2])]


@freeze_time("2026-03-31T18:00:00Z")
def test_the_pages_query_count_does_not_grow_with_the_days(client, org, owner, person, django_assert_max_num_queries):
    HealthDayFactory(organization=org, client=person, day=datetime.date(2026, 3, 30))
    client.force_login(owner)
    url = reverse("clients:progress", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for kind in ("steps", "sleep", "resting_hr", "average_hr", "active_energy"):
        for n in range(29):
            HealthDayFactory(
                organization=org, client=person, kind=kind, day=datetime.date(2026, 3, 1) + datetime.timedelta(days=n)
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["health_charts"]) == 5
