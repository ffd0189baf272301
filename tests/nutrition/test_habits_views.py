"""Habit pages: the library, a client's Habits tab for coaches, and the portal."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from nutrition.models import Habit, HabitFreeze, HabitLog, HabitTemplate
from tests.factories import ClientFactory, MembershipFactory, UserFactory

from .factories import HabitFactory, HabitLogFactory, HabitTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_page(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def portal_client(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, time_zone="Europe/London")


@pytest.fixture
def portal_page(client, portal_client):
    client.force_login(portal_client.user)
    return client


def test_library_adds_a_template_and_shows_field_errors(coach_page, org):
    url = reverse("nutrition:habit_library")
    empty = coach_page.get(url)
    assert "Your library is empty" in empty.content.decode()
    bad = coach_page.post(url, {"action": "create", "name": "Water", "kind": "count", "frequency": "daily"})
    assert bad.status_code == 400
    assert "Set a goal of a whole number" in bad.content.decode()
    ok = coach_page.post(
        url, {"action": "create", "name": "Water", "kind": "count", "goal": "8", "unit_label": "glasses",
              "frequency": "daily"},
    )  # fmt: skip
    assert ok.status_code == 302
    assert HabitTemplate.objects.for_org(org).get().goal == 8
    settings = coach_page.post(url, {"action": "settings", "grace_hour": "3", "clients_may_add": ""})
    assert settings.status_code == 302
    assert coach_page.post(url, {"action": "settings", "grace_hour": "30"}).status_code == 400


def test_client_tab_assigns_freezes_and_archives(coach_page, org, portal_client):
    template = HabitTemplateFactory(organization=org, name="Water")
    url = reverse("nutrition:client_habits", args=[portal_client.pk])
    page = coach_page.get(url)
    assert page.status_code == 200 and "No habits yet" in page.content.decode()
    start = (date.today() - timedelta(days=3)).isoformat()
    assert coach_page.post(url, {"action": "assign", "template": template.pk, "start_date": start}).status_code == 302
    assert coach_page.post(url, {"action": "assign", "kind": "yes_no", "frequency": "daily"}).status_code == 400
    habit = Habit.objects.get(client=portal_client)
    yesterday = date.today() - timedelta(days=1)
    HabitLogFactory(habit=habit, client=portal_client, organization=org, date=yesterday, value=8)
    page = coach_page.get(url).content.decode()
    assert "1-day streak" in page and ": done</span>" in page  # the strip's text alternative
    response = coach_page.post(url, {"action": "freeze", "start_date": date.today().isoformat(), "reason": "Travel"})
    assert response.status_code == 302 and HabitFreeze.objects.get().reason == "Travel"
    bad = coach_page.post(url, {"action": "freeze", "start_date": "2026-03-05", "end_date": "2026-03-01"})
    assert bad.status_code == 400 and "cannot be before" in bad.content.decode()
    coach_page.post(url, {"action": "archive", "habit": habit.pk})
    habit.refresh_from_db()
    assert habit.is_archived


def test_another_business_client_tab_is_a_404(client, portal_client):
    stranger = MembershipFactory(role="owner").user
    client.force_login(stranger)
    assert client.get(reverse("nutrition:client_habits", args=[portal_client.pk])).status_code == 404


def test_portal_tick_and_count_with_big_buttons(portal_page, org, portal_client):
    walk = HabitFactory(client=portal_client, organization=org, name="Walk", start_date=date.today())
    water = HabitFactory(
        client=portal_client, organization=org, name="Water", kind="count", goal=2, start_date=date.today()
    )
    url = reverse("nutrition:portal_habits")
    page = portal_page.get(url).content.decode()
    assert "Mark Walk done" in page and "One more for Water" in page and "0-day streak" in page
    today = date.today().isoformat()
    log_url = reverse("nutrition:portal_log_habit", args=[walk.pk])
    portal_page.post(log_url, {"request_id": uuid.uuid4(), "date": today, "op": "tick"})
    water_url = reverse("nutrition:portal_log_habit", args=[water.pk])
    for _ in range(2):
        portal_page.post(water_url, {"request_id": uuid.uuid4(), "date": today, "op": "plus"})
    assert HabitLog.objects.get(habit=water).is_complete
    page = portal_page.get(url).content.decode()
    assert page.count("1-day streak") == 2 and "Goal reached" in page
    bad = portal_page.post(water_url, {"request_id": "x", "date": today, "op": "plus"})
    assert bad.status_code == 302
    assert HabitLog.objects.get(habit=water).value == 2


def test_portal_cannot_log_someone_elses_habit(portal_page, org):
    other = HabitFactory(client=ClientFactory(organization=org), organization=org)
    response = portal_page.post(
        reverse("nutrition:portal_log_habit", args=[other.pk]),
        {"request_id": uuid.uuid4(), "date": date.today().isoformat(), "op": "tick"},
    )
    assert response.status_code == 404 and not HabitLog.objects.exists()


def test_portal_adds_own_habit_and_home_card_shows_today(portal_page, org, portal_client):
    response = portal_page.post(reverse("nutrition:portal_habits"), {"name": "Stretch"})
    assert response.status_code == 302
    assert Habit.objects.get(client=portal_client).added_by_client
    assert portal_page.post(reverse("nutrition:portal_habits"), {"name": ""}).status_code == 400
    home = portal_page.get(reverse("portal:home")).content.decode()
    assert "Stretch" in home and "0-day streak" in home


def test_demo_client_has_two_habits_with_a_streak_and_an_earlier_miss(demo):
    from freezegun import freeze_time

    from nutrition.selectors_habits import habit_stats_for
    from tests.shared_data import DEMO_NOW

    habits = list(Habit.objects.for_org(demo).select_related("client"))
    assert len(habits) == 2 and len({h.client_id for h in habits}) == 1
    with freeze_time(DEMO_NOW):
        stats = habit_stats_for(habits)
    for habit in habits:
        s = stats[habit.pk]
        assert s.current_streak >= 5, habit.name
        assert s.longest_streak > s.current_streak or s.completion_rate < 1, habit.name
    assert HabitTemplate.objects.for_org(demo).count() == 3
