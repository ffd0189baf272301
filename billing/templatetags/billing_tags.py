from django import template

from mecto.localization import format_money
from mecto.templatetags.mecto_tags import can

register = template.Library()


@register.filter
def money(amount_minor, currency: str) -> str:
    """{{ invoice.total_minor|money:invoice.currency }} -> 'GBP 19.99'."""
    if amount_minor is None or amount_minor == "":
        return "—"
    return format_money(int(amount_minor), currency)


@register.simple_tag
def status_badge_class(status: str) -> str:
    return {
        "paid": "badge-ok",
        "active": "badge-ok",
        "succeeded": "badge-ok",
        "trialing": "badge-ok",
        "open": "badge-warn",
        "incomplete": "badge-warn",
        "past_due": "badge-bad",
        "failed": "badge-bad",
        "overdue": "badge-bad",
        "void": "",
        "cancelled": "",
    }.get(status, "")


# {% if tenant|can:"billing.manage" %} in billing templates: the project-wide filter.
register.filter("can", can)
