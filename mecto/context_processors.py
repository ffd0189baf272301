from django.conf import settings

from mecto import nav


def platform(request):
    """The navigation and brand every page needs."""
    tenant = getattr(request, "tenant", None)
    org = tenant.organization if tenant is not None and request.user.is_authenticated else None
    from mecto.branding import Brand, brand_for

    return {
        "nav_items": nav.items_for(tenant, request.path) if org is not None else [],
        "current_org": org,
        "tenant": tenant,
        "brand": brand_for(org),
        # A page that shows another brand (a business's public page) offers no platform sign-up.
        "platform_brand": Brand(),
        "site_url": settings.SITE_URL,
    }
