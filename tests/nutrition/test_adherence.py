"""Adherence: a day is on target when every tracked value is within the client's tolerance
(edges included); training/rest and weekday targets; weeks in a fixed number of queries."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition import selectors
from tests.factories import ClientFactory
from tests.nutrition.factories import FoodLogEntryFactory, NutritionSettingsFactory, NutritionTargetFactory
from tests.training.factories import ScheduledWorkoutFactory

pytestmark = pytest.mark.django_db
D = Decimal
MONDAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("actual", "status"),
    [(D("1800"), "on"), (D("1799.99"), "under"), (D("2200"), "on"), (D("2200.01"), "over"), (D("2000"), "on")],
)
def test_tolerance_edges_are_on_target(actual, status):
    assert selectors.judge(actual, 2000, 10).status == status


def _entry(client, day, kcal, protein=None):
    return FoodLogEntryFactory(
        client=client,
        organization=client.organization,
        date=day,
        energy_kcal=kcal,
        protein_g=D(150) if protein is None else protein,
        carbohydrate_g=None,
        fat_g=None,
        fibre_g=None,
        client_entry_id=uuid.uuid4(),
    )


def test_a_day_is_on_target_only_when_every_tracked_value_is(org):
    client = ClientFactory(organization=org)
    NutritionSettingsFactory(client=client, organization=org, tolerance_percent=5)
    NutritionTargetFactory(
        client=client,
        organization=org,
        energy_kcal=2000,
        protein_g=D(150),
        carbohydrate_g=None,
        fat_g=None,
        fibre_g=None,
    )
    _entry(client, MONDAY, D(1200), protein=D(75))
    _entry(client, MONDAY, D(850), protein=D(75))  # 2050 kcal: within 5 %
    _entry(client, MONDAY + datetime.timedelta(days=1), D(2000), protein=D(100))  # protein off
    days = selectors.adherence(client=client, start=MONDAY, end=MONDAY + datetime.timedelta(days=2))
    assert days[0].totals["energy_kcal"] == D(2050) and days[0].on_target is True
    assert days[1].on_target is False and days[1].by_field["protein_g"].status == "under"
    assert days[2].on_target is None and not days[2].is_logged  # nothing logged


def test_week_uses_training_and_rest_targets(org):
    client = ClientFactory(organization=org)
    NutritionSettingsFactory(client=client, organization=org, target_mode="training_rest")
    NutritionTargetFactory(
        client=client,
        organization=org,
        day_kind="training",
        energy_kcal=2800,
        protein_g=None,
        carbohydrate_g=None,
        fat_g=None,
        fibre_g=None,
    )
    NutritionTargetFactory(
        client=client,
        organization=org,
        day_kind="rest",
        energy_kcal=2000,
        protein_g=None,
        carbohydrate_g=None,
        fat_g=None,
        fibre_g=None,
    )
    ScheduledWorkoutFactory(organization=org, client=client, date=MONDAY)
    for i in range(7):
        _entry(client, MONDAY + datetime.timedelta(days=i), D(2800) if i == 0 else D(2000))
    week = selectors.week_adherence(
        client=client, start=MONDAY + datetime.timedelta(days=3), today=MONDAY + datetime.timedelta(days=10)
    )
    assert week.start == MONDAY and week.days[0].is_training_day
    assert [d.target.energy_kcal for d in week.days] == [2800] + [2000] * 6
    assert week.on_target_days == 7 and week.rate == 100
    assert week.totals["energy_kcal"] == D(2800 + 6 * 2000)


def test_weekday_targets_judge_each_day(org):
    client = ClientFactory(organization=org)
    NutritionSettingsFactory(client=client, organization=org, target_mode="weekday")
    NutritionTargetFactory(
        client=client,
        organization=org,
        day_kind="every_day",
        energy_kcal=2000,
        protein_g=None,
        carbohydrate_g=None,
        fat_g=None,
        fibre_g=None,
    )
    NutritionTargetFactory(
        client=client,
        organization=org,
        day_kind="sun",
        energy_kcal=3000,
        protein_g=None,
        carbohydrate_g=None,
        fat_g=None,
        fibre_g=None,
    )
    sunday = MONDAY + datetime.timedelta(days=6)
    _entry(client, sunday, D(3000))
    _entry(client, MONDAY, D(3000))
    week = selectors.week_adherence(client=client, start=MONDAY, today=sunday)
    assert week.days[6].on_target is True and week.days[0].on_target is False
    # Days not logged count as off target: 1 of 7.
    assert (week.on_target_days, len(week.judged_days), week.rate) == (1, 7, 14)


@pytest.mark.parametrize("logs", [10, 100])
def test_week_adherence_takes_a_fixed_number_of_queries(org, django_assert_max_num_queries, logs):
    client = ClientFactory(organization=org)
    NutritionSettingsFactory(client=client, organization=org, target_mode="training_rest", training_weekdays=[1, 3, 5])
    NutritionTargetFactory(client=client, organization=org, day_kind="training")
    NutritionTargetFactory(client=client, organization=org, day_kind="rest")
    for i in range(logs):
        _entry(client, MONDAY + datetime.timedelta(days=i % 7), D(300))
    with django_assert_max_num_queries(5):
        week = selectors.week_adherence(client=client, start=MONDAY, today=MONDAY + datetime.timedelta(days=7))
        assert sum(d.entry_count for d in week.days) == logs


@pytest.mark.parametrize("logs", [10, 100])
def test_coach_week_page_queries_do_not_grow(client, coach, org, django_assert_max_num_queries, logs):
    c = ClientFactory(organization=org)
    NutritionTargetFactory(client=c, organization=org)
    for i in range(logs):
        _entry(c, MONDAY + datetime.timedelta(days=i % 7), D(300))
    client.force_login(coach)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("nutrition:client", args=[c.pk]), {"week": MONDAY.isoformat()})
    assert response.status_code == 200
    assert "On target" in response.content.decode() or "Off target" in response.content.decode()


def test_coach_comments_from_the_week_view(client, coach, org):
    c = ClientFactory(organization=org)
    client.force_login(coach)
    url = reverse("nutrition:comment", args=[c.pk])
    response = client.post(url, {"week": MONDAY.isoformat(), "date": MONDAY.isoformat(), "body": "Great Monday."})
    assert response.status_code == 302
    page = client.get(reverse("nutrition:client", args=[c.pk]), {"week": MONDAY.isoformat()}).content.decode()
    assert "Great Monday." in page
    bad = client.post(url, {"week": MONDAY.isoformat(), "date": MONDAY.isoformat(), "body": ""})
    assert bad.status_code == 400
