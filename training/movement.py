"""Movement patterns and search aliases, derived from the exercise data set by rules.

The data set classifies exercises by muscle, force, mechanic and category but carries no
movement pattern. `derive_movement_pattern` decides one in a fixed order: the category
first (stretching is mobility, cardio and plyometrics are conditioning), then single-joint
work for small muscles (calves, forearms, neck, hip adductors and abductors) is isolation,
then the name's keywords (most specific first: "split squat" is a lunge before "squat" is a
squat), then the primary muscle and force as a fallback. `pattern_fits` says whether a
pattern is plausible for an exercise's muscles; every record of the data set passes it.
Every rule has a test in tests/training/test_movement.py.
"""

from __future__ import annotations

import re

SQUAT = "squat"
HINGE = "hinge"
LUNGE = "lunge"
HORIZONTAL_PUSH = "horizontal_push"
VERTICAL_PUSH = "vertical_push"
HORIZONTAL_PULL = "horizontal_pull"
VERTICAL_PULL = "vertical_pull"
CARRY = "carry"
CORE = "core"
CONDITIONING = "conditioning"
ISOLATION = "isolation"
MOBILITY = "mobility"

PATTERNS = [
    SQUAT,
    HINGE,
    LUNGE,
    HORIZONTAL_PUSH,
    VERTICAL_PUSH,
    HORIZONTAL_PULL,
    VERTICAL_PULL,
    CARRY,
    CORE,
    CONDITIONING,
    ISOLATION,
    MOBILITY,
]
PUSH_PATTERNS = frozenset({HORIZONTAL_PUSH, VERTICAL_PUSH})
PULL_PATTERNS = frozenset({HORIZONTAL_PULL, VERTICAL_PULL})
LOWER_PATTERNS = frozenset({SQUAT, HINGE, LUNGE})
KNEE_PATTERNS = frozenset({SQUAT, LUNGE})
# Patterns of the big lifts a week is built on (not trunk, carries, conditioning or isolation).
LIFT_PATTERNS = LOWER_PATTERNS | PUSH_PATTERNS | PULL_PATTERNS
# Muscles whose single-joint work is isolation rather than a movement pattern.
SMALL_MUSCLES = frozenset({"calves", "forearms", "neck", "adductors", "abductors"})

MUSCLES = [
    "abdominals",
    "abductors",
    "adductors",
    "biceps",
    "calves",
    "chest",
    "forearms",
    "glutes",
    "hamstrings",
    "lats",
    "lower back",
    "middle back",
    "neck",
    "quadriceps",
    "shoulders",
    "traps",
    "triceps",
]
EQUIPMENT = [
    "body only",
    "dumbbell",
    "barbell",
    "cable",
    "machine",
    "kettlebells",
    "bands",
    "medicine ball",
    "exercise ball",
    "foam roll",
    "e-z curl bar",
    "other",
]
CATEGORIES = ["strength", "stretching", "plyometrics", "powerlifting", "olympic weightlifting", "strongman", "cardio"]
LEVELS = ["beginner", "intermediate", "expert"]
MECHANICS = ["compound", "isolation"]
FORCES = ["push", "pull", "static"]

# Name keywords, checked in this order; the first pattern with a matching keyword wins.
# A keyword matches whole words ("row" does not match "throw" or "narrow").
NAME_RULES: list[tuple[str, tuple[str, ...]]] = [
    (MOBILITY, ("stretch", "smr", "mobility", "foam roll", "circles", "dislocate")),
    (CARRY, ("carry", "farmer", "farmers", "farmer's", "yoke", "suitcase walk", "waiter walk", "conan's wheel")),
    (
        ISOLATION,
        (
            "calf raise",
            "calf raises",
            "calf press",
            "wrist curl",
            "wrist roller",
            "wrist rotations",
            "finger curls",
            "pronation",
            "supination",
            "plate pinch",
            "hand squeeze",
            "adduction",
            "adductions",
            "adductor",
            "abduction",
            "abductions",
            "abductor",
            "hip flexion",
        ),
    ),
    # Olympic pulls and jerks named after a clean or snatch, before "clean" makes them a hinge.
    (VERTICAL_PULL, ("clean shrug", "snatch shrug", "incline pushdown")),
    (VERTICAL_PUSH, ("clean and jerk",)),
    (
        CONDITIONING,
        (
            "sled push",
            "sled drag",
            "sled drags",
            "prowler",
            "battling ropes",
            "jump rope",
            "rope jumping",
            "burpee",
            "jumping jack",
            "mountain climber",
        ),
    ),
    (
        LUNGE,
        (
            "lunge",
            "lunges",
            "split squat",
            "split squats",
            "step-up",
            "step up",
            "step-ups",
            "step ups",
            "stepup",
            "bulgarian",
            "pistol",
            "single-leg squat",
            "one leg squat",
            "single leg squat",
            "crossover reverse lunge",
        ),
    ),
    (
        SQUAT,
        (
            "squat",
            "squats",
            "leg press",
            "hack",
            "leg extension",
            "leg extensions",
            "wall sit",
            "sissy",
            "thruster",
            "thrusters",
        ),
    ),
    (
        HINGE,
        (
            "deadlift",
            "deadlifts",
            "good morning",
            "good mornings",
            "hip thrust",
            "glute bridge",
            "butt lift",
            "romanian",
            "rdl",
            "swing",
            "swings",
            "hyperextension",
            "hyperextensions",
            "back extension",
            "pull through",
            "leg curl",
            "leg curls",
            "hamstring curl",
            "glute ham",
            "glute kickback",
            "one-legged cable kickback",
            "clean",
            "cleans",
            "snatch",
            "atlas stone",
            "atlas stones",
            "tire flip",
            "stiff-legged",
            "stiff legged",
            "rack pull",
            "rack pulls",
            "keg load",
        ),
    ),
    (
        VERTICAL_PULL,
        (
            "pull-up",
            "pull-ups",
            "pullup",
            "pullups",
            "chin-up",
            "chin-ups",
            "chinup",
            "chin up",
            "pulldown",
            "pulldowns",
            "pull-down",
            "pullover",
            "pullovers",
            "muscle up",
            "rope climb",
            "shrug",
            "shrugs",
            "upright",
        ),
    ),
    (
        HORIZONTAL_PULL,
        ("row", "rows", "face pull", "reverse fly", "reverse flye", "reverse flyes", "rear delt", "curl", "curls"),
    ),
    (
        VERTICAL_PUSH,
        (
            "overhead press",
            "shoulder press",
            "military",
            "push press",
            "jerk",
            "arnold",
            "handstand",
            "pike push-up",
            "pike press",
            "lateral raise",
            "laterals",
            "front raise",
            "dip",
            "dips",
            "log lift",
            "overhead triceps",
            "french press",
        ),
    ),
    (
        HORIZONTAL_PUSH,
        (
            "bench press",
            "push-up",
            "push-ups",
            "pushup",
            "pushups",
            "push up",
            "push ups",
            "chest press",
            "fly",
            "flye",
            "flyes",
            "floor press",
            "skull crusher",
            "pushdown",
            "pushdowns",
            "kickback",
            "crossover",
        ),
    ),
    (
        CORE,
        (
            "plank",
            "crunch",
            "crunches",
            "sit-up",
            "sit-ups",
            "situp",
            "twist",
            "rollout",
            "ab roller",
            "leg raise",
            "leg raises",
            "hollow",
            "pallof",
            "wood chop",
            "woodchop",
            "side bend",
            "jackknife",
            "v-up",
            "russian twist",
            "pike",
        ),
    ),
]

# Fallback: the first primary muscle decides, with the force for muscles that push and pull.
MUSCLE_RULES: dict[str, str] = {
    "quadriceps": SQUAT,
    "calves": ISOLATION,
    "hamstrings": HINGE,
    "glutes": HINGE,
    "lower back": HINGE,
    "adductors": ISOLATION,
    "abductors": ISOLATION,
    "chest": HORIZONTAL_PUSH,
    "triceps": HORIZONTAL_PUSH,
    "lats": VERTICAL_PULL,
    "traps": VERTICAL_PULL,
    "middle back": HORIZONTAL_PULL,
    "biceps": HORIZONTAL_PULL,
    "forearms": ISOLATION,
    "abdominals": CORE,
    "neck": ISOLATION,
}


def _words(text: str) -> str:
    """Lower-case text with punctuation other than hyphens turned into spaces, padded."""
    return " " + re.sub(r"[^a-z0-9'\-]+", " ", text.lower()).strip() + " "


def _has_keyword(words: str, keyword: str) -> bool:
    return f" {keyword} " in words


def derive_movement_pattern(record: dict) -> str:
    """The movement pattern of a data-set record (name, category, equipment, muscles, force)."""
    category = (record.get("category") or "").lower()
    equipment = (record.get("equipment") or "").lower()
    if category == "stretching" or equipment == "foam roll":
        return MOBILITY
    if category in ("cardio", "plyometrics"):
        return CONDITIONING
    words = _words(record.get("name", ""))
    primary = [m.lower() for m in record.get("primaryMuscles") or record.get("primary_muscles") or []]
    force = (record.get("force") or "").lower()
    muscle = primary[0] if primary else ""
    named = next((p for p, keywords in NAME_RULES if any(_has_keyword(words, k) for k in keywords)), None)
    # A wrist curl or a neck raise is isolation for a small muscle, whatever its name suggests
    # ("curl" is a pull; "Dumbbell Lying Pronation" is not a carry).
    if muscle in SMALL_MUSCLES and named != CARRY:
        return ISOLATION
    if named:
        return named
    if muscle == "shoulders":
        return HORIZONTAL_PULL if force == "pull" else VERTICAL_PUSH
    if muscle in MUSCLE_RULES:
        return MUSCLE_RULES[muscle]
    return CORE if force == "static" else CONDITIONING


# The muscles a pattern trains: an exercise fits its pattern when one of its primary muscles
# (or, for a compound lift, one of its secondary ones) is among them.
PATTERN_MUSCLES: dict[str, frozenset[str]] = {
    SQUAT: frozenset({"quadriceps", "glutes"}),
    HINGE: frozenset({"hamstrings", "glutes", "lower back"}),
    LUNGE: frozenset({"quadriceps", "glutes", "hamstrings"}),
    HORIZONTAL_PUSH: frozenset({"chest", "triceps", "shoulders"}),
    VERTICAL_PUSH: frozenset({"shoulders", "triceps"}),
    HORIZONTAL_PULL: frozenset({"middle back", "lats", "traps", "shoulders", "biceps"}),
    VERTICAL_PULL: frozenset({"lats", "middle back", "traps", "biceps", "shoulders"}),
    CORE: frozenset({"abdominals", "lower back"}),
}


def pattern_fits(pattern: str, *, primary, secondary=(), mechanic: str = "", force: str = "") -> bool:
    """Whether `pattern` is plausible for an exercise with these muscles: a squat trains the
    quadriceps or glutes, a carry is a loaded walk or hold of the whole body (not a wrist
    curl), and so on. Conditioning, isolation and mobility fit anything."""
    if pattern in (CONDITIONING, ISOLATION, MOBILITY):
        return True
    if pattern == CARRY:
        return mechanic != "isolation" and force in ("", "static")
    muscles = PATTERN_MUSCLES.get(pattern)
    if muscles is None:
        return False
    if set(primary) & muscles:
        return True
    return mechanic == "compound" and bool(set(secondary) & muscles)


# --- Aliases -------------------------------------------------------------------------------
ABBREVIATIONS = {"barbell": "BB", "dumbbell": "DB", "kettlebell": "KB", "kettlebells": "KB"}
COMMON_NAMES: dict[str, list[str]] = {
    "Barbell Full Squat": ["Back Squat", "Squat"],
    "Barbell Squat": ["Back Squat"],
    "Barbell Deadlift": ["Deadlift", "Conventional Deadlift"],
    "Romanian Deadlift": ["RDL"],
    "Barbell Bench Press - Medium Grip": ["Bench Press", "Flat Bench"],
    "Standing Military Press": ["Overhead Press", "OHP", "Military Press"],
    "Pullups": ["Pull-up", "Pull up"],
    "Chin-Up": ["Chin up"],
    "Pushups": ["Push-up", "Press-up"],
    "Bent Over Barbell Row": ["Barbell Row", "BB Row"],
    "Barbell Hip Thrust": ["Hip Thrust"],
    "Goblet Squat": ["KB Goblet Squat"],
    "Dips - Triceps Version": ["Dips", "Triceps Dips"],
    "Plank": ["Front Plank"],
    "Farmer's Walk": ["Farmer Carry", "Farmers Carry"],
}


def derive_aliases(name: str) -> list[str]:
    """Other names a coach may type: abbreviations (DB, BB, KB), the name without its variant
    after a dash, and a few common names."""
    aliases: list[str] = []

    def add(alias: str) -> None:
        alias = re.sub(r"\s+", " ", alias).strip(" -")
        if alias and alias.lower() != name.lower() and alias.lower() not in {a.lower() for a in aliases}:
            aliases.append(alias)

    for alias in COMMON_NAMES.get(name, []):
        add(alias)
    base = name.split(" - ")[0]
    if base != name:
        add(base)
    abbreviated = " ".join(ABBREVIATIONS.get(w.lower(), w) for w in name.split(" "))
    if abbreviated != name:
        add(abbreviated)
    return aliases
