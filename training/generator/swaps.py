"""“Swap this exercise”: the nearest exercises in feature space that the client can do.

scikit-learn's NearestNeighbors (cosine distance, brute force for exact, deterministic
results) runs over the exercises that pass the client's equipment and injury filters, so
every suggestion is one the client can actually do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from sklearn.neighbors import NearestNeighbors

from ..labels import muscle_list
from . import rules
from .catalogue import CatalogueExercise
from .features import matrix, vector


@dataclass(frozen=True)
class Suggestion:
    exercise: CatalogueExercise
    distance: float
    reason: str


def _reason(original: CatalogueExercise, other: CatalogueExercise) -> str:
    parts = []
    if other.pattern == original.pattern:
        parts.append(_("same %(p)s pattern") % {"p": other.pattern.replace("_", " ")})
    else:
        parts.append(_("%(p)s pattern") % {"p": other.pattern.replace("_", " ")})
    shared = [m for m in other.primary if m in original.primary]
    if shared:
        parts.append(_("trains %(m)s") % {"m": ", ".join(shared)})
    elif other.primary:
        parts.append(_("trains %(m)s instead") % {"m": muscle_list(other.primary)})
    parts.append(_("uses %(e)s") % {"e": other.equipment} if other.equipment else _("no equipment"))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def suggest_swaps(
    original: CatalogueExercise, catalogue: list[CatalogueExercise], profile=None, *, count: int = 5, exclude=()
) -> list[Suggestion]:
    """Up to `count` alternatives to `original`, nearest first, that respect the profile's
    equipment and injuries (when a profile is given)."""
    excluded = set(exclude) | {original.pk}
    pool = []
    for ex in catalogue:
        if ex.pk in excluded:
            continue
        if (ex.pattern == "mobility") != (original.pattern == "mobility"):
            continue
        if profile is not None:
            if not rules.equipment_ok(ex, profile) or rules.contraindication(ex, profile.all_injuries):
                continue
            if ex.level not in rules.LEVEL_ALLOWED[profile.experience]:
                continue
        pool.append(ex)
    if not pool:
        return []
    model = NearestNeighbors(n_neighbors=min(count, len(pool)), metric="cosine", algorithm="brute")
    model.fit(matrix(pool))
    distances, indices = model.kneighbors(vector(original).reshape(1, -1))
    ranked = sorted(zip(distances[0], indices[0], strict=True), key=lambda p: (round(float(p[0]), 9), pool[p[1]].pk))
    return [Suggestion(pool[i], float(d), _reason(original, pool[i])) for d, i in ranked]
