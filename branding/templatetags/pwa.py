"""`{% app_head %}` and `{% app_body %}`: the installable app's tags in every page (manifest,
theme colour, icons, service worker registration, install prompt, offline queue status)."""

from django import template

from branding import pwa
from mecto.branding import Brand

register = template.Library()
_PLATFORM = Brand()


def _on_a_business_page_for_a_stranger(context, organization) -> bool:
    """A business's public page (booking, intake, payment) seen by someone signed out: the
    platform's app is not offered there, so the page carries no platform name."""
    page_brand = context.get("brand")
    return organization is None and page_brand is not None and page_brand != _PLATFORM


@register.inclusion_tag("pwa/head.html", takes_context=True)
def app_head(context):
    request = context.get("request")
    if request is None:
        return {"enabled": False}
    organization, brand = pwa.app_brand(request)
    if _on_a_business_page_for_a_stranger(context, organization):
        return {"enabled": False}
    return {
        "enabled": True,
        "brand": brand,
        "short_name": pwa.short_name(brand.name),
        "touch_icon": pwa.icon_url(organization, brand, size=192, purpose="maskable"),
        "request": request,
    }


@register.inclusion_tag("pwa/body.html", takes_context=True)
def app_body(context):
    request = context.get("request")
    if request is None:
        return {"enabled": False}
    tenant = getattr(request, "tenant", None)
    organization, brand = pwa.app_brand(request)
    if _on_a_business_page_for_a_stranger(context, organization):
        return {"enabled": False}
    is_client = bool(request.user.is_authenticated and tenant is not None and tenant.is_client)
    return {
        "enabled": True,
        "brand": brand,
        "user_key": pwa.user_key(request.user),
        # The install prompt and the service worker (offline queue, app shell) are for clients,
        # on the pages of their portal; the team's pages are plain pages (a coach who turns on
        # push registers the worker from the account page).
        "offer_install": is_client,
        "register_worker": is_client,
        "request": request,
    }
