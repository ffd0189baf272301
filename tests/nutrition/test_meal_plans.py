"""Meal plans: totals against targets, copies of days and meals, assignment, shopping lists."""

from datetime import date
from decimal import Decimal

import pytest

from mecto.events import Event
from nutrition.models import Meal, MealItem, MealPlan
from nutrition.plan_nutrition import annotate_totals, plan_tree
from nutrition.services import plans as services
from nutrition.services.recipes import PlanError, create_recipe
from nutrition.shopping import shopping_list
from tests.factories import ClientFactory, UserFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory, NutritionTargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def foods(org):
    oats = FoodFactory(
        organization=org,
        name="Oats",
        food_group="Cereal Grains and Pasta",
        energy_kcal=Decimal("380"),
        protein_g=Decimal("13"),
        carbohydrate_g=Decimal("66"),
        fat_g=Decimal("7"),
        fibre_g=Decimal("10"),
    )
    egg = FoodFactory(
        organization=org,
        name="Egg",
        food_group="Dairy and Egg Products",
        energy_kcal=Decimal("143"),
        protein_g=Decimal("12.6"),
        carbohydrate_g=Decimal("0.7"),
        fat_g=Decimal("9.5"),
        fibre_g=Decimal("0"),
    )
    large = FoodPortionFactory(food=egg, organization=org, description="large", gram_weight=Decimal("50"))
    return {"oats": oats, "egg": egg, "large": large}


def _tree(plan):
    return plan_tree(MealPlan.objects.filter(pk=plan.pk)).get()


def _plan(org, **kwargs):
    return services.create_plan(organization=org, name="Lean week", **kwargs)


def test_new_plan_has_named_days_with_default_meals(org):
    plan = _plan(org, day_count=3)
    assert [d.name for d in plan.days.all()] == ["Day 1", "Day 2", "Day 3"]
    assert [m.kind for m in plan.days.first().meals.all()] == ["breakfast", "lunch", "dinner", "snack"]
    weekly = _plan(org, day_naming="weekdays", day_count=7, with_meals=False)
    assert [d.name for d in weekly.days.all()][:2] == ["Monday", "Tuesday"]
    with pytest.raises(PlanError):
        _plan(org, day_naming="weekdays", day_count=8)


def test_meal_and_day_totals_against_the_plans_targets(org, foods):
    plan = _plan(org, day_count=1, energy_kcal=2000, protein_g=Decimal("150"))
    breakfast, lunch = list(plan.days.get().meals.all())[:2]
    services.add_item(meal=breakfast, food=foods["oats"].pk, amount="100")
    services.add_item(meal=breakfast, food=foods["egg"].pk, portion=foods["large"].pk, amount="2")
    recipe = create_recipe(
        organization=org, name="Egg bowl", servings=2, ingredients=[{"food": foods["egg"].pk, "amount": 200}]
    )
    services.add_item(meal=lunch, recipe=recipe.pk, servings="1.5")
    (day,) = annotate_totals(_tree(plan))
    meals = list(day.meals.all())
    assert meals[0].totals.amounts["energy_kcal"] == Decimal("523")  # 380 + 143
    assert meals[1].totals.amounts["energy_kcal"] == Decimal("214.5")  # 1.5 of 100 g eggs
    assert day.totals.amounts["energy_kcal"] == Decimal("737.5")
    energy = next(r for r in day.rows if r["field"] == "energy_kcal")
    assert energy["target"] == 2000 and energy["percent"] == 37 and energy["status"] == "under"
    assert next(r for r in day.rows if r["field"] == "fat_g")["target"] is None


def test_assigned_plan_is_measured_against_the_clients_targets_for_that_day(org, foods):
    client = ClientFactory(organization=org)
    NutritionTargetFactory(client=client, organization=org, energy_kcal=1800)
    template = _plan(org, day_count=1, energy_kcal=2500)
    services.add_item(meal=template.days.get().meals.first(), food=foods["oats"].pk, amount=100)
    copy = services.assign_plan(plan=template, client=client, start_date=date(2026, 3, 2))
    (day,) = annotate_totals(_tree(copy))
    assert next(r for r in day.rows if r["field"] == "energy_kcal")["target"] == 1800
    (template_day,) = annotate_totals(_tree(template))
    assert next(r for r in template_day.rows if r["field"] == "energy_kcal")["target"] == 2500


def test_copy_day_puts_a_copy_after_it_and_renumbers(org, foods):
    plan = _plan(org, day_count=2)
    first = plan.days.get(position=0)
    services.add_item(meal=first.meals.first(), food=foods["oats"].pk, amount=60)
    copy = services.copy_day(day=first)
    assert copy.position == 1
    assert [d.name for d in plan.days.order_by("position")] == ["Day 1", "Day 2", "Day 3"]
    assert copy.meals.count() == 4
    assert MealItem.objects.filter(meal__day=copy).get().grams == Decimal("60.00")
    # The copy is independent.
    MealItem.objects.filter(meal__day=copy).delete()
    assert MealItem.objects.filter(meal__day=first).count() == 1


def test_copy_meal_to_another_day_of_the_same_plan_only(org, foods):
    plan = _plan(org, day_count=2)
    day1, day2 = plan.days.order_by("position")
    breakfast = day1.meals.first()
    services.add_item(meal=breakfast, food=foods["egg"].pk, portion=foods["large"].pk, amount=3)
    copied = services.copy_meal(meal=breakfast, to_day=day2)
    assert copied.day == day2 and copied.position == 4 and copied.items.get().amount == Decimal("3")
    other = _plan(org, day_count=1)
    with pytest.raises(PlanError) as error:
        services.copy_meal(meal=breakfast, to_day=other.days.get())
    assert error.value.field == "to_day"


def test_move_and_delete_items_and_meals(org, foods):
    plan = _plan(org, day_count=1)
    meal = plan.days.get().meals.first()
    a = services.add_item(meal=meal, food=foods["oats"].pk, amount=10)
    b = services.add_item(meal=meal, food=foods["egg"].pk, amount=20)
    services.move_item(item=b, direction=-1)
    assert list(meal.items.order_by("position").values_list("pk", flat=True)) == [b.pk, a.pk]
    services.update_item(item=a, amount="0.5", portion=None)
    a.refresh_from_db()
    assert a.grams == Decimal("0.50")
    with pytest.raises(PlanError):
        services.update_item(item=a, amount="0")
    services.delete_item(item=a)
    assert meal.items.count() == 1
    services.move_meal(meal=meal, direction=1)
    assert plan.days.get().meals.order_by("position").first().kind == Meal.Kind.LUNCH


def test_assign_deep_copies_and_ends_the_previous_plan(org, foods):
    client = ClientFactory(organization=org)
    template = _plan(org, day_count=2)
    services.add_item(meal=template.days.first().meals.first(), food=foods["oats"].pk, amount=50)
    first = services.assign_plan(plan=template, client=client, start_date=date(2026, 3, 2))
    assert first.status == "active" and first.client == client and first.source == template
    # Editing the client's copy leaves the template alone.
    item = MealItem.objects.get(meal__day__plan=first)
    services.update_item(item=item, amount=80)
    assert MealItem.objects.get(meal__day__plan=template).grams == Decimal("50.00")
    services.delete_day(day=first.days.last())
    assert template.days.count() == 2
    second = services.assign_plan(plan=template, client=client, start_date=date(2026, 3, 16))
    first.refresh_from_db()
    assert first.status == "ended" and first.end_date == date(2026, 3, 15)
    assert list(MealPlan.objects.filter(client=client, status="active")) == [second]
    assert Event.objects.filter(name="meal_plan.assigned", client_id=client.pk).count() == 2


def test_assign_refuses_a_client_of_another_business(org):
    template = _plan(org)
    with pytest.raises(PlanError):
        services.assign_plan(plan=template, client=ClientFactory(), start_date=date(2026, 3, 2))


def _shopping_plan(org, foods):
    plan = _plan(org, day_count=2, with_meals=False)
    day1, day2 = plan.days.order_by("position")
    breakfast = services.add_meal(day=day1, kind="breakfast")
    services.add_item(meal=breakfast, food=foods["oats"].pk, amount=80)
    recipe = create_recipe(
        organization=org,
        name="Oat omelette",
        servings=2,
        ingredients=[
            {"food": foods["oats"].pk, "amount": 40},
            {"food": foods["egg"].pk, "portion": foods["large"].pk, "amount": 4},
        ],
    )
    dinner = services.add_meal(day=day2, kind="dinner")
    services.add_item(meal=dinner, recipe=recipe.pk, servings=1)
    services.add_item(meal=dinner, food=foods["egg"].pk, portion=foods["large"].pk, amount=1)
    client = ClientFactory(organization=org)
    return services.assign_plan(plan=plan, client=client, start_date=date(2026, 3, 2))


def _lines(groups):
    return {line.food.name: line for group in groups for line in group.lines}


def test_shopping_list_sums_across_meals_and_recipes_in_metric(org, foods):
    plan = _shopping_plan(org, foods)
    groups = shopping_list(plan=plan, start=date(2026, 3, 2), end=date(2026, 3, 3), unit_system="metric")
    lines = _lines(groups)
    # Oats: 80 g on day 1 + half the recipe's 40 g on day 2. Eggs: half of 4 large + 1 large.
    assert lines["Oats"].grams == Decimal("100.00") and lines["Oats"].weight == "100 g"
    assert lines["Egg"].grams == Decimal("150.00") and lines["Egg"].household == "≈ 3 × large"
    assert [g.name for g in groups] == ["Cereal Grains and Pasta", "Dairy and Egg Products"]


def test_shopping_list_cycles_days_over_the_range_and_speaks_imperial(org, foods):
    plan = _shopping_plan(org, foods)
    # Ten days of a two-day plan: each day five times.
    lines = _lines(shopping_list(plan=plan, start=date(2026, 3, 2), end=date(2026, 3, 11), unit_system="imperial"))
    assert lines["Oats"].grams == Decimal("500.00")
    assert lines["Oats"].weight == "1.1 lb"
    assert lines["Egg"].grams == Decimal("750.00")
    # Starting on the plan's second day counts from day 2.
    lines = _lines(shopping_list(plan=plan, start=date(2026, 3, 3), end=date(2026, 3, 3), unit_system="imperial"))
    assert lines["Oats"].grams == Decimal("20.00") and lines["Oats"].weight == "0.7 oz"
    lines = _lines(shopping_list(plan=plan, start=date(2026, 3, 2), end=date(2026, 5, 1), unit_system="metric"))
    assert lines["Oats"].weight == "3.08 kg"  # 31 × 80 g + 30 × 20 g


def test_shopping_list_refuses_bad_ranges(org, foods):
    plan = _shopping_plan(org, foods)
    with pytest.raises(PlanError):
        shopping_list(plan=plan, start=date(2026, 3, 5), end=date(2026, 3, 1), unit_system="metric")
    with pytest.raises(PlanError):
        shopping_list(plan=plan, start=date(2026, 1, 1), end=date(2026, 6, 1), unit_system="metric")


def test_nested_write_names_the_path_of_a_bad_item(org, foods):
    plan = _plan(org)
    days = [
        {
            "name": "Rest",
            "meals": [
                {
                    "kind": "lunch",
                    "items": [{"food": foods["oats"].pk, "amount": 50}, {"food": foods["oats"].pk, "amount": "-2"}],
                }
            ],
        }
    ]
    with pytest.raises(PlanError) as error:
        services.update_plan(plan=plan, days=days)
    assert error.value.field == "days.0.meals.0.items.1.amount"
    days[0]["meals"][0]["items"].pop()
    services.update_plan(plan=plan, days=days)
    assert plan.days.get().name == "Rest"


def test_demo_has_an_overnight_oats_recipe_and_a_three_day_plan_for_the_demo_client(demo):
    import io

    from django.core.management import call_command

    plan = MealPlan.objects.for_org(demo).get(client__email="client@demo.mecto.test", status="active")
    assert plan.days.count() == 3
    assert MealItem.objects.filter(meal__day__plan=plan, recipe__name="Overnight oats").count() == 2
    (day, *_rest) = annotate_totals(_tree(plan))
    assert 1000 < day.totals.amounts["energy_kcal"] < 2600
    counts = (MealPlan.objects.count(), MealItem.objects.count())
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert (MealPlan.objects.count(), MealItem.objects.count()) == counts


# --- Pages ------------------------------------------------------------------------------------------
def test_builder_pages_render_and_htmx_edits_return_the_day_with_totals(client, coach, org, foods):
    client.force_login(coach)
    recipe = create_recipe(organization=org, name="Porridge", ingredients=[{"food": foods["oats"].pk, "amount": 50}])
    plan = _plan(org, day_count=2)
    meal = plan.days.first().meals.first()
    services.add_item(meal=meal, recipe=recipe.pk, servings=1)
    for url in [
        "/nutrition/plans/",
        "/nutrition/plans/new/",
        f"/nutrition/plans/{plan.pk}/",
        f"/nutrition/plans/{plan.pk}/edit/",
        f"/nutrition/plans/{plan.pk}/assign/",
        f"/nutrition/plans/{plan.pk}/print/",
        f"/nutrition/meals/{meal.pk}/picker/?q=oat",
    ]:
        assert client.get(url).status_code == 200, url
    pdf = client.get(f"/nutrition/plans/{plan.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    response = client.post(
        f"/nutrition/meals/{meal.pk}/add-item/",
        {"food": foods["egg"].pk, "amount": "0.5", "portion": foods["large"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and f'id="day-{meal.day_id}"'.encode() in response.content
    assert b"Energy: <strong>226</strong>" in response.content  # 190 kcal porridge + 25 g egg
    response = client.post(
        f"/nutrition/meals/{meal.pk}/add-item/", {"food": foods["egg"].pk, "amount": "0"}, HTTP_HX_REQUEST="true"
    )
    assert b"inline-error" in response.content and meal.items.count() == 2


def test_coach_assigns_from_the_clients_meal_plan_page_and_the_client_sees_it_in_the_portal(client, coach, org, foods):
    client.force_login(coach)
    plan = _plan(org, day_count=1)
    services.add_item(meal=plan.days.get().meals.first(), food=foods["oats"].pk, amount=80)
    person = ClientFactory(organization=org, user=UserFactory())
    assert client.get(f"/clients/{person.pk}/nutrition/plan/").status_code == 200
    response = client.post(f"/clients/{person.pk}/nutrition/plan/", {"plan": plan.pk, "start_date": "2026-03-02"})
    assert response.status_code == 302
    assert MealPlan.objects.get(client=person).status == "active"
    bad = client.post(f"/clients/{person.pk}/nutrition/plan/", {"plan": plan.pk, "start_date": "soon"})
    assert bad.status_code == 400
    other_business = ClientFactory()
    assert client.get(f"/clients/{other_business.pk}/nutrition/plan/").status_code == 404
    client.force_login(person.user)
    page = client.get("/portal/nutrition/plan/")
    assert page.status_code == 200 and b"Oats" in page.content and b"Shopping list" in page.content


def test_recipe_editor_saves_any_number_of_rows_and_refuses_bad_amounts(client, coach, org, foods):
    client.force_login(coach)
    assert client.get("/nutrition/recipes/new/").status_code == 200
    row = client.get(f"/nutrition/recipes/ingredient-row/?food={foods['egg'].pk}&index=7")
    assert b'name="ing-7-amount"' in row.content
    base = {"name": "Eggs on oats", "servings": "2", "steps": "Cook the oats\nTop with eggs"}
    bad = client.post("/nutrition/recipes/new/", {**base, "ing-3-food": foods["oats"].pk, "ing-3-amount": "0"})
    assert bad.status_code == 400 and b"at least 0.01" in bad.content
    preview = client.post(
        "/nutrition/recipes/preview/", {**base, "ing-3-food": foods["oats"].pk, "ing-3-amount": "100"}
    )
    assert b"190 kcal" in preview.content
    good = client.post(
        "/nutrition/recipes/new/",
        {
            **base,
            "ing-3-food": foods["oats"].pk,
            "ing-3-amount": "80",
            "ing-9-food": foods["egg"].pk,
            "ing-9-amount": "0.5",
            "ing-9-portion": foods["large"].pk,
        },
    )
    assert good.status_code == 302
    from nutrition.models import Recipe

    recipe = Recipe.objects.get(name="Eggs on oats")
    assert [i.grams for i in recipe.ingredients.all()] == [Decimal("80.00"), Decimal("25.00")]
    assert client.get("/nutrition/recipes/").status_code == 200


def test_an_empty_meal_does_not_make_the_days_totals_a_lower_bound(org, foods):
    plan = _plan(org, day_count=1)  # breakfast, lunch, dinner and snack, all empty
    services.add_item(meal=plan.days.get().meals.first(), food=foods["oats"].pk, amount=100)
    (day,) = annotate_totals(_tree(plan))
    energy = next(r for r in day.rows if r["field"] == "energy_kcal")
    assert energy["value"] == 380 and energy["at_least"] is False


@pytest.mark.parametrize("rows", [10, 100])
def test_plan_and_recipe_list_pages_keep_their_query_count(client, coach, org, rows, django_assert_max_num_queries):
    from tests.nutrition.factories import MealPlanFactory, RecipeIngredientFactory

    for _ in range(rows):
        RecipeIngredientFactory(recipe__organization=org, organization=org)
        MealPlanFactory(organization=org, client=ClientFactory(organization=org))
    client.force_login(coach)
    with django_assert_max_num_queries(20):
        assert client.get("/nutrition/recipes/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/nutrition/plans/?show=clients").status_code == 200


def test_pages_refuse_ids_too_large_for_the_database_without_an_error(client, coach, org, foods):
    client.force_login(coach)
    plan = _plan(org, day_count=1)
    meal = plan.days.get().meals.first()
    huge = "9" * 25
    response = client.post(
        f"/nutrition/meals/{meal.pk}/add-item/", {"food": huge, "amount": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"inline-error" in response.content
    response = client.post(f"/nutrition/meals/{meal.pk}/copy/", {"to_day": huge}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"inline-error" in response.content
    assert client.get(f"/nutrition/recipes/ingredient-row/?food={huge}&index=1").status_code == 404
    response = client.post(
        "/nutrition/recipes/new/", {"name": "X", "servings": "1", "ing-0-food": huge, "ing-0-amount": "1"}
    )
    assert response.status_code == 400
    with pytest.raises(PlanError):
        create_recipe(organization=org, name="X", ingredients=[{"food": 2**70, "amount": 1}])
