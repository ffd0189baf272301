"""The nutrients Mecto tracks: one list that models, the loader, forms, serializers and
totals all read, so a nutrient is added in one place."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Nutrient:
    field: str  # model field on Food (per 100 g) and in totals
    label: str
    unit: str  # "kcal", "g" or "mg"
    column: str  # column in the USDA SR28 extract (shared/data/foods.csv)
    is_macro: bool = False


NUTRIENTS: list[Nutrient] = [
    Nutrient("energy_kcal", _("Energy"), "kcal", "kcal", is_macro=True),
    Nutrient("protein_g", _("Protein"), "g", "protein_g", is_macro=True),
    Nutrient("carbohydrate_g", _("Carbohydrate"), "g", "carbs_g", is_macro=True),
    Nutrient("fat_g", _("Fat"), "g", "fat_g", is_macro=True),
    Nutrient("fibre_g", _("Fibre"), "g", "fiber_g", is_macro=True),
    Nutrient("sugars_g", _("Sugars"), "g", "sugars_g"),
    Nutrient("saturated_fat_g", _("Saturated fat"), "g", "sat_fat_g"),
    Nutrient("monounsaturated_fat_g", _("Monounsaturated fat"), "g", "mono_fat_g"),
    Nutrient("polyunsaturated_fat_g", _("Polyunsaturated fat"), "g", "poly_fat_g"),
    Nutrient("trans_fat_g", _("Trans fat"), "g", "trans_fat_g"),
    Nutrient("cholesterol_mg", _("Cholesterol"), "mg", "cholesterol_mg"),
    Nutrient("sodium_mg", _("Sodium"), "mg", "sodium_mg"),
    Nutrient("potassium_mg", _("Potassium"), "mg", "potassium_mg"),
    Nutrient("calcium_mg", _("Calcium"), "mg", "calcium_mg"),
    Nutrient("iron_mg", _("Iron"), "mg", "iron_mg"),
    Nutrient("water_g", _("Water"), "g", "water_g"),
    Nutrient("alcohol_g", _("Alcohol"), "g", "alcohol_g"),
]
NUTRIENT_FIELDS = [n.field for n in NUTRIENTS]
MACRO_FIELDS = ["energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g"]

# Atwater general factors: kcal per gram of protein, carbohydrate, fat (and alcohol).
KCAL_PER_GRAM = {"protein_g": 4, "carbohydrate_g": 4, "fat_g": 9, "alcohol_g": 7}


Amounts = dict[str, "Decimal | None"]


def grams_of(*, portion, amount: Decimal) -> Decimal:
    """Grams in `amount` of a household portion ("1.5 × 1 cup, chopped")."""
    return (Decimal(portion.gram_weight) * Decimal(amount) / Decimal(portion.amount)).quantize(Decimal("0.01"))


def for_grams(food, grams: Decimal) -> Amounts:
    """Each nutrient in `grams` of `food` (stored per 100 g); None where the food's value is unknown."""
    factor = Decimal(grams) / 100
    return {n.field: None if (value := getattr(food, n.field)) is None else Decimal(value) * factor for n in NUTRIENTS}


def add(*amounts: Amounts) -> Amounts:
    """Sum nutrient amounts. A nutrient unknown in some item stays a partial sum of the known
    ones; callers that must say so use `unknown_in`."""
    total: Amounts = dict.fromkeys(NUTRIENT_FIELDS)
    for item in amounts:
        for field in NUTRIENT_FIELDS:
            value = item.get(field)
            if value is not None:
                total[field] = (total[field] or Decimal(0)) + Decimal(value)
    return total


def unknown_in(*amounts: Amounts) -> set[str]:
    """Nutrients that some item does not know, so a total of them is a lower bound."""
    return {field for item in amounts for field in NUTRIENT_FIELDS if item.get(field) is None}


def energy_from_macros(amounts: Amounts) -> Decimal | None:
    """Energy from protein, carbohydrate and fat (4/4/9 kcal per gram); None if any is unknown."""
    macros = ("protein_g", "carbohydrate_g", "fat_g")
    if any(amounts.get(field) is None for field in macros):
        return None
    return sum((Decimal(amounts[field]) * KCAL_PER_GRAM[field] for field in macros), Decimal(0))
