"""The exercises a business can program, as plain data for the generator and validator."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from training.models import Exercise


@dataclass(frozen=True)
class CatalogueExercise:
    pk: int
    name: str
    pattern: str
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    equipment: str
    mechanic: str
    force: str
    level: str
    category: str
    is_own: bool = False

    @cached_property
    def words(self) -> str:
        return " " + " ".join(self.name.lower().replace("-", " - ").replace("(", " ").replace(")", " ").split()) + " "


def from_exercise(exercise: Exercise) -> CatalogueExercise:
    return CatalogueExercise(
        pk=exercise.pk,
        name=exercise.name,
        pattern=exercise.movement_pattern,
        primary=tuple(exercise.primary_muscles),
        secondary=tuple(exercise.secondary_muscles),
        equipment=exercise.equipment,
        mechanic=exercise.mechanic,
        force=exercise.force,
        level=exercise.level,
        category=exercise.category,
        is_own=exercise.organization_id is not None,
    )


def load_catalogue(organization) -> list[CatalogueExercise]:
    """The shared library and the business's own exercises (not archived), in a stable order."""
    rows = Exercise.objects.for_org(organization).filter(is_archived=False).order_by("pk")
    return [from_exercise(e) for e in rows]
