"""Week-to-week progression of a prescription, and the estimated one-repetition maximum.

A rule on a prescribed exercise adds load, reps or sets each week, by an amount or a
percentage; with `deload_every = N`, every Nth week is a deload (about 60 % of the sets,
10 % less load than the week before, or 1.5 RPE / 2 RIR easier) and progression resumes after it from where it
stopped. Values are computed from week 1 and the number of progression steps, so holding a
step (the client missed the target) is a matter of lowering the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DELOAD_SET_FACTOR = Decimal("0.6")
DELOAD_LOAD_FACTOR = Decimal("0.9")
MAX_SETS = 20


@dataclass(frozen=True)
class Values:
    sets: int
    reps_min: int | None
    reps_max: int | None
    duration_seconds: int | None
    distance_m: int | None
    load_type: str
    load_value: Decimal | None


def is_deload_week(week: int, deload_every: int | None) -> bool:
    return bool(deload_every and deload_every > 1 and week % deload_every == 0)


def steps_before(week: int, deload_every: int | None) -> int:
    """Progression steps taken by `week` (1-based): one per earlier non-deload week."""
    return sum(1 for w in range(1, week) if not is_deload_week(w, deload_every))


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def progressed(base: Values, *, kind: str, unit: str, amount: Decimal | None, step: int, deload: bool) -> Values:
    """The values of `base` after `step` progression steps, then deloaded if `deload`."""
    amount = Decimal(amount or 0)
    if deload:
        # A deload lightens the last week trained, it does not take this week's step.
        step = max(0, step - 1)
    sets, reps_min, reps_max = base.sets, base.reps_min, base.reps_max
    duration, distance, load = base.duration_seconds, base.distance_m, base.load_value

    def grow(value, integer=True):
        if value is None or step <= 0 or amount == 0:
            return value
        new = Decimal(value) * (1 + amount / 100) ** step if unit == "percent" else Decimal(value) + amount * step
        return int(new.to_integral_value(ROUND_HALF_UP)) if integer else _q(new)

    if kind == "sets":
        sets = min(MAX_SETS, grow(sets))
    elif kind == "reps":
        if duration is not None:
            duration = grow(duration)
        elif distance is not None:
            distance = grow(distance)
        else:
            reps_min, reps_max = grow(reps_min), grow(reps_max)
    elif kind == "load" and load is not None:
        if base.load_type == "rir":
            load = max(Decimal(0), _q(Decimal(load) - amount * step)) if unit == "amount" else grow(load, False)
        else:
            load = grow(load, integer=False)
            if base.load_type == "rpe":
                load = min(Decimal(10), load)
            if base.load_type == "percent_1rm":
                load = min(Decimal(100), load)
    if deload:
        sets = max(1, int((Decimal(sets) * DELOAD_SET_FACTOR).to_integral_value(ROUND_HALF_UP)))
        if load is not None:
            if base.load_type in ("kg", "percent_1rm"):
                load = Decimal(load) * DELOAD_LOAD_FACTOR
                # Plates come in pairs of 1.25 kg: kilograms round to the nearest 0.5.
                load = _q((load * 2).to_integral_value(ROUND_HALF_UP) / 2) if base.load_type == "kg" else _q(load)
            elif base.load_type == "rpe":
                load = max(Decimal(5), Decimal(load) - Decimal("1.5"))
            elif base.load_type == "rir":
                load = Decimal(load) + 2
    return Values(sets, reps_min, reps_max, duration, distance, base.load_type, load)


# --- Estimated one-repetition maximum -------------------------------------------------------------
E1RM_MAX_REPS = 12


def estimated_1rm(load_kg: Decimal | float | None, reps: int | None) -> Decimal | None:
    """Epley's formula: e1RM = load × (1 + reps / 30); a single is its own 1RM.

    Sets above 12 reps say little about a maximum and give no estimate, nor do sets
    without load.
    """
    if load_kg is None or reps is None or reps < 1 or reps > E1RM_MAX_REPS:
        return None
    load = Decimal(str(load_kg))
    if load <= 0:
        return None
    if reps == 1:
        return _q(load)
    return _q(load * (1 + Decimal(reps) / 30))
