from django import template

from training import labels

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key` — a dict lookup in templates."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def label(value: str) -> str:
    """`horizontal_push` → `Horizontal push`."""
    return str(value or "").replace("_", " ").capitalize()


@register.filter
def num(value) -> str:
    """A decimal without trailing zeros: 2.50 → 2.5, 5.00 → 5."""
    if value is None or value == "":
        return ""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


@register.filter
def muscles(value) -> str:
    """`exercise.primary_muscles|muscles` → "Quadriceps, Lower back" (see training.labels)."""
    return labels.muscle_list(value)


@register.filter
def muscle(value) -> str:
    """`m|muscle` → "Lower back"."""
    return labels.muscle_label(value)


@register.filter
def exercise_label(item) -> str:
    """A1, A2 for a superset, B for straight sets: see training.labels."""
    return labels.exercise_label(item)
