"""The brand of the business a request is about, worked out once per request.

A page's layout, its navigation and the portal's feature checks all ask for the brand;
`brand_for` may cost a query, so the answer is kept on the request.
"""

from __future__ import annotations

from mecto.branding import Brand, brand_for

_ATTR = "_mecto_brand"


def request_organization(request):
    """The signed-in person's business for this request (None for strangers)."""
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated:
        return None
    return tenant.organization


def request_brand(request) -> Brand:
    """`brand_for` the request's business, computed once per request."""
    brand = getattr(request, _ATTR, None)
    if brand is None:
        brand = brand_for(request_organization(request))
        setattr(request, _ATTR, brand)
    return brand


def shows(request, feature: str | None) -> bool:
    """Whether the request's client may see a portal section (`None`: always on)."""
    return feature is None or request_brand(request).shows(feature)
