"""What a business's coaches like to program, learned from the programs they wrote.

Two signals: how many of the coaches' programs use an exercise, and how close an exercise
is (cosine similarity of feature vectors, scikit-learn) to the average of what the coaches
chose for the same movement pattern. Generated drafts are left out, so the generator does
not learn from itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity

from .catalogue import CatalogueExercise
from .features import vector


@dataclass
class Preferences:
    counts: dict[int, int] = field(default_factory=dict)
    centroids: dict[str, np.ndarray] = field(default_factory=dict)
    programs: int = 0

    def score(self, ex: CatalogueExercise) -> float:
        # A coach's repeated choice outweighs the generator's sense of a staple (worth 3).
        score = 3.0 * math.log1p(self.counts.get(ex.pk, 0))
        centroid = self.centroids.get(ex.pattern)
        if centroid is not None:
            score += float(cosine_similarity(vector(ex).reshape(1, -1), centroid.reshape(1, -1))[0, 0])
        return score

    def reason(self, ex: CatalogueExercise) -> str:
        from django.utils.translation import ngettext

        n = self.counts.get(ex.pk, 0)
        if n:
            return ngettext("your coaches use it in %(n)s program", "your coaches use it in %(n)s programs", n) % {
                "n": n
            }
        centroid = self.centroids.get(ex.pattern)
        if centroid is not None and self.score(ex) > 0.85:
            from django.utils.translation import gettext as _

            return _("close to what your coaches choose for this pattern")
        return ""


def learn_preferences(organization, catalogue: list[CatalogueExercise]) -> Preferences:
    from training.models import PrescribedExercise, Program

    pairs = (
        PrescribedExercise.objects.for_org(organization)
        .filter(block__workout__program__origin__in=[Program.Origin.COACH, Program.Origin.COPY])
        .values_list("exercise_id", "block__workout__program_id")
        .distinct()
    )
    counts: dict[int, int] = {}
    programs = set()
    for exercise_id, program_id in pairs:
        counts[exercise_id] = counts.get(exercise_id, 0) + 1
        programs.add(program_id)
    by_pk = {ex.pk: ex for ex in catalogue}
    by_pattern: dict[str, list[np.ndarray]] = {}
    for pk, n in counts.items():
        ex = by_pk.get(pk)
        if ex is not None:
            by_pattern.setdefault(ex.pattern, []).extend([vector(ex)] * n)
    centroids = {p: np.mean(vs, axis=0) for p, vs in by_pattern.items()}
    return Preferences(counts=counts, centroids=centroids, programs=len(programs))
