"""Foods and their household portions: the shared USDA database plus each business's own."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.tenancy import OrgQuerySet

# The 25 food groups of USDA SR28; a business files its own foods under the same names.
FOOD_GROUPS = [
    "American Indian/Alaska Native Foods",
    "Baby Foods",
    "Baked Products",
    "Beef Products",
    "Beverages",
    "Breakfast Cereals",
    "Cereal Grains and Pasta",
    "Dairy and Egg Products",
    "Fast Foods",
    "Fats and Oils",
    "Finfish and Shellfish Products",
    "Fruits and Fruit Juices",
    "Lamb, Veal, and Game Products",
    "Legumes and Legume Products",
    "Meals, Entrees, and Side Dishes",
    "Nut and Seed Products",
    "Pork Products",
    "Poultry Products",
    "Restaurant Foods",
    "Sausages and Luncheon Meats",
    "Snacks",
    "Soups, Sauces, and Gravies",
    "Spices and Herbs",
    "Sweets",
    "Vegetables and Vegetable Products",
]
GRAMS_PER_OUNCE = Decimal("28.349523125")


class LibraryQuerySet(OrgQuerySet):
    def for_org(self, organization):
        """The shared database plus the organisation's own rows; nothing without one."""
        if organization is None:
            return self.none()
        return self.filter(Q(organization__isnull=True) | Q(organization=organization))

    def library(self):
        return self.filter(organization__isnull=True)


class NutrientField(models.DecimalField):
    """An amount per 100 g; null when the source has no value."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [MinValueValidator(0)])
        super().__init__(*args, **kwargs)


class Food(models.Model):
    """A food: from the shared database (no organisation) or a business's own.

    Nutrients are per 100 g. The shared rows are reference data every business reads and
    none changes; a business adds its own foods, and portions for any food.
    """

    class Source(models.TextChoices):
        USDA_SR28 = "usda_sr28", _("USDA SR28")
        BUSINESS = "business", _("Added by the business")

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Empty for the shared food database."),
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.BUSINESS)
    source_id = models.CharField(_("source id"), max_length=32, blank=True, help_text=_("NDB number for USDA foods."))
    licence = models.CharField(_("licence"), max_length=300, blank=True)
    name = models.CharField(_("name"), max_length=200)
    common_name = models.CharField(_("common name"), max_length=200, blank=True)
    food_group = models.CharField(_("food group"), max_length=80, blank=True)
    manufacturer = models.CharField(_("brand or manufacturer"), max_length=160, blank=True)
    is_branded = models.BooleanField(_("branded"), default=False)
    # Higher ranks first in search: common whole foods before obscure or branded items.
    popularity = models.IntegerField(_("popularity"), default=0)
    # Denormalised lower-case text that search matches on both SQLite and PostgreSQL.
    search_text = models.CharField(max_length=500, editable=False, default="")
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Per 100 g of the edible portion; empty means unknown, never zero (see nutrients.py).
    energy_kcal = NutrientField(_("energy (kcal)"))
    protein_g = NutrientField(_("protein (g)"))
    carbohydrate_g = NutrientField(_("carbohydrate (g)"))
    fat_g = NutrientField(_("fat (g)"))
    fibre_g = NutrientField(_("fibre (g)"))
    sugars_g = NutrientField(_("sugars (g)"))
    saturated_fat_g = NutrientField(_("saturated fat (g)"))
    monounsaturated_fat_g = NutrientField(_("monounsaturated fat (g)"))
    polyunsaturated_fat_g = NutrientField(_("polyunsaturated fat (g)"))
    trans_fat_g = NutrientField(_("trans fat (g)"))
    cholesterol_mg = NutrientField(_("cholesterol (mg)"))
    sodium_mg = NutrientField(_("sodium (mg)"))
    potassium_mg = NutrientField(_("potassium (mg)"))
    calcium_mg = NutrientField(_("calcium (mg)"))
    iron_mg = NutrientField(_("iron (mg)"))
    water_g = NutrientField(_("water (g)"))
    alcohol_g = NutrientField(_("alcohol (g)"))

    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("food")
        verbose_name_plural = _("foods")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=Q(organization__isnull=True),
                name="food_library_source_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["food_group"], name="food_group"),
            models.Index(fields=["-popularity", "name"], name="food_popularity"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_index()
        super().save(*args, **kwargs)

    @property
    def is_library(self) -> bool:
        return self.organization_id is None

    def refresh_index(self) -> None:
        # The group is a filter, not a match: "egg" should not find every dairy product.
        words = [self.name, self.common_name, self.manufacturer]
        self.search_text = " ".join(w.lower() for w in words if w)[:500]

    def units(self) -> list[dict]:
        """Every way to measure this food: grams and ounces (always), then its household
        portions; `grams` is the weight of `amount` of the unit (see nutrients.grams_of).
        Reads `portions` as prefetched for the viewer's organisation."""
        one = Decimal(1)
        choices = [
            {"key": "g", "label": str(_("grams")), "portion_id": None, "amount": one, "grams": one},
            {"key": "oz", "label": str(_("ounces")), "portion_id": None, "amount": one, "grams": GRAMS_PER_OUNCE},
        ]
        for portion in self.portions.all():
            choices.append(
                {
                    "key": f"portion-{portion.pk}",
                    "label": portion.label,
                    "portion_id": portion.pk,
                    "amount": portion.amount,
                    "grams": portion.gram_weight,
                }
            )
        return choices


class FoodPortion(models.Model):
    """A household measure of a food ("1 cup, chopped" = 128.0 g).

    Shared portions belong to shared foods; a business may add portions to any food it sees.
    """

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Empty for the shared food database."),
    )
    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="portions", verbose_name=_("food"))
    amount = models.DecimalField(
        _("amount"), max_digits=8, decimal_places=3, default=1, validators=[MinValueValidator(0.001)]
    )
    description = models.CharField(_("measure"), max_length=120, help_text=_('For example "cup, chopped" or "large".'))
    gram_weight = models.DecimalField(_("grams"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0.01)])
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        verbose_name = _("portion")
        verbose_name_plural = _("portions")
        ordering = ["food", "position", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.gram_weight.normalize():f} g)"

    @property
    def label(self) -> str:
        """ "1 large", "0.5 cup"."""
        return f"{Decimal(self.amount).normalize():f} {self.description}"

    @property
    def is_library(self) -> bool:
        return self.organization_id is None
