"""Recipes and meal plans: a plan has days, a day has meals, a meal has items (a food in a
portion, or servings of a recipe). Templates live in the business's library; assigning one
to a client makes the client's own deep copy."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned

# Limits that catch a typo (5000 cups) without refusing a real batch recipe.
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000")  # of a portion, or grams when no portion is chosen
MAX_ITEM_GRAMS = Decimal("20000")
MAX_SERVINGS = Decimal("100")


def _amount_field(label):
    return models.DecimalField(
        label,
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_AMOUNT)],
    )


class Recipe(OrgOwned):
    """A business's recipe: ingredients, how many servings it makes and the steps."""

    name = models.CharField(_("name"), max_length=160)
    description = LimitedTextField(_("description"), blank=True, max_length=2000)
    servings = models.DecimalField(
        _("servings"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SERVINGS)],
        help_text=_("How many servings the recipe makes."),
    )
    yield_grams = models.DecimalField(
        _("cooked weight (g)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ITEM_GRAMS * 5)],
        help_text=_("Total weight once cooked; leave empty to use the weight of the ingredients."),
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("recipe")
        verbose_name_plural = _("recipes")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RecipeIngredient(OrgOwned):
    """An amount of a food in a recipe: `amount` of `portion`, or `amount` grams without one."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="ingredients", verbose_name=_("recipe"))
    food = models.ForeignKey("nutrition.Food", on_delete=models.PROTECT, related_name="+", verbose_name=_("food"))
    portion = models.ForeignKey(
        "nutrition.FoodPortion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("portion"),
        help_text=_("Empty: the amount is in grams."),
    )
    amount = _amount_field(_("amount"))
    grams = models.DecimalField(_("grams"), max_digits=10, decimal_places=2, editable=False)
    note = models.CharField(_("note"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("recipe ingredient")
        verbose_name_plural = _("recipe ingredients")
        ordering = ["recipe", "position", "id"]

    def __str__(self) -> str:
        return f"{self.food} · {self.grams} g"


class RecipeStep(OrgOwned):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="steps", verbose_name=_("recipe"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = LimitedTextField(_("step"), max_length=2000)

    class Meta:
        verbose_name = _("recipe step")
        verbose_name_plural = _("recipe steps")
        ordering = ["recipe", "position", "id"]

    def __str__(self) -> str:
        return f"{self.recipe} · {self.position + 1}"


class MealPlan(OrgOwned):
    """A template in the library (no client) or a client's assigned copy."""

    class DayNaming(models.TextChoices):
        NUMBERED = "numbered", _("Day 1, Day 2, …")
        WEEKDAYS = "weekdays", _("Monday to Sunday")

    class Status(models.TextChoices):
        TEMPLATE = "template", _("Template")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    name = models.CharField(_("name"), max_length=160)
    description = LimitedTextField(_("description"), blank=True, max_length=2000)
    day_naming = models.CharField(_("days"), max_length=16, choices=DayNaming.choices, default=DayNaming.NUMBERED)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.TEMPLATE)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meal_plans",
        verbose_name=_("client"),
    )
    source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("copied from")
    )
    start_date = models.DateField(_("starts"), null=True, blank=True)
    end_date = models.DateField(_("ended"), null=True, blank=True)
    # Targets of a template (an assigned plan is measured against the client's own targets).
    energy_kcal = models.PositiveIntegerField(
        _("energy (kcal)"), null=True, blank=True, validators=[MinValueValidator(500), MaxValueValidator(10000)]
    )
    protein_g = models.DecimalField(
        _("protein (g)"), max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    carbohydrate_g = models.DecimalField(
        _("carbohydrate (g)"), max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    fat_g = models.DecimalField(
        _("fat (g)"), max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    fibre_g = models.DecimalField(
        _("fibre (g)"), max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meal plan")
        verbose_name_plural = _("meal plans")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(status="active"), name="meal_plan_one_active_per_client"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_template(self) -> bool:
        return self.client_id is None


class MealPlanDay(OrgOwned):
    plan = models.ForeignKey(MealPlan, on_delete=models.CASCADE, related_name="days", verbose_name=_("meal plan"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("meal plan day")
        verbose_name_plural = _("meal plan days")
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.name}"


class Meal(OrgOwned):
    class Kind(models.TextChoices):
        BREAKFAST = "breakfast", _("Breakfast")
        LUNCH = "lunch", _("Lunch")
        DINNER = "dinner", _("Dinner")
        SNACK = "snack", _("Snack")
        CUSTOM = "custom", _("Other")

    day = models.ForeignKey(MealPlanDay, on_delete=models.CASCADE, related_name="meals", verbose_name=_("day"))
    kind = models.CharField(_("meal"), max_length=16, choices=Kind.choices, default=Kind.BREAKFAST)
    name = models.CharField(_("name"), max_length=60, blank=True, help_text=_("For example “Pre-workout”."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("meal")
        verbose_name_plural = _("meals")
        ordering = ["day", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or str(self.get_kind_display())


class MealItem(OrgOwned):
    """A food in a portion (grams when no portion), or servings of a recipe."""

    meal = models.ForeignKey(Meal, on_delete=models.CASCADE, related_name="items", verbose_name=_("meal"))
    food = models.ForeignKey(
        "nutrition.Food", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("food")
    )
    portion = models.ForeignKey(
        "nutrition.FoodPortion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("portion"),
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_AMOUNT)],
    )
    recipe = models.ForeignKey(
        Recipe, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipe")
    )
    servings = models.DecimalField(
        _("servings"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_SERVINGS)],
    )
    grams = models.DecimalField(_("grams"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("meal item")
        verbose_name_plural = _("meal items")
        ordering = ["meal", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(food__isnull=False, recipe__isnull=True) | Q(food__isnull=True, recipe__isnull=False)),
                name="meal_item_food_or_recipe",
            ),
        ]

    def __str__(self) -> str:
        return str(self.food or self.recipe)
