"""Metric values: stored in SI (kg, cm, %), shown and entered in the person's units."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from mecto.localization import (
    IMPERIAL,
    cm_to_display,
    display_to_cm,
    display_to_kg,
    kg_to_display,
    length_unit,
    weight_unit,
)

# The built-in metrics every business has (keys are stable; names are labels).
BUILTIN_METRICS = [
    {"key": "weight", "name": _noop("Weight"), "kind": "number", "quantity": "mass", "direction": "neutral"},
    {"key": "body_fat", "name": _noop("Body fat"), "kind": "number", "quantity": "percent", "direction": "down"},
    {"key": "waist", "name": _noop("Waist"), "kind": "number", "quantity": "length", "direction": "down"},
    {"key": "hips", "name": _noop("Hips"), "kind": "number", "quantity": "length", "direction": "neutral"},
    {"key": "chest", "name": _noop("Chest"), "kind": "number", "quantity": "length", "direction": "neutral"},
    {"key": "arm", "name": _noop("Upper arm"), "kind": "number", "quantity": "length", "direction": "up"},
    {"key": "thigh", "name": _noop("Thigh"), "kind": "number", "quantity": "length", "direction": "neutral"},
    {"key": "neck", "name": _noop("Neck"), "kind": "number", "quantity": "length", "direction": "neutral"},
    {"key": "mood", "name": _noop("Mood"), "kind": "scale", "quantity": "", "direction": "up"},
    {"key": "energy", "name": _noop("Energy"), "kind": "scale", "quantity": "", "direction": "up"},
    {"key": "sleep", "name": _noop("Sleep"), "kind": "number", "quantity": "", "unit": "h", "direction": "up"},
]
MEASUREMENT_KEYS = {"weight", "body_fat", "waist", "hips", "chest", "arm", "thigh", "neck"}

# Plausible ranges in SI, so a typo (820 kg) is refused instead of ruining a chart.
SI_LIMITS = {
    "mass": (Decimal("20"), Decimal("400")),
    "length": (Decimal("10"), Decimal("250")),
    "percent": (Decimal("0"), Decimal("100")),
}
PLAIN_LIMIT = Decimal("1000000000")


def create_builtin_metrics(organization, *, metric_model, translate=str) -> int:
    """Create the built-in metrics the business lacks; returns how many were made."""
    have = set(metric_model.objects.filter(organization=organization).values_list("key", flat=True))
    new = [
        metric_model(
            organization=organization,
            key=spec["key"],
            name=translate(spec["name"]),
            kind=spec["kind"],
            quantity=spec["quantity"],
            unit=spec.get("unit", ""),
            direction=spec["direction"],
            is_builtin=True,
            position=position,
        )
        for position, spec in enumerate(BUILTIN_METRICS)
        if spec["key"] not in have
    ]
    metric_model.objects.bulk_create(new)
    return len(new)


def display_unit(metric, unit_system: str) -> str:
    if metric.quantity == "mass":
        return weight_unit(unit_system)
    if metric.quantity == "length":
        return length_unit(unit_system)
    if metric.quantity == "percent":
        return "%"
    if metric.kind == "scale":
        return "/10"
    return metric.unit


def to_display(metric, value, unit_system: str):
    """An SI value as the person reads it (a float for charts, None stays None)."""
    if value is None:
        return None
    if metric.quantity == "mass":
        return float(kg_to_display(value, unit_system))
    if metric.quantity == "length":
        return float(cm_to_display(value, unit_system))
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number.normalize())


def from_display(metric, raw, unit_system: str) -> Decimal:
    """Parse what a person typed, in their units, into the SI value to store.

    Raises ValueError with a message for the person."""
    if metric.kind == "yes_no":
        text = str(raw).strip().lower()
        if raw is True or text in ("yes", "true", "1", "on", "y"):
            return Decimal(1)
        if raw is False or text in ("no", "false", "0", "off", "n"):
            return Decimal(0)
        raise ValueError(_("Answer yes or no."))
    if isinstance(raw, bool):
        raise ValueError(_("Enter a number."))
    try:
        number = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError(_("Enter a number."))
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if abs(number) >= PLAIN_LIMIT:
        raise ValueError(_("Enter a smaller number."))
    if metric.kind == "scale":
        if number != number.to_integral_value() or not 1 <= number <= 10:
            raise ValueError(_("Choose a whole number from 1 to 10."))
        return number
    if metric.quantity == "mass":
        number = display_to_kg(number, unit_system)
    elif metric.quantity == "length":
        number = display_to_cm(number, unit_system)
    limits = SI_LIMITS.get(metric.quantity)
    if limits and not limits[0] <= number <= limits[1]:
        low, high = (to_display(metric, limit, unit_system) for limit in limits)
        raise ValueError(
            _("Enter a value from %(low)s to %(high)s %(unit)s.")
            % {"low": low, "high": high, "unit": display_unit(metric, unit_system)}
        )
    return number.quantize(Decimal("0.001"))


__all__ = ["IMPERIAL", "BUILTIN_METRICS", "display_unit", "to_display", "from_display", "create_builtin_metrics"]
