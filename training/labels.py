"""Exercise labels as coaches write them: A, B, C for exercises done on their own; B1, B2 for the
exercises of a superset or circuit, which share a letter."""

from __future__ import annotations

from string import ascii_uppercase


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
