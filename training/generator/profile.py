"""The client profile a program is generated for, built from intake answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from mecto.errors import DomainError
from training import movement

GOALS = ["strength", "hypertrophy", "fat_loss", "general_fitness", "endurance"]
EXPERIENCE = ["beginner", "intermediate", "advanced"]
INJURIES = ["lower_back", "knee", "shoulder", "hip", "wrist", "elbow", "ankle", "neck"]
EQUIPMENT = list(movement.EQUIPMENT)
MIN_DAYS, MAX_DAYS = 2, 6
MIN_MINUTES, MAX_MINUTES = 20, 180

DEFAULTS = {
    "goal": "general_fitness",
    "experience": "beginner",
    "days_per_week": 3,
    "session_minutes": 60,
    "equipment": ["body only", "dumbbell"],
    "injuries": [],
    "injury_notes": "",
    "preferences": "",
}


class ProfileError(DomainError):
    pass


@dataclass(frozen=True)
class Profile:
    goal: str = "general_fitness"
    experience: str = "beginner"
    days_per_week: int = 3
    session_minutes: int = 60
    equipment: tuple[str, ...] = ("body only", "dumbbell")
    injuries: tuple[str, ...] = ()
    injury_notes: str = ""
    preferences: str = ""
    missing: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["equipment"] = list(self.equipment)
        data["injuries"] = list(self.injuries)
        data["missing"] = list(self.missing)
        return data

    @cached_property
    def all_injuries(self) -> tuple[str, ...]:
        """The listed injuries and those the notes name (an "ACL repair" is a knee)."""
        from .rules import injuries_with_notes

        return injuries_with_notes(self.injuries, self.injury_notes)

    @property
    def available_equipment(self) -> frozenset[str]:
        """What the client has; no equipment and bodyweight are always available."""
        return frozenset(self.equipment) | {"", "body only"}


def _int(value, name: str, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ProfileError(message, field=name)
    if not low <= number <= high:
        raise ProfileError(message, field=name)
    return number


def _list(value, name: str, allowed: list[str], label: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise ProfileError(_("%(label)s must be a list.") % {"label": label}, field=name)
    bad = [v for v in value if v not in allowed]
    if bad:
        raise ProfileError(_("Unknown %(label)s: %(v)s") % {"label": label, "v": ", ".join(map(str, bad))}, field=name)
    return tuple(sorted(dict.fromkeys(value)))


def profile_from_answers(answers: dict | None) -> Profile:
    """A Profile from intake answers. Absent keys are missing answers: they take a cautious
    default and are listed in `missing`; present but invalid values raise ProfileError."""
    answers = dict(answers or {})
    missing = tuple(k for k in DEFAULTS if k not in answers or answers[k] in (None, ""))
    values = {k: (answers[k] if k not in missing else DEFAULTS[k]) for k in DEFAULTS}
    if values["goal"] not in GOALS:
        raise ProfileError(_("Choose a goal from the list."), field="goal")
    if values["experience"] not in EXPERIENCE:
        raise ProfileError(_("Choose beginner, intermediate or advanced."), field="experience")
    days = _int(values["days_per_week"], "days_per_week", MIN_DAYS, MAX_DAYS, _("Train 2 to 6 days a week."))
    minutes = _int(
        values["session_minutes"],
        "session_minutes",
        MIN_MINUTES,
        MAX_MINUTES,
        _("Sessions last 20 to 180 minutes."),
    )
    equipment = _list(values["equipment"], "equipment", EQUIPMENT, _("equipment"))
    injuries = _list(values["injuries"], "injuries", INJURIES, _("injury"))
    return Profile(
        goal=values["goal"],
        experience=values["experience"],
        days_per_week=days,
        session_minutes=minutes,
        equipment=equipment,
        injuries=injuries,
        injury_notes=str(values["injury_notes"] or "")[:2000],
        preferences=str(values["preferences"] or "")[:2000],
        missing=missing,
    )


def profile_from_dict(data: dict) -> Profile:
    """A Profile stored with a generated program (as_dict), read back."""
    data = {k: v for k, v in (data or {}).items() if k in DEFAULTS}
    return profile_from_answers(data)
