"""Custom domains of a business: adding one, proving it by a DNS TXT record, re-checking,
choosing the one used in links, removing. Reads (selectors) at the end.

A domain serves the business's pages and API only once verified: its TXT record
`_mecto-verify.<host>` holds the domain's token. The platform (`mecto.domains`) keeps the
table of verified domains; every change here rebuilds it after commit.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import idna
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import domains as platform_domains
from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from .models import CustomDomain

logger = logging.getLogger(__name__)

MAX_DOMAINS = 5  # per business
RECORD_PREFIX = "_mecto-verify"
DNS_TIMEOUT = 5.0  # seconds for one lookup, all retries included
RECHECK_VERIFIED_AFTER = timedelta(hours=6)
RECHECK_PENDING_AFTER = timedelta(minutes=10)
PENDING_CHECKED_FOR = timedelta(days=7)  # after a week without its record, a domain waits for "Check now"
RECHECK_BATCH = 200
# Names that never reach the public DNS (RFC 6761, 6762, 7686 and the like).
RESERVED_SUFFIXES = ("localhost", "local", "internal", "invalid", "test", "arpa", "onion", "home.arpa", "lan")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

register_event_type("domain.added", gettext_lazy("A custom domain was added"))
register_event_type("domain.verified", gettext_lazy("A custom domain was verified and now serves the business"))
register_event_type("domain.unverified", gettext_lazy("A custom domain lost its DNS record and stopped serving"))
register_event_type("domain.removed", gettext_lazy("A custom domain was removed"))


class DomainCheckError(DomainError):
    """A host name the platform cannot take."""


# --- Host names -----------------------------------------------------------------------------------
def normalise_hostname(raw: str) -> str:
    """`Coach.Exämple.com.` -> `coach.xn--exmple-cua.com`; a pasted URL gives its host. Refuses
    wildcards, IP addresses, ports, local names and anything that is not a public host name."""
    value = (raw or "").strip()
    if not value:
        raise DomainCheckError(_("Enter a host name, such as coach.example.com."), field="hostname")
    if "://" in value:
        value = urlsplit(value).netloc or value.split("://", 1)[1]
    value = value.rstrip("/")
    if "*" in value:
        raise DomainCheckError(
            _("Wildcards can't be verified: add each host name on its own (e.g. coach.example.com)."),
            field="hostname",
        )
    if _is_ip(value.rstrip(".")):
        raise DomainCheckError(_("Use a host name, not an IP address."), field="hostname")
    if any(ch in value for ch in "/@?#[] \t"):
        raise DomainCheckError(_("Enter only the host name, such as coach.example.com."), field="hostname")
    value = value.rstrip(".")
    if ":" in value:
        raise DomainCheckError(_("Enter the host name without a port."), field="hostname")
    try:
        ascii_name = idna.encode(value, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        raise DomainCheckError(_("This is not a valid host name."), field="hostname") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise DomainCheckError(_("This is not a valid host name."), field="hostname")
    if len(labels) < 2 or labels[-1].isdigit():
        raise DomainCheckError(
            _("Enter a full host name with its domain, such as coach.example.com."), field="hostname"
        )
    if any(ascii_name == s or ascii_name.endswith("." + s) for s in RESERVED_SUFFIXES):
        raise DomainCheckError(_("This name is not on the public internet."), field="hostname")
    if platform_domains.is_platform_host(ascii_name):
        raise DomainCheckError(_("This host name belongs to the platform itself."), field="hostname")
    return ascii_name


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def record_name(domain: CustomDomain) -> str:
    return f"{RECORD_PREFIX}.{domain.hostname}"


def cname_target() -> str:
    """Where a custom domain's CNAME points: the deployment's own host name."""
    return getattr(settings, "CUSTOM_DOMAIN_TARGET", "") or (urlsplit(settings.SITE_URL).hostname or "")


# --- DNS ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DnsResult:
    found: bool  # the TXT record holds the token
    missing: bool  # the name answered, definitively, without the token (NXDOMAIN, no TXT, other text)
    message: str  # for the owner, empty when found


def look_up_token(domain: CustomDomain) -> DnsResult:
    """Ask the DNS for the domain's TXT record. A lookup that fails (timeout, no name server
    answering) is neither found nor missing: it changes nothing."""
    import dns.exception
    import dns.resolver

    name = record_name(domain)
    try:
        resolver = dns.resolver.Resolver()
        answer = resolver.resolve(name, "TXT", lifetime=DNS_TIMEOUT)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return DnsResult(False, True, _("No TXT record %(name)s found yet.") % {"name": name})
    except dns.exception.Timeout:
        return DnsResult(False, False, _("The DNS did not answer in time; try again in a few minutes."))
    except dns.exception.DNSException as exc:
        logger.info("TXT lookup of %s failed: %s", name, type(exc).__name__)
        return DnsResult(False, False, _("The DNS lookup failed; try again in a few minutes."))
    values = []
    for rdata in answer:
        values.append(b"".join(getattr(rdata, "strings", ())).decode("utf-8", "replace").strip())
    if domain.verification_token in values:
        return DnsResult(True, False, "")
    return DnsResult(False, True, _("The TXT record %(name)s does not hold this domain's token.") % {"name": name})


# --- Services -------------------------------------------------------------------------------------
def add_domain(*, organization, hostname: str, actor=None) -> CustomDomain:
    """Add a host name for the business, unverified, with a fresh token for its TXT record."""
    name = normalise_hostname(hostname)
    with transaction.atomic():
        existing = list(
            CustomDomain.objects.for_org(organization).select_for_update().values_list("hostname", flat=True)
        )
        if name in existing:
            raise DomainCheckError(_("You already added this host name."), field="hostname")
        if len(existing) >= MAX_DOMAINS:
            raise DomainCheckError(
                _("A business can have at most %(n)s custom domains; remove one first.") % {"n": MAX_DOMAINS},
                field="hostname",
            )
        if CustomDomain.objects.filter(hostname=name).exists():
            raise DomainCheckError(_("This host name is already used by another business."), field="hostname")
        domain = CustomDomain.objects.create(
            organization=organization,
            hostname=name,
            verification_token=f"mecto-verify-{secrets.token_urlsafe(24)}",
            is_primary=not existing,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        emit(organization, "domain.added", {"domain_id": domain.pk, "hostname": name}, actor=actor)
    return domain


def check_domain(*, domain: CustomDomain, actor=None) -> CustomDomain:
    """Look the TXT record up now: verify the domain when it holds the token, unverify a verified
    one whose record is gone; a failed lookup only records its message."""
    result = look_up_token(domain)  # outside the transaction: no lock held over the network
    now = timezone.now()
    with transaction.atomic():
        row = CustomDomain.objects.select_for_update().filter(pk=domain.pk).first()
        if row is None:
            raise DomainError(_("This domain was removed."))
        row.last_checked_at = now
        row.check_error = result.message[:300]
        event = None
        if result.found and row.verified_at is None:
            row.verified_at, event = now, "domain.verified"
        elif result.missing and row.verified_at is not None:
            row.verified_at, event = None, "domain.unverified"
        row.save(update_fields=["last_checked_at", "check_error", "verified_at"])
        if event:
            emit(row.organization, event, {"domain_id": row.pk, "hostname": row.hostname}, actor=actor)
    return row


def make_primary(*, domain: CustomDomain, actor=None) -> CustomDomain:
    """Use this domain in the links of the business's emails (only a verified one counts)."""
    with transaction.atomic():
        siblings = CustomDomain.objects.for_org(domain.organization).select_for_update()
        row = siblings.filter(pk=domain.pk).first()
        if row is None:
            raise DomainError(_("This domain was removed."))
        if row.verified_at is None:
            raise DomainError(_("Verify this domain before using it in links."))
        siblings.filter(is_primary=True).exclude(pk=row.pk).update(is_primary=False)
        if not row.is_primary:
            row.is_primary = True
            row.save(update_fields=["is_primary"])
    return row


def remove_domain(*, domain: CustomDomain, actor=None) -> None:
    """Stop serving the business on this host now; another verified domain becomes the primary."""
    with transaction.atomic():
        siblings = CustomDomain.objects.for_org(domain.organization).select_for_update()
        row = siblings.filter(pk=domain.pk).first()
        if row is None:
            return
        payload = {"domain_id": row.pk, "hostname": row.hostname}
        was_primary = row.is_primary
        row.delete()
        if was_primary:
            heir = siblings.order_by(F("verified_at").asc(nulls_last=True), "created_at", "pk").first()
            if heir is not None:
                heir.is_primary = True
                heir.save(update_fields=["is_primary"])
        emit(domain.organization, "domain.removed", payload, actor=actor)


def recheck_domains(*, now=None, limit: int = RECHECK_BATCH) -> dict[str, int]:
    """The periodic check: verified domains every few hours (a removed record unverifies), new
    ones every few minutes during their first week (they verify as soon as the record appears)."""
    now = now or timezone.now()
    due = CustomDomain.objects.filter(
        Q(verified_at__isnull=False, last_checked_at__lt=now - RECHECK_VERIFIED_AFTER)
        | Q(verified_at__isnull=False, last_checked_at__isnull=True)
        | Q(
            verified_at__isnull=True,
            created_at__gte=now - PENDING_CHECKED_FOR,
        )
        & (Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=now - RECHECK_PENDING_AFTER))
    ).order_by(F("last_checked_at").asc(nulls_first=True), "pk")[:limit]
    counts = {"checked": 0, "verified": 0, "unverified": 0}
    for domain in due.select_related("organization"):
        was_verified = domain.verified_at is not None
        try:
            row = check_domain(domain=domain)
        except DomainError:
            continue  # removed meanwhile
        counts["checked"] += 1
        if row.verified_at is not None and not was_verified:
            counts["verified"] += 1
        elif row.verified_at is None and was_verified:
            counts["unverified"] += 1
    return counts


# --- Selectors ------------------------------------------------------------------------------------
def domains_of(organization) -> QuerySet[CustomDomain]:
    """The business's domains, the primary first."""
    return CustomDomain.objects.for_org(organization).select_related("created_by").order_by("-is_primary", "hostname")


def verified_domains() -> list[tuple[str, int, str, bool]]:
    """Every verified domain for the platform's host table (one query)."""
    return list(
        CustomDomain.objects.filter(verified_at__isnull=False, organization__is_active=True).values_list(
            "hostname", "organization_id", "organization__slug", "is_primary"
        )
    )


def dns_records(domain: CustomDomain) -> list[dict[str, str]]:
    """The records the owner creates at their DNS provider."""
    return [
        {"type": "CNAME", "name": domain.hostname, "value": cname_target()},
        {"type": "TXT", "name": record_name(domain), "value": domain.verification_token},
    ]


def is_apex(domain: CustomDomain) -> bool:
    """A bare domain (example.com) can't have a CNAME at most DNS providers: it needs ALIAS/ANAME."""
    return domain.hostname.count(".") == 1


def connect() -> None:
    """Wire custom domains into the platform (from BrandingConfig.ready())."""
    from django.db.models.signals import post_delete, post_save

    from mecto.celery import add_periodic_task

    platform_domains.register_provider(verified_domains)
    # Any write, including the back office's and a business's deletion, rebuilds the host table.
    post_save.connect(_on_change, sender=CustomDomain, dispatch_uid="branding.domains.saved")
    post_delete.connect(_on_change, sender=CustomDomain, dispatch_uid="branding.domains.deleted")
    add_periodic_task("custom-domain-recheck", "branding.recheck_domains", 600.0)
    from mecto import nav

    nav.register(
        nav.NavItem("domains", gettext_lazy("Custom domains"), "domains:settings", capability="org.manage", order=875)
    )


def _on_change(sender, **kwargs) -> None:
    transaction.on_commit(platform_domains.invalidate)


@shared_task(name="branding.recheck_domains")
def recheck_domains_task() -> dict[str, int]:
    return recheck_domains()
