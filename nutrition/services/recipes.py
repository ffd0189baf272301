"""Recipes: create, edit (ingredients and steps replaced as a whole), duplicate, archive."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.services import check_fields, full_clean

from ..models import Food, FoodPortion, Recipe, RecipeIngredient, RecipeStep
from ..models.plans import MAX_AMOUNT, MAX_ITEM_GRAMS, MAX_SERVINGS, MIN_AMOUNT
from ..nutrients import grams_of

__all__ = [
    "PlanError",
    "RECIPE_FIELDS",
    "resolve_amount",
    "create_recipe",
    "update_recipe",
    "duplicate_recipe",
    "archive_recipe",
]

RECIPE_FIELDS = {"name", "description", "servings", "yield_grams", "tags", "ingredients", "steps"}
MAX_INGREDIENTS = 100
MAX_STEPS = 50
MAX_TAGS = 20


class PlanError(DomainError):
    """A recipe or meal plan input the business rules refuse."""


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _decimal(value, *, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        raise PlanError(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise PlanError(_("Enter a number."), field=field)
    return number


def _pk(value) -> int:
    """An id someone sent: digits that fit a database id, else ValueError."""
    number = int(str(value).strip())
    if not 0 < number < 2**63:
        raise ValueError(value)
    return number


def _food(organization, value, *, field: str) -> Food:
    food_id = value.pk if isinstance(value, Food) else value
    try:
        return Food.objects.for_org(organization).get(pk=_pk(food_id))
    except (Food.DoesNotExist, TypeError, ValueError):
        raise PlanError(_("Choose a food from the list."), field=field) from None


def resolve_amount(
    *, organization, food, portion=None, amount, prefix: str = ""
) -> tuple[Food, FoodPortion | None, Decimal, Decimal]:
    """Check a food, portion and amount a person entered; return them with the grams.

    The amount counts portions (0.5 × "1 cup") or grams when there is no portion."""
    food = _food(organization, food, field=f"{prefix}food")
    if portion in ("", None):
        portion = None
    else:
        portion_id = portion.pk if isinstance(portion, FoodPortion) else portion
        try:
            portion = FoodPortion.objects.for_org(organization).get(pk=_pk(portion_id), food=food)
        except (FoodPortion.DoesNotExist, TypeError, ValueError):
            raise PlanError(_("Choose one of this food's portions, or grams."), field=f"{prefix}portion") from None
    if amount in ("", None):
        raise PlanError(_("Enter an amount."), field=f"{prefix}amount")
    amount = _decimal(amount, field=f"{prefix}amount")
    if amount < MIN_AMOUNT:
        raise PlanError(_("The amount must be at least 0.01."), field=f"{prefix}amount")
    if amount > MAX_AMOUNT:
        raise PlanError(_("That amount is too large (at most 10,000)."), field=f"{prefix}amount")
    amount = amount.quantize(Decimal("0.001"))
    grams = grams_of(portion=portion, amount=amount) if portion else amount.quantize(Decimal("0.01"))
    if grams > MAX_ITEM_GRAMS:
        raise PlanError(_("That is more than 20 kg of one food; check the amount."), field=f"{prefix}amount")
    if grams <= 0:
        raise PlanError(_("The amount must be at least 0.01."), field=f"{prefix}amount")
    return food, portion, amount, grams


def _servings(value, *, field: str = "servings") -> Decimal:
    servings = _decimal(value, field=field)
    if servings < 1:
        raise PlanError(_("A recipe makes at least 1 serving."), field=field)
    if servings > MAX_SERVINGS:
        raise PlanError(_("At most 100 servings."), field=field)
    if servings != servings.quantize(Decimal("0.01")):
        raise PlanError(_("Use at most two decimals, for example 2.5."), field=field)
    return servings


def _tags(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        raise PlanError(_("Tags are a list of words."), field="tags")
    tags: list[str] = []
    for tag in value:
        tag = str(tag).strip()
        if not tag:
            continue
        if len(tag) > 40:
            raise PlanError(_("A tag has at most 40 characters."), field="tags")
        if tag.lower() not in {t.lower() for t in tags}:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise PlanError(_("At most 20 tags."), field="tags")
    return tags


def _clean_fields(organization, fields: dict) -> dict:
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise PlanError(_("Give the recipe a name."), field="name")
    if "servings" in fields:
        fields["servings"] = _servings(fields["servings"])
    if "yield_grams" in fields:
        value = fields["yield_grams"]
        if value in (None, ""):
            fields["yield_grams"] = None
        else:
            value = _decimal(value, field="yield_grams")
            if value < 1 or value > MAX_ITEM_GRAMS * 5:
                raise PlanError(_("Enter the cooked weight in grams, between 1 and 100,000."), field="yield_grams")
            fields["yield_grams"] = value.quantize(Decimal("0.1"))
    if "tags" in fields:
        fields["tags"] = _tags(fields["tags"])
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
    return fields


def _ingredient_rows(organization, ingredients) -> list[RecipeIngredient]:
    if not isinstance(ingredients, (list, tuple)):
        raise PlanError(_("Ingredients are a list."), field="ingredients")
    if len(ingredients) > MAX_INGREDIENTS:
        raise PlanError(_("At most 100 ingredients."), field="ingredients")
    rows = []
    for index, spec in enumerate(ingredients):
        prefix = f"ingredients.{index}."
        if not isinstance(spec, dict):
            raise PlanError(_("Each ingredient names a food and an amount."), field=f"ingredients.{index}")
        food, portion, amount, grams = resolve_amount(
            organization=organization,
            food=spec.get("food"),
            portion=spec.get("portion"),
            amount=spec.get("amount"),
            prefix=prefix,
        )
        note = (spec.get("note") or "").strip()
        if len(note) > 120:
            raise PlanError(_("A note has at most 120 characters."), field=f"{prefix}note")
        rows.append(
            RecipeIngredient(
                organization=organization,
                food=food,
                portion=portion,
                amount=amount,
                grams=grams,
                note=note,
                position=index,
            )
        )
    return rows


def _step_rows(organization, steps) -> list[RecipeStep]:
    if isinstance(steps, str):
        steps = steps.splitlines()
    if not isinstance(steps, (list, tuple)):
        raise PlanError(_("Steps are a list of texts."), field="steps")
    texts = []
    for index, step in enumerate(steps):
        text = (step.get("text", "") if isinstance(step, dict) else str(step or "")).strip()
        if not text:
            continue
        if len(text) > 2000:
            raise PlanError(_("A step has at most 2,000 characters."), field=f"steps.{index}")
        texts.append(text)
    if len(texts) > MAX_STEPS:
        raise PlanError(_("At most 50 steps."), field="steps")
    return [RecipeStep(organization=organization, position=i, text=t) for i, t in enumerate(texts)]


def _save_children(recipe: Recipe, ingredients: list[RecipeIngredient] | None, steps: list[RecipeStep] | None):
    if ingredients is not None:
        recipe.ingredients.all().delete()
        for row in ingredients:
            row.recipe = recipe
        RecipeIngredient.objects.bulk_create(ingredients)
    if steps is not None:
        recipe.steps.all().delete()
        for row in steps:
            row.recipe = recipe
        RecipeStep.objects.bulk_create(steps)


@transaction.atomic
def create_recipe(
    *,
    organization,
    actor=None,
    name: str,
    description: str = "",
    servings=1,
    yield_grams=None,
    tags=None,
    ingredients=None,
    steps=None,
) -> Recipe:
    fields = _clean_fields(
        organization,
        {"name": name, "description": description, "servings": servings, "yield_grams": yield_grams, "tags": tags},
    )
    ingredient_rows = _ingredient_rows(organization, ingredients or [])
    step_rows = _step_rows(organization, steps or [])
    recipe = Recipe(organization=organization, created_by=_actor(actor), **fields)
    full_clean(recipe, error=PlanError)
    recipe.save()
    _save_children(recipe, ingredient_rows, step_rows)
    return recipe


@transaction.atomic
def update_recipe(*, recipe: Recipe, actor=None, **fields) -> Recipe:
    """Change a recipe; `ingredients` and `steps`, when given, replace the whole list."""
    check_fields(fields, RECIPE_FIELDS, error=PlanError)
    recipe = Recipe.objects.select_for_update().get(pk=recipe.pk)
    ingredients = fields.pop("ingredients", None)
    steps = fields.pop("steps", None)
    fields = _clean_fields(recipe.organization, fields)
    ingredient_rows = None if ingredients is None else _ingredient_rows(recipe.organization, ingredients)
    step_rows = None if steps is None else _step_rows(recipe.organization, steps)
    for name, value in fields.items():
        setattr(recipe, name, value)
    full_clean(recipe, error=PlanError)
    recipe.save()
    _save_children(recipe, ingredient_rows, step_rows)
    return recipe


@transaction.atomic
def duplicate_recipe(*, recipe: Recipe, actor=None, name: str = "") -> Recipe:
    name = (name or "").strip() or _("%(name)s (copy)") % {"name": recipe.name}
    copy = Recipe.objects.create(
        organization=recipe.organization,
        name=name[:160],
        description=recipe.description,
        servings=recipe.servings,
        yield_grams=recipe.yield_grams,
        tags=list(recipe.tags or []),
        created_by=_actor(actor),
    )
    RecipeIngredient.objects.bulk_create(
        RecipeIngredient(
            organization=recipe.organization,
            recipe=copy,
            food_id=i.food_id,
            portion_id=i.portion_id,
            amount=i.amount,
            grams=i.grams,
            note=i.note,
            position=i.position,
        )
        for i in recipe.ingredients.all()
    )
    RecipeStep.objects.bulk_create(
        RecipeStep(organization=recipe.organization, recipe=copy, position=s.position, text=s.text)
        for s in recipe.steps.all()
    )
    return copy


@transaction.atomic
def archive_recipe(*, recipe: Recipe, actor=None, archived: bool = True) -> Recipe:
    """Hide a recipe from the pickers; plans that use it keep it."""
    Recipe.objects.filter(pk=recipe.pk).update(is_archived=archived)
    recipe.is_archived = archived
    return recipe
