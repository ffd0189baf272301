"""The generator's entry points for pages and the API: profiles, validation and swaps."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .catalogue import from_exercise, load_catalogue
from .plan import plan_from_program
from .profile import (
    EQUIPMENT,
    INJURIES,
    MAX_MINUTES,
    MIN_MINUTES,
    Profile,
    ProfileError,
    profile_from_answers,
    profile_from_dict,
)
from .swaps import suggest_swaps
from .validator import validate


def intake_answers_for(client) -> dict | None:
    """The client's intake answers when the clients app provides them, else None."""
    if client is None:
        return None
    try:
        from clients import selectors as client_selectors
    except ImportError:  # pragma: no cover - the clients app is always installed
        return None
    reader = getattr(client_selectors, "intake_answers", None)
    if reader is None:
        return None
    answers = reader(client=client)
    return answers or None


def profile_from_intake(answers: dict) -> Profile:
    """A profile from intake answers, with values outside the generator's range brought inside
    it (an intake may allow 10-minute sessions; drafts start at 20) and unknown equipment or
    injury names left out."""
    cleaned = dict(answers)
    if "session_minutes" in cleaned:
        try:
            cleaned["session_minutes"] = min(MAX_MINUTES, max(MIN_MINUTES, int(cleaned["session_minutes"])))
        except (TypeError, ValueError):
            cleaned.pop("session_minutes")
    for key, allowed in (("equipment", EQUIPMENT), ("injuries", INJURIES)):
        if key in cleaned:
            cleaned[key] = [v for v in cleaned[key] or [] if v in allowed]
    return profile_from_answers(cleaned)


def profile_for_program(program) -> Profile | None:
    """The profile a program was generated for, or None for a coach's own program."""
    data = (program.generation or {}).get("profile")
    return profile_from_dict(data) if data else None


def program_profile(program) -> Profile | None:
    """The profile a program's exercises should suit: its client's intake when the program is
    assigned and the intake is usable, else the profile it was generated for, else None."""
    profile = profile_for_program(program)
    if program.client_id:
        answers = intake_answers_for(program.client)
        if answers:
            try:
                profile = profile_from_intake(answers)
            except ProfileError:
                pass
    return profile


def missing_equipment(exercise, profile: Profile | None) -> str:
    """The equipment the exercise needs that the client lacks; empty when they have it (or
    there is no profile to tell)."""
    if profile is None or (exercise.equipment or "") in profile.available_equipment:
        return ""
    return exercise.equipment


def equipment_warning(exercise, profile: Profile | None) -> str:
    """A sentence for the coach when the exercise needs equipment the client does not have."""
    needed = missing_equipment(exercise, profile)
    if not needed:
        return ""
    return _("%(ex)s needs %(eq)s, which the client does not have.") % {"ex": exercise.name, "eq": needed}


def validate_program(program, profile: Profile, organization=None):
    """Violations and notes of a saved program against a profile."""
    catalogue = load_catalogue(organization or program.organization)
    return validate(plan_from_program(program), profile, catalogue)


def swap_suggestions(*, organization, exercise, profile: Profile | None = None, count: int = 5, exclude=()):
    catalogue = load_catalogue(organization)
    return suggest_swaps(from_exercise(exercise), catalogue, profile, count=count, exclude=exclude)


__all__ = [
    "Profile",
    "equipment_warning",
    "missing_equipment",
    "program_profile",
    "intake_answers_for",
    "profile_for_program",
    "profile_from_intake",
    "profile_from_answers",
    "swap_suggestions",
    "validate_program",
]
