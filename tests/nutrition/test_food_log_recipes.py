"""Logging a recipe by servings and a whole meal of the client's meal plan at once, through the
service, the app's API and the portal's "I ate this" button."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.models import FoodLogEntry
from nutrition.services import logs as services
from tests.conftest import api_as
from tests.factories import ClientFactory, OrganizationFactory, UserFactory
from tests.nutrition.factories import (
    FoodFactory,
    FoodPortionFactory,
    MealFactory,
    MealItemFactory,
    MealPlanDayFactory,
    MealPlanFactory,
    RecipeFactory,
    RecipeIngredientFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def oats_recipe(org):
    """Two servings from 100 g of oats (379 kcal, 13 g protein per 100 g) and 200 g of milk."""
    recipe = RecipeFactory(organization=org, name="Overnight oats", servings=D("2"))
    oats = FoodFactory(organization=org, name="Oats", energy_kcal=D("379"), protein_g=D("13"), fibre_g=None)
    milk = FoodFactory(organization=org, name="Milk", energy_kcal=D("50"), protein_g=D("3.4"), fibre_g=D("0"))
    RecipeIngredientFactory(recipe=recipe, organization=org, food=oats, amount=D("100"), grams=D("100"))
    RecipeIngredientFactory(recipe=recipe, organization=org, food=milk, amount=D("200"), grams=D("200"))
    return recipe


def test_a_recipe_is_logged_by_servings_with_its_per_serving_nutrients(client_record, oats_recipe):
    entry, created = services.log_food(
        client=client_record, client_entry_id=uuid.uuid4(), meal="breakfast", recipe=oats_recipe, amount=D("1.5")
    )
    assert created and entry.kind == FoodLogEntry.Kind.RECIPE
    assert entry.name == "Overnight oats" and entry.portion_label == "1.5 servings"
    # One serving: (379 + 100) / 2 = 239.5 kcal; one and a half: 359.25.
    assert entry.energy_kcal == D("359.25")
    assert entry.protein_g == D("14.85")  # (13 + 6.8) / 2 × 1.5
    assert entry.fibre_g == D("0.00")  # milk's known 0 counts; the oats' unknown fibre is not invented
    # A later edit of the recipe does not rewrite what was eaten; a new amount scales the copy.
    oats_recipe.servings = D("4")
    oats_recipe.save()
    entry = services.update_entry(entry=entry, amount=D("1"))
    assert entry.energy_kcal == D("239.50") and entry.portion_label == "1 serving"


def test_another_business_recipe_or_silly_servings_are_refused_and_nothing_is_stored(client_record, oats_recipe):
    other = RecipeFactory(organization=OrganizationFactory())
    with pytest.raises(services.FoodLogError) as refused:
        services.log_food(client=client_record, client_entry_id=uuid.uuid4(), recipe=other)
    assert refused.value.field == "recipe"
    with pytest.raises(services.FoodLogError) as refused:
        services.log_food(client=client_record, client_entry_id=uuid.uuid4(), recipe=oats_recipe, amount="0")
    assert refused.value.field == "servings"
    with pytest.raises(services.FoodLogError):
        services.log_food(
            client=client_record,
            client_entry_id=uuid.uuid4(),
            recipe=oats_recipe,
            quick={"energy_kcal": 100},
        )
    assert not FoodLogEntry.objects.exists()


def test_the_app_logs_a_recipe_and_refuses_another_business_recipe(client_record, oats_recipe):
    api = api_as(client_record.user)
    key = str(uuid.uuid4())
    body = {"client_entry_id": key, "recipe": oats_recipe.pk, "amount": "2", "meal": "dinner"}
    first = api.post("/api/v1/me/food-log/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["kind"] == "recipe" and first.json()["energy_kcal"] == "479.00"
    assert api.post("/api/v1/me/food-log/", body, format="json").status_code == 200  # a retry
    other = RecipeFactory(organization=OrganizationFactory())
    refused = api.post(
        "/api/v1/me/food-log/", {"client_entry_id": str(uuid.uuid4()), "recipe": other.pk}, format="json"
    )
    assert refused.status_code == 400
    assert FoodLogEntry.objects.count() == 1


def _planned_breakfast(client_record, oats_recipe):
    org = client_record.organization
    plan = MealPlanFactory(organization=org, client=client_record)
    meal = MealFactory(day=MealPlanDayFactory(plan=plan, organization=org), organization=org, kind="breakfast")
    MealItemFactory(
        meal=meal, organization=org, food=None, recipe=oats_recipe, servings=D("1"), amount=None, grams=None
    )
    banana = FoodFactory(organization=org, name="Banana", energy_kcal=D("89"))
    portion = FoodPortionFactory(food=banana, organization=org, description="medium", gram_weight=D("118"))
    MealItemFactory(meal=meal, organization=org, food=banana, portion=portion, amount=D("1"), grams=D("118"))
    return meal


def test_a_planned_meal_is_logged_whole_and_only_once(client_record, oats_recipe):
    meal = _planned_breakfast(client_record, oats_recipe)
    results = services.log_planned_meal(client=client_record, meal=meal)
    assert [e.name for e, _created in results] == ["Overnight oats", "Banana"]
    assert {e.meal for e, _created in results} == {"breakfast"}
    assert sum(e.energy_kcal for e, _c in results) == D("239.50") + D("105.02")
    again = services.log_planned_meal(client=client_record, meal=meal)
    assert not any(created for _e, created in again)
    assert FoodLogEntry.objects.count() == 2


def test_a_meal_of_someone_elses_plan_is_refused(client_record, oats_recipe):
    meal = _planned_breakfast(client_record, oats_recipe)
    stranger = ClientFactory(organization=client_record.organization, user=UserFactory())
    with pytest.raises(services.FoodLogError):
        services.log_planned_meal(client=stranger, meal=meal)
    response = api_as(stranger.user).post("/api/v1/me/food-log/planned-meal/", {"meal": meal.pk}, format="json")
    assert response.status_code == 400
    assert not FoodLogEntry.objects.exists()


def test_the_app_and_the_portal_log_a_planned_meal(client, client_record, oats_recipe):
    meal = _planned_breakfast(client_record, oats_recipe)
    api = api_as(client_record.user)
    response = api.post("/api/v1/me/food-log/planned-meal/", {"meal": meal.pk}, format="json")
    assert response.status_code == 201 and len(response.json()) == 2
    FoodLogEntry.objects.all().delete()

    client.force_login(client_record.user)
    page = client.get(reverse("nutrition:portal_plan")).content.decode()
    assert reverse("nutrition:portal_log_planned_meal", args=[meal.pk]) in page
    done = client.post(reverse("nutrition:portal_log_planned_meal", args=[meal.pk]), follow=True)
    assert "Logged 2 items in today&#x27;s food log." in done.content.decode()
    assert FoodLogEntry.objects.filter(client=client_record).count() == 2
