"""Recipe and meal plan API: nested writes, 400s that name the bad field, actions, the
client's own plans, and lists whose query count does not grow."""

from datetime import date
from decimal import Decimal

import pytest

from nutrition.models import MealItem, MealPlan, Recipe
from nutrition.services import plans as services
from nutrition.services.recipes import create_recipe
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory, MealItemFactory, RecipeIngredientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def food(org):
    return FoodFactory(organization=org, name="Oats", energy_kcal=Decimal("380"), fibre_g=None)


@pytest.fixture
def cup(org, food):
    return FoodPortionFactory(food=food, organization=org, description="cup", gram_weight=Decimal("80"))


def test_recipe_crud_with_nested_ingredients_and_per_serving_nutrition(coach_api, food, cup):
    body = {
        "name": "Overnight oats",
        "servings": "2",
        "ingredients": [{"food": food.pk, "portion": cup.pk, "amount": "0.5"}, {"food": food.pk, "amount": "60"}],
        "steps": ["Mix", "Chill overnight"],
        "tags": ["breakfast"],
    }
    response = coach_api.post("/api/v1/recipes/", body, format="json")
    assert response.status_code == 201, response.data
    data = response.data
    assert [i["grams"] for i in data["ingredients"]] == ["40.00", "60.00"]
    assert data["steps"] == ["Mix", "Chill overnight"]
    assert data["nutrition"]["per_serving"]["energy_kcal"] == {"value": 190.0, "at_least": False}
    assert data["nutrition"]["per_serving"]["fibre_g"] == {"value": None, "at_least": False}
    response = coach_api.patch(f"/api/v1/recipes/{data['id']}/", {"steps": ["Just mix"]}, format="json")
    assert response.status_code == 200 and response.data["steps"] == ["Just mix"]
    assert len(response.data["ingredients"]) == 2
    assert coach_api.delete(f"/api/v1/recipes/{data['id']}/").status_code == 204
    assert Recipe.objects.get().is_archived


@pytest.mark.parametrize(
    ("ingredient", "path"),
    [
        ({"amount": "1"}, "ingredients.1.food"),
        ({"food": "FOOD", "amount": "0"}, "ingredients.1.amount"),
        ({"food": "FOOD", "amount": "999999"}, "ingredients.1.amount"),
        ({"food": "FOOD", "portion": "OTHER_PORTION", "amount": "1"}, "ingredients.1.portion"),
        ({"food": "FOREIGN", "amount": "1"}, "ingredients.1.food"),
    ],
)
def test_bad_nested_ingredient_is_a_400_naming_its_path(coach_api, org, food, ingredient, path):
    other_portion = FoodPortionFactory(food=FoodFactory(organization=org), organization=org)
    swap = {"FOOD": food.pk, "OTHER_PORTION": other_portion.pk, "FOREIGN": FoodFactory().pk}
    ingredient = {k: swap.get(v, v) for k, v in ingredient.items()}
    body = {"name": "X", "servings": 1, "ingredients": [{"food": food.pk, "amount": "10"}, ingredient]}
    response = coach_api.post("/api/v1/recipes/", body, format="json")
    assert response.status_code == 400
    assert path in response.data["errors"], response.data
    assert not Recipe.objects.exists()


def test_meal_plan_nested_create_and_bad_item_path(coach_api, org, food, cup):
    recipe = create_recipe(organization=org, name="Porridge", ingredients=[{"food": food.pk, "amount": 50}])
    body = {
        "name": "Cut",
        "energy_kcal": 2000,
        "days": [
            {
                "meals": [
                    {"kind": "breakfast", "items": [{"recipe": recipe.pk, "servings": "1"}]},
                    {
                        "kind": "custom",
                        "name": "Pre-workout",
                        "items": [{"food": food.pk, "portion": cup.pk, "amount": "0.5"}],
                    },
                ]
            }
        ],
    }
    response = coach_api.post("/api/v1/meal-plans/", body, format="json")
    assert response.status_code == 201, response.data
    day = response.data["days"][0]
    assert day["name"] == "Day 1"
    assert day["totals"]["energy_kcal"]["value"] == 342.0  # 50 g + 40 g of oats
    assert day["targets"]["energy_kcal"] == 2000
    assert day["meals"][1]["items"][0]["grams"] == "40.00"

    bad = {
        "days": [
            {
                "meals": [
                    {"kind": "lunch", "items": [{"food": food.pk, "amount": "1"}, {"food": food.pk, "amount": "-1"}]}
                ]
            }
        ]
    }
    plan_id = response.data["id"]
    response = coach_api.patch(f"/api/v1/meal-plans/{plan_id}/", bad, format="json")
    assert response.status_code == 400
    assert "days.0.meals.0.items.1.amount" in response.data["errors"]
    both = {"days": [{"meals": [{"items": [{"food": food.pk, "amount": "1", "recipe": recipe.pk}]}]}]}
    response = coach_api.patch(f"/api/v1/meal-plans/{plan_id}/", both, format="json")
    assert response.status_code == 400 and "days.0.meals.0.items.0.food" in response.data["errors"]
    custom = {"days": [{"meals": [{"kind": "custom"}]}]}
    response = coach_api.patch(f"/api/v1/meal-plans/{plan_id}/", custom, format="json")
    assert response.status_code == 400 and "days.0.meals.0.name" in response.data["errors"]
    # Nothing changed.
    assert MealItem.objects.filter(meal__day__plan_id=plan_id).count() == 2


def test_copy_day_copy_meal_assign_and_shopping_list(coach_api, org, food):
    plan = services.create_plan(organization=org, name="Base", day_count=2)
    day1, day2 = plan.days.order_by("position")
    breakfast = day1.meals.first()
    services.add_item(meal=breakfast, food=food.pk, amount=100)
    response = coach_api.post(
        f"/api/v1/meal-plans/{plan.pk}/copy-meal/", {"meal": breakfast.pk, "to_day": day2.pk}, format="json"
    )
    assert response.status_code == 201 and len(response.data["days"][1]["meals"]) == 5
    response = coach_api.post(f"/api/v1/meal-plans/{plan.pk}/copy-day/", {"day": day1.pk}, format="json")
    assert response.status_code == 201 and [d["name"] for d in response.data["days"]] == ["Day 1", "Day 2", "Day 3"]
    other = services.create_plan(organization=org, name="Other")
    response = coach_api.post(f"/api/v1/meal-plans/{plan.pk}/copy-day/", {"day": other.days.get().pk}, format="json")
    assert response.status_code == 400 and "day" in response.data["errors"]

    client = ClientFactory(organization=org, unit_system="imperial")
    response = coach_api.post(
        f"/api/v1/meal-plans/{plan.pk}/assign/", {"client": client.pk, "start_date": "2026-03-02"}, format="json"
    )
    assert response.status_code == 201 and response.data["status"] == "active" and response.data["client"] == client.pk
    copy_id = response.data["id"]
    response = coach_api.post(
        f"/api/v1/meal-plans/{plan.pk}/assign/",
        {"client": ClientFactory().pk, "start_date": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 400 and "client" in response.data["errors"]

    response = coach_api.get(f"/api/v1/meal-plans/{copy_id}/shopping-list/?start=2026-03-02&end=2026-03-04")
    assert response.status_code == 200
    (group,) = response.data["groups"]
    assert group["lines"][0]["grams"] == "300.00"  # days 1, 2 (its copied breakfast) and 3
    assert group["lines"][0]["weight"] == "10.6 oz"
    for query in (
        "",
        "?start=2026-03-05&end=2026-03-01",
        "?start=x&end=2026-03-01",
        "?start=2026-01-01&end=2026-12-31",
    ):
        assert coach_api.get(f"/api/v1/meal-plans/{copy_id}/shopping-list/{query}").status_code == 400


def test_client_reads_only_their_own_plans(org, food):
    user = UserFactory()
    client = ClientFactory(organization=org, user=user, email=user.email)
    template = services.create_plan(organization=org, name="Base")
    services.add_item(meal=template.days.get().meals.first(), food=food.pk, amount=100)
    mine = services.assign_plan(plan=template, client=client, start_date=date(2026, 3, 2))
    theirs = services.assign_plan(plan=template, client=ClientFactory(organization=org), start_date=date(2026, 3, 2))
    api = api_as(user)
    response = api.get("/api/v1/me/meal-plans/")
    assert response.status_code == 200
    assert [p["id"] for p in response.data["results"]] == [mine.pk]
    detail = api.get(f"/api/v1/me/meal-plans/{mine.pk}/")
    assert detail.status_code == 200 and detail.data["days"][0]["meals"][0]["items"][0]["grams"] == "100.00"
    assert api.get(f"/api/v1/me/meal-plans/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/me/meal-plans/{mine.pk}/", {"name": "x"}, format="json").status_code == 405
    assert api.get(f"/api/v1/me/meal-plans/{mine.pk}/shopping-list/?start=2026-03-02&end=2026-03-08").status_code == 200
    assert api.get("/api/v1/meal-plans/").status_code in (403, 404)


@pytest.mark.parametrize("rows", [10, 100])
def test_recipe_list_query_count_does_not_grow(coach_api, org, rows, django_assert_max_num_queries):
    for _ in range(rows):
        RecipeIngredientFactory(recipe__organization=org, organization=org)
    with django_assert_max_num_queries(12):
        response = coach_api.get("/api/v1/recipes/?page_size=100")
    assert response.status_code == 200 and len(response.data["results"]) == min(rows, len(response.data["results"]))
    assert response.data["results"][0]["nutrition"]["per_serving"]["energy_kcal"]["value"] is not None


@pytest.mark.parametrize("rows", [10, 100])
def test_meal_plan_list_query_count_does_not_grow(coach_api, org, rows, django_assert_max_num_queries):
    for _ in range(rows):
        item = MealItemFactory(meal__day__plan__organization=org, organization=org)
        MealPlan.objects.filter(pk=item.meal.day.plan_id).update(
            client=ClientFactory(organization=org), status="active"
        )
    with django_assert_max_num_queries(10):
        response = coach_api.get("/api/v1/meal-plans/?page_size=100")
    assert response.status_code == 200 and response.data["results"][0]["day_count"] == 1
    assert response.data["results"][0]["client_name"]


def test_ids_too_large_for_the_database_are_a_400(coach_api, org, food):
    plan = services.create_plan(organization=org, name="Base")
    huge = 10**25
    for url, body in [
        (f"/api/v1/meal-plans/{plan.pk}/copy-day/", {"day": huge}),
        (f"/api/v1/meal-plans/{plan.pk}/copy-meal/", {"meal": huge, "to_day": huge}),
        (f"/api/v1/meal-plans/{plan.pk}/assign/", {"client": huge, "start_date": "2026-03-02"}),
        ("/api/v1/recipes/", {"name": "X", "servings": 1, "ingredients": [{"food": huge, "amount": 1}]}),
        ("/api/v1/meal-plans/", {"name": "X", "days": [{"meals": [{"items": [{"recipe": huge}]}]}]}),
    ]:
        assert coach_api.post(url, body, format="json").status_code == 400, url
