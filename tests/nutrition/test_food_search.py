"""Food search: typos, synonyms, filters, ranking, a business's own foods, query counts."""

import pytest
from django.db import connection

from nutrition.search import ranked_food_ids, search_foods
from tests.factories import OrganizationFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory


def names(org, query, **kwargs):
    return [f.name for f in search_foods(organization=org, query=query, **kwargs)]


@pytest.mark.parametrize(
    ("query", "expected_start"),
    [
        ("chiken brest", "Chicken, broiler"),
        ("chicken breast", "Chicken, broiler"),
        ("bananna", "Bananas, raw"),
        ("banana", "Bananas, raw"),
        ("brocoli", "Broccoli, raw"),
        ("tomatoe", "Tomatoes, red, ripe, raw"),
        ("egg", "Egg, whole, raw, fresh"),
        ("eggs", "Egg, whole, raw, fresh"),
        ("apple", "Apples, raw"),
        ("olive oil", "Oil, olive"),
        ("peanut butter", "Peanut butter"),
        ("sweet potato", "Sweet potato, raw"),
        ("porridge", "Oats"),
    ],
)
def test_common_food_comes_first_even_misspelt(foods, org, query, expected_start):
    assert names(org, query, limit=1)[0].startswith(expected_start)


def test_chicken_breast_misspelt_finds_breast_meat(foods, org):
    top = names(org, "chiken brest", limit=5)
    assert all("breast" in name.lower() and name.startswith("Chicken") for name in top)


def test_british_spelling_finds_the_american_one(foods, org):
    assert names(org, "yoghurt", limit=5) == names(org, "yogurt", limit=5)
    assert all(name.startswith("Yogurt") for name in names(org, "greek yoghurt", limit=3))
    assert names(org, "courgette", limit=1)[0].startswith("Squash, summer, zucchini")


def test_the_fresh_egg_ranks_before_the_dried_one(foods, org):
    found = names(org, "egg whole", limit=50)
    assert found.index("Egg, whole, raw, fresh") < found.index("Egg, whole, dried")


def test_branded_and_restaurant_foods_come_after_whole_foods(foods, org):
    top = search_foods(organization=org, query="cheese", limit=10)
    assert not any(f.is_branded for f in top)


def test_filter_by_food_group(foods, org):
    found = search_foods(organization=org, query="chicken", food_group="Soups, Sauces, and Gravies", limit=20)
    assert found and all(f.food_group == "Soups, Sauces, and Gravies" for f in found)


def test_filter_branded_or_not(foods, org):
    branded = search_foods(organization=org, query="cheese", branded=True, limit=20)
    assert branded and all(f.is_branded and f.manufacturer for f in branded)
    plain = search_foods(organization=org, query="cheese", branded=False, limit=20)
    assert plain and not any(f.is_branded for f in plain)


def test_nothing_matching_returns_nothing(foods, org):
    assert search_foods(organization=org, query="xqzvw") == []


def test_empty_query_lists_the_most_popular_foods(foods, org):
    top = search_foods(organization=org, query="", limit=20)
    assert len(top) == 20
    assert all(not f.is_branded for f in top)


def test_offset_pages_through_the_same_ranking(foods, org):
    first = search_foods(organization=org, query="milk", limit=5)
    second = search_foods(organization=org, query="milk", limit=5, offset=5)
    ids = ranked_food_ids(organization=org, query="milk")[:10]
    assert [f.pk for f in first + second] == ids


def test_a_business_sees_its_own_foods_and_no_one_elses(foods, org):
    other = OrganizationFactory()
    mine = FoodFactory(organization=org, name="Grandma's flapjack")
    theirs = FoodFactory(organization=other, name="Secret flapjack")
    found = search_foods(organization=org, query="flapjak")  # misspelt: found through the business's own words
    assert mine in found and theirs not in found
    assert theirs in search_foods(organization=other, query="flapjack")
    assert search_foods(organization=None, query="flapjack") == []


def test_portions_of_another_business_are_not_shown_on_shared_foods(foods, org):
    egg = foods.get(source_id="01123")
    other = OrganizationFactory()
    FoodPortionFactory(food=egg, organization=other, description="their tray")
    FoodPortionFactory(food=egg, organization=org, description="our tray")
    found = next(f for f in search_foods(organization=org, query="egg whole raw fresh") if f.pk == egg.pk)
    descriptions = [p.description for p in found.portions.all()]
    assert "our tray" in descriptions and "their tray" not in descriptions
    assert "large" in descriptions


def test_archived_foods_are_not_found(db, org):
    FoodFactory(organization=org, name="Old bar", is_archived=True)
    assert search_foods(organization=org, query="old bar") == []


@pytest.mark.parametrize("count", [10, 100])
def test_query_count_does_not_grow_with_results(db, org, django_assert_max_num_queries, count):
    for n in range(count):
        food = FoodFactory(organization=org, name=f"Protein bar {n}")
        FoodPortionFactory(food=food, organization=org)
    with django_assert_max_num_queries(5):
        found = search_foods(organization=org, query="protein bar", limit=count)
        assert len(found) == count
        assert all(len(f.portions.all()) == 1 for f in found)


def test_trigram_index_exists_on_postgresql_and_the_fallback_serves_sqlite(foods, org):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = 'nutrition_food_search_trgm'")
            assert cursor.fetchone()
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'nutrition_food_search_trgm'"
            )
            assert cursor.fetchone() is None
    assert names(org, "chiken brest", limit=1)[0].startswith("Chicken, broiler")
