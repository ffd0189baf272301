from django.conf import settings
from django.contrib.messages import get_messages
from django.utils.functional import SimpleLazyObject

from mecto import nav


def platform(request):
    """The navigation, brand and flash messages every page needs.

    Flashes are read from `flashes`, not Django's `messages`: a view may put its own
    `messages` (a conversation, say) in the context without them turning into banners.
    The brand is lazy and kept on the request: a public page passes its business's brand
    itself, so this one is never worked out there, and a page asks for it once however
    many templates it includes."""
    from mecto.branding import Brand
    from mecto.page_brand import request_brand, request_organization

    tenant = getattr(request, "tenant", None)
    # The navigation is for someone signed in; a stranger on a business's host still gets its brand.
    org = request_organization(request) if getattr(request.user, "is_authenticated", False) else None
    return {
        "nav_items": nav.items_for(tenant, request.path, request) if org is not None else [],
        "current_org": org,
        "tenant": tenant,
        "brand": SimpleLazyObject(lambda: request_brand(request)),
        # A page that shows another brand (a business's public page) offers no platform sign-up.
        "platform_brand": Brand(),
        "site_url": settings.SITE_URL,
        "flashes": get_messages(request),
    }
