"""Reads worth naming, with their joins applied."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .intake_defaults import EQUIPMENT, EXPERIENCE_LEVELS, GOALS, INJURY_AREAS
from .models import Client, IntakeForm, IntakeQuestion, IntakeSubmission


def client_list(*, organization, search: str = "", status: str = "", coach_id: int | None = None) -> QuerySet[Client]:
    qs = Client.objects.for_org(organization).select_related("coach")
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(phone__icontains=search)
        )
    if status:
        qs = qs.filter(status=status)
    if coach_id:
        qs = qs.filter(coach_id=coach_id)
    return qs


# --- Intake -----------------------------------------------------------------------------------------
def _as_int(value, low=None, high=None):
    if isinstance(value, bool):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    if low is not None:
        number = max(low, number)
    if high is not None:
        number = min(high, number)
    return number


def _as_list(value, vocabulary=None) -> list[str] | None:
    if value is None:
        return None
    values = value if isinstance(value, list) else [value]
    values = [str(v) for v in values]
    if vocabulary is not None:
        values = [v for v in vocabulary if v in values]
    return values


def _as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "true", "no", "false"):
        return value.lower() in ("yes", "true")
    return None


def _one_of(vocabulary):
    return lambda value: value if isinstance(value, str) and value in vocabulary else None


# How each contract key is normalised; a value that cannot be normalised is left out.
_NORMALISERS = {
    "goal": _one_of(GOALS),
    "experience": _one_of(EXPERIENCE_LEVELS),
    "days_per_week": lambda v: _as_int(v, 2, 6),
    "session_minutes": lambda v: _as_int(v, 10, 240),
    "equipment": lambda v: _as_list(v, EQUIPMENT),
    "injuries": lambda v: _as_list(v, INJURY_AREAS),
    "injury_notes": lambda v: str(v) if v is not None else None,
    "preferences": lambda v: str(v) if v is not None else None,
    "meals_per_day": lambda v: _as_int(v, 1, 10),
    "food_allergies": _as_list,
}


def normalise_answers(answers: dict) -> dict:
    out = {}
    for key, value in answers.items():
        if key in _NORMALISERS:
            value = _NORMALISERS[key](value)
        elif key.startswith("parq_"):
            value = _as_bool(value)
        if value is not None:
            out[key] = value
    return out


def intake_answers(*, client: Client) -> dict:
    """The client's intake answers by question key, normalised; the latest answer to each key
    wins across submissions. Keys with no answer are absent (never None).

    goal, experience, days_per_week (2–6), session_minutes, equipment (exercise data set
    vocabulary), injuries (areas), injury_notes, preferences, diet, food_allergies,
    meals_per_day, nutrition_notes and parq_* (bool) come from the default form; questions a
    coach adds appear under their own keys.
    """
    merged: dict = {}
    rows = (
        IntakeSubmission.objects.for_org(client.organization)
        .filter(client=client)
        .order_by("submitted_at", "id")
        .values_list("answers", flat=True)
    )
    for answers in rows:
        merged.update(answers or {})
    return normalise_answers(merged)


def intake_forms(*, organization, include_archived: bool = False) -> QuerySet[IntakeForm]:
    qs = IntakeForm.objects.for_org(organization)
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return qs


def form_questions(*, form: IntakeForm) -> QuerySet[IntakeQuestion]:
    return form.questions.select_related("section").order_by("section__position", "section_id", "position", "id")


def client_submissions(*, client: Client) -> QuerySet[IntakeSubmission]:
    return IntakeSubmission.objects.for_org(client.organization).filter(client=client).select_related("form")
