"""What the generator's output may say about a client's health screening.

The generator reads intake injuries and PAR-Q-derived flags to choose exercises (its job); the
injury text itself is for members with `clients.health`. Everyone else gets the same draft
with a neutral sentence where the complaint would be named. Saved drafts keep no complaint in
their words at all (descriptions, reasons, workout notes), because a program is read by every
member with `training.manage` and, once assigned, by the client."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from .engine import injury_reason
from .profile import Profile
from .validator import Violation

HEALTH = "clients.health"


def neutral_reason() -> str:
    return _("adapted to the client's health screening")


def neutral_text(text: str, profile: Profile | None) -> str:
    """`text` with the sentence naming the profile's complaints replaced by the neutral one."""
    if not text or profile is None or not profile.all_injuries:
        return text
    return text.replace(injury_reason(profile.all_injuries), neutral_reason())


def sees_health(tenant) -> bool:
    return tenant is not None and tenant.can(HEALTH)


def redacted_profile(profile: Profile | None) -> Profile | None:
    """The profile without its complaints (listed injuries and notes), for showing."""
    if profile is None:
        return None
    return replace(profile, injuries=(), injury_notes="")


def has_screening(profile: Profile | None) -> bool:
    return profile is not None and bool(profile.all_injuries)


def redacted_violations(violations) -> list[Violation]:
    """Contraindications without the complaint: the exercise and the neutral sentence."""
    out = []
    for violation in violations:
        if violation.code == "contraindication":
            head = violation.message.split(" — ", 1)[0]
            violation = Violation(
                violation.code,
                _("%(what)s — not advised by the client's health screening.") % {"what": head},
                violation.week,
            )
        out.append(violation)
    return out


def with_screening(profile: Profile, screening: Profile | None) -> Profile:
    """`profile` as entered by a member who cannot see health data, with the complaints of the
    client's intake (`screening`) added, so the draft is as safe as for a coach who sees them."""
    if screening is None or not (screening.injuries or screening.injury_notes):
        return profile
    injuries = tuple(dict.fromkeys((*profile.injuries, *screening.injuries)))
    notes = " ".join(part for part in (profile.injury_notes, screening.injury_notes) if part)
    return replace(profile, injuries=injuries, injury_notes=notes[:2000])
