"""The rules the generator follows and the validator enforces.

Sources, in short:
- Weekly sets per muscle group: dose-response of Schoenfeld, Ogborn & Krieger (2017) and
  Pelland et al. (2024) — about 10+ hard sets a week for hypertrophy, fewer suffice for
  strength and general fitness; beginners respond to less. Ranges below are per major group.
  A set counts fully for the groups of its primary muscles and half for its secondary ones
  (fractional counting, Pelland et al. 2024).
- Reps, effort and rest by goal: ACSM position stand on progression models (2009) and
  Schoenfeld et al. (2016, 2021) on loading ranges and rest intervals.
- Contraindications: conservative exclusions for common complaints (loaded spinal flexion and
  heavy barbell hinging for the lower back, jumping and deep loaded knee flexion for the knee,
  overhead pressing for the shoulder, and so on); a coach can always override in the builder.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training import movement

from .catalogue import CatalogueExercise

# --- Muscle groups and weekly volume -----------------------------------------------------------
GROUPS: dict[str, tuple[str, ...]] = {
    "chest": ("chest",),
    "back": ("lats", "middle back", "traps"),
    "shoulders": ("shoulders",),
    "quadriceps": ("quadriceps",),
    "posterior_chain": ("hamstrings", "glutes", "lower back"),
}
GROUP_LABELS = {
    "chest": gettext_lazy("chest"),
    "back": gettext_lazy("back"),
    "shoulders": gettext_lazy("shoulders"),
    "quadriceps": gettext_lazy("quadriceps"),
    "posterior_chain": gettext_lazy("hamstrings and glutes"),
}
MUSCLE_GROUP = {m: g for g, muscles in GROUPS.items() for m in muscles}

BASE_VOLUME: dict[str, dict[str, tuple[int, int]]] = {
    "hypertrophy": {"beginner": (6, 12), "intermediate": (10, 16), "advanced": (12, 20)},
    "strength": {"beginner": (4, 10), "intermediate": (6, 12), "advanced": (8, 15)},
    "general_fitness": {"beginner": (4, 10), "intermediate": (6, 12), "advanced": (8, 14)},
    "fat_loss": {"beginner": (4, 10), "intermediate": (6, 12), "advanced": (8, 15)},
    "endurance": {"beginner": (3, 8), "intermediate": (4, 10), "advanced": (6, 12)},
}
MIN_EFFECTIVE_SETS = 2
WARMUP_MINUTES = 5
DURATION_TOLERANCE = 1.10


def exercise_volume(ex_primary, ex_secondary) -> dict[str, float]:
    """How much one set counts for each group: 1 for primary muscles, 0.5 for secondary ones."""
    out: dict[str, float] = {}
    for m in ex_secondary:
        group = MUSCLE_GROUP.get(m)
        if group:
            out[group] = max(out.get(group, 0), 0.5)
    for m in ex_primary:
        group = MUSCLE_GROUP.get(m)
        if group:
            out[group] = 1.0
    return out


@dataclass(frozen=True)
class Scheme:
    """Reps, effort and rest for a goal."""

    reps_main: tuple[int, int]
    reps_accessory: tuple[int, int]
    load_type: str
    load_main: str
    load_accessory: str
    rest_main: int
    rest_accessory: int
    sets_main: int
    sets_accessory: int
    progression: str
    progression_amount: str
    block_style: str  # straight, superset or circuit for accessories
    reason: str


SCHEMES: dict[str, Scheme] = {
    "strength": Scheme(
        (3, 5),
        (6, 8),
        "rpe",
        "7.5",
        "7.5",
        180,
        120,
        4,
        3,
        "load",
        "0.5",
        "straight",
        "Strength: heavy sets of 3–5 near RPE 8 with long rests, building effort week by week.",
    ),
    "hypertrophy": Scheme(
        (6, 10),
        (8, 12),
        "rir",
        "3",
        "3",
        120,
        90,
        3,
        3,
        "load",
        "0.5",
        "straight",
        "Muscle gain: 6–12 reps taken to 1–3 reps in reserve, 90–120 s rests, effort rising each week.",
    ),
    "fat_loss": Scheme(
        (8, 12),
        (10, 15),
        "rir",
        "3",
        "3",
        90,
        60,
        3,
        3,
        "reps",
        "1",
        "superset",
        "Fat loss: moderate loads for 8–15 reps with short rests and supersets to keep the work dense.",
    ),
    "general_fitness": Scheme(
        (8, 12),
        (10, 12),
        "rpe",
        "6.5",
        "6.5",
        90,
        75,
        3,
        2,
        "load",
        "0.5",
        "straight",
        "General fitness: 8–12 reps at a comfortable RPE 6–7 covering every movement pattern.",
    ),
    "endurance": Scheme(
        (12, 15),
        (15, 20),
        "rpe",
        "6",
        "6",
        60,
        45,
        2,
        2,
        "reps",
        "1",
        "circuit",
        "Endurance: 12–20 reps at RPE 6 with short rests, accessories in a circuit.",
    ),
}

WEEKS_BY_LEVEL = {"beginner": 4, "intermediate": 5, "advanced": 6}
LEVEL_ALLOWED = {
    "beginner": ("beginner",),
    "intermediate": ("beginner", "intermediate"),
    "advanced": ("beginner", "intermediate", "expert"),
}
STRENGTH_CATEGORIES = ("strength", "powerlifting")
ADVANCED_CATEGORIES = ("olympic weightlifting", "strongman")


def minutes_per_set(goal: str) -> float:
    """The average minutes one set takes with its rest (3 s a rep, 15 s to set up), for
    planning capacity."""
    scheme = SCHEMES[goal]
    reps = (sum(scheme.reps_main) + sum(scheme.reps_accessory)) / 4
    work = (reps * 3 + 15) / 60
    return work + (scheme.rest_main + scheme.rest_accessory) / 2 / 60


def volume_targets(profile) -> dict[str, tuple[int, int]]:
    """Weekly sets per major group for the profile: the research range for the goal and level,
    with the lower bound brought down (to at least 2 sets) when the sessions are too short to
    reach it."""
    low, high = BASE_VOLUME[profile.goal][profile.experience]
    available = profile.session_minutes - WARMUP_MINUTES
    capacity = profile.days_per_week * math.floor(available / minutes_per_set(profile.goal))
    # About two sets in five go to arms, core or conditioning; a set counts for about 1.2
    # major groups on average (compound lifts count for their secondary muscles too).
    needed = low * len(GROUPS)
    usable = capacity * 0.6 * 1.2
    if usable < needed:
        low = max(MIN_EFFECTIVE_SETS, math.floor(low * usable / needed))
    return dict.fromkeys(GROUPS, (low, high))


# --- Contraindications -------------------------------------------------------------------------
@dataclass(frozen=True)
class Contraindication:
    label: str
    names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    pattern_equipment: tuple[tuple[str, str], ...] = ()


CONTRAINDICATIONS: dict[str, Contraindication] = {
    # Lower back: no loaded spinal flexion or rotation, no heavy or unsupported hinging, no
    # bar on the back, no ballistic hips (swings, cleans).
    "lower_back": Contraindication(
        label="lower back",
        names=(
            "deadlift",
            "deadlifts",
            "romanian",
            "rdl",
            "stiff-legged",
            "stiff legged",
            "stiff leg",
            "good morning",
            "good mornings",
            "hyperextension",
            "hyperextensions",
            "back extension",
            "reverse hyperextension",
            "superman",
            "sit-up",
            "sit-ups",
            "jackknife",
            "v-up",
            "toe touchers",
            "jefferson",
            "zercher",
            "atlas stone",
            "tire flip",
            "keg",
            "bent over",
            "bent-over",
            "t-bar row",
            "russian twist",
            "russian twists",
            "twist",
            "side bend",
            "windmill",
            "swing",
            "swings",
            "clean",
            "cleans",
            "snatch",
            "rack pull",
            "rack pulls",
        ),
        categories=("olympic weightlifting", "strongman"),
        pattern_equipment=(("hinge", "barbell"), ("squat", "barbell"), ("lunge", "barbell")),
    ),
    # Knee (a sore knee, a ligament repair, a meniscus): no jumping or landing, no deep or
    # loaded single-leg knee bending, no barbell squats (box squats included), no open-chain
    # knee extension.
    "knee": Contraindication(
        label="knee",
        names=(
            "jump",
            "jumps",
            "hop",
            "hops",
            "bound",
            "pistol",
            "sissy",
            "leg extension",
            "leg extensions",
            "lunge",
            "lunges",
            "split squat",
            "step up",
            "step-up",
            "step ups",
            "step-ups",
            "full squat",
            "hack squat",
            "box squat",
            "jefferson",
            "kneeling squat",
            "one leg",
            "single-leg",
            "single leg",
            "plie",
            "wide stance",
            "narrow stance",
            "speed squats",
            "thruster",
        ),
        categories=("plyometrics",),
        patterns=("lunge",),
        pattern_equipment=(("squat", "barbell"),),
    ),
    # Shoulder: nothing overhead or behind the neck, no deep end range (dips, pullovers, wide
    # grips, flyes), no ballistic pulls, and no barbell pressing with its fixed hand position.
    "shoulder": Contraindication(
        label="shoulder",
        names=(
            "behind the neck",
            "behind neck",
            "behind the head",
            "overhead",
            "over head",
            "above head",
            "upright",
            "dip",
            "dips",
            "snatch",
            "jerk",
            "kipping",
            "muscle up",
            "handstand",
            "pullover",
            "pullovers",
            "bench press - wide",
            "wide-grip",
            "wide grip",
            "fly",
            "flye",
            "flyes",
            "crossover",
            "iron cross",
            "get-up",
            "windmill",
        ),
        patterns=("vertical_push",),
        pattern_equipment=(("horizontal_push", "barbell"),),
    ),
    "hip": Contraindication(
        label="hip",
        names=("sumo", "pistol", "adductor", "abductor", "adduction", "abduction", "wide stance", "frog"),
        categories=("plyometrics",),
    ),
    "wrist": Contraindication(
        label="wrist",
        names=(
            "push-up",
            "push-ups",
            "pushup",
            "pushups",
            "push up",
            "wrist",
            "clean",
            "snatch",
            "handstand",
            "front squat",
            "front barbell squat",
            "barbell curl",
            "reverse curl",
            "plank",
        ),
        categories=("olympic weightlifting",),
    ),
    "elbow": Contraindication(
        label="elbow",
        names=(
            "skull crusher",
            "lying triceps",
            "french press",
            "dip",
            "dips",
            "preacher",
            "close-grip",
            "triceps extension",
            "tricep extension",
        ),
    ),
    "ankle": Contraindication(
        label="ankle",
        names=(
            "jump",
            "hop",
            "hops",
            "bound",
            "skip",
            "sprint",
            "jog",
            "jogging",
            "running",
            "run",
            "pistol",
            "calf raise",
            "calf raises",
        ),
        categories=("plyometrics", "cardio"),
    ),
    "neck": Contraindication(
        label="neck",
        names=(
            "neck",
            "behind the neck",
            "shrug",
            "shrugs",
            "headstand",
            "good morning",
            "sit-up",
            "sit-ups",
            "crunch - hands overhead",
        ),
    ),
}


def contraindication(exercise: CatalogueExercise, injuries) -> str | None:
    """Why the exercise is unsafe for any of the injuries, or None."""
    words = exercise.words
    for injury in injuries:
        rule = CONTRAINDICATIONS.get(injury)
        if rule is None:
            continue
        if exercise.category in rule.categories:
            return _("%(cat)s is avoided with a %(injury)s complaint") % {
                "cat": exercise.category,
                "injury": rule.label,
            }
        if exercise.pattern in rule.patterns:
            return _("%(pattern)s movements are avoided with a %(injury)s complaint") % {
                "pattern": exercise.pattern.replace("_", " "),
                "injury": rule.label,
            }
        if (exercise.pattern, exercise.equipment) in rule.pattern_equipment:
            return _("heavy %(eq)s %(pattern)s is avoided with a %(injury)s complaint") % {
                "eq": exercise.equipment,
                "pattern": exercise.pattern,
                "injury": rule.label,
            }
        for name in rule.names:
            if f" {name} " in words:
                return _("“%(name)s” movements are avoided with a %(injury)s complaint") % {
                    "name": name,
                    "injury": rule.label,
                }
    return None


# Words in the injury notes that name a complaint the intake's list may have left out.
INJURY_NOTE_PATTERNS: dict[str, re.Pattern] = {
    "knee": re.compile(r"\b(knees?|acl|mcl|pcl|lcl|menisc\w*|patell\w*|cruciate)\b"),
    "shoulder": re.compile(r"\b(shoulders?|rotator cuff|labr(um|al)|impingement|ac joint|slap tear)\b"),
    "lower_back": re.compile(r"\b(lower back|low back|lumbar|dis[ck]s?|sciatica|herniat\w*|spondyl\w*|back pain)\b"),
}


def injuries_with_notes(injuries, notes: str) -> tuple[str, ...]:
    """The listed injuries plus those the free-text notes name ("ACL repair 2023" is a knee)."""
    text = (notes or "").lower()
    found = set(injuries) | {injury for injury, pattern in INJURY_NOTE_PATTERNS.items() if pattern.search(text)}
    return tuple(sorted(found))


def equipment_ok(exercise: CatalogueExercise, profile) -> bool:
    return exercise.equipment in profile.available_equipment


def programmable(exercise: CatalogueExercise, profile) -> bool:
    """An exercise the generator may put in this client's program: equipment they have, safe
    for their injuries, at or below their level, and a training category that suits the goal
    (Olympic lifts and strongman only for advanced strength; jumps and cardio only as
    conditioning). Mobility work is left to the coach."""
    if exercise.pattern == "mobility" or exercise.level not in LEVEL_ALLOWED[profile.experience]:
        return False
    if not equipment_ok(exercise, profile) or contraindication(exercise, profile.all_injuries) is not None:
        return False
    if not movement.pattern_fits(
        exercise.pattern,
        primary=exercise.primary,
        secondary=exercise.secondary,
        mechanic=exercise.mechanic,
        force=exercise.force,
    ):
        return False
    if exercise.category in STRENGTH_CATEGORIES:
        return True
    if exercise.category in ADVANCED_CATEGORIES:
        return profile.experience == "advanced" and profile.goal == "strength"
    return exercise.pattern == "conditioning"


# --- Splits ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Slot:
    pattern: str
    role: str  # main, secondary, accessory, core, conditioning
    muscle: str = ""
    mechanic: str = ""


FULL_A = (
    Slot("squat", "main"),
    Slot("horizontal_push", "main"),
    Slot("horizontal_pull", "main", muscle="middle back"),
    Slot("hinge", "secondary"),
    Slot("vertical_push", "accessory"),
    Slot("core", "core"),
)
FULL_B = (
    Slot("hinge", "main"),
    Slot("vertical_pull", "main"),
    Slot("horizontal_push", "secondary"),
    Slot("lunge", "secondary"),
    Slot("horizontal_pull", "accessory", muscle="middle back"),
    Slot("core", "core"),
)
FULL_C = (
    Slot("squat", "main"),
    Slot("vertical_push", "main"),
    Slot("horizontal_pull", "main", muscle="middle back"),
    Slot("hinge", "secondary"),
    Slot("horizontal_push", "accessory"),
    Slot("carry", "core"),
)
UPPER_A = (
    Slot("horizontal_push", "main"),
    Slot("horizontal_pull", "main", muscle="middle back"),
    Slot("vertical_push", "secondary"),
    Slot("vertical_pull", "secondary"),
    Slot("horizontal_pull", "accessory", muscle="biceps", mechanic="isolation"),
    Slot("horizontal_push", "accessory", muscle="triceps", mechanic="isolation"),
)
UPPER_B = (
    Slot("vertical_pull", "main"),
    Slot("vertical_push", "main"),
    Slot("horizontal_pull", "secondary", muscle="middle back"),
    Slot("horizontal_push", "secondary"),
    Slot("vertical_push", "accessory", muscle="shoulders", mechanic="isolation"),
    Slot("horizontal_pull", "accessory", muscle="biceps", mechanic="isolation"),
)
LOWER_A = (
    Slot("squat", "main"),
    Slot("hinge", "secondary"),
    Slot("lunge", "accessory"),
    Slot("hinge", "accessory", muscle="hamstrings", mechanic="isolation"),
    Slot("core", "core"),
)
LOWER_B = (
    Slot("hinge", "main"),
    Slot("squat", "secondary"),
    Slot("lunge", "accessory"),
    Slot("squat", "accessory", muscle="quadriceps", mechanic="isolation"),
    Slot("core", "core"),
)
PUSH = (
    Slot("horizontal_push", "main"),
    Slot("vertical_push", "main"),
    Slot("horizontal_push", "secondary", muscle="chest", mechanic="isolation"),
    Slot("vertical_push", "accessory", muscle="shoulders", mechanic="isolation"),
    Slot("horizontal_push", "accessory", muscle="triceps", mechanic="isolation"),
)
PULL = (
    Slot("vertical_pull", "main"),
    Slot("horizontal_pull", "main", muscle="middle back"),
    Slot("horizontal_pull", "secondary", muscle="shoulders"),
    Slot("horizontal_pull", "accessory", muscle="biceps", mechanic="isolation"),
    Slot("carry", "core"),
)
LEGS = (
    Slot("squat", "main"),
    Slot("hinge", "main"),
    Slot("lunge", "secondary"),
    Slot("hinge", "accessory", muscle="hamstrings", mechanic="isolation"),
    Slot("core", "core"),
)

DAY_TEMPLATES = {
    "Full body A": FULL_A,
    "Full body B": FULL_B,
    "Full body C": FULL_C,
    "Upper A": UPPER_A,
    "Upper B": UPPER_B,
    "Lower A": LOWER_A,
    "Lower B": LOWER_B,
    "Push": PUSH,
    "Pull": PULL,
    "Legs": LEGS,
}
# What each day of a split must train (one pattern of each family), and what every week must.
KNEE_DOMINANT = ("squat", "lunge")
HINGE = ("hinge",)
LOWER_BODY = ("squat", "lunge", "hinge")
PUSH = ("horizontal_push", "vertical_push")
PULL = ("horizontal_pull", "vertical_pull")
FAMILY_LABELS = {
    KNEE_DOMINANT: gettext_lazy("a squat or lunge"),
    HINGE: gettext_lazy("a hinge (deadlift, bridge or leg curl)"),
    LOWER_BODY: gettext_lazy("a lower-body lift"),
    PUSH: gettext_lazy("a push"),
    PULL: gettext_lazy("a pull"),
}
DAY_COVERAGE: dict[str, tuple[tuple[str, ...], ...]] = {
    "Full body A": (LOWER_BODY, PUSH, PULL),
    "Full body B": (LOWER_BODY, PUSH, PULL),
    "Full body C": (LOWER_BODY, PUSH, PULL),
    "Upper A": (PUSH, PULL),
    "Upper B": (PUSH, PULL),
    "Lower A": (KNEE_DOMINANT, HINGE),
    "Lower B": (KNEE_DOMINANT, HINGE),
    "Push": (PUSH,),
    "Pull": (PULL,),
    "Legs": (KNEE_DOMINANT, HINGE),
}
WEEK_COVERAGE = (KNEE_DOMINANT, HINGE, PUSH, PULL)
# A lift (squat, hinge, lunge, push or pull) is on at most this many workouts a week.
MAX_LIFT_DAYS_PER_WEEK = 2

TRAINING_DAYS = {2: (1, 4), 3: (1, 3, 5), 4: (1, 2, 4, 5), 5: (1, 2, 3, 5, 6), 6: (1, 2, 3, 4, 5, 6)}


def choose_split(profile) -> tuple[list[str], str]:
    """The day templates for the week, and why."""
    days, goal, level = profile.days_per_week, profile.goal, profile.experience
    if days == 2:
        return ["Full body A", "Full body B"], _("Two days: two full-body sessions train every pattern twice a week.")
    if days == 3:
        if goal == "hypertrophy" and level != "beginner":
            return ["Push", "Pull", "Legs"], _(
                "Three days for muscle gain: push, pull and legs for more sets per muscle."
            )
        return ["Full body A", "Full body B", "Full body C"], _(
            "Three days: full-body sessions hit each muscle about three times a week."
        )
    if days == 4:
        return ["Upper A", "Lower A", "Upper B", "Lower B"], _(
            "Four days: an upper/lower split trains each muscle twice a week with room for volume."
        )
    if days == 5:
        if goal in ("hypertrophy", "strength"):
            return ["Upper A", "Lower A", "Push", "Pull", "Legs"], _(
                "Five days: upper/lower then push/pull/legs, each muscle about twice a week."
            )
        return ["Full body A", "Upper A", "Lower A", "Full body B", "Full body C"], _(
            "Five days: mixed full-body and upper/lower sessions keep each session short and varied."
        )
    if goal in ("hypertrophy", "strength") and level != "beginner":
        return ["Push", "Pull", "Legs", "Push", "Pull", "Legs"], _(
            "Six days: push/pull/legs twice, each muscle twice a week."
        )
    return ["Upper A", "Lower A", "Full body A", "Upper B", "Lower B", "Full body B"], _(
        "Six days: upper, lower and full-body sessions spread the work across the week."
    )


# Well-known exercises coaches expect to see; they rank first among equals.
STAPLES = {
    "Barbell Full Squat",
    "Barbell Squat",
    "Front Barbell Squat",
    "Goblet Squat",
    "Bodyweight Squat",
    "Leg Press",
    "Box Squat",
    "Dumbbell Squat",
    "Kettlebell Goblet Squat",
    "Romanian Deadlift",
    "Barbell Deadlift",
    "Stiff-Legged Dumbbell Deadlift",
    "Barbell Hip Thrust",
    "Barbell Glute Bridge",
    "Butt Lift (Bridge)",
    "One-Arm Kettlebell Swings",
    "Lying Leg Curls",
    "Seated Leg Curl",
    "Ball Leg Curl",
    "Leg Extensions",
    "Dumbbell Lunges",
    "Split Squat with Dumbbells",
    "Dumbbell Step Ups",
    "Bodyweight Walking Lunge",
    "Barbell Bench Press - Medium Grip",
    "Dumbbell Bench Press",
    "Incline Dumbbell Press",
    "Pushups",
    "Dumbbell Flyes",
    "Cable Crossover",
    "Standing Military Press",
    "Dumbbell Shoulder Press",
    "Seated Dumbbell Press",
    "Side Lateral Raise",
    "Pullups",
    "Chin-Up",
    "Wide-Grip Lat Pulldown",
    "Close-Grip Front Lat Pulldown",
    "Seated Cable Rows",
    "Bent Over Barbell Row",
    "One-Arm Dumbbell Row",
    "Bent Over Two-Dumbbell Row",
    "Inverted Row",
    "Face Pull",
    "Reverse Flyes",
    "Barbell Curl",
    "Dumbbell Bicep Curl",
    "Hammer Curls",
    "Triceps Pushdown",
    "Dumbbell One-Arm Triceps Extension",
    "Plank",
    "Dead Bug",
    "Cable Crunch",
    "Hanging Leg Raise",
    "Pallof Press",
    "Farmer's Walk",
    "Band Pull Apart",
    "Kettlebell Sumo High Pull",
    "Mountain Climbers",
    "Rowing, Stationary",
    "Bicycling, Stationary",
    "Jogging, Treadmill",
    "Elliptical Trainer",
    "Jumping Jacks",
    "Rope Jumping",
    "Standing Calf Raises",
}
ODD_WORDS = (
    "car ",
    "axle",
    "chains",
    "with bands",
    "smith",
    "sled",
    "kneeling jump",
    "one leg",
    "single leg",
    "suspended",
    "bosu",
    "board",
    "anti-gravity",
    "guillotine",
    "rocky",
    "frankenstein",
)
