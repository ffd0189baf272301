"""Every write about foods: loading the shared USDA database and its household portions,
and a business's own foods and portions (shared rows are never changed by a business)."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.services import check_fields

from ..models.foods import FOOD_GROUPS, Food, FoodPortion
from ..nutrients import NUTRIENTS

__all__ = [
    "FoodError",
    "USDA_LICENCE",
    "add_portion",
    "create_food",
    "delete_portion",
    "load_food_database",
    "popularity_for",
    "update_food",
    "update_portion",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FOODS_FILE = DATA_DIR / "foods.csv"
PORTIONS_FILE = DATA_DIR / "portions.csv"

# Stored on every shared row, so a food shown anywhere can say where its numbers come from.
USDA_LICENCE = (
    "Public domain (U.S. Government work). US Department of Agriculture, Agricultural Research Service, "
    "Nutrient Data Laboratory. USDA National Nutrient Database for Standard Reference, Release 28."
)
BUSINESS_LICENCE = "Entered by the business that added it."
# Household portions of shared foods are the project's own, from standard household measures.
PORTION_SOURCE = "Mecto household measures (nutrition/data/SOURCES.md)"

# A business's own foods are what its coaches use most: they rank above most shared foods.
OWN_FOOD_POPULARITY = 250

# Food groups coaches and clients reach for first; baby, fast, restaurant and native foods last.
GROUP_POPULARITY = {
    "Dairy and Egg Products": 60,
    "Fruits and Fruit Juices": 60,
    "Vegetables and Vegetable Products": 60,
    "Poultry Products": 55,
    "Cereal Grains and Pasta": 55,
    "Legumes and Legume Products": 50,
    "Nut and Seed Products": 50,
    "Finfish and Shellfish Products": 50,
    "Fats and Oils": 45,
    "Beef Products": 45,
    "Pork Products": 40,
    "Baked Products": 40,
    "Beverages": 40,
    "Spices and Herbs": 35,
    "Sweets": 30,
    "Breakfast Cereals": 30,
    "Soups, Sauces, and Gravies": 25,
    "Sausages and Luncheon Meats": 25,
    "Lamb, Veal, and Game Products": 25,
    "Snacks": 20,
    "Meals, Entrees, and Side Dishes": 15,
    "Fast Foods": 10,
    "Restaurant Foods": 5,
    "Baby Foods": 0,
    "American Indian/Alaska Native Foods": 0,
}
# Words of a description that mark the plain, everyday form of a food ...
PLAIN_WORDS = {
    "raw": 12,
    "skinless": 8,
    "meat only": 4,
    "fresh": 6,
    "whole": 4,
    "plain": 4,
    "cooked": 3,
    "boiled": 2,
    "roasted": 2,
}
# ... and those that mark a processed, specialised or unusual one.
SPECIAL_WORDS = {
    "dried": 15,
    "dehydrated": 15,
    "powder": 12,
    "stabilized": 15,
    "glucose reduced": 15,
    "frozen": 6,
    "canned": 6,
    "imitation": 12,
    "infant formula": 30,
    "toddler": 20,
    "usda commodity": 20,
    "low sodium": 6,
    "reduced sodium": 6,
    "without salt": 2,
    "unenriched": 5,
    "prepared from recipe": 6,
    "commercially prepared": 2,
}


class FoodError(DomainError):
    pass


# --- Loading the shared database ---------------------------------------------------------------------
def popularity_for(*, name: str, food_group: str, is_branded: bool, is_common: bool = False) -> int:
    """A search rank: common whole foods of everyday groups first; branded, baby, fast and
    restaurant foods, processed forms and long descriptions later. `is_common` marks a food
    with household portions in the project's portion file (the everyday foods)."""
    lower = name.lower()
    parts = [p.strip() for p in lower.split(",")]
    score = 100 + GROUP_POPULARITY.get(food_group, 20)
    if is_common:
        score += 300
    if is_branded:
        score -= 60
    score += sum(points for word, points in PLAIN_WORDS.items() if word in parts)
    score -= sum(points for phrase, points in SPECIAL_WORDS.items() if phrase in lower)
    score -= 4 * (len(parts) - 1)
    score -= len(name) // 8
    return max(score, 0)


def _decimal(value: str, *, where: str) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        return None  # unknown in the source, never zero
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise FoodError(_("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}) from exc


def _read_portions(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for line, row in enumerate(rows, start=2):
        where = f"{path.name} line {line}"
        amount, grams = _decimal(row["amount"], where=where), _decimal(row["grams"], where=where)
        if amount is None or grams is None or amount <= 0 or grams <= 0 or not row["measure"].strip():
            message = _("%(where)s: a portion needs an amount, a measure and grams above zero.")
            raise FoodError(message % {"where": where})
        measure = row["measure"].strip()[:120]
        out.append({"ndb_no": row["ndb_no"].strip(), "amount": amount, "description": measure, "grams": grams})
    return out


def _library_values(row: dict, *, common: set[str], where: str) -> dict:
    manufacturer = (row.get("manufacturer") or "").strip()[:160]
    name = row["name"].strip()[:200]
    group = (row.get("category") or "").strip()[:80]
    values = {
        "name": name,
        "common_name": (row.get("common_name") or "").strip()[:200],
        "food_group": group,
        "manufacturer": manufacturer,
        "is_branded": bool(manufacturer),
        "licence": USDA_LICENCE,
        "popularity": popularity_for(
            name=name, food_group=group, is_branded=bool(manufacturer), is_common=row["ndb_no"] in common
        ),
        "is_archived": False,
    }
    for nutrient in NUTRIENTS:
        values[nutrient.field] = _decimal(row.get(nutrient.column, ""), where=f"{where}, {nutrient.column}")
    return values


LIBRARY_FIELDS = [
    "name",
    "common_name",
    "food_group",
    "manufacturer",
    "is_branded",
    "licence",
    "popularity",
    "is_archived",
    *[n.field for n in NUTRIENTS],
]


@transaction.atomic
def load_food_database(*, path: Path | str | None = None, portions_path: Path | str | None = None) -> dict[str, int]:
    """Load (or refresh) the shared USDA SR28 foods and the project's household portions.

    Idempotent: rows are matched by NDB number (kept as text, leading zero and all) and
    portions by food, amount and measure; a changed value updates its row, nothing is
    duplicated, and blank cells stay unknown (NULL). Bulk operations throughout."""
    path = Path(path or FOODS_FILE)
    portions = _read_portions(Path(portions_path or PORTIONS_FILE))
    common = {p["ndb_no"] for p in portions}
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if rows and "ndb_no" not in rows[0]:
        raise FoodError(_("%(file)s has no ndb_no column.") % {"file": path.name})

    existing = {f.source_id: f for f in Food.objects.library().filter(source=Food.Source.USDA_SR28)}
    to_create, to_update, unchanged, seen = [], [], 0, set()
    for line, row in enumerate(rows, start=2):
        ndb_no = (row.get("ndb_no") or "").strip()
        if not ndb_no or ndb_no in seen:
            continue
        seen.add(ndb_no)
        values = _library_values(row, common=common, where=f"{path.name} line {line}")
        food = existing.get(ndb_no)
        if food is None:
            food = Food(organization=None, source=Food.Source.USDA_SR28, source_id=ndb_no, **values)
            food.refresh_index()
            to_create.append(food)
        elif any(getattr(food, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(food, key, value)
            food.refresh_index()
            to_update.append(food)
        else:
            unchanged += 1
    Food.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Food.objects.bulk_update(to_update, [*LIBRARY_FIELDS, "search_text"], batch_size=500)

    counts = {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged}
    counts.update(_load_portions(portions))
    if (to_create or to_update) and connection.vendor == "postgresql":
        # Fresh statistics, so the planner sees how selective the trigram index is.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Food._meta.db_table}")
    return counts


def _load_portions(portions: list[dict]) -> dict[str, int]:
    ids = dict(
        Food.objects.library()
        .filter(source=Food.Source.USDA_SR28, source_id__in={p["ndb_no"] for p in portions})
        .values_list("source_id", "id")
    )
    missing = sorted({p["ndb_no"] for p in portions} - set(ids))
    if missing:
        raise FoodError(_("Portions name foods that are not loaded: %(ids)s") % {"ids": ", ".join(missing[:10])})
    existing = {
        (p.food_id, p.amount, p.description): p
        for p in FoodPortion.objects.filter(organization__isnull=True, food_id__in=ids.values())
    }
    to_create, to_update, positions = [], [], {}
    for item in portions:
        food_id = ids[item["ndb_no"]]
        position = positions[food_id] = positions.get(food_id, -1) + 1
        found = existing.get((food_id, item["amount"], item["description"]))
        if found is None:
            to_create.append(
                FoodPortion(
                    organization=None,
                    food_id=food_id,
                    amount=item["amount"],
                    description=item["description"],
                    gram_weight=item["grams"],
                    position=position,
                )
            )
        elif found.gram_weight != item["grams"] or found.position != position:
            found.gram_weight, found.position = item["grams"], position
            to_update.append(found)
    FoodPortion.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        FoodPortion.objects.bulk_update(to_update, ["gram_weight", "position"], batch_size=500)
    return {"portions_created": len(to_create), "portions_updated": len(to_update)}


# --- A business's own foods ----------------------------------------------------------------------------
FOOD_FIELDS = {"name", "common_name", "food_group", "manufacturer", "is_archived", *[n.field for n in NUTRIENTS]}
# Most grams of a nutrient 100 g can hold, and most energy (pure fat: about 900 kcal).
_MAX_PER_100G = {"g": Decimal(100), "mg": Decimal(100_000), "kcal": Decimal(950)}


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _clean_food_fields(fields: dict) -> dict:
    check_fields(fields, FOOD_FIELDS, error=FoodError)
    for key in ("name", "common_name", "manufacturer"):
        if key in fields:
            fields[key] = (fields[key] or "").strip()
    if "name" in fields and not fields["name"]:
        raise FoodError(_("Give the food a name."), field="name")
    if fields.get("food_group") and fields["food_group"] not in FOOD_GROUPS:
        raise FoodError(_("Choose one of the food groups."), field="food_group")
    for nutrient in NUTRIENTS:
        if nutrient.field not in fields or fields[nutrient.field] in (None, ""):
            if nutrient.field in fields:
                fields[nutrient.field] = None
            continue
        try:
            value = Decimal(str(fields[nutrient.field]))
        except InvalidOperation as exc:
            raise FoodError(_("Enter a number."), field=nutrient.field) from exc
        if not value.is_finite() or value < 0:
            raise FoodError(_("Enter zero or more."), field=nutrient.field)
        if value > _MAX_PER_100G[nutrient.unit]:
            raise FoodError(
                _("100 g cannot hold more than %(max)s %(unit)s.")
                % {"max": _MAX_PER_100G[nutrient.unit], "unit": nutrient.unit},
                field=nutrient.field,
            )
        fields[nutrient.field] = value.quantize(Decimal("0.001"))
    return fields


def _check_macros(food: Food) -> None:
    total = sum((getattr(food, f) or Decimal(0)) for f in ("protein_g", "carbohydrate_g", "fat_g", "alcohol_g"))
    if total > 100:
        raise FoodError(_("Protein, carbohydrate, fat and alcohol add up to more than 100 g per 100 g."))


def _check_name_free(organization, name: str, exclude_pk: int | None = None) -> None:
    qs = Food.objects.filter(organization=organization, name__iexact=name, is_archived=False)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise FoodError(_("Your foods already include one called %(name)s.") % {"name": name}, field="name")


@transaction.atomic
def create_food(*, organization, actor=None, **fields) -> Food:
    """Add a food of the business's own, nutrients per 100 g (blank ones stay unknown)."""
    fields = _clean_food_fields(dict(fields))
    if not fields.get("name"):
        raise FoodError(_("Give the food a name."), field="name")
    _check_name_free(organization, fields["name"])
    food = Food(
        organization=organization,
        source=Food.Source.BUSINESS,
        licence=BUSINESS_LICENCE,
        popularity=OWN_FOOD_POPULARITY,
        created_by=_actor(actor),
        **fields,
    )
    food.is_branded = bool(food.manufacturer)
    _check_macros(food)
    food.save()
    return food


@transaction.atomic
def update_food(*, food: Food, organization, actor=None, **fields) -> Food:
    """Change one of the business's own foods; the shared database is read-only."""
    if food.organization_id != getattr(organization, "pk", None):
        raise FoodError(_("Foods of the shared database cannot be changed: add your own food instead."))
    fields = _clean_food_fields(dict(fields))
    if "name" in fields:
        _check_name_free(organization, fields["name"], exclude_pk=food.pk)
    for key, value in fields.items():
        setattr(food, key, value)
    food.is_branded = bool(food.manufacturer)
    _check_macros(food)
    food.save()
    return food


# --- Portions ------------------------------------------------------------------------------------------
PORTION_FIELDS = {"amount", "description", "gram_weight", "position"}


def _clean_portion_fields(fields: dict) -> dict:
    check_fields(fields, PORTION_FIELDS, error=FoodError)
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()[:120]
        if not fields["description"]:
            raise FoodError(_("Say what the measure is, for example “cup” or “large”."), field="description")
    for key, least in (("amount", Decimal("0.001")), ("gram_weight", Decimal("0.01"))):
        if key not in fields:
            continue
        try:
            value = Decimal(str(fields[key]))
        except InvalidOperation as exc:
            raise FoodError(_("Enter a number."), field=key) from exc
        if not value.is_finite() or value < least:
            raise FoodError(_("Enter at least %(least)s.") % {"least": least}, field=key)
        if value >= 100_000:
            raise FoodError(_("Enter less than 100,000."), field=key)
        fields[key] = value.quantize(Decimal("0.001") if key == "amount" else Decimal("0.01"))
    return fields


def _check_portion_free(*, organization, food: Food, amount, description, exclude_pk=None) -> None:
    qs = FoodPortion.objects.for_org(organization).filter(food=food, amount=amount, description__iexact=description)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise FoodError(_("This food already has that portion."), field="description")


@transaction.atomic
def add_portion(*, organization, food: Food, actor=None, **fields) -> FoodPortion:
    """Add a household portion of the business's own to any food it sees (shared or its own)."""
    if food.organization_id not in (None, getattr(organization, "pk", None)):
        raise FoodError(_("This food is not in your library."))
    fields = _clean_portion_fields(dict(fields))
    fields.setdefault("amount", Decimal("1.000"))
    if "description" not in fields:
        raise FoodError(_("Say what the measure is, for example “cup” or “large”."), field="description")
    if "gram_weight" not in fields:
        raise FoodError(_("Enter how many grams the portion weighs."), field="gram_weight")
    _check_portion_free(
        organization=organization, food=food, amount=fields["amount"], description=fields["description"]
    )
    if "position" not in fields:
        fields["position"] = 100 + FoodPortion.objects.for_org(organization).filter(food=food).count()
    return FoodPortion.objects.create(organization=organization, food=food, **fields)


def _own_portion(portion: FoodPortion, organization) -> None:
    if portion.organization_id != getattr(organization, "pk", None):
        raise FoodError(_("Portions of the shared database cannot be changed: add your own instead."))


@transaction.atomic
def update_portion(*, portion: FoodPortion, organization, actor=None, **fields) -> FoodPortion:
    _own_portion(portion, organization)
    fields = _clean_portion_fields(dict(fields))
    for key, value in fields.items():
        setattr(portion, key, value)
    _check_portion_free(
        organization=organization,
        food=portion.food,
        amount=portion.amount,
        description=portion.description,
        exclude_pk=portion.pk,
    )
    portion.save()
    return portion


@transaction.atomic
def delete_portion(*, portion: FoodPortion, organization, actor=None) -> None:
    _own_portion(portion, organization)
    try:
        portion.delete()
    except ProtectedError as exc:
        raise FoodError(_("This portion is used in logs, recipes or meal plans; it stays.")) from exc
