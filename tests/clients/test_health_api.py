"""Health data API: who may send and read, the daily list's filters, coaches reading their
clients', other businesses kept out, API tokens, and lists whose query count stays put."""

import datetime

import pytest
from freezegun import freeze_time

from clients import services
from clients.api import health as health_api
from integrations import services_tokens
from integrations.authentication import resource_of
from tests.clients.factories import HealthDayFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLES = "/api/v1/me/health/samples/"
DAILY = "/api/v1/me/health/daily/"


@pytest.fixture
def person(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, time_zone="Europe/Berlin")


def _week(client):
    samples = []
    for n in range(7):
        day = f"2026-03-0{n + 1}"
        samples += [
            {"id": f"s{n}", "kind": "steps", "value": 1000 * (n + 1), "start": f"{day}T10:00:00Z"},
            {"id": f"r{n}", "kind": "resting_hr", "value": 50 + n, "start": f"{day}T05:00:00Z"},
        ]
    services.record_health_samples(client=client, samples=samples)


@freeze_time("2026-03-10T12:00:00Z")
def test_the_client_reads_their_daily_figures_filtered_by_kind_and_dates(person):
    _week(person)
    api = api_as(person.user)
    everything = api.get(DAILY)
    assert everything.status_code == 200 and everything.data["count"] == 14
    steps = api.get(DAILY, {"kind": "steps", "start": "2026-03-03", "end": "2026-03-05"}).data["results"]
    assert [(row["day"], row["value"], row["display_value"]) for row in steps] == [
        ("2026-03-03", "3000.000", 3000),
        ("2026-03-04", "4000.000", 4000),
        ("2026-03-05", "5000.000", 5000),
    ]
    assert steps[0]["display_unit"] == "steps" and steps[0]["sample_count"] == 1
    resting = api.get(DAILY, {"kind": "resting_hr", "end": "2026-03-01"}).data["results"]
    assert [(r["day"], r["minimum"], r["maximum"]) for r in resting] == [("2026-03-01", "50.000", "50.000")]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "blood_pressure"}, "kind"),
        ({"start": "yesterday"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "end"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(person, params, field):
    response = api_as(person.user).get(DAILY, params)
    assert response.status_code == 400 and field in response.data["errors"]


@freeze_time("2026-03-10T12:00:00Z")
def test_coaches_read_their_clients_figures_and_other_businesses_get_404(org, person, coach_api):
    _week(person)
    url = f"/api/v1/clients/{person.pk}/health/daily/"
    response = coach_api.get(url, {"kind": "steps"})
    assert response.status_code == 200 and response.data["count"] == 7
    stranger = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    assert api_as(stranger).get(url).status_code == 404
    # A client cannot use the coach's route, not even for themselves.
    assert api_as(person.user).get(url).status_code in (403, 404)


def test_only_a_client_sends_samples_and_only_for_themselves(org, person, coach_api):
    sample = {"id": "a", "kind": "steps", "value": 5, "start": "2026-03-01T10:00:00Z"}
    assert coach_api.post(SAMPLES, {"samples": [sample]}, format="json").status_code == 403
    assert coach_api.get(DAILY).status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().post(SAMPLES, {"samples": [sample]}, format="json").status_code in (401, 403)
    other = ClientFactory(organization=org, user=UserFactory())
    assert api_as(other.user).post(SAMPLES, {"samples": [sample]}, format="json").status_code == 200
    assert api_as(person.user).post(SAMPLES, {"samples": [sample]}, format="json").data["created"] == 1
    # The same app id from two clients is two samples: ids are unique per client.
    assert person.health_samples.count() == 1 and other.health_samples.count() == 1


@freeze_time("2026-03-10T12:00:00Z")
def test_another_clients_days_never_show(org, person):
    other = ClientFactory(organization=org, user=UserFactory())
    HealthDayFactory(organization=org, client=other)
    assert api_as(person.user).get(DAILY).data["count"] == 0


def test_api_tokens_reach_the_coach_route_as_clients_and_never_the_phone_routes(org, person, owner):
    assert resource_of(health_api.ClientHealthDayViewSet()) == "clients"
    assert resource_of(health_api.MyHealthDayViewSet()) is None
    assert resource_of(health_api.MyHealthSamplesView()) is None
    _token, secret = services_tokens.create_token(
        organization=org, actor=owner, name="sheets", scopes={"clients": "read"}
    )
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(f"/api/v1/clients/{person.pk}/health/daily/").status_code == 200
    assert api.get(DAILY).status_code == 403
    assert api.post(SAMPLES, {"samples": []}, format="json").status_code == 403


def test_daily_lists_query_count_does_not_grow(org, person, coach_api, django_assert_max_num_queries):
    def fill(n, start):
        for i in range(n):
            HealthDayFactory(organization=org, client=person, day=start + datetime.timedelta(days=i))

    fill(10, datetime.date(2025, 1, 1))
    me = api_as(person.user)
    url = f"/api/v1/clients/{person.pk}/health/daily/"
    with django_assert_max_num_queries(50) as at_ten_mine:
        assert me.get(DAILY, {"page_size": 100}).data["count"] == 10
    with django_assert_max_num_queries(50) as at_ten_coach:
        assert coach_api.get(url, {"page_size": 100}).data["count"] == 10
    fill(90, datetime.date(2025, 6, 1))
    with django_assert_max_num_queries(len(at_ten_mine.captured_queries)):
        assert len(me.get(DAILY, {"page_size": 100}).data["results"]) == 100
    with django_assert_max_num_queries(len(at_ten_coach.captured_queries)):
        assert len(coach_api.get(url, {"page_size": 100}).data["results"]) == 100


def test_the_schema_documents_the_routes_with_examples():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    post = paths["/api/v1/me/health/samples/"]["post"]
    body = post["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/HealthBatchRequest")
    assert body["examples"] and {"200", "400"} <= set(post["responses"])
    assert "examples" in post["responses"]["400"]["content"]["application/json"]
    for path in ("/api/v1/me/health/daily/", "/api/v1/clients/{client_pk}/health/daily/"):
        get = paths[path]["get"]
        assert {p["name"] for p in get["parameters"]} >= {"kind", "start", "end"}
        assert "examples" in get["responses"]["200"]["content"]["application/json"]
