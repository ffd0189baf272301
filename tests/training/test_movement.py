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
        (record("Upright Barbell Row", primary=["shoulders"], force="pull"), "vertical_pull"),
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
        (record("Hanging Pike", primary=["abdominals"], force="pull", equipment="body only"), "core"),
        (record("Cable Incline Pushdown", primary=["lats"], force="pull", equipment="cable"), "vertical_pull"),
        # Single-joint work for small muscles is isolation, whatever the name's verb says.
        (record("Dumbbell Lying Pronation", primary=["forearms"], force="pull", equipment="dumbbell"), "isolation"),
        (record("Wrist Roller", primary=["forearms"], force="pull", equipment="other"), "isolation"),
        (record("Palms-Up Barbell Wrist Curl Over A Bench", primary=["forearms"], force="pull"), "isolation"),
        (record("Standing Calf Raises", primary=["calves"], equipment="machine"), "isolation"),
        (record("Isometric Neck Exercise - Sides", primary=["neck"], force="static"), "isolation"),
        (record("Thigh Abductor", primary=["abductors"], equipment="machine"), "isolation"),
        (record("Cable Hip Adduction", primary=["quadriceps"], force="pull", equipment="cable"), "isolation"),
        (record("Standing Barbell Press Behind Neck", primary=["shoulders"]), "vertical_push"),
        # Fallbacks by primary muscle and force when no keyword matches.
        (record("Sled Reverse Flye", primary=["shoulders"], force="pull", equipment="other"), "horizontal_pull"),
        (record("Hip Machine Mystery", primary=["abductors"], equipment="machine"), "isolation"),
        (record("Grip Mystery", primary=["forearms"], force="pull", equipment="other"), "isolation"),
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


def test_every_record_of_the_data_set_gets_a_pattern_that_fits_its_muscles():
    records = json.loads(DATA_FILE.read_text())
    misfits = []
    for r in records:
        pattern = derive_movement_pattern(r)
        fits = movement.pattern_fits(
            pattern,
            primary=r.get("primaryMuscles") or [],
            secondary=r.get("secondaryMuscles") or [],
            mechanic=r.get("mechanic") or "",
            force=r.get("force") or "",
        )
        if not fits:
            misfits.append((r["name"], pattern))
    assert misfits == []
    carries = sorted(r["name"] for r in records if derive_movement_pattern(r) == "carry")
    assert carries == ["Conan's Wheel", "Farmer's Walk", "Rickshaw Carry", "Yoke Walk"]


@pytest.mark.parametrize(
    ("pattern", "exercise", "fits"),
    [
        ("carry", {"primary": ["forearms"], "mechanic": "isolation", "force": "pull"}, False),
        ("carry", {"primary": ["forearms"], "mechanic": "compound"}, True),
        ("core", {"primary": ["forearms"], "mechanic": "isolation", "force": "pull"}, False),
        ("core", {"primary": ["neck"], "mechanic": "isolation", "force": "static"}, False),
        ("squat", {"primary": ["calves"], "mechanic": "isolation"}, False),
        ("squat", {"primary": ["quadriceps"], "mechanic": "compound"}, True),
        ("hinge", {"primary": ["shoulders"], "secondary": ["hamstrings"], "mechanic": "compound"}, True),
        ("hinge", {"primary": ["shoulders"], "secondary": ["hamstrings"], "mechanic": "isolation"}, False),
        ("horizontal_pull", {"primary": ["forearms"], "mechanic": "isolation"}, False),
        ("conditioning", {"primary": ["quadriceps"]}, True),
    ],
)
def test_pattern_fits_says_whether_a_pattern_suits_the_muscles(pattern, exercise, fits):
    assert movement.pattern_fits(pattern, **exercise) is fits
