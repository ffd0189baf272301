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
    """`horizontal_push` → `Horizontal push`; a known stored word in the reader's language."""
    return labels.value_label(value)


@register.filter(name="labels")
def label_list(values) -> str:
    """["bands", "barbell"] → "Bands, Barbell", each in the reader's language."""
    return ", ".join(labels.value_label(v) for v in values or [])


@register.filter
def label_in_sentence(value: str) -> str:
    """`kettlebells` → "kettlebells" inside a sentence (German keeps its capital)."""
    return labels.value_in_sentence(value)


@register.filter(name="labels_in_sentence")
def label_list_in_sentence(values) -> str:
    """["bands", "barbell"] → "bands, barbell" inside a sentence (German keeps its capitals)."""
    return ", ".join(labels.value_in_sentence(v) for v in values or [])


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


@register.filter
def item_count(workout) -> int:
    """How many exercises a workout prescribes (from its prefetched blocks)."""
    return sum(len(block.items.all()) for block in workout.blocks.all())


@register.filter
def is_open(pk, open_ids) -> bool:
    """Whether a workout of the builder is shown unfolded (`open_ids` from builder_context)."""
    return pk in (open_ids or ())


@register.filter
def summary_in(item, unit_system) -> str:
    """`item|summary_in:unit_system` — the prescription with loads in the person's unit."""
    return item.summary_in(unit_system or "metric")
