"""Meal plans: days, meals and items, copies of days and meals, templates and assigning a
plan to a client (a deep copy: editing the client's plan leaves the template alone)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type
from mecto.services import check_fields, full_clean

from ..models import Meal, MealItem, MealPlan, MealPlanDay, Recipe
from ..models.plans import MAX_SERVINGS, MIN_AMOUNT
from ..nutrients import MACRO_FIELDS
from .recipes import PlanError, _actor, _decimal, _pk, resolve_amount

__all__ = [
    "PLAN_FIELDS",
    "MAX_DAYS",
    "create_plan",
    "update_plan",
    "delete_plan",
    "add_day",
    "rename_day",
    "delete_day",
    "move_day",
    "copy_day",
    "add_meal",
    "update_meal",
    "delete_meal",
    "move_meal",
    "copy_meal",
    "add_item",
    "update_item",
    "delete_item",
    "move_item",
    "assign_plan",
    "end_plan",
    "save_as_template",
]

register_event_type("meal_plan.assigned", gettext_lazy("A meal plan was assigned to a client"))

PLAN_FIELDS = {"name", "description", "day_naming", *MACRO_FIELDS, "days"}
MAX_DAYS = 28
MAX_MEALS = 12
MAX_ITEMS = 40
DEFAULT_MEALS = [Meal.Kind.BREAKFAST, Meal.Kind.LUNCH, Meal.Kind.DINNER, Meal.Kind.SNACK]
_NUMBERED = re.compile(r"^\S+ \d+$")


def _lock(plan: MealPlan) -> MealPlan:
    # Lock the plan row: two edits of one plan (a copy and a delete of days) must not interleave.
    return MealPlan.objects.select_for_update().get(pk=plan.pk)


def _day_name(plan: MealPlan, position: int) -> str:
    if plan.day_naming == MealPlan.DayNaming.WEEKDAYS:
        return str(WEEKDAYS[position % 7])
    return _("Day %(n)s") % {"n": position + 1}


def _renumber_days(plan: MealPlan) -> None:
    for position, day in enumerate(plan.days.order_by("position", "id")):
        changes = {}
        if day.position != position:
            changes["position"] = position
        if plan.day_naming == MealPlan.DayNaming.WEEKDAYS or _NUMBERED.match(day.name):
            name = _day_name(plan, position)
            if day.name != name:
                changes["name"] = name
        if changes:
            MealPlanDay.objects.filter(pk=day.pk).update(**changes)


def _clean_plan_fields(fields: dict) -> dict:
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise PlanError(_("Give the meal plan a name."), field="name")
    if "day_naming" in fields and fields["day_naming"] not in MealPlan.DayNaming.values:
        raise PlanError(_("Choose how the days are named."), field="day_naming")
    for name in MACRO_FIELDS:
        if name in fields and fields[name] in ("", None):
            fields[name] = None
        elif name in fields:
            fields[name] = _decimal(fields[name], field=name)
            if name == "energy_kcal":
                fields[name] = int(fields[name])
    return fields


def _next_position(queryset) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


# --- Plans ------------------------------------------------------------------------------------------
@transaction.atomic
def create_plan(
    *,
    organization,
    actor=None,
    name: str,
    description: str = "",
    day_naming: str = MealPlan.DayNaming.NUMBERED,
    day_count: int = 1,
    with_meals: bool = True,
    days: list | None = None,
    **targets,
) -> MealPlan:
    """A template in the library. `days` (nested days → meals → items) builds it whole;
    otherwise `day_count` days, each with breakfast, lunch, dinner and a snack."""
    check_fields(targets, set(MACRO_FIELDS), error=PlanError)
    fields = _clean_plan_fields({"name": name, "description": description, "day_naming": day_naming, **targets})
    plan = MealPlan(organization=organization, created_by=_actor(actor), status=MealPlan.Status.TEMPLATE, **fields)
    full_clean(plan, error=PlanError)
    plan.save()
    if days is not None:
        _write_days(plan, days)
    else:
        try:
            day_count = int(day_count)
        except (TypeError, ValueError):
            raise PlanError(_("Enter a number of days."), field="day_count") from None
        limit = 7 if plan.day_naming == MealPlan.DayNaming.WEEKDAYS else MAX_DAYS
        if not 1 <= day_count <= limit:
            raise PlanError(_("Between 1 and %(n)s days.") % {"n": limit}, field="day_count")
        for position in range(day_count):
            day = MealPlanDay.objects.create(
                organization=organization, plan=plan, position=position, name=_day_name(plan, position)
            )
            if with_meals:
                Meal.objects.bulk_create(
                    Meal(organization=organization, day=day, kind=kind, position=i)
                    for i, kind in enumerate(DEFAULT_MEALS)
                )
    return plan


@transaction.atomic
def update_plan(*, plan: MealPlan, actor=None, **fields) -> MealPlan:
    """Change a plan; `days`, when given, replaces all its days, meals and items."""
    check_fields(fields, PLAN_FIELDS, error=PlanError)
    plan = _lock(plan)
    days = fields.pop("days", None)
    fields = _clean_plan_fields(fields)
    for name, value in fields.items():
        setattr(plan, name, value)
    full_clean(plan, error=PlanError)
    plan.save()
    if days is not None:
        plan.days.all().delete()
        _write_days(plan, days)
    elif "day_naming" in fields:
        _renumber_days(plan)
    return plan


def _write_days(plan: MealPlan, days) -> None:
    """Nested days → meals → items; an error names its path (`days.0.meals.1.items.2.amount`)."""
    if not isinstance(days, (list, tuple)):
        raise PlanError(_("Days are a list."), field="days")
    limit = 7 if plan.day_naming == MealPlan.DayNaming.WEEKDAYS else MAX_DAYS
    if len(days) > limit:
        raise PlanError(_("At most %(n)s days.") % {"n": limit}, field="days")
    org = plan.organization
    for d, day_spec in enumerate(days):
        if not isinstance(day_spec, dict):
            raise PlanError(_("Each day is an object."), field=f"days.{d}")
        name = (day_spec.get("name") or "").strip()[:60] or _day_name(plan, d)
        day = MealPlanDay.objects.create(organization=org, plan=plan, position=d, name=name)
        meals = day_spec.get("meals") or []
        if not isinstance(meals, (list, tuple)) or len(meals) > MAX_MEALS:
            raise PlanError(_("At most %(n)s meals a day.") % {"n": MAX_MEALS}, field=f"days.{d}.meals")
        for m, meal_spec in enumerate(meals):
            path = f"days.{d}.meals.{m}."
            if not isinstance(meal_spec, dict):
                raise PlanError(_("Each meal is an object."), field=path[:-1])
            kind, label = _meal_kind(meal_spec.get("kind"), meal_spec.get("name"), prefix=path)
            meal = Meal.objects.create(organization=org, day=day, kind=kind, name=label, position=m)
            items = meal_spec.get("items") or []
            if not isinstance(items, (list, tuple)) or len(items) > MAX_ITEMS:
                raise PlanError(_("At most %(n)s items a meal.") % {"n": MAX_ITEMS}, field=f"{path}items")
            for i, item_spec in enumerate(items):
                if not isinstance(item_spec, dict):
                    raise PlanError(_("Each item is an object."), field=f"{path}items.{i}")
                fields = _item_fields(org, item_spec, prefix=f"{path}items.{i}.")
                MealItem.objects.create(organization=org, meal=meal, position=i, **fields)


def _meal_kind(kind, name, *, prefix: str = "") -> tuple[str, str]:
    kind = kind or Meal.Kind.BREAKFAST
    if kind not in Meal.Kind.values:
        raise PlanError(_("Choose breakfast, lunch, dinner, snack or other."), field=f"{prefix}kind")
    name = (name or "").strip()
    if len(name) > 60:
        raise PlanError(_("A meal name has at most 60 characters."), field=f"{prefix}name")
    if kind == Meal.Kind.CUSTOM and not name:
        raise PlanError(_("Name the meal, for example “Pre-workout”."), field=f"{prefix}name")
    return kind, name


def _item_fields(organization, spec: dict, *, prefix: str = "") -> dict:
    recipe = spec.get("recipe")
    food = spec.get("food")
    note = (spec.get("note") or "").strip()
    if len(note) > 120:
        raise PlanError(_("A note has at most 120 characters."), field=f"{prefix}note")
    if recipe not in (None, "") and food not in (None, ""):
        raise PlanError(_("An item is a food or a recipe, not both."), field=f"{prefix}recipe")
    if recipe not in (None, ""):
        recipe_id = recipe.pk if isinstance(recipe, Recipe) else recipe
        try:
            recipe = Recipe.objects.for_org(organization).get(pk=_pk(recipe_id))
        except (Recipe.DoesNotExist, TypeError, ValueError):
            raise PlanError(_("Choose one of your recipes."), field=f"{prefix}recipe") from None
        servings = spec.get("servings")
        servings = Decimal(1) if servings in (None, "") else _decimal(servings, field=f"{prefix}servings")
        if servings < MIN_AMOUNT or servings > MAX_SERVINGS:
            raise PlanError(_("Servings between 0.01 and 100."), field=f"{prefix}servings")
        return {
            "recipe": recipe,
            "servings": servings.quantize(Decimal("0.01")),
            "food": None,
            "portion": None,
            "amount": None,
            "grams": None,
            "note": note,
        }
    if food in (None, ""):
        raise PlanError(_("Choose a food or a recipe."), field=f"{prefix}food")
    food, portion, amount, grams = resolve_amount(
        organization=organization, food=food, portion=spec.get("portion"), amount=spec.get("amount"), prefix=prefix
    )
    return {
        "food": food,
        "portion": portion,
        "amount": amount,
        "grams": grams,
        "recipe": None,
        "servings": None,
        "note": note,
    }


@transaction.atomic
def delete_plan(*, plan: MealPlan, actor=None) -> None:
    plan.delete()


# --- Days -------------------------------------------------------------------------------------------
def _check_day_room(plan: MealPlan) -> None:
    limit = 7 if plan.day_naming == MealPlan.DayNaming.WEEKDAYS else MAX_DAYS
    if plan.days.count() >= limit:
        raise PlanError(_("A plan has at most %(n)s days.") % {"n": limit}, field="day")


@transaction.atomic
def add_day(*, plan: MealPlan, name: str = "", with_meals: bool = True, actor=None) -> MealPlanDay:
    plan = _lock(plan)
    _check_day_room(plan)
    position = _next_position(plan.days.all())
    day = MealPlanDay.objects.create(
        organization=plan.organization,
        plan=plan,
        position=position,
        name=(name or "").strip()[:60] or _day_name(plan, position),
    )
    if with_meals:
        Meal.objects.bulk_create(
            Meal(organization=plan.organization, day=day, kind=kind, position=i) for i, kind in enumerate(DEFAULT_MEALS)
        )
    return day


@transaction.atomic
def rename_day(*, day: MealPlanDay, name: str, actor=None) -> MealPlanDay:
    name = (name or "").strip()
    if not name:
        raise PlanError(_("Give the day a name."), field="name")
    if len(name) > 60:
        raise PlanError(_("At most 60 characters."), field="name")
    MealPlanDay.objects.filter(pk=day.pk).update(name=name)
    day.name = name
    return day


@transaction.atomic
def delete_day(*, day: MealPlanDay, actor=None) -> None:
    plan = _lock(day.plan)
    if plan.days.count() <= 1:
        raise PlanError(_("A plan keeps at least one day."), field="day")
    day.delete()
    _renumber_days(plan)


@transaction.atomic
def move_day(*, day: MealPlanDay, direction: int, actor=None) -> None:
    plan = _lock(day.plan)
    _swap(list(plan.days.order_by("position", "id")), day, direction, MealPlanDay)
    _renumber_days(plan)


def _swap(rows, row, direction: int, model) -> None:
    index = next((i for i, r in enumerate(rows) if r.pk == row.pk), None)
    target = None if index is None else index + (1 if direction > 0 else -1)
    if index is None or target < 0 or target >= len(rows):
        return
    rows[index], rows[target] = rows[target], rows[index]
    for position, r in enumerate(rows):
        if r.position != position:
            model.objects.filter(pk=r.pk).update(position=position)


def _copy_meal_into(meal: Meal, day: MealPlanDay, position: int) -> Meal:
    new = Meal.objects.create(organization=day.organization, day=day, kind=meal.kind, name=meal.name, position=position)
    MealItem.objects.bulk_create(
        MealItem(
            organization=day.organization,
            meal=new,
            food_id=i.food_id,
            portion_id=i.portion_id,
            amount=i.amount,
            recipe_id=i.recipe_id,
            servings=i.servings,
            grams=i.grams,
            note=i.note,
            position=i.position,
        )
        for i in meal.items.all()
    )
    return new


def _copy_day_into(day: MealPlanDay, plan: MealPlan, position: int, name: str) -> MealPlanDay:
    new = MealPlanDay.objects.create(organization=plan.organization, plan=plan, position=position, name=name)
    for meal in day.meals.prefetch_related("items"):
        _copy_meal_into(meal, new, meal.position)
    return new


@transaction.atomic
def copy_day(*, day: MealPlanDay, actor=None) -> MealPlanDay:
    """A copy of the day, with its meals and items, right after it."""
    plan = _lock(day.plan)
    _check_day_room(plan)
    later = list(plan.days.filter(position__gt=day.position).order_by("-position"))
    for other in later:
        MealPlanDay.objects.filter(pk=other.pk).update(position=other.position + 1)
    if plan.day_naming == MealPlan.DayNaming.WEEKDAYS or _NUMBERED.match(day.name):
        name = _day_name(plan, day.position + 1)
    else:
        name = (_("%(name)s (copy)") % {"name": day.name})[:60]
    new = _copy_day_into(day, plan, day.position + 1, name)
    _renumber_days(plan)
    new.refresh_from_db()
    return new


# --- Meals ------------------------------------------------------------------------------------------
@transaction.atomic
def add_meal(*, day: MealPlanDay, kind: str = Meal.Kind.BREAKFAST, name: str = "", actor=None) -> Meal:
    _lock(day.plan)
    kind, name = _meal_kind(kind, name)
    if day.meals.count() >= MAX_MEALS:
        raise PlanError(_("A day has at most %(n)s meals.") % {"n": MAX_MEALS}, field="kind")
    return Meal.objects.create(
        organization=day.organization, day=day, kind=kind, name=name, position=_next_position(day.meals.all())
    )


@transaction.atomic
def update_meal(*, meal: Meal, kind: str, name: str = "", actor=None) -> Meal:
    kind, name = _meal_kind(kind, name)
    Meal.objects.filter(pk=meal.pk).update(kind=kind, name=name)
    meal.kind, meal.name = kind, name
    return meal


@transaction.atomic
def delete_meal(*, meal: Meal, actor=None) -> None:
    meal.delete()


@transaction.atomic
def move_meal(*, meal: Meal, direction: int, actor=None) -> None:
    _lock(meal.day.plan)
    _swap(list(meal.day.meals.order_by("position", "id")), meal, direction, Meal)


@transaction.atomic
def copy_meal(*, meal: Meal, to_day: MealPlanDay, actor=None) -> Meal:
    """A copy of the meal and its items at the end of another (or the same) day of the plan."""
    if to_day.plan_id != meal.day.plan_id:
        raise PlanError(_("Copy a meal to a day of the same plan."), field="to_day")
    _lock(to_day.plan)
    if to_day.meals.count() >= MAX_MEALS:
        raise PlanError(_("A day has at most %(n)s meals.") % {"n": MAX_MEALS}, field="to_day")
    return _copy_meal_into(meal, to_day, _next_position(to_day.meals.all()))


# --- Items ------------------------------------------------------------------------------------------
@transaction.atomic
def add_item(
    *, meal: Meal, food=None, portion=None, amount=None, recipe=None, servings=None, note: str = "", actor=None
) -> MealItem:
    """A food (`amount` of `portion`, or grams) or `servings` of a recipe at the end of the meal."""
    if meal.items.count() >= MAX_ITEMS:
        raise PlanError(_("A meal has at most %(n)s items.") % {"n": MAX_ITEMS}, field="food")
    fields = _item_fields(
        meal.organization,
        {"food": food, "portion": portion, "amount": amount, "recipe": recipe, "servings": servings, "note": note},
    )
    return MealItem.objects.create(
        organization=meal.organization, meal=meal, position=_next_position(meal.items.all()), **fields
    )


@transaction.atomic
def update_item(*, item: MealItem, actor=None, **changes) -> MealItem:
    """Change the amount and portion of a food, or the servings of a recipe."""
    check_fields(changes, {"portion", "amount", "servings", "note"}, error=PlanError)
    item = MealItem.objects.select_for_update().get(pk=item.pk)
    spec = {
        "food": item.food_id,
        "portion": item.portion_id,
        "amount": item.amount,
        "recipe": item.recipe_id,
        "servings": item.servings,
        "note": item.note,
    }
    spec.update(changes)
    if item.recipe_id:
        spec["food"] = None
    fields = _item_fields(item.organization, spec)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    return item


@transaction.atomic
def delete_item(*, item: MealItem, actor=None) -> None:
    item.delete()


@transaction.atomic
def move_item(*, item: MealItem, direction: int = 0, to_meal: Meal | None = None, actor=None) -> MealItem:
    """Up or down in its meal, or to the end of another meal of the same plan."""
    if to_meal is not None and to_meal.pk != item.meal_id:
        if to_meal.day.plan_id != item.meal.day.plan_id:
            raise PlanError(_("Move an item within the same plan."), field="meal")
        MealItem.objects.filter(pk=item.pk).update(meal=to_meal, position=_next_position(to_meal.items.all()))
        item.meal = to_meal
        return item
    _swap(list(item.meal.items.order_by("position", "id")), item, direction, MealItem)
    return item


# --- Templates and clients --------------------------------------------------------------------------
def _deep_copy(plan: MealPlan, **overrides) -> MealPlan:
    fields = {
        "name": plan.name,
        "description": plan.description,
        "day_naming": plan.day_naming,
        "source": plan,
        **{f: getattr(plan, f) for f in MACRO_FIELDS},
        **overrides,
    }
    new = MealPlan.objects.create(organization=plan.organization, **fields)
    for day in plan.days.order_by("position", "id"):
        _copy_day_into(day, new, day.position, day.name)
    return new


@transaction.atomic
def assign_plan(*, plan: MealPlan, client, start_date: date, actor=None) -> MealPlan:
    """Give the client their own copy of the plan, starting on `start_date`.

    A client follows one plan at a time: their current plan ends the day before the new
    one starts (it stays in their history, read-only for them)."""
    if client.organization_id != plan.organization_id:
        raise PlanError(_("Choose one of your clients."), field="client")
    if not isinstance(start_date, date):
        raise PlanError(_("Choose a start date."), field="start_date")
    # Lock the client's plans: two assignments at once must still leave one active plan.
    current = list(MealPlan.objects.select_for_update().filter(client=client, status=MealPlan.Status.ACTIVE))
    for previous in current:
        end = max(start_date - timedelta(days=1), previous.start_date or start_date - timedelta(days=1))
        MealPlan.objects.filter(pk=previous.pk).update(status=MealPlan.Status.ENDED, end_date=end)
    copy = _deep_copy(
        plan,
        client=client,
        status=MealPlan.Status.ACTIVE,
        start_date=start_date,
        end_date=None,
        created_by=_actor(actor),
    )
    emit(
        plan.organization,
        "meal_plan.assigned",
        {
            "meal_plan_id": copy.pk,
            "template_id": plan.pk,
            "start_date": start_date.isoformat(),
            "replaced": [p.pk for p in current],
        },
        actor=actor,
        client=client,
    )
    return copy


@transaction.atomic
def end_plan(*, plan: MealPlan, end_date: date | None = None, actor=None) -> MealPlan:
    if plan.status != MealPlan.Status.ACTIVE:
        raise PlanError(_("Only an active plan can be ended."), field="status")
    end_date = end_date or date.today()
    MealPlan.objects.filter(pk=plan.pk).update(status=MealPlan.Status.ENDED, end_date=end_date)
    plan.status, plan.end_date = MealPlan.Status.ENDED, end_date
    return plan


@transaction.atomic
def save_as_template(*, plan: MealPlan, name: str = "", actor=None) -> MealPlan:
    """A copy of any plan (a client's too) in the template library."""
    name = (name or "").strip() or plan.name
    return _deep_copy(
        plan, name=name[:160], client=None, status=MealPlan.Status.TEMPLATE, start_date=None, created_by=_actor(actor)
    )
