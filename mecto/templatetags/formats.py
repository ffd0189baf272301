"""Named date formats and the one number rule, available in every template (a builtin).

{{ session.date|named_date:"WEEKDAY_DATE_FORMAT" }}   -> "Wed 2 Dec 2026"
{{ entry.weight_kg|number }}  {{ volume|number:0 }}   -> "75.8", "12,345"
{{ weight|quantity:"kg" }}                            -> "75.8 kg"
"""

from django import template
from django.template.defaultfilters import date as date_filter

from mecto.localization import PROJECT_DATE_FORMATS, date_format_string, format_number, format_quantity

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def named_date(value, name: str = "DATE_FORMAT") -> str:
    """A date in one of the named formats (Django's or the project's, see mecto/localization.py)."""
    if value in (None, ""):
        return ""
    if name not in PROJECT_DATE_FORMATS:
        return date_filter(value, name)
    return date_filter(value, date_format_string(name))


@register.filter(is_safe=False)
def number(value, places=1) -> str:
    """A measured value with at most `places` decimals, trailing zeros trimmed, grouped thousands."""
    return format_number(value, int(places))


@register.filter(is_safe=False)
def quantity(value, unit: str) -> str:
    """A measured value and its unit: "75.8 kg"."""
    return format_quantity(value, unit)
