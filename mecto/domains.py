"""Custom domains: the host names a business serves its pages and API on.

The platform imports no app: the branding app registers a provider (`register_provider`) that
lists the verified domains as `(hostname, organization_id, organization_slug, is_primary)`.
Their table is kept in the shared cache (one query to fill it, none per request after that)
and rebuilt after every change (`invalidate`, called by branding's services after commit).

`ALLOWED_HOSTS` is a `HostList` in the settings: the static names from the environment
followed by the verified domains, read at request time, so a domain works as soon as it is
verified and stops as soon as it is removed, with no restart. CSRF's same-origin check asks
the same list (through `request.get_host()`), so a form on a custom domain posts to itself;
the domains are not trusted origins for other hosts. This module is imported by the settings:
nothing here touches Django at import.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

CACHE_KEY = "mecto:domains:table:v1"
CACHE_SECONDS = 300  # a safety net: every change rebuilds the table at once
# Each process keeps the table this long: Django asks for the host several times a request.
# Another process sees a change within this time; the process that made it, at once.
LOCAL_SECONDS = 2.0


@dataclass(frozen=True)
class HostedOrganization:
    """The business a verified custom domain belongs to."""

    hostname: str
    organization_id: int
    slug: str


@dataclass(frozen=True)
class _Table:
    hosts: dict[str, HostedOrganization]
    primary: dict[int, str]  # organisation id -> host name used in its links


_EMPTY = _Table(hosts={}, primary={})
Provider = Callable[[], Iterable[tuple[str, int, str, bool]]]
_provider: dict[str, Provider] = {}
_local = {"table": None, "at": 0.0}
_lock = threading.Lock()


def register_provider(func: Provider) -> Provider:
    """branding: `func()` -> the verified domains as (hostname, organization_id, slug, is_primary)."""
    _provider["verified"] = func
    _forget_local()
    return func


def _forget_local() -> None:
    with _lock:
        _local["table"], _local["at"] = None, 0.0


def invalidate() -> None:
    """Rebuild the table on next use (after a domain is verified, unverified, removed or made primary)."""
    from django.core.cache import cache

    cache.delete(CACHE_KEY)
    _forget_local()


def _build() -> _Table | None:
    func = _provider.get("verified")
    if func is None:
        return _EMPTY
    from django.db import transaction

    try:
        with transaction.atomic():  # a savepoint: a missing table must not spoil the caller's transaction
            rows = list(func())
    except Exception as exc:
        # Only the platform's own names are served until the table can be read; nothing is cached.
        logger.warning("Custom domains unavailable (%s): serving the platform's hosts only.", type(exc).__name__)
        return None
    hosts, primary = {}, {}
    for hostname, organization_id, slug, _primary in sorted(rows, key=lambda r: (not r[3], r[0])):
        hosts[hostname] = HostedOrganization(hostname, organization_id, slug)
        primary.setdefault(organization_id, hostname)  # the primary one, else the first by name
    return _Table(hosts=hosts, primary=primary)


def _table() -> _Table:
    now = time.monotonic()
    table = _local["table"]
    if table is not None and now - _local["at"] < LOCAL_SECONDS:
        return table
    from django.core.cache import cache

    table = cache.get(CACHE_KEY)
    if table is None:
        table = _build()
        if table is None:
            return _EMPTY
        cache.set(CACHE_KEY, table, CACHE_SECONDS)
    with _lock:
        _local["table"], _local["at"] = table, now
    return table


def verified_hostnames() -> list[str]:
    return sorted(_table().hosts)


def hosted(hostname: str) -> HostedOrganization | None:
    """The business whose verified domain `hostname` is (lowercase, no port), else None."""
    return _table().hosts.get(hostname.lower().rstrip("."))


def primary_host(organization_id: int) -> str | None:
    return _table().primary.get(organization_id)


def site_url_for(organization) -> str:
    """The base URL of links for a business's clients: https on its primary verified domain,
    else the platform's SITE_URL. Takes the organisation or its id (no query either way)."""
    from django.conf import settings

    pk = getattr(organization, "pk", organization)
    host = primary_host(pk) if pk else None
    return f"https://{host}" if host else settings.SITE_URL


# --- The platform's own host names -------------------------------------------------------------------
def platform_hosts() -> list[str]:
    """Host names (and `.domain` patterns) of the platform itself: the static ALLOWED_HOSTS and SITE_URL's."""
    from django.conf import settings

    allowed = settings.ALLOWED_HOSTS
    names = list(allowed.static) if isinstance(allowed, HostList) else [h for h in allowed if h not in _table().hosts]
    site_host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    if site_host:
        names.append(site_host)
    return names


def is_platform_host(hostname: str) -> bool:
    """True for the platform's own names and anything under them (app.mecto.com, x.app.mecto.com)."""
    from django.utils.http import is_same_domain

    hostname = hostname.lower().rstrip(".")
    for pattern in platform_hosts():
        pattern = pattern.lower()
        if pattern == "*":
            continue
        if is_same_domain(hostname, pattern) or is_same_domain(hostname, "." + pattern.lstrip(".")):
            return True
    return False


def for_request(request) -> HostedOrganization | None:
    """The business of the custom domain this request came in on, else None (a platform host)."""
    cached = getattr(request, "_mecto_hosted", False)
    if cached is not False:
        return cached
    from django.conf import settings
    from django.core.exceptions import DisallowedHost
    from django.http.request import split_domain_port, validate_host

    try:
        domain, _port = split_domain_port(request.get_host())
    except DisallowedHost:
        domain = ""
    allowed = settings.ALLOWED_HOSTS
    static = allowed.static if isinstance(allowed, HostList) else allowed
    # The platform's own names (most requests) are settled without the table.
    found = hosted(domain) if domain and not validate_host(domain, static) else None
    request._mecto_hosted = found
    return found


# --- Settings values ---------------------------------------------------------------------------------
class HostList(list):
    """ALLOWED_HOSTS: the static names, then every verified custom domain, read when iterated.

    A list (so `in`, `len`, `bool` and Django's checks work); the list's own items are the static
    names, so a copy (`[*ALLOWED_HOSTS]`) is a snapshot of the hosts allowed at that moment."""

    def __init__(self, static: Iterable[str] = ()):
        super().__init__(static)

    @property
    def static(self) -> list[str]:
        return list(super().__iter__())

    def _extra(self) -> list[str]:
        return verified_hostnames()

    def __iter__(self) -> Iterator[str]:
        yield from super().__iter__()  # the platform's names first: they never need the table
        yield from self._extra()

    def __contains__(self, item) -> bool:
        return any(item == value for value in self)

    def __len__(self) -> int:
        return super().__len__() + len(self._extra())

    def __bool__(self) -> bool:
        return super().__len__() > 0 or bool(self._extra())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.static!r} + verified custom domains)"

    def __reduce__(self):
        return (type(self), (self.static,))
