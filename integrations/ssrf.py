"""Refuse webhook URLs that reach inside: every address the host resolves to is checked,
and the request connects to the vetted address (so DNS rebinding cannot swap it).

`check_url(url)` returns the vetted (host, port, ips) or raises UnsafeURL. Loopback is
allowed only when settings.WEBHOOKS_ALLOW_LOOPBACK (tests and the bench; refused in
production), plain http only when settings.WEBHOOKS_ALLOW_HTTP.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
CGNAT = ipaddress.ip_network("100.64.0.0/10")


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; the message says why."""


@dataclass(frozen=True)
class Vetted:
    scheme: str
    host: str
    port: int
    ips: tuple[str, ...]


def refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why this address is refused, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return refusal(mapped)
    if ip in METADATA:
        return "metadata"
    if ip.is_loopback:
        return None if getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK", False) else "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "shared (CGNAT)"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(_("The host name does not resolve.")) from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_url(url: str) -> Vetted:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(_("This is not a valid URL.")) from exc
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL(_("Only https URLs can receive webhooks."))
    if scheme == "http" and not getattr(settings, "WEBHOOKS_ALLOW_HTTP", False):
        raise UnsafeURL(_("Use an https URL."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeURL(_("The URL has no host."))
    if parts.username or parts.password:
        raise UnsafeURL(_("Put no user name or password in the URL."))
    port = port or (443 if scheme == "https" else 80)
    ips = resolve(host, port)
    if not ips:
        raise UnsafeURL(_("The host name does not resolve."))
    for raw in ips:
        ip = ipaddress.ip_address(raw.split("%")[0])
        reason = refusal(ip)
        if reason:
            raise UnsafeURL(
                _("This URL points to a %(kind)s address (%(ip)s), which cannot receive webhooks.")
                % {"kind": reason, "ip": raw}
            )
    return Vetted(scheme, host, port, tuple(ips))
