"""Exercise labels as coaches write them: A, B, C for exercises done on their own; B1, B2 for the
exercises of a superset or circuit, which share a letter. And muscle names as people read them
("Quadriceps", "Lower back"): the library stores them lower case, as its data set does."""

from __future__ import annotations

from string import ascii_uppercase

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MUSCLE_NAMES = {
    "abdominals": _("Abdominals"),
    "abductors": _("Abductors"),
    "adductors": _("Adductors"),
    "biceps": _("Biceps"),
    "calves": _("Calves"),
    "chest": _("Chest"),
    "forearms": _("Forearms"),
    "glutes": _("Glutes"),
    "hamstrings": _("Hamstrings"),
    "lats": _("Lats"),
    "lower back": _("Lower back"),
    "middle back": _("Middle back"),
    "neck": _("Neck"),
    "quadriceps": _("Quadriceps"),
    "shoulders": _("Shoulders"),
    "traps": _("Traps"),
    "triceps": _("Triceps"),
}


# The library's and the generator's other stored words (equipment, category, level, mechanic,
# force, experience, injury), as a coach reads them in their language.
VALUE_NAMES = {
    "body only": _("Body only"),
    "dumbbell": _("Dumbbell"),
    "barbell": _("Barbell"),
    "cable": _("Cable"),
    "machine": _("Machine"),
    "kettlebells": _("Kettlebells"),
    "bands": _("Bands"),
    "medicine ball": _("Medicine ball"),
    "exercise ball": _("Exercise ball"),
    "foam roll": _("Foam roll"),
    "e-z curl bar": _("E-z curl bar"),
    "other": _("Other"),
    "strength": _("Strength"),
    "hypertrophy": _("Muscle gain (hypertrophy)"),
    "fat_loss": _("Fat loss"),
    "general_fitness": _("General fitness"),
    "endurance": _("Endurance"),
    "stretching": _("Stretching"),
    "plyometrics": _("Plyometrics"),
    "powerlifting": _("Powerlifting"),
    "olympic weightlifting": _("Olympic weightlifting"),
    "strongman": _("Strongman"),
    "cardio": _("Cardio"),
    "beginner": _("Beginner"),
    "intermediate": _("Intermediate"),
    "advanced": _("Advanced"),
    "expert": _("Expert"),
    "compound": _("Compound"),
    "isolation": _("Isolation"),
    "push": _("Push"),
    "pull": _("Pull"),
    "static": _("Static"),
    "lower_back": _("Lower back"),
    "knee": _("Knee"),
    "shoulder": _("Shoulder"),
    "hip": _("Hip"),
    "wrist": _("Wrist"),
    "elbow": _("Elbow"),
    "ankle": _("Ankle"),
    "neck": _("Neck"),
}


def value_label(value: str) -> str:
    """A stored word as shown: "body only" -> "Body only" (translated); an unknown one is capitalised."""
    name = str(value or "")
    return str(VALUE_NAMES.get(name, name.replace("_", " ").capitalize()))


def value_in_sentence(value: str) -> str:
    """A stored word inside a sentence: "Dumbbell" -> "dumbbell" in English and Spanish; German
    keeps its capital, as its nouns always have one."""
    shown = value_label(value)
    language = (get_language() or "en").split("-")[0]
    if language == "de" or not shown:
        return shown
    return shown[0].lower() + shown[1:]


def value_choices(values) -> list[tuple[str, object]]:
    """Form and model choices for stored words, labelled in the reader's language (lazily)."""
    return [(v, VALUE_NAMES.get(v, v.replace("_", " ").capitalize())) for v in values]


def muscle_label(muscle: str) -> str:
    """A muscle as shown: "lower back" -> "Lower back" (translated); an unknown name is capitalised."""
    name = str(muscle or "")
    return str(MUSCLE_NAMES.get(name.lower(), name.replace("_", " ").capitalize()))


def muscle_list(muscles) -> str:
    """["quadriceps", "glutes"] -> "Quadriceps, Glutes"."""
    return ", ".join(muscle_label(m) for m in muscles or [])


def _letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return letters


def workout_labels(blocks) -> dict[int, str]:
    """Label of each prescribed exercise of a workout's blocks (in order), by its id."""
    labels: dict[int, str] = {}
    index = 0
    for block in blocks:
        items = list(block.items.all())
        if block.kind == "straight" or len(items) == 1:
            for item in items:
                labels[item.pk] = _letter(index)
                index += 1
        elif items:
            for number, item in enumerate(items, start=1):
                labels[item.pk] = f"{_letter(index)}{number}"
            index += 1
    return labels


def exercise_label(item) -> str:
    """The label of one prescribed exercise among its workout's (uses the prefetched blocks)."""
    return workout_labels(item.block.workout.blocks.all()).get(item.pk, "")
