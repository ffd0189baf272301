"""Demo recipes and meal plans for the nutrition app (used by `manage.py seed_demo` through
nutrition/demo.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from mecto.demo import demo_seeder
from mecto.localization import zone

from .models import Food, FoodPortion, MealPlan, Recipe
from .services import plans as plan_services
from .services import recipes as recipe_services

# --- Recipes and meal plans ---------------------------------------------------------------------------
RECIPE_NAME = "Overnight oats"
PLAN_NAME = "Lean and simple · 3 days"

# NDB number → (name, food group, kcal, protein, carbohydrate, fat, fibre per 100 g, a portion).
# `make run` loads the shared USDA foods before seeding; without them (a bare `seed_demo`)
# the business gets its own copies of these few foods so the demo plan still has numbers.
_DEMO_FOODS = {
    "08120": ("Oats, rolled, dry", "Breakfast Cereals", 379, 13.2, 67.7, 6.5, 10.1, ("cup", 81)),
    "01079": ("Milk, reduced fat, 2%", "Dairy and Egg Products", 50, 3.3, 4.8, 2.0, 0, ("cup", 244)),
    "09050": ("Blueberries, raw", "Fruits and Fruit Juices", 57, 0.74, 14.5, 0.33, 2.4, ("cup", 148)),
    "09040": ("Bananas, raw", "Fruits and Fruit Juices", 89, 1.1, 22.8, 0.33, 2.6, ("medium", 118)),
    "01256": ("Yogurt, Greek, plain, nonfat", "Dairy and Egg Products", 59, 10.2, 3.6, 0.39, 0, ("container", 170)),
    "01123": ("Egg, whole, raw", "Dairy and Egg Products", 143, 12.6, 0.72, 9.5, 0, ("large", 50)),
    "18075": ("Bread, whole-wheat", "Baked Products", 252, 12.5, 42.7, 3.5, 6.0, ("slice", 32)),
    "05064": ("Chicken breast, roasted", "Poultry Products", 165, 31.0, 0, 3.6, 0, ("breast, half", 140)),
    "20037": ("Rice, brown, cooked", "Cereal Grains and Pasta", 123, 2.7, 25.6, 0.97, 1.6, ("cup", 202)),
    "11090": ("Broccoli, raw", "Vegetables and Vegetable Products", 34, 2.8, 6.6, 0.37, 2.6, ("cup, chopped", 91)),
    "15237": ("Salmon, Atlantic, cooked", "Finfish and Shellfish Products", 206, 22.1, 0, 12.4, 0, ("fillet", 178)),
    "16398": ("Peanut butter, smooth", "Legumes and Legume Products", 598, 22.2, 22.3, 51.4, 5.0, ("tbsp", 16)),
}


def _demo_food(organization, ndb: str) -> tuple[Food, FoodPortion | None]:
    shared = Food.objects.library().filter(source_id=ndb).first()
    if shared is not None:
        return shared, FoodPortion.objects.for_org(organization).filter(food=shared).order_by("position", "id").first()
    name, group, kcal, protein, carbs, fat, fibre, (measure, grams) = _DEMO_FOODS[ndb]
    food = Food.objects.filter(organization=organization, name=name).first()
    if food is None:
        food = Food.objects.create(
            organization=organization,
            name=name,
            food_group=group,
            energy_kcal=Decimal(str(kcal)),
            protein_g=Decimal(str(protein)),
            carbohydrate_g=Decimal(str(carbs)),
            fat_g=Decimal(str(fat)),
            fibre_g=Decimal(str(fibre)),
        )
        FoodPortion.objects.create(organization=organization, food=food, description=measure, gram_weight=grams)
    return food, food.portions.order_by("position", "id").first()


def _amount(organization, ndb: str, grams) -> dict:
    """About `grams` of the food, in its first household portion (to the nearest quarter)
    when it has one, else in grams."""
    food, portion = _demo_food(organization, ndb)
    grams = Decimal(str(grams))
    if portion is None:
        return {"food": food.pk, "amount": grams}
    per_one = Decimal(portion.gram_weight) / Decimal(portion.amount)
    count = max(Decimal("0.25"), (grams / per_one * 4).quantize(Decimal("1")) / 4)
    return {"food": food.pk, "portion": portion.pk, "amount": count}


def _add(meal, organization, ndb: str, grams):
    return plan_services.add_item(meal=meal, **_amount(organization, ndb, grams))


@transaction.atomic
@demo_seeder(order=50)
def seed_meal_plans_demo(*, organization, coach, **context) -> None:
    """A recipe and a 3-day template assigned to the demo client. Idempotent: nothing is
    added once the template exists."""
    if MealPlan.objects.for_org(organization).filter(name=PLAN_NAME).exists():
        return
    recipe = Recipe.objects.for_org(organization).filter(name=RECIPE_NAME).first()
    if recipe is None:
        recipe = recipe_services.create_recipe(
            organization=organization,
            actor=coach,
            name=RECIPE_NAME,
            description="Make two jars the night before: breakfast for two mornings.",
            servings=2,
            tags=["breakfast", "make ahead"],
            ingredients=[
                _amount(organization, "08120", 80),
                _amount(organization, "01079", 244),
                _amount(organization, "01256", 85),
                _amount(organization, "09050", 74),
            ],
            steps=[
                "Stir the oats, milk and yoghurt together in a bowl.",
                "Divide between two jars, top with the blueberries and close them.",
                "Leave in the fridge overnight; eat cold or warm it for a minute.",
            ],
        )
    plan = plan_services.create_plan(
        organization=organization,
        actor=coach,
        name=PLAN_NAME,
        description="Three simple days around 1,800 kcal with protein at every meal. Repeat them through the week.",
        day_count=3,
        energy_kcal=1800,
        protein_g=Decimal("130"),
        carbohydrate_g=Decimal("190"),
        fat_g=Decimal("60"),
        fibre_g=Decimal("28"),
    )
    days = list(plan.days.order_by("position"))
    for index, day in enumerate(days):
        breakfast, lunch, dinner, snack = list(day.meals.order_by("position"))
        if index == 1:
            _add(breakfast, organization, "01123", 100)
            _add(breakfast, organization, "18075", 64)
        else:
            plan_services.add_item(meal=breakfast, recipe=recipe.pk, servings=1)
        _add(lunch, organization, "05064", 140)
        _add(lunch, organization, "20037", 150)
        _add(lunch, organization, "11090", 90)
        if index == 2:
            _add(dinner, organization, "15237", 150)
        else:
            _add(dinner, organization, "05064", 120)
        _add(dinner, organization, "20037", 100)
        _add(dinner, organization, "11090", 135)
        _add(snack, organization, "09040", 118)
        _add(snack, organization, "16398", 24)
    portal_client = Client.objects.for_org(organization).filter(user__isnull=False).order_by("id").first()
    if portal_client is not None:
        today = timezone.now().astimezone(zone(portal_client.time_zone or "UTC")).date()
        plan_services.assign_plan(
            plan=plan, client=portal_client, start_date=today - timedelta(days=today.weekday()), actor=coach
        )
