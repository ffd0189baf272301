from django import template

register = template.Library()


@register.filter
def can(tenant, capability: str) -> bool:
    """{% if tenant|can:"integrations.manage" %}: the member's role allows it (see mecto/roles.py)."""
    return bool(tenant is not None and tenant.can(capability))


@register.simple_tag
def push_enabled() -> bool:
    """Does this server send push notifications (VAPID keys configured)?"""
    from mecto.comms.push import is_enabled

    return is_enabled()
