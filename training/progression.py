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
KG_PER_LB = Decimal("0.45359237")
BAR_EQUIPMENT = frozenset({"barbell", "e-z curl bar"})
# Effort is prescribed in half points (RPE 7.5, 1.5 RIR); reps and sets are whole numbers.
EFFORT_STEP = Decimal("0.5")


def plate_step(equipment: str, unit_system: str) -> Decimal:
    """The smallest sensible jump in load, in the business's unit: a pair of the smallest
    plates on a bar (2.5 kg / 5 lb), a dumbbell or machine step elsewhere (1 kg / 2.5 lb)."""
    bar = equipment in BAR_EQUIPMENT
    if unit_system == "imperial":
        return Decimal(5 if bar else "2.5")
    return Decimal("2.5" if bar else 1)


def default_step(kind: str, load_type: str, equipment: str, unit_system: str) -> Decimal:
    """The weekly step a coach expects when none is given, stored as the prescription stores it
    (kg for loads): +2.5 kg (5 lb) on a bar, +2 kg (5 lb) otherwise, +0.5 RPE, -1 RIR, +2.5 % of
    1RM, +1 rep or set."""
    if kind != "load":
        return Decimal(1)
    if load_type == "kg":
        if unit_system == "imperial":
            return _q(Decimal(5) * KG_PER_LB)
        return Decimal("2.5") if equipment in BAR_EQUIPMENT else Decimal(2)
    if load_type == "rpe":
        return EFFORT_STEP
    if load_type == "percent_1rm":
        return Decimal("2.5")
    return Decimal(1)


def round_load(load_kg: Decimal, equipment: str, unit_system: str) -> Decimal:
    """A load in kg rounded to what can be loaded: the nearest plate step in the business's unit."""
    step = plate_step(equipment, unit_system)
    if unit_system == "imperial":
        pounds = Decimal(load_kg) / KG_PER_LB
        return _q((pounds / step).to_integral_value(ROUND_HALF_UP) * step * KG_PER_LB)
    return _q((Decimal(load_kg) / step).to_integral_value(ROUND_HALF_UP) * step)


def step_problem(kind: str, unit: str, amount: Decimal, load_type: str, equipment: str, unit_system: str) -> str:
    """Why a weekly step does not fit what it adds to ('' when it fits): whole reps and sets,
    half points of effort, loads in whole plate steps of the business's unit."""
    from django.utils.translation import gettext as _

    amount = Decimal(amount)
    if unit == "percent":
        return ""
    if kind in ("reps", "sets"):
        return "" if amount == amount.to_integral_value() else _("Add whole reps or sets each week.")
    if load_type in ("rpe", "rir"):
        if amount % EFFORT_STEP:
            return _("Change effort in steps of 0.5 (for example 0.5 or 1).")
        return ""
    if load_type == "percent_1rm":
        return "" if not amount % EFFORT_STEP else _("Add % of 1RM in steps of 0.5.")
    if load_type == "kg":
        step = plate_step(equipment, unit_system)
        if unit_system == "imperial":
            pounds = amount / KG_PER_LB
            fits = abs(pounds / step - (pounds / step).to_integral_value(ROUND_HALF_UP)) * step < Decimal("0.05")
            fits = fits and pounds >= step - Decimal("0.05")
            unit_label = "lb"
        else:
            fits = not amount % step
            unit_label = "kg"
        if not fits:
            return _("Add load in steps of %(step)s %(unit)s (%(step)s, %(double)s, …) for this exercise.") % {
                "step": f"{step.normalize():f}",
                "double": f"{(step * 2).normalize():f}",
                "unit": unit_label,
            }
    return ""


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


def progressed(
    base: Values,
    *,
    kind: str,
    unit: str,
    amount: Decimal | None,
    step: int,
    deload: bool,
    equipment: str = "",
    unit_system: str = "metric",
) -> Values:
    """The values of `base` after `step` progression steps, then deloaded if `deload`. Loads in kg
    land on the plate steps of the exercise's equipment in the business's unit, RPE on half points."""
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
                load = min(Decimal(10), _q((load * 2).to_integral_value(ROUND_HALF_UP) / 2))
            if base.load_type == "percent_1rm":
                load = min(Decimal(100), load)
            if base.load_type == "kg" and unit == "percent" and step > 0 and amount:
                # A percentage lands between plates: round it to what can be loaded.
                load = round_load(load, equipment, unit_system)
    if deload:
        sets = max(1, int((Decimal(sets) * DELOAD_SET_FACTOR).to_integral_value(ROUND_HALF_UP)))
        if load is not None:
            if base.load_type in ("kg", "percent_1rm"):
                load = Decimal(load) * DELOAD_LOAD_FACTOR
                load = round_load(load, equipment, unit_system) if base.load_type == "kg" else _q(load)
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
