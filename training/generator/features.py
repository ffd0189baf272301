"""Exercise feature vectors shared by swap suggestions and preference learning."""

from __future__ import annotations

import numpy as np

from training import movement

from .catalogue import CatalogueExercise

EQUIPMENT = ["", *movement.EQUIPMENT]
LEVEL_RANK = {"beginner": 0.0, "intermediate": 0.5, "expert": 1.0}

# Weights: the movement pattern matters most for a swap, then the muscles trained, then the rest.
W_PATTERN, W_PRIMARY, W_SECONDARY, W_EQUIPMENT, W_MECHANIC, W_FORCE, W_LEVEL, W_CATEGORY = (
    2.0,
    1.5,
    0.5,
    0.4,
    0.6,
    0.3,
    0.3,
    0.8,
)


def vector(ex: CatalogueExercise) -> np.ndarray:
    parts = [
        [W_PATTERN * (ex.pattern == p) for p in movement.PATTERNS],
        [W_PRIMARY * (m in ex.primary) for m in movement.MUSCLES],
        [W_SECONDARY * (m in ex.secondary) for m in movement.MUSCLES],
        [W_EQUIPMENT * (ex.equipment == e) for e in EQUIPMENT],
        [W_MECHANIC * (ex.mechanic == m) for m in movement.MECHANICS],
        [W_FORCE * (ex.force == f) for f in movement.FORCES],
        [W_LEVEL * LEVEL_RANK.get(ex.level, 0.0)],
        [W_CATEGORY * (ex.category == c) for c in movement.CATEGORIES],
    ]
    return np.array([float(v) for part in parts for v in part])


FEATURE_LENGTH = (
    len(movement.PATTERNS)
    + 2 * len(movement.MUSCLES)
    + len(EQUIPMENT)
    + len(movement.MECHANICS)
    + len(movement.FORCES)
    + 1
    + len(movement.CATEGORIES)
)


def matrix(exercises: list[CatalogueExercise]) -> np.ndarray:
    if not exercises:
        return np.zeros((0, FEATURE_LENGTH))
    return np.vstack([vector(e) for e in exercises])
