"""Loading the shared food database: counts, idempotence, unknowns, NDB numbers, citation."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from nutrition.models import Food, FoodPortion
from nutrition.services.foods import FOODS_FILE, PORTIONS_FILE, USDA_LICENCE, FoodError, load_food_database


def _rows(path=FOODS_FILE):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def subset(tmp_path):
    """The foods that have portions, plus a few others; with their portions."""
    portions = _rows(PORTIONS_FILE)
    wanted = {p["ndb_no"] for p in portions} | {"01133", "01003", "01188"}
    rows = [r for r in _rows() if r["ndb_no"] in wanted]
    return _write(tmp_path / "foods.csv", rows), rows


def test_full_load_creates_every_food_once_and_a_second_run_changes_nothing(db):
    first = load_food_database()
    assert first["created"] == 8789
    assert Food.objects.library().count() == 8789
    portions = FoodPortion.objects.filter(organization__isnull=True).count()
    assert portions == first["portions_created"] >= 500

    second = load_food_database()
    assert second == {"created": 0, "updated": 0, "unchanged": 8789, "portions_created": 0, "portions_updated": 0}
    assert Food.objects.library().count() == 8789
    assert FoodPortion.objects.count() == portions
    # Every shared food carries its source, its NDB number and the USDA citation.
    assert not Food.objects.library().exclude(source="usda_sr28").exists()
    assert not Food.objects.library().exclude(licence=USDA_LICENCE).exists()
    assert "Standard Reference, Release 28" in USDA_LICENCE
    assert Food.objects.library().filter(is_branded=True).count() == 1707


def test_leading_zero_of_the_ndb_number_is_kept(foods):
    butter = foods.get(source_id="01001")
    assert butter.name == "Butter, salted"
    assert not foods.filter(source_id="1001").exists()


def test_blank_cells_stay_unknown_not_zero(foods):
    butter_oil = foods.get(source_id="01003")  # SR28 has no trans fat for it
    assert butter_oil.trans_fat_g is None
    assert butter_oil.energy_kcal == Decimal("876")
    salted = foods.get(source_id="01001")
    assert salted.fibre_g == Decimal("0")  # a real zero stays zero
    blank_cells = sum(1 for row in _rows() if row["trans_fat_g"] == "")
    assert foods.filter(trans_fat_g__isnull=True).count() == blank_cells


def test_portions_are_matched_by_ndb_number_with_decimal_grams(foods):
    egg = foods.get(source_id="01123")
    large = egg.portions.get(description="large")
    assert large.gram_weight == Decimal("50.00")
    milk = foods.get(source_id="01077")
    assert milk.portions.get(description="fl oz").gram_weight == Decimal("30.50")


def test_a_changed_value_updates_its_row_in_place(db, subset):
    path, rows = subset
    load_food_database(path=path)
    egg = Food.objects.library().get(source_id="01123")
    for row in rows:
        if row["ndb_no"] == "01123":
            row["protein_g"] = "13.00"
            row["fiber_g"] = ""
    _write(path, rows)

    counts = load_food_database(path=path)

    assert counts["updated"] == 1 and counts["created"] == 0
    refreshed = Food.objects.library().get(source_id="01123")
    assert refreshed.pk == egg.pk
    assert refreshed.protein_g == Decimal("13.000")
    assert refreshed.fibre_g is None


def test_a_changed_portion_weight_updates_the_portion(db, subset, tmp_path):
    path, _rows_ = subset
    portions = _rows(PORTIONS_FILE)
    load_food_database(path=path)
    for row in portions:
        if row["ndb_no"] == "01123" and row["measure"] == "large":
            row["grams"] = "50.5"
    portions_path = _write(tmp_path / "portions.csv", portions)

    counts = load_food_database(path=path, portions_path=portions_path)

    assert counts["portions_updated"] == 1 and counts["portions_created"] == 0
    assert FoodPortion.objects.get(food__source_id="01123", description="large").gram_weight == Decimal("50.50")


def test_branded_flag_and_popularity_put_whole_foods_first(db, subset):
    path, _rows_ = subset
    load_food_database(path=path)
    fresh = Food.objects.get(source_id="01123")  # Egg, whole, raw, fresh
    dried = Food.objects.get(source_id="01133")  # Egg, whole, dried
    branded = Food.objects.get(source_id="01188")  # KRAFT CHEEZ WHIZ, Kraft Foods, Inc.
    assert branded.is_branded is True and branded.manufacturer == "Kraft Foods, Inc."
    assert fresh.is_branded is False
    assert fresh.popularity > dried.popularity
    assert Food.objects.get(source_id="01009").popularity > branded.popularity  # cheddar before a brand


def test_a_bad_number_is_refused_and_nothing_is_loaded(db, subset):
    path, rows = subset
    rows[0]["kcal"] = "lots"
    _write(path, rows)
    with pytest.raises(FoodError, match="not a number"):
        load_food_database(path=path)
    assert not Food.objects.exists()


def test_command_reports_counts_and_turns_errors_into_a_command_error(db, subset, tmp_path):
    path, _rows_ = subset
    out = io.StringIO()
    call_command("load_foods", path=str(path), stdout=out)
    assert f"{len(_rows_)} created" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_foods", path=str(tmp_path / "missing.csv"), stdout=io.StringIO())


def test_load_reference_data_runs_the_food_loader():
    from mecto import reference

    assert "load_foods" in reference.loaders()
