"""Demo content for nutrition (used by `manage.py seed_demo`): targets for the demo clients
(training and rest days for Chloe, worked out with the calculator), a week of her food log
and a coach's comment, so the Nutrition tab and the portal's food log are filled in."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import transaction

from mecto.demo import demo_seeder

from . import calculator, selectors
from .models import Food, FoodLogEntry, FoodPortion, NutritionComment, NutritionTarget
from .services import logs as log_services
from .services import targets as target_services

MAIN = "client@demo.mecto.test"
# Shared-database names searched first; business foods are made when the database is not loaded.
DEMO_FOODS = [
    # (search words, fallback name, kcal, protein, carbohydrate, fat, fibre, portion, grams)
    ("oats regular", "Oats, rolled", "379", "13.2", "67.7", "6.5", "10.1", "cup", "81"),
    ("milk reduced fat", "Milk, semi-skimmed", "50", "3.3", "4.8", "2.0", "0", "cup", "244"),
    ("bananas raw", "Banana, raw", "89", "1.1", "22.8", "0.3", "2.6", "medium", "118"),
    ("chicken breast roasted", "Chicken breast, roasted", "165", "31", "0", "3.6", "0", "breast", "140"),
    ("rice white cooked", "Rice, white, cooked", "130", "2.7", "28.2", "0.3", "0.4", "cup", "158"),
    ("broccoli cooked", "Broccoli, cooked", "35", "2.4", "7.2", "0.4", "3.3", "cup", "156"),
    ("yogurt greek plain", "Greek yogurt, plain", "97", "9", "3.9", "5", "0", "container", "170"),
    ("salmon atlantic cooked", "Salmon, cooked", "206", "22.1", "0", "12.4", "0", "fillet", "154"),
]
# Per day: (meal, food index, portions)
DAY_PLAN = [
    ("breakfast", 0, Decimal("0.75")),
    ("breakfast", 1, Decimal("1")),
    ("breakfast", 2, Decimal("1")),
    ("lunch", 3, Decimal("1")),
    ("lunch", 4, Decimal("1")),
    ("dinner", 7, Decimal("1")),
    ("dinner", 5, Decimal("1")),
    ("snack", 6, Decimal("1")),
]


def _demo_foods(organization) -> list[tuple[Food, FoodPortion | None]]:
    from .search import search_foods

    found = []
    for words, name, kcal, protein, carbs, fat, fibre, measure, grams in DEMO_FOODS:
        food = next(iter(search_foods(organization=organization, query=words, limit=1)), None)
        if food is None:
            food = Food.objects.filter(organization=organization, name=name).first() or Food.objects.create(
                organization=organization,
                name=name,
                food_group="Demo",
                energy_kcal=Decimal(kcal),
                protein_g=Decimal(protein),
                carbohydrate_g=Decimal(carbs),
                fat_g=Decimal(fat),
                fibre_g=Decimal(fibre),
            )
        portion = food.portions.first()
        if portion is None and food.organization_id == organization.pk:
            portion = FoodPortion.objects.create(
                organization=organization, food=food, description=measure, gram_weight=Decimal(grams)
            )
        found.append((food, portion))
    return found


@transaction.atomic
@demo_seeder(order=40)
def seed_nutrition_demo(*, organization, coach, clients, **context) -> None:
    from clients.services.records import update_client

    main = clients.get(MAIN)
    if main is None:
        return
    if not (main.sex and main.date_of_birth and main.height_cm):
        main = update_client(
            client=main,
            actor=coach,
            sex=main.sex or "female",
            date_of_birth=main.date_of_birth or datetime.date(1993, 5, 14),
            height_cm=main.height_cm or Decimal("168"),
        )
    if not NutritionTarget.objects.filter(client=main).exists():
        target_services.save_settings(
            client=main, target_mode="training_rest", training_weekdays=[1, 3, 5], tolerance_percent=10
        )
        inputs = calculator.inputs_for(main)
        if inputs.weight_kg is None:
            inputs.weight_kg = Decimal("75")
        rest = calculator.calculate(inputs, calculator.Settings(activity="light", goal="lose"))
        training = calculator.calculate(inputs, calculator.Settings(activity="moderate", goal="lose"))
        if rest.is_complete and training.is_complete:
            target_services.apply_calculation(client=main, result=rest, day_kinds=["rest"], actor=coach)
            target_services.apply_calculation(client=main, result=training, day_kinds=["training"], actor=coach)
    for email, client in clients.items():
        if email != MAIN and not NutritionTarget.objects.filter(client=client).exists():
            target_services.save_target(
                client=client,
                day_kind="every_day",
                values={"energy_kcal": 2100, "protein_g": 130, "carbohydrate_g": 230, "fat_g": 70, "fibre_g": 30},
                actor=coach,
            )
    if FoodLogEntry.objects.filter(client=main).exists():
        return
    foods = _demo_foods(organization)
    today = selectors.client_today(main)
    for days_ago in range(7, 0, -1):
        day = today - datetime.timedelta(days=days_ago)
        for i, (meal, index, portions) in enumerate(DAY_PLAN):
            if days_ago % 3 == 0 and meal == "snack":
                continue  # some days without the snack, so the week has days off target
            food, portion = foods[index]
            amount = portions * (Decimal("1.5") if days_ago == 2 and meal == "dinner" else 1)
            log_services.log_food(
                client=main,
                client_entry_id=uuid.uuid5(uuid.NAMESPACE_URL, f"mecto-demo-{main.pk}-{day}-{i}"),
                date=day,
                meal=meal,
                food=food,
                portion=portion,
                amount=amount if portion else None,
                grams=None if portion else amount * 100,
                actor=main.user,
            )
    log_services.log_food(
        client=main,
        client_entry_id=uuid.uuid5(uuid.NAMESPACE_URL, f"mecto-demo-{main.pk}-{today}-quick"),
        date=today,
        meal="breakfast",
        quick={
            "name": "Flat white and croissant",
            "energy_kcal": 380,
            "protein_g": 12,
            "carbohydrate_g": 38,
            "fat_g": 20,
        },
        actor=main.user,
    )
    if not NutritionComment.objects.filter(client=main).exists():
        # Kept with the day only: the demo conversation belongs to the clients seeder.
        NutritionComment.objects.create(
            organization=organization,
            client=main,
            date=today - datetime.timedelta(days=2),
            body="Great protein all week. The bigger dinner on this day put you over: fine after a long run.",
            author=coach,
        )
