"""Portal sections a product grants: which sections a business sells, and which of them a
client holds a live grant for.

The platform imports no app: billing registers a provider at `AppConfig.ready()`.

    portal_access.register_provider(sections_for_client)  # (organization, client) -> SectionAccess

A section no product grants is shown as the business's brand says (`Brand.shows`). A section
some active product grants is shown to a client only while they hold a live grant for it.
Coaches' pages are never affected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

_ATTR = "_mecto_portal_access"


@dataclass(frozen=True)
class SectionAccess:
    gated: frozenset[str] = field(default_factory=frozenset)  # sections some product grants
    granted: frozenset[str] = field(default_factory=frozenset)  # of those, the ones the client holds

    def allows(self, feature: str | None) -> bool:
        return feature is None or feature not in self.gated or feature in self.granted


OPEN = SectionAccess()

_providers: list[Callable] = []


def register_provider(func: Callable) -> Callable:
    """`func(organization, client) -> SectionAccess | None`."""
    if func not in _providers:
        _providers.append(func)
    return func


def access_for(organization, client) -> SectionAccess:
    """What the providers say about one client (every provider's gates and grants combined)."""
    if organization is None or client is None:
        return OPEN
    gated: set[str] = set()
    granted: set[str] = set()
    for provider in _providers:
        answer = provider(organization, client)
        if answer is not None:
            gated |= answer.gated
            granted |= answer.granted
    return SectionAccess(frozenset(gated), frozenset(granted))


def request_access(request) -> SectionAccess:
    """`access_for` the request's client, once per request; everyone else is not gated."""
    cached = getattr(request, _ATTR, None)
    if cached is not None:
        return cached
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if tenant is None or user is None or not user.is_authenticated or not tenant.is_client:
        answer = OPEN
    else:
        answer = access_for(tenant.organization, tenant.client)
    setattr(request, _ATTR, answer)
    return answer


def forget(request) -> None:
    """Drop the cached answer (after a change within the same request)."""
    if hasattr(request, _ATTR):
        delattr(request, _ATTR)
