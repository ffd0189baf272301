"""Reads of recipes and meal plans: their nutrition (per serving, per 100 g, per meal and per
day against targets), and querysets with everything those need already fetched.

A nutrient that some ingredient or item does not know keeps the sum of the known ones and is
flagged, so pages say "at least" instead of showing a partial sum as exact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import ngettext

from . import nutrients
from .models import Meal, MealItem, MealPlan, MealPlanDay, NutritionTarget, Recipe, RecipeIngredient, RecipeStep
from .nutrients import MACRO_FIELDS, NUTRIENTS, Amounts

G_PER_OZ = Decimal("28.349523125")
G_PER_LB = Decimal("453.59237")


@dataclass
class Totals:
    amounts: Amounts
    unknown: set[str] = field(default_factory=set)

    def scaled(self, factor: Decimal) -> Totals:
        return Totals(
            {k: None if v is None else Decimal(v) * factor for k, v in self.amounts.items()}, set(self.unknown)
        )

    @classmethod
    def empty(cls) -> Totals:
        return cls(dict.fromkeys(nutrients.NUTRIENT_FIELDS), set())

    @classmethod
    def sum(cls, parts: list[Totals]) -> Totals:
        if not parts:
            return cls.empty()
        # Each part already flags what its own items do not know; an empty meal knows nothing
        # to add, so it does not make the day's totals a lower bound.
        unknown = set().union(*(p.unknown for p in parts))
        return cls(nutrients.add(*(p.amounts for p in parts)), unknown)

    @property
    def has_lower_bounds(self) -> bool:
        """Some shown value is a partial sum ("at least")."""
        return any(self.amounts.get(f) is not None for f in self.unknown)

    def as_dict(self, fields=None) -> dict:
        """Rounded values for the API: {"energy_kcal": {"value": 412.0, "at_least": false}, ...}."""
        out = {}
        for n in NUTRIENTS:
            if fields and n.field not in fields:
                continue
            value = self.amounts.get(n.field)
            out[n.field] = {
                "value": None if value is None else float(round(Decimal(value), 1)),
                "at_least": value is not None and n.field in self.unknown,
            }
        return out

    def rows(self, targets: dict | None = None, fields=MACRO_FIELDS) -> list[dict]:
        """Rows for a page: label, value, unit, whether it is a lower bound, target and %."""
        out = []
        for n in NUTRIENTS:
            if n.field not in fields:
                continue
            value = self.amounts.get(n.field)
            target = (targets or {}).get(n.field)
            percent = None
            if value is not None and target:
                percent = int(round(Decimal(value) / Decimal(target) * 100))
            out.append(
                {
                    "field": n.field,
                    "label": n.label,
                    "unit": n.unit,
                    "value": _rounded(value, n.unit),
                    "at_least": value is not None and n.field in self.unknown,
                    "target": _rounded(target, n.unit),
                    "percent": percent,
                    "status": _status(percent),
                }
            )
        return out


def _rounded(value, unit):
    if value is None:
        return None
    value = Decimal(value)
    if unit == "kcal":
        return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _status(percent):
    if percent is None:
        return ""
    if percent < 90:
        return "under"
    if percent > 110:
        return "over"
    return "on"


# --- Recipes -----------------------------------------------------------------------------------------
@dataclass
class RecipeNutrition:
    total: Totals
    per_serving: Totals
    per_100g: Totals | None
    ingredient_grams: Decimal
    cooked_grams: Decimal
    serving_grams: Decimal


def ingredient_totals(food, grams) -> Totals:
    amounts = nutrients.for_grams(food, Decimal(grams))
    return Totals(amounts, nutrients.unknown_in(amounts))


def recipe_nutrition(recipe: Recipe, ingredients=None) -> RecipeNutrition:
    """Nutrition of the whole recipe, a serving and 100 g of the cooked dish.

    `ingredients` may be unsaved rows (the editor's live preview); otherwise the recipe's
    prefetched ingredients."""
    rows = list(ingredients if ingredients is not None else recipe.ingredients.all())
    total = Totals.sum([ingredient_totals(i.food, i.grams) for i in rows])
    grams = sum((Decimal(i.grams) for i in rows), Decimal(0))
    cooked = Decimal(recipe.yield_grams) if recipe.yield_grams else grams
    servings = Decimal(recipe.servings or 1)
    per_100g = total.scaled(Decimal(100) / cooked) if cooked else None
    return RecipeNutrition(
        total=total,
        per_serving=total.scaled(1 / servings),
        per_100g=per_100g,
        ingredient_grams=grams,
        cooked_grams=cooked,
        serving_grams=(cooked / servings).quantize(Decimal("0.1")),
    )


def recipes_with_ingredients(queryset: QuerySet[Recipe]) -> QuerySet[Recipe]:
    return queryset.prefetch_related(
        Prefetch("ingredients", queryset=RecipeIngredient.objects.select_related("food", "portion")),
        Prefetch("steps", queryset=RecipeStep.objects.order_by("position", "id")),
    )


def recipe_list(*, organization, search: str = "", archived: bool = False) -> QuerySet[Recipe]:
    qs = Recipe.objects.for_org(organization).filter(is_archived=archived)
    if search:
        qs = qs.filter(name__icontains=search)
    return recipes_with_ingredients(qs.order_by("name", "id"))


# --- Meal plans ----------------------------------------------------------------------------------------
def plan_tree(queryset: QuerySet[MealPlan]) -> QuerySet[MealPlan]:
    """Plans with days, meals, items and each item's food, portion and recipe ingredients."""
    items = MealItem.objects.select_related("food", "portion", "recipe").prefetch_related(
        Prefetch("recipe__ingredients", queryset=RecipeIngredient.objects.select_related("food", "portion"))
    )
    return queryset.select_related("client").prefetch_related(
        Prefetch(
            "days",
            queryset=MealPlanDay.objects.order_by("position", "id").prefetch_related(
                Prefetch(
                    "meals",
                    queryset=Meal.objects.order_by("position", "id").prefetch_related(
                        Prefetch("items", queryset=items.order_by("position", "id"))
                    ),
                )
            ),
        )
    )


def plan_list(*, organization, templates: bool | None = None, search: str = "") -> QuerySet[MealPlan]:
    qs = MealPlan.objects.for_org(organization).select_related("client")
    if templates is True:
        qs = qs.filter(client__isnull=True)
    elif templates is False:
        qs = qs.filter(client__isnull=False)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(client__first_name__icontains=search))
    return qs.annotate(day_count=Count("days", distinct=True)).order_by("-updated_at", "id")


def item_totals(item: MealItem) -> Totals:
    if item.recipe_id:
        return recipe_nutrition(item.recipe).per_serving.scaled(Decimal(item.servings or 1))
    return ingredient_totals(item.food, item.grams or 0)


def day_date(plan: MealPlan, day: MealPlanDay, days_count: int) -> date | None:
    """The first calendar date the day falls on in an assigned plan."""
    if plan.start_date is None:
        return None
    if plan.day_naming == MealPlan.DayNaming.WEEKDAYS:
        offset = (day.position - plan.start_date.weekday()) % 7
        return plan.start_date + timedelta(days=offset)
    return plan.start_date + timedelta(days=day.position)


def plan_targets(plan: MealPlan) -> dict:
    return {f: getattr(plan, f) for f in MACRO_FIELDS}


def targets_for(plan: MealPlan, day: MealPlanDay, days_count: int) -> dict:
    """The day's targets: the client's for that date when assigned, else the plan's own."""
    if plan.client_id:
        from .selectors import target_for_day

        when = day_date(plan, day, days_count) or date.today()
        target: NutritionTarget | None = target_for_day(client=plan.client, day=when)
        if target is not None:
            return {f: getattr(target, f) for f in MACRO_FIELDS}
    return plan_targets(plan)


def annotate_totals(plan: MealPlan, *, with_targets: bool = True) -> list[MealPlanDay]:
    """The plan's days with `.totals`, `.targets` and `.rows`; meals and items with `.totals`."""
    days = list(plan.days.all())
    for day in days:
        meal_totals = []
        for meal in day.meals.all():
            item_parts = []
            for item in meal.items.all():
                item.totals = item_totals(item)
                item.amount_text = _plain(item.amount)
                item.servings_text = _plain(item.servings)
                item.servings_label = servings_label(item.servings)
                item_parts.append(item.totals)
            meal.totals = Totals.sum(item_parts)
            meal.rows = meal.totals.rows()
            meal_totals.append(meal.totals)
        day.totals = Totals.sum(meal_totals)
        day.targets = targets_for(plan, day, len(days)) if with_targets else plan_targets(plan)
        day.rows = day.totals.rows(day.targets)
    return days


def servings_label(servings) -> str:
    """ "1 serving", "1.5 servings": a real plural, for any decimal amount."""
    if servings is None:
        return ""
    count = 1 if Decimal(servings) == 1 else 2
    return ngettext("%(n)s serving", "%(n)s servings", count) % {"n": _plain(servings)}


def _plain(value) -> str:
    """A decimal without trailing zeros: 0.500 → 0.5, 2.00 → 2."""
    return "" if value is None else f"{Decimal(value).normalize():f}"


def format_grams(grams: Decimal | float | None, unit_system: str) -> str:
    """A weight as a shopper reads it: 450 g / 1.2 kg, or 5.3 oz / 1.4 lb."""
    from mecto.localization import IMPERIAL

    if grams is None:
        return ""
    grams = Decimal(grams)
    if unit_system == IMPERIAL:
        ounces = grams / G_PER_OZ
        if ounces < 16:
            return f"{ounces.quantize(Decimal('0.1')).normalize():f} oz"
        return f"{(grams / G_PER_LB).quantize(Decimal('0.01')).normalize():f} lb"
    if grams < 1000:
        return f"{grams.quantize(Decimal('1')):f} g"
    return f"{(grams / 1000).quantize(Decimal('0.01')).normalize():f} kg"
