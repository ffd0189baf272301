"""The movement-pattern and alias rules that the loader applies to the data set."""

import json

import pytest

from training import movement
from training.movement import derive_aliases, derive_movement_pattern
from training.services import DATA_FILE


def record(name, category="strength", primary=("quadriceps",), force="push", equipment="barbell"):
    return {"name": name, "category": category, "primaryMuscles": list(primary), "force": force, "equipment": equipment}


@pytest.mark.parametrize(
    ("rec", "expected"),
    [
        (record("Hamstring Stretch", category="stretching", primary=["hamstrings"]), "mobility"),
        (record("Calves-SMR", equipment="foam roll", primary=["calves"]), "mobility"),
        (record("Box Jump (Multiple Response)", category="plyometrics"), "conditioning"),
        (record("Jogging, Treadmill", category="cardio"), "conditioning"),
        (record("Farmer's Walk", category="strongman", primary=["forearms"]), "carry"),
        (record("Split Squat with Dumbbells", equipment="dumbbell"), "lunge"),
        (record("Barbell Walking Lunge"), "lunge"),
        (record("Dumbbell Step Ups", equipment="dumbbell"), "lunge"),
        (record("Barbell Full Squat"), "squat"),
        (record("Front Squat (Clean Grip)"), "squat"),
        (record("Leg Press", equipment="machine"), "squat"),
        (record("Barbell Deadlift", primary=["lower back"], force="pull"), "hinge"),
        (record("Romanian Deadlift", primary=["hamstrings"], force="pull"), "hinge"),
        (record("Barbell Hip Thrust", primary=["glutes"]), "hinge"),
        (record("One-Arm Kettlebell Swings", primary=["hamstrings"], equipment="kettlebells"), "hinge"),
        (record("Lying Leg Curls", primary=["hamstrings"], force="pull", equipment="machine"), "hinge"),
        (record("Pullups", primary=["lats"], force="pull", equipment="body only"), "vertical_pull"),
        (record("Wide-Grip Lat Pulldown", primary=["lats"], force="pull", equipment="cable"), "vertical_pull"),
        (record("Barbell Shrug", primary=["traps"], force="pull"), "vertical_pull"),
        (record("Bent Over Barbell Row", primary=["middle back"], force="pull"), "horizontal_pull"),
        (record("Face Pull", primary=["shoulders"], force="pull", equipment="cable"), "horizontal_pull"),
        (record("Barbell Curl", primary=["biceps"], force="pull"), "horizontal_pull"),
        (record("Standing Military Press", primary=["shoulders"]), "vertical_push"),
        (record("Side Lateral Raise", primary=["shoulders"], equipment="dumbbell"), "vertical_push"),
        (record("Dips - Triceps Version", primary=["triceps"], equipment="body only"), "vertical_push"),
        (record("Barbell Bench Press - Medium Grip", primary=["chest"]), "horizontal_push"),
        (record("Pushups", primary=["chest"], equipment="body only"), "horizontal_push"),
        (record("Triceps Pushdown", primary=["triceps"], equipment="cable"), "horizontal_push"),
        (record("Plank", primary=["abdominals"], force="static", equipment="body only"), "core"),
        (record("Cable Crunch", primary=["abdominals"], force="pull", equipment="cable"), "core"),
        # Fallbacks by primary muscle and force when no keyword matches.
        (record("Sled Reverse Flye", primary=["shoulders"], force="pull", equipment="other"), "horizontal_pull"),
        (record("Thigh Abductor", primary=["abductors"], equipment="machine"), "lunge"),
        (record("Wrist Roller", primary=["forearms"], force="pull", equipment="other"), "carry"),
        (record("Mystery Move", primary=[], force="static"), "core"),
    ],
)
def test_movement_pattern_rules(rec, expected):
    assert derive_movement_pattern(rec) == expected


def test_keywords_match_whole_words_only():
    # "row" must not match "throw" or "narrow".
    assert derive_movement_pattern(record("Overhead Throw", primary=["abdominals"], force="pull")) == "core"
    assert derive_movement_pattern(record("Narrow Stance Leg Press", equipment="machine")) == "squat"


def test_every_record_of_the_data_set_gets_a_known_pattern_and_all_patterns_occur():
    records = json.loads(DATA_FILE.read_text())
    patterns = {derive_movement_pattern(r) for r in records}
    assert patterns <= set(movement.PATTERNS)
    assert patterns == set(movement.PATTERNS)


def test_aliases_cover_abbreviations_variants_and_common_names():
    assert "DB Bench Press" in derive_aliases("Dumbbell Bench Press")
    assert "Bench Press" in derive_aliases("Barbell Bench Press - Medium Grip")
    assert "OHP" in derive_aliases("Standing Military Press")
    assert derive_aliases("Plank") == ["Front Plank"]
    assert derive_aliases("Goblet Squat") == ["KB Goblet Squat"]
