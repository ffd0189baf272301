from django.conf import settings
from django.contrib.messages import get_messages

from mecto import nav


def platform(request):
    """The navigation, brand and flash messages every page needs.

    Flashes are read from `flashes`, not Django's `messages`: a view may put its own
    `messages` (a conversation, say) in the context without them turning into banners."""
    tenant = getattr(request, "tenant", None)
    org = tenant.organization if tenant is not None and request.user.is_authenticated else None
    from mecto.branding import Brand, brand_for

    return {
        "nav_items": nav.items_for(tenant, request.path, request) if org is not None else [],
        "current_org": org,
        "tenant": tenant,
        "brand": brand_for(org),
        # A page that shows another brand (a business's public page) offers no platform sign-up.
        "platform_brand": Brand(),
        "site_url": settings.SITE_URL,
        "flashes": get_messages(request),
    }
