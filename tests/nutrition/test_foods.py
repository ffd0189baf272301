"""A business's own foods and portions (services and pages), and the grams behind every unit."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nutrition.models import Food, FoodPortion
from nutrition.models.foods import GRAMS_PER_OUNCE
from nutrition.nutrients import for_grams, grams_of
from nutrition.services.foods import FoodError, add_portion, create_food, delete_portion, update_food, update_portion
from tests.factories import OrganizationFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory


def shared_food(**kwargs):
    return FoodFactory(organization=None, source="usda_sr28", source_id="99001", **kwargs)


# --- Units and grams --------------------------------------------------------------------------------
def test_every_food_offers_grams_and_ounces_then_its_portions(db, org):
    food = FoodFactory(organization=org)
    half_cup = FoodPortionFactory(food=food, organization=org, amount=Decimal("0.5"), description="cup", gram_weight=64)
    units = food.units()
    assert [u["key"] for u in units] == ["g", "oz", f"portion-{half_cup.pk}"]
    assert units[1]["grams"] == GRAMS_PER_OUNCE
    assert units[2]["label"] == "0.5 cup" and units[2]["grams"] == Decimal("64")


def test_grams_of_a_portion_scale_with_the_amount(db, org):
    portion = FoodPortionFactory(amount=Decimal("0.5"), description="cup", gram_weight=Decimal("79.50"))
    assert grams_of(portion=portion, amount=Decimal("0.5")) == Decimal("79.50")
    assert grams_of(portion=portion, amount=Decimal("1.5")) == Decimal("238.50")
    assert grams_of(portion=portion, amount=Decimal("0.01")) == Decimal("1.59")


def test_nutrients_of_a_portion_keep_unknowns_unknown(foods):
    egg = foods.get(source_id="01123")
    large = egg.portions.get(description="large")
    amounts = for_grams(egg, grams_of(portion=large, amount=Decimal(2)))
    assert amounts["energy_kcal"] == egg.energy_kcal  # two 50 g eggs = 100 g
    oil = foods.get(source_id="01003")
    assert for_grams(oil, Decimal(14))["trans_fat_g"] is None


# --- Services -----------------------------------------------------------------------------------------
def test_create_food_is_the_business_own_with_its_source_and_licence(db, org, owner):
    food = create_food(organization=org, actor=owner, name=" Protein pancake ", energy_kcal="220", manufacturer="Acme")
    assert food.name == "Protein pancake" and food.organization == org
    assert food.source == Food.Source.BUSINESS and food.licence and food.created_by == owner
    assert food.is_branded is True
    assert food.protein_g is None


def test_create_food_refuses_a_duplicate_name_and_impossible_values(db, org):
    create_food(organization=org, name="Flapjack")
    with pytest.raises(FoodError) as error:
        create_food(organization=org, name="flapjack")
    assert error.value.field == "name"
    with pytest.raises(FoodError) as error:
        create_food(organization=org, name="Fat", energy_kcal="2000")
    assert error.value.field == "energy_kcal"
    with pytest.raises(FoodError):
        create_food(organization=org, name="Chalk", food_group="Rocks")
    with pytest.raises(FoodError):
        create_food(organization=org, name="Heavy", protein_g="60", carbohydrate_g="60")
    assert Food.objects.count() == 1


def test_shared_and_other_business_foods_cannot_be_updated(db, org):
    with pytest.raises(FoodError):
        update_food(food=shared_food(name="Rice"), organization=org, name="Mine")
    with pytest.raises(FoodError):
        update_food(food=FoodFactory(organization=OrganizationFactory()), organization=org, name="Mine")


def test_portions_of_the_business_on_any_food_it_sees(db, org):
    portion = add_portion(organization=org, food=shared_food(name="Rice"), description="bowl", gram_weight="250")
    assert portion.organization == org and portion.amount == Decimal("1.000")
    update_portion(portion=portion, organization=org, gram_weight="260.5")
    portion.refresh_from_db()
    assert portion.gram_weight == Decimal("260.50")
    delete_portion(portion=portion, organization=org)
    assert not FoodPortion.objects.exists()


def test_portions_refused_on_foods_of_another_business_and_for_shared_portions(db, org):
    with pytest.raises(FoodError):
        add_portion(
            organization=org, food=FoodFactory(organization=OrganizationFactory()), description="x", gram_weight=1
        )
    shared = FoodPortionFactory(food=shared_food(name="Rice"), organization=None)
    with pytest.raises(FoodError):
        update_portion(portion=shared, organization=org, gram_weight="1")
    with pytest.raises(FoodError):
        delete_portion(portion=shared, organization=org)


# --- Pages --------------------------------------------------------------------------------------------
@pytest.fixture
def page(client, owner):
    client.force_login(owner)
    return client


def test_library_page_searches_and_shows_the_empty_state(db, page):
    response = page.get(reverse("nutrition:foods"))
    assert response.status_code == 200
    assert "manage.py load_foods" in response.content.decode()


def test_library_search_as_you_type_returns_the_results_fragment(foods, page):
    response = page.get(reverse("nutrition:foods"), {"q": "chiken brest"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Chicken, broiler" in body


def test_food_page_shows_nutrients_per_portion_unknowns_and_licence(foods, page):
    oil = foods.get(source_id="01003")  # Butter oil: trans fat unknown
    body = page.get(reverse("nutrition:food_detail", args=[oil.pk])).content.decode()
    assert "unknown" in body and "Release 28" in body and "NDB 01003" in body
    tbsp = oil.portions.get(description="tbsp")
    fragment = page.get(
        reverse("nutrition:food_detail", args=[oil.pk]), {"unit": f"portion-{tbsp.pk}"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "112.13 kcal" in fragment  # 876 kcal per 100 g × 12.8 g


def test_add_own_food_through_the_page_with_inline_errors(db, org, page):
    url = reverse("nutrition:food_create")
    bad = page.post(url, {"name": "Bars", "protein_g": "-2"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    assert not Food.objects.exists()
    ok = page.post(url, {"name": "Bars", "energy_kcal": "400", "protein_g": "20"})
    food = Food.objects.get(organization=org)
    assert ok.status_code == 302 and ok.url == reverse("nutrition:food_detail", args=[food.pk])
    assert food.fat_g is None


def test_edit_page_is_for_own_foods_only(db, org, page):
    assert page.get(reverse("nutrition:food_edit", args=[shared_food(name="Rice").pk])).status_code == 404
    theirs = FoodFactory(organization=OrganizationFactory())
    assert page.get(reverse("nutrition:food_detail", args=[theirs.pk])).status_code == 404
    mine = FoodFactory(organization=org, name="Mine")
    response = page.post(reverse("nutrition:food_edit", args=[mine.pk]), {"name": "Mine too", "is_archived": "on"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Mine too" and mine.is_archived


def test_add_edit_and_remove_a_portion_through_the_pages(db, org, page):
    food = shared_food(name="Rice")
    url = reverse("nutrition:portion_create", args=[food.pk])
    assert page.post(url, {"amount": "1", "description": "bowl", "gram_weight": "0"}).status_code == 400
    assert page.post(url, {"amount": "1", "description": "bowl", "gram_weight": "250"}).status_code == 302
    portion = FoodPortion.objects.get(organization=org)
    edit = page.post(
        reverse("nutrition:portion_edit", args=[portion.pk]),
        {"amount": "1", "description": "bowl", "gram_weight": "240"},
    )
    assert edit.status_code == 302
    portion.refresh_from_db()
    assert portion.gram_weight == Decimal("240.00")
    page.post(reverse("nutrition:portion_delete", args=[portion.pk]))
    assert not FoodPortion.objects.exists()


def test_shared_portions_have_no_edit_page(db, page):
    shared = FoodPortionFactory(food=shared_food(name="Rice"), organization=None)
    assert page.get(reverse("nutrition:portion_edit", args=[shared.pk])).status_code == 404
    assert page.post(reverse("nutrition:portion_delete", args=[shared.pk])).status_code == 404


def test_foods_in_the_navigation_for_members(db, page):
    body = page.get(reverse("nutrition:foods")).content.decode()
    assert f'href="{reverse("nutrition:foods")}"' in body


@pytest.mark.parametrize("count", [10, 100])
def test_library_page_query_count_does_not_grow(db, org, page, django_assert_max_num_queries, count):
    for n in range(count):
        FoodPortionFactory(food=FoodFactory(organization=org, name=f"Bar {n}"), organization=org)
    with django_assert_max_num_queries(20):
        response = page.get(reverse("nutrition:foods"), {"q": "bar"})
    assert response.status_code == 200


# --- Admin --------------------------------------------------------------------------------------------
def test_admin_keeps_shared_rows_read_only_except_for_superusers(db, org, rf):
    from django.contrib import admin

    from tests.factories import UserFactory

    food_admin = admin.site._registry[Food]
    shared, own = shared_food(name="Rice"), FoodFactory(organization=org)
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    assert food_admin.has_change_permission(request, shared) and food_admin.has_delete_permission(request, shared)
    request.user = UserFactory(is_staff=True)
    request.user.has_perm = lambda perm, obj=None: True  # a staff member with every model permission
    assert not food_admin.has_change_permission(request, shared)
    assert not food_admin.has_delete_permission(request, shared)
    assert food_admin.has_change_permission(request, own)
    portion_admin = admin.site._registry[FoodPortion]
    assert not portion_admin.has_change_permission(request, FoodPortionFactory(food=shared, organization=None))


def test_admin_lists_foods_and_portions(db, admin_client, org):
    FoodPortionFactory(food=FoodFactory(organization=org))
    assert admin_client.get(reverse("admin:nutrition_food_changelist"), {"q": "food"}).status_code == 200
    assert admin_client.get(reverse("admin:nutrition_foodportion_changelist")).status_code == 200
