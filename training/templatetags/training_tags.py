from django import template

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
