"""The habit API: coaches assign and see streaks; clients log their day, idempotently, and see
only their own habits."""

import uuid
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from rest_framework import throttling  # noqa: F401  (imported before any frozen clock: its timer is read at import)

from mecto.models import Event
from nutrition.models import Habit, HabitFreeze, HabitLog
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

from .factories import HabitFactory, HabitLogFactory, HabitSettingsFactory, HabitTemplateFactory

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200, response.content
    data = response.data
    return data["results"] if isinstance(data, dict) and "results" in data else data


@pytest.fixture
def portal_client(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, time_zone="America/New_York")


@pytest.fixture
def client_api(portal_client):
    return api_as(portal_client.user)


# --- Coach ----------------------------------------------------------------------------------------
@freeze_time("2026-03-10 15:00:00")
def test_coach_assigns_a_habit_from_the_library_and_sees_its_streak(coach_api, org, portal_client):
    template = HabitTemplateFactory(organization=org, name="Water", goal=8, unit_label="glasses")
    url = f"/api/v1/clients/{portal_client.pk}/habits/"
    response = coach_api.post(url, {"template": template.pk, "start_date": "2026-03-01"}, format="json")
    assert response.status_code == 201, response.data
    habit = Habit.objects.get(pk=response.data["id"])
    assert (habit.name, habit.kind, habit.goal, habit.client) == ("Water", "count", 8, portal_client)
    for d in range(7, 10):
        HabitLogFactory(habit=habit, client=portal_client, organization=org, date=date(2026, 3, d), value=8)
    listed = rows(coach_api.get(url))
    assert listed[0]["stats"]["current_streak"] == 3
    stats = coach_api.get(f"{url}{habit.pk}/stats/").data
    assert stats["current_streak"] == 3 and stats["streak_unit"] == "day"


def test_coach_bad_habit_input_is_a_400_naming_the_field(coach_api, portal_client):
    url = f"/api/v1/clients/{portal_client.pk}/habits/"
    cases = [
        ({"name": "Water", "kind": "count"}, "goal"),
        ({"name": "Walk", "frequency": "weekdays", "weekdays": [8]}, "weekdays"),
        ({"name": "Walk", "frequency": "sometimes"}, "frequency"),
        ({"name": "Walk", "goal": "lots"}, "goal"),
        ({"name": "x" * 200}, "name"),
    ]
    for body, field in cases:
        response = coach_api.post(url, body, format="json")
        assert response.status_code == 400, (body, response.data)
        assert any(key.split(".")[0] == field for key in response.data["errors"]), (body, response.data)
    assert not Habit.objects.exists()


def test_coach_grants_freeze_days_and_archives(coach_api, org, portal_client):
    habit = HabitFactory(client=portal_client, organization=org)
    base = f"/api/v1/clients/{portal_client.pk}"
    response = coach_api.post(
        f"{base}/habit-freezes/", {"start_date": "2026-03-01", "end_date": "2026-03-03", "reason": "Flu"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert HabitFreeze.objects.get().end_date == date(2026, 3, 3)
    bad = coach_api.post(
        f"{base}/habit-freezes/", {"start_date": "2026-03-05", "end_date": "2026-03-01"}, format="json"
    )
    assert bad.status_code == 400 and "end_date" in bad.data["errors"]
    other = HabitFactory(client=ClientFactory(organization=org), organization=org)
    wrong = coach_api.post(f"{base}/habit-freezes/", {"start_date": "2026-03-05", "habit": other.pk}, format="json")
    assert wrong.status_code == 400 and "habit" in wrong.data["errors"]
    assert coach_api.delete(f"{base}/habits/{habit.pk}/").status_code == 204
    habit.refresh_from_db()
    assert habit.is_archived
    assert rows(coach_api.get(f"{base}/habits/")) == []


def test_library_crud(coach_api):
    response = coach_api.post(
        "/api/v1/habit-templates/",
        {"name": "Walk", "kind": "number", "quantity": "distance", "goal": "5000", "frequency": "times_per_week",
         "times_per_week": 3},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    assert coach_api.patch(f"/api/v1/habit-templates/{pk}/", {"goal": "8000"}, format="json").data["goal"] == (
        "8000.000"
    )
    assert coach_api.patch(f"/api/v1/habit-templates/{pk}/", {"times_per_week": 0}, format="json").status_code == 400
    assert coach_api.delete(f"/api/v1/habit-templates/{pk}/").status_code == 204
    assert rows(coach_api.get("/api/v1/habit-templates/")) == []


def test_client_habit_list_query_count_does_not_grow(coach_api, org, portal_client, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            habit = HabitFactory(client=portal_client, organization=org)
            HabitLogFactory.create_batch(3, habit=habit, client=portal_client, organization=org)

    url = f"/api/v1/clients/{portal_client.pk}/habits/"
    make(10)
    with django_assert_max_num_queries(20) as small:
        assert len(rows(coach_api.get(url, {"page_size": 100}))) == 10
    make(90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(rows(coach_api.get(url, {"page_size": 100}))) == 100


def test_client_habit_log_list_query_count_does_not_grow(client_api, org, portal_client, django_assert_max_num_queries):
    habit = HabitFactory(client=portal_client, organization=org)
    HabitLogFactory.create_batch(10, habit=habit, client=portal_client, organization=org)
    with django_assert_max_num_queries(20) as small:
        assert len(rows(client_api.get("/api/v1/me/habit-logs/", {"page_size": 100}))) == 10
    HabitLogFactory.create_batch(90, habit=habit, client=portal_client, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(rows(client_api.get("/api/v1/me/habit-logs/", {"page_size": 100}))) == 100


# --- The client ----------------------------------------------------------------------------------
@freeze_time("2026-03-10 15:00:00")
def test_client_logs_idempotently_and_the_streak_goes_up(client_api, org, portal_client):
    habit = HabitFactory(client=portal_client, organization=org, start_date=date(2026, 3, 1))
    HabitLogFactory(habit=habit, client=portal_client, organization=org, date=date(2026, 3, 9))
    request_id = str(uuid.uuid4())
    first = client_api.post(f"/api/v1/me/habits/{habit.pk}/log/", {"client_uuid": request_id, "done": True})
    assert first.status_code == 201, first.data
    assert first.data["stats"]["current_streak"] == 2
    assert first.data["log"]["date"] == "2026-03-10"  # 11:00 in New York
    retry = client_api.post(f"/api/v1/me/habits/{habit.pk}/log/", {"client_uuid": request_id, "done": True})
    assert retry.status_code == 200 and retry.data["log"]["id"] == first.data["log"]["id"]
    assert HabitLog.objects.filter(habit=habit).count() == 2
    assert Event.objects.filter(name="habit.completed").count() == 1
    undone = client_api.post(f"/api/v1/me/habits/{habit.pk}/unlog/", {"client_uuid": str(uuid.uuid4())})
    assert undone.status_code == 200 and undone.data["stats"]["current_streak"] == 1


@freeze_time("2026-03-10 15:00:00")
def test_client_today_lists_due_habits_and_yesterday_in_grace(client_api, org, portal_client):
    daily = HabitFactory(client=portal_client, organization=org, name="Walk", start_date=date(2026, 3, 1))
    HabitFactory(
        client=portal_client, organization=org, name="Not today", frequency="weekdays", weekdays=[3],
        start_date=date(2026, 3, 1),
    )  # fmt: skip
    with freeze_time("2026-03-10 15:00:00"):  # 11:00 in New York, before the noon cut-off
        entries = rows(client_api.get("/api/v1/me/habits/today/"))
    assert [(e["habit"]["name"], e["date"], e["is_today"]) for e in entries] == [
        ("Walk", "2026-03-09", False),
        ("Walk", "2026-03-10", True),
    ]
    with freeze_time("2026-03-10 17:00:00"):  # 13:00: yesterday is closed
        entries = rows(client_api.get("/api/v1/me/habits/today/"))
    assert [(e["habit"]["id"], e["is_today"]) for e in entries] == [(daily.pk, True)]


def test_client_bad_log_input_is_a_400(client_api, org, portal_client):
    habit = HabitFactory(client=portal_client, organization=org, kind="count", goal=8)
    url = f"/api/v1/me/habits/{habit.pk}/log/"
    cases = [
        ({"value": 3}, "client_uuid"),
        ({"client_uuid": "nope", "value": 3}, "client_uuid"),
        ({"client_uuid": str(uuid.uuid4())}, "value"),
        ({"client_uuid": str(uuid.uuid4()), "value": -1}, "value"),
        ({"client_uuid": str(uuid.uuid4()), "value": "1e400"}, "value"),
        ({"client_uuid": str(uuid.uuid4()), "value": 3, "date": "2020-01-01"}, "date"),
        ({"client_uuid": str(uuid.uuid4()), "value": 3, "date": "2999-01-01"}, "date"),
        ({"client_uuid": str(uuid.uuid4()), "value": 3, "date": "yesterday"}, "date"),
    ]
    for body, field in cases:
        response = client_api.post(url, body, format="json")
        assert response.status_code == 400, (body, response.data)
        assert field in response.data["errors"], (body, response.data)
    assert not HabitLog.objects.exists()
    assert client_api.post(url, "[1]", content_type="application/json").status_code == 400


def test_client_sees_and_logs_only_their_own_habits(client_api, org, portal_client):
    mine = HabitFactory(client=portal_client, organization=org)
    theirs = HabitFactory(client=ClientFactory(organization=org), organization=org)
    assert [h["id"] for h in rows(client_api.get("/api/v1/me/habits/"))] == [mine.pk]
    assert client_api.get(f"/api/v1/me/habits/{theirs.pk}/").status_code == 404
    response = client_api.post(f"/api/v1/me/habits/{theirs.pk}/log/", {"client_uuid": str(uuid.uuid4()), "done": 1})
    assert response.status_code == 404
    assert not HabitLog.objects.exists()


def test_client_adds_own_habit_only_when_the_coach_allows_it(client_api, org, portal_client):
    response = client_api.post("/api/v1/me/habits/", {"name": "Stretch", "kind": "duration", "goal": 10})
    assert response.status_code == 201, response.data
    assert Habit.objects.get(name="Stretch").added_by_client
    HabitSettingsFactory(organization=org, clients_may_add=False)
    refused = client_api.post("/api/v1/me/habits/", {"name": "Nap"})
    assert refused.status_code == 400
    assert not Habit.objects.filter(name="Nap").exists()


def test_client_library_lists_the_business_templates(client_api, org):
    HabitTemplateFactory(organization=org, name="Sleep 8 hours")
    HabitTemplateFactory(name="Other business")
    assert [t["name"] for t in rows(client_api.get("/api/v1/me/habits/library/"))] == ["Sleep 8 hours"]


def test_logs_older_than_the_grace_period_cannot_be_changed(client_api, org, portal_client):
    habit = HabitFactory(client=portal_client, organization=org)
    old_day = (date.today() - timedelta(days=5)).isoformat()
    response = client_api.post(
        f"/api/v1/me/habits/{habit.pk}/unlog/", {"client_uuid": str(uuid.uuid4()), "date": old_day}
    )
    assert response.status_code == 400 and "date" in response.data["errors"]


def test_library_and_my_habit_lists_query_counts_do_not_grow(
    coach_api, client_api, org, portal_client, django_assert_max_num_queries
):
    HabitTemplateFactory.create_batch(10, organization=org)
    for _ in range(10):
        HabitFactory(client=portal_client, organization=org)
    with django_assert_max_num_queries(20) as coach_small:
        assert len(rows(coach_api.get("/api/v1/habit-templates/", {"page_size": 100}))) == 10
    with django_assert_max_num_queries(20) as client_small:
        assert len(rows(client_api.get("/api/v1/me/habits/", {"page_size": 100}))) == 10
    HabitTemplateFactory.create_batch(90, organization=org)
    for _ in range(90):
        HabitFactory(client=portal_client, organization=org)
    with django_assert_max_num_queries(len(coach_small.captured_queries)):
        assert len(rows(coach_api.get("/api/v1/habit-templates/", {"page_size": 100}))) == 100
    with django_assert_max_num_queries(len(client_small.captured_queries)):
        assert len(rows(client_api.get("/api/v1/me/habits/", {"page_size": 100}))) == 100
