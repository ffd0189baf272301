"""Nutrition API: the client's own food log (idempotent single and batch creates, edits,
deletes, day summary, favourites, recent) and the coach's targets, calculator, logs, week and
comments; other clients and businesses see nothing."""

import datetime
import uuid
from decimal import Decimal

import pytest

from nutrition.models import FoodLogEntry, NutritionComment, NutritionTarget
from tests.clients.factories import MetricFactory, ProgressEntryFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.nutrition.factories import FoodFactory, FoodLogEntryFactory, FoodPortionFactory, NutritionTargetFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def me(client_record):
    return api_as(client_record.user)


@pytest.fixture
def rice(org):
    food = FoodFactory(organization=org, name="Rice, white, cooked", energy_kcal=D(130), protein_g=D("2.7"))
    FoodPortionFactory(food=food, organization=org, description="cup", gram_weight=D(158))
    return food


def test_client_logs_once_per_client_entry_id(me, rice):
    body = {"client_entry_id": str(uuid.uuid4()), "meal": "lunch", "food": rice.pk, "grams": "200"}
    first = me.post("/api/v1/me/food-log/", body, format="json")
    assert first.status_code == 201, first.data
    assert first.data["energy_kcal"] == "260.00"
    again = me.post("/api/v1/me/food-log/", {**body, "grams": "50"}, format="json")
    assert again.status_code == 200 and again.data["public_id"] == first.data["public_id"]
    assert FoodLogEntry.objects.count() == 1


def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(me, rice):
    for body, field in [
        ({"client_entry_id": "not-a-uuid", "food": rice.pk, "grams": "10"}, "client_entry_id"),
        ({"client_entry_id": str(uuid.uuid4()), "food": rice.pk, "grams": "-1"}, "grams"),
        ({"client_entry_id": str(uuid.uuid4()), "food": 999999, "grams": "10"}, "food"),
        ({"client_entry_id": str(uuid.uuid4()), "quick": {"name": "x"}}, "energy_kcal"),
        ({"client_entry_id": str(uuid.uuid4()), "food": rice.pk, "grams": "10", "meal": "brunch"}, "meal"),
    ]:
        response = me.post("/api/v1/me/food-log/", body, format="json")
        assert response.status_code == 400, (body, response.data)
        assert field in response.data["errors"], (field, response.data)
    assert not FoodLogEntry.objects.exists()


def test_batch_logs_a_meal_and_is_idempotent(me, rice):
    portion = rice.portions.get()
    items = [
        {"client_entry_id": str(uuid.uuid4()), "food": rice.pk, "portion": portion.pk, "amount": "1"},
        {"client_entry_id": str(uuid.uuid4()), "quick": {"name": "Sauce", "energy_kcal": "90"}},
    ]
    response = me.post("/api/v1/me/food-log/batch/", {"meal": "dinner", "items": items}, format="json")
    assert response.status_code == 201, response.data
    assert [row["meal"] for row in response.data] == ["dinner", "dinner"]
    again = me.post("/api/v1/me/food-log/batch/", {"meal": "dinner", "items": items}, format="json")
    assert again.status_code == 200 and FoodLogEntry.objects.count() == 2
    bad = me.post("/api/v1/me/food-log/batch/", {"items": [{"client_entry_id": str(uuid.uuid4())}]}, format="json")
    assert bad.status_code == 400 and FoodLogEntry.objects.count() == 2


def test_update_delete_and_day_summary(me, client_record, rice):
    NutritionTargetFactory(client=client_record, organization=client_record.organization, energy_kcal=2000)
    created = me.post(
        "/api/v1/me/food-log/", {"client_entry_id": str(uuid.uuid4()), "food": rice.pk, "grams": "100"}, format="json"
    ).data
    url = f"/api/v1/me/food-log/{created['public_id']}/"
    changed = me.patch(url, {"grams": "300", "meal": "dinner"}, format="json")
    assert changed.status_code == 200 and changed.data["energy_kcal"] == "390.00"
    day = me.get("/api/v1/me/nutrition-day/")
    assert day.status_code == 200
    energy = next(n for n in day.data["nutrients"] if n["field"] == "energy_kcal")
    assert (energy["actual"], energy["target"], energy["status"]) == ("390.00", "2000.0", "under")
    assert len(day.data["entries"]) == 1
    assert me.get("/api/v1/me/nutrition-day/", {"date": "nope"}).status_code == 400
    assert me.delete(url).status_code == 204
    assert not FoodLogEntry.objects.exists()


def test_list_by_date_range_keeps_its_query_count(me, client_record, django_assert_max_num_queries):
    today = datetime.date.today()
    for n in (10, 100):
        FoodLogEntry.objects.all().delete()
        for _i in range(n):
            FoodLogEntryFactory(client=client_record, organization=client_record.organization, date=today)
        with django_assert_max_num_queries(8):
            response = me.get(
                "/api/v1/me/food-log/",
                {"start": (today - datetime.timedelta(days=1)).isoformat(), "end": today.isoformat()},
            )
        assert response.status_code == 200 and len(response.data) == n
    assert me.get("/api/v1/me/food-log/", {"start": "2020-01-01", "end": "2026-01-01"}).status_code == 400


def test_favourites_and_recent(me, rice):
    assert me.post("/api/v1/me/favourite-foods/", {"food": rice.pk}, format="json").status_code == 201
    assert [f["food"] for f in me.get("/api/v1/me/favourite-foods/").data] == [rice.pk]
    me.post(
        "/api/v1/me/food-log/", {"client_entry_id": str(uuid.uuid4()), "food": rice.pk, "grams": "10"}, format="json"
    )
    assert [f["id"] for f in me.get("/api/v1/me/recent-foods/").data] == [rice.pk]
    foreign = FoodFactory(organization=OrganizationFactory())
    response = me.post("/api/v1/me/favourite-foods/", {"food": foreign.pk}, format="json")
    assert response.status_code == 400 and "food" in response.data["errors"]


def test_clients_see_only_their_own_entries(me, client_record, org):
    other = ClientFactory(organization=org, user=UserFactory())
    theirs = FoodLogEntryFactory(client=other, organization=org)
    assert me.get(f"/api/v1/me/food-log/{theirs.public_id}/").status_code == 404
    assert me.delete(f"/api/v1/me/food-log/{theirs.public_id}/").status_code == 404
    assert str(theirs.public_id) not in str(me.get("/api/v1/me/food-log/").data)


# --- Coaches ------------------------------------------------------------------------------------------
def test_coach_targets_crud_with_energy_check(coach_api, org):
    c = ClientFactory(organization=org)
    base = f"/api/v1/clients/{c.pk}/nutrition-targets/"
    created = coach_api.post(
        base,
        {"day_kind": "training", "energy_kcal": 3000, "protein_g": "150", "carbohydrate_g": "200", "fat_g": "60"},
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["energy_from_macros"] == 1940 and created.data["energy_mismatch"] is True
    assert coach_api.post(base, {"day_kind": "training", "energy_kcal": 2000}, format="json").status_code == 400
    bad = coach_api.patch(f"{base}{created.data['id']}/", {"energy_kcal": 20}, format="json")
    assert bad.status_code == 400 and "energy_kcal" in bad.data["errors"]
    ok = coach_api.patch(f"{base}{created.data['id']}/", {"energy_kcal": 2000}, format="json")
    assert ok.status_code == 200 and ok.data["energy_mismatch"] is False
    assert coach_api.delete(f"{base}{created.data['id']}/").status_code == 204
    assert not NutritionTarget.objects.exists()


def test_coach_settings_and_calculator(coach_api, org):
    c = ClientFactory(organization=org, sex="female", date_of_birth=datetime.date(2000, 1, 1), height_cm=D(165))
    settings_url = f"/api/v1/clients/{c.pk}/nutrition-settings/"
    response = coach_api.patch(
        settings_url, {"target_mode": "training_rest", "training_weekdays": [1, 4]}, format="json"
    )
    assert response.status_code == 200 and response.data["training_weekdays"] == [1, 4]
    assert coach_api.patch(settings_url, {"tolerance_percent": 90}, format="json").status_code == 400
    calc = f"/api/v1/clients/{c.pk}/nutrition-calculator/"
    missing = coach_api.post(calc, {}, format="json")
    assert missing.status_code == 200 and any("no weight logged" in m for m in missing.data["missing"])
    weight = MetricFactory(organization=org, key="weight", name="Weight", unit="kg")
    ProgressEntryFactory(organization=org, client=c, metric=weight, value=D(60))
    result = coach_api.post(calc, {"activity": "sedentary", "goal": "maintain", "apply": True}, format="json")
    assert result.status_code == 200, result.data
    assert result.data["steps"][0]["text"].startswith("Resting energy 10 × 60 kg + 6.25 × 165 cm")
    assert {t["day_kind"] for t in result.data["applied"]} == {"training", "rest"}
    assert coach_api.post(calc, {"protein_g_per_kg": "3.0"}, format="json").status_code == 400


def test_coach_reads_logs_week_and_comments(coach_api, org):
    c = ClientFactory(organization=org)
    NutritionTargetFactory(client=c, organization=org)
    FoodLogEntryFactory(client=c, organization=org)
    logs = coach_api.get(f"/api/v1/clients/{c.pk}/food-log/")
    assert logs.status_code == 200 and len(logs.data) == 1
    week = coach_api.get(f"/api/v1/clients/{c.pk}/nutrition-week/")
    assert week.status_code == 200 and len(week.data["days"]) == 7
    today = datetime.date.today().isoformat()
    comment = coach_api.post(
        f"/api/v1/clients/{c.pk}/nutrition-comments/", {"date": today, "body": "Nice."}, format="json"
    )
    assert comment.status_code == 201 and NutritionComment.objects.count() == 1
    assert (
        coach_api.post(
            f"/api/v1/clients/{c.pk}/nutrition-comments/", {"date": today, "body": ""}, format="json"
        ).status_code
        == 400
    )


def test_another_business_gets_404_everywhere(org):
    c = ClientFactory(organization=org)
    stranger = api_as(MembershipFactory(organization=OrganizationFactory(), role="owner").user)
    for url in ["nutrition-targets/", "food-log/", "nutrition-week/", "nutrition-settings/", "nutrition-comments/"]:
        assert stranger.get(f"/api/v1/clients/{c.pk}/{url}").status_code == 404, url
    assert stranger.post(f"/api/v1/clients/{c.pk}/nutrition-calculator/", {}, format="json").status_code == 404


def test_schema_documents_the_routes(owner_api):
    schema = owner_api.get("/api/schema/", {"format": "json"})
    paths = schema.json()["paths"] if schema.status_code == 200 else {}
    assert "/api/v1/me/food-log/batch/" in paths
    assert "/api/v1/clients/{client_pk}/nutrition-calculator/" in paths
