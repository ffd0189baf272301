"""The brand of the business a request is about, worked out once per request.

A page's layout, its navigation and the portal's feature checks all ask for the brand;
`brand_for` may cost a query, so the answer is kept on the request.
"""

from __future__ import annotations

from mecto.branding import Brand, brand_for

_ATTR = "_mecto_brand"


def request_organization(request):
    """The signed-in person's business for this request; for a stranger, the business whose own
    host name the request came in on (None on the platform's hosts)."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is not None and user is not None and user.is_authenticated:
        return tenant.organization
    return _host_organization(request)


def _host_organization(request):
    from django.apps import apps

    from mecto import domains

    hosted = domains.for_request(request) if hasattr(request, "get_host") else None
    if hosted is None:
        return None
    cached = getattr(request, "_mecto_host_organization", None)
    if cached is None or cached.pk != hosted.organization_id:
        # The platform names the model by label: it imports no app.
        cached = apps.get_model("accounts", "Organization").objects.filter(pk=hosted.organization_id).first()
        request._mecto_host_organization = cached
    return cached


def request_brand(request) -> Brand:
    """`brand_for` the request's business, computed once per request."""
    brand = getattr(request, _ATTR, None)
    if brand is None:
        brand = brand_for(request_organization(request))
        setattr(request, _ATTR, brand)
    return brand


def shows(request, feature: str | None) -> bool:
    """Whether the request's client may see a portal section (`None`: always on): the business
    shows it, and, when a product grants it, the client holds a live grant (`mecto.portal_access`)."""
    from mecto.portal_access import request_access

    return feature is None or (request_brand(request).shows(feature) and request_access(request).allows(feature))
