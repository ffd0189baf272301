"""Navigation registry: each app registers its sections in AppConfig.ready(), so the
layout shows only sections that exist and that the person's role may open."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    audience: str = "member"  # "member" (coach side) or "client" (portal)
    capability: str | None = None
    order: int = 100
    icon: str = ""
    # `badge(request) -> int`: a count beside the label (0 shows none); it should cost one
    # query at most and cache its answer on the request.
    badge: Callable | None = None
    badge_label: str = ""  # what the count counts, for screen readers ("unread")
    # A portal section the business can switch off (`mecto.branding.FEATURES`); coaches' items have none.
    feature: str | None = None


_items: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _items[item.key] = item


def items_for(tenant, path: str = "", request=None) -> list[dict]:
    audience = "member" if tenant.is_member else "client" if tenant.is_client else None
    if audience is None:
        return []
    from mecto.branding import brand_for
    from mecto.page_brand import request_brand
    from mecto.portal_access import request_access

    brand = request_brand(request) if request is not None else brand_for(tenant.organization)
    visible = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.key)):
        if item.audience != audience:
            continue
        if item.feature and not brand.shows(item.feature):
            continue
        if item.feature and request is not None and not request_access(request).allows(item.feature):
            continue
        if item.capability and not tenant.can(item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = path == url or (url != "/" and path.startswith(url))
        badge = item.badge(request) if item.badge is not None and request is not None else 0
        visible.append(
            {
                "key": item.key,
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "active": active,
                "badge": badge,
                "badge_label": item.badge_label,
            }
        )
    # Only the most specific section is current: /portal/billing/ is Billing, not also Home (/portal/).
    current = max((v for v in visible if v["active"]), key=lambda v: len(v["url"]), default=None)
    for v in visible:
        v["active"] = v is current
    return visible
