"""/api/v1/foods/: search, detail with portions and units, own foods and portions, roles."""

from decimal import Decimal

import pytest

from nutrition.models import Food, FoodPortion
from tests.conftest import api_as
from tests.factories import OrganizationFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory

URL = "/api/v1/foods/"


def shared_food(**kwargs):
    return FoodFactory(organization=None, source="usda_sr28", source_id=kwargs.pop("source_id", "99001"), **kwargs)


def test_list_searches_with_typos_and_filters(foods, owner_api):
    response = owner_api.get(URL, {"q": "bananna"})
    assert response.status_code == 200
    assert response.data["results"][0]["name"] == "Bananas, raw"

    branded = owner_api.get(URL, {"q": "cheese", "branded": "true"}).data["results"]
    assert branded and all(row["is_branded"] for row in branded)
    group = owner_api.get(URL, {"q": "chicken", "food_group": "Poultry Products"}).data["results"]
    assert group and all(row["food_group"] == "Poultry Products" for row in group)


def test_unknown_food_group_is_a_400(db, owner_api):
    response = owner_api.get(URL, {"food_group": "Moon rocks"})
    assert response.status_code == 400
    assert "food_group" in response.data["errors"]


def test_detail_has_nutrients_unknowns_portions_and_units(foods, owner_api):
    egg = foods.get(source_id="01123")
    data = owner_api.get(f"{URL}{egg.pk}/").data
    assert data["source"] == "usda_sr28" and data["source_id"] == "01123"
    assert "Release 28" in data["licence"]
    assert data["is_library"] is True
    assert Decimal(data["protein_g"]) == egg.protein_g
    large = next(p for p in data["portions"] if p["description"] == "large")
    assert Decimal(large["gram_weight"]) == Decimal("50")
    keys = [u["key"] for u in data["units"]]
    assert keys[:2] == ["g", "oz"] and f"portion-{large['id']}" in keys
    oz = data["units"][1]
    assert Decimal(oz["grams"]) == Decimal("28.3495")
    oil = foods.get(source_id="01003")
    assert owner_api.get(f"{URL}{oil.pk}/").data["trans_fat_g"] is None


def test_create_own_food_keeps_blank_nutrients_unknown(db, org, owner_api):
    response = owner_api.post(
        URL,
        {"name": "Overnight oats", "energy_kcal": "150", "protein_g": "6", "carbohydrate_g": "22", "fat_g": "4"},
        format="json",
    )
    assert response.status_code == 201, response.data
    food = Food.objects.get(pk=response.data["id"])
    assert food.organization == org and food.source == "business"
    assert food.fibre_g is None and food.licence
    assert response.data["units"][0]["key"] == "g"


def test_create_refuses_bad_nutrients_with_a_field_error(db, owner_api):
    negative = owner_api.post(URL, {"name": "Bad", "protein_g": "-1"}, format="json")
    assert negative.status_code == 400 and "protein_g" in negative.data["errors"]
    too_much = owner_api.post(URL, {"name": "Bad", "protein_g": "80", "fat_g": "50"}, format="json")
    assert too_much.status_code == 400
    assert owner_api.post(URL, {"name": ""}, format="json").status_code == 400
    assert not Food.objects.exists()


def test_shared_foods_cannot_be_changed(db, owner_api):
    food = shared_food(name="Rice")
    response = owner_api.patch(f"{URL}{food.pk}/", {"name": "Mine now"}, format="json")
    assert response.status_code == 400
    food.refresh_from_db()
    assert food.name == "Rice"


def test_update_own_food(db, org, owner_api):
    food = FoodFactory(organization=org, name="Bar")
    response = owner_api.patch(f"{URL}{food.pk}/", {"manufacturer": "Acme", "fibre_g": None}, format="json")
    assert response.status_code == 200, response.data
    food.refresh_from_db()
    assert food.is_branded and food.fibre_g is None


def test_another_business_cannot_see_or_change_a_food(db, owner_api):
    theirs = FoodFactory(organization=OrganizationFactory())
    assert owner_api.get(f"{URL}{theirs.pk}/").status_code == 404
    assert owner_api.patch(f"{URL}{theirs.pk}/", {"name": "x"}, format="json").status_code == 404
    assert theirs.pk not in [row["id"] for row in owner_api.get(URL).data["results"]]


def test_add_portion_to_a_shared_food_and_change_it(db, org, owner_api):
    food = shared_food(name="Rice")
    url = f"{URL}{food.pk}/portions/"
    created = owner_api.post(url, {"amount": "0.5", "description": "cup, cooked", "gram_weight": "79.5"}, format="json")
    assert created.status_code == 201, created.data
    portion = FoodPortion.objects.get(pk=created.data["id"])
    assert portion.organization == org and portion.gram_weight == Decimal("79.50")
    assert created.data["label"] == "0.5 cup, cooked"

    changed = owner_api.patch(f"{url}{portion.pk}/", {"gram_weight": "80"}, format="json")
    assert changed.status_code == 200
    assert owner_api.delete(f"{url}{portion.pk}/").status_code == 204
    assert not FoodPortion.objects.filter(pk=portion.pk).exists()


def test_shared_portions_cannot_be_changed_or_removed(db, owner_api):
    food = shared_food(name="Rice")
    shared = FoodPortionFactory(food=food, organization=None)
    url = f"{URL}{food.pk}/portions/{shared.pk}/"
    assert owner_api.patch(url, {"gram_weight": "1"}, format="json").status_code == 400
    assert owner_api.delete(url).status_code == 400
    shared.refresh_from_db()
    assert shared.gram_weight == Decimal("128")


def test_portion_needs_positive_grams_and_a_measure(db, owner_api):
    food = shared_food(name="Rice")
    url = f"{URL}{food.pk}/portions/"
    assert owner_api.post(url, {"description": "cup", "gram_weight": "0"}, format="json").status_code == 400
    assert owner_api.post(url, {"description": "", "gram_weight": "10"}, format="json").status_code == 400
    owner_api.post(url, {"description": "cup", "gram_weight": "10"}, format="json")
    duplicate = owner_api.post(url, {"description": "Cup", "gram_weight": "12"}, format="json")
    assert duplicate.status_code == 400
    assert FoodPortion.objects.count() == 1


def test_portions_of_another_business_food_are_a_404(db, owner_api):
    theirs = FoodFactory(organization=OrganizationFactory())
    url = f"{URL}{theirs.pk}/portions/"
    assert owner_api.get(url).status_code == 404
    assert owner_api.post(url, {"description": "cup", "gram_weight": "10"}, format="json").status_code == 404


def test_clients_search_foods_but_change_nothing(db, org, client_record):
    api = api_as(client_record.user)
    food = FoodFactory(organization=org, name="House granola")
    assert api.get(URL, {"q": "granola"}).data["results"][0]["id"] == food.pk
    assert api.get(f"{URL}{food.pk}/").status_code == 200
    assert api.post(URL, {"name": "Mine"}, format="json").status_code == 403
    assert (
        api.post(f"{URL}{food.pk}/portions/", {"description": "cup", "gram_weight": "9"}, format="json").status_code
        == 403
    )
    assert Food.objects.count() == 1


def test_assistants_may_use_the_food_library(db, assistant):
    assert api_as(assistant).get(URL).status_code == 200


@pytest.mark.parametrize("count", [10, 100])
def test_list_query_count_does_not_grow(db, org, owner_api, django_assert_max_num_queries, count):
    for n in range(count):
        FoodPortionFactory(food=FoodFactory(organization=org, name=f"Bar {n}"), organization=org)
    with django_assert_max_num_queries(12):
        response = owner_api.get(URL, {"q": "bar", "page_size": 100})
    assert response.status_code == 200
    assert len(response.data["results"]) == count
