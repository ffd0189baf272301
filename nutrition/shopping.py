"""The shopping list of an assigned plan for a range of dates: every food of every meal and
recipe summed, in the client's units plus the household portion a shopper would say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import MealPlan, MealPlanDay
from .plan_nutrition import format_grams, plan_tree
from .services.recipes import PlanError

MAX_RANGE_DAYS = 62


@dataclass
class ShoppingLine:
    food: object
    grams: Decimal
    weight: str
    household: str


@dataclass
class ShoppingGroup:
    name: str
    lines: list[ShoppingLine]


def days_in_range(plan: MealPlan, days: list[MealPlanDay], start: date, end: date) -> list[tuple[date, MealPlanDay]]:
    """Which plan day each date follows. Numbered days cycle from the plan's start date
    (Day 1, Day 2, Day 3, Day 1, …); weekday plans follow the calendar."""
    out = []
    if not days:
        return out
    anchor = plan.start_date or start
    by_position = {d.position: d for d in days}
    current = start
    while current <= end:
        if plan.day_naming == MealPlan.DayNaming.WEEKDAYS:
            day = by_position.get(current.weekday())
        else:
            day = days[(current - anchor).days % len(days)]
        if day is not None:
            out.append((current, day))
        current += timedelta(days=1)
    return out


def check_range(start, end) -> tuple[date, date]:
    if not isinstance(start, date) or not isinstance(end, date):
        raise PlanError(_("Choose a start and an end date."), field="start")
    if end < start:
        raise PlanError(_("The end date is before the start date."), field="end")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise PlanError(_("At most %(n)s days at a time.") % {"n": MAX_RANGE_DAYS}, field="end")
    return start, end


def _household(food, grams: Decimal) -> str:
    """The food's first listed portion as a count a shopper understands ("≈ 3 × large"),
    when that count is sensible."""
    for portion in food.portions.all():
        weight = Decimal(portion.gram_weight) / Decimal(portion.amount)
        if weight <= 0:
            continue
        count = grams / weight
        if count < Decimal("0.5") or count > 200:
            continue
        step = Decimal("0.5") if count < 10 else Decimal("1")
        rounded = (count / step).quantize(Decimal("1")) * step
        return f"≈ {rounded.normalize():f} × {portion.description}"
    return ""


def shopping_list(*, plan: MealPlan, start: date, end: date, unit_system: str) -> list[ShoppingGroup]:
    """Grams of each food over the dates, grouped by food group (largest first within one)."""
    start, end = check_range(start, end)
    plan = plan_tree(MealPlan.objects.filter(pk=plan.pk)).prefetch_related(
        "days__meals__items__food__portions", "days__meals__items__recipe__ingredients__food__portions"
    )[0]
    days = list(plan.days.all())
    grams: dict[int, Decimal] = {}
    foods: dict[int, object] = {}
    for _when, day in days_in_range(plan, days, start, end):
        for meal in day.meals.all():
            for item in meal.items.all():
                if item.recipe_id:
                    factor = Decimal(item.servings or 1) / Decimal(item.recipe.servings or 1)
                    for ingredient in item.recipe.ingredients.all():
                        foods[ingredient.food_id] = ingredient.food
                        grams[ingredient.food_id] = grams.get(ingredient.food_id, Decimal(0)) + (
                            Decimal(ingredient.grams) * factor
                        )
                else:
                    foods[item.food_id] = item.food
                    grams[item.food_id] = grams.get(item.food_id, Decimal(0)) + Decimal(item.grams or 0)
    groups: dict[str, list[ShoppingLine]] = {}
    for food_id, total in grams.items():
        food = foods[food_id]
        total = total.quantize(Decimal("0.01"))
        groups.setdefault(food.food_group or _("Other"), []).append(
            ShoppingLine(
                food=food, grams=total, weight=format_grams(total, unit_system), household=_household(food, total)
            )
        )
    return [
        ShoppingGroup(name=name, lines=sorted(lines, key=lambda line: line.food.name.lower()))
        for name, lines in sorted(groups.items(), key=lambda pair: pair[0].lower())
    ]
