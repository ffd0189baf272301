"""Tenancy in one place.

Every domain row belongs to one organisation through `OrgOwned`; querysets are scoped
with `.for_org(org)`; the organisation of a request is resolved once by `get_tenant`
(the middleware for pages, the API base classes after token authentication).

The platform imports no app: accounts registers who is a member of which business
(`register_member_resolver`) and clients registers the client role
(`register_client_resolver`), both in their `AppConfig.ready()`.

On a business's custom domain (`mecto.domains`) the request works in that business only:
a person with no role in it is nobody there, whatever header, session or token says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

# `resolver(user=...)` returns that person's rows, each with `.organization` loaded, in
# the order of preference when the request names no organisation.
Resolver = Callable[..., Iterable]

_resolvers: dict[str, Resolver] = {}

SESSION_ORG_KEY = "mecto_organization_id"
ORG_HEADER = "HTTP_X_ORGANIZATION"


def register_member_resolver(func: Resolver) -> Resolver:
    """accounts: `func(user=)` -> the person's active memberships (`.organization`, `.role`)."""
    _resolvers["member"] = func
    return func


def register_client_resolver(func: Resolver) -> Resolver:
    """clients: `func(user=)` -> the client records whose portal account the person is."""
    _resolvers["client"] = func
    return func


def _rows(kind: str, user) -> list:
    resolver = _resolvers.get(kind)
    return list(resolver(user=user)) if resolver is not None else []


def home_organization(user) -> models.Model | None:
    """The business a person belongs to (their first membership, else the business whose client
    they are); None for someone of no business. Emails to them carry its brand."""
    if user is None or not getattr(user, "pk", None):
        return None
    for kind in ("member", "client"):
        for row in _rows(kind, user):
            return row.organization
    return None


class OrgQuerySet(models.QuerySet):
    def for_org(self, organization: models.Model | None) -> OrgQuerySet:
        """Rows of this organisation only; nothing at all without one."""
        if organization is None:
            return self.none()
        return self.filter(organization=organization)


class OrgOwned(models.Model):
    """Base of every domain model: the row belongs to exactly one organisation."""

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )

    objects = OrgQuerySet.as_manager()

    class Meta:
        abstract = True


@dataclass
class Tenant:
    """Who is asking, for which organisation (an `accounts.Organization`), and in which role:
    a `membership` (owner, coach, assistant) or a `client` record (the client portal)."""

    organization: models.Model | None = None
    membership: models.Model | None = None
    client: models.Model | None = None
    memberships: list = field(default_factory=list)

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def is_client(self) -> bool:
        return self.membership is None and self.client is not None

    @property
    def role(self) -> str | None:
        if self.membership is not None:
            return self.membership.role
        if self.client is not None:
            return "client"
        return None

    def can(self, capability: str) -> bool:
        from mecto.roles import role_can

        return self.membership is not None and role_can(self.membership.role, capability)


def get_tenant(request) -> Tenant:
    """Resolve the organisation and role of a request; cached per request and user."""
    user = getattr(request, "user", None)
    user_pk = getattr(user, "pk", None)
    cached = getattr(request, "_mecto_tenant", None)
    if cached is not None and cached[0] == user_pk:
        return _confined_to_host(request, cached[1])
    tenant = _resolve(request, user)
    request._mecto_tenant = (user_pk, tenant)
    return tenant


def _host_organization_id(request) -> int | None:
    from mecto import domains

    hosted = domains.for_request(request)
    return hosted.organization_id if hosted is not None else None


def _confined_to_host(request, tenant: Tenant) -> Tenant:
    """A tenant set by someone else (an API token) still works on a custom domain only in its business."""
    host_org = _host_organization_id(request)
    if host_org is None or tenant.organization is None or tenant.organization.pk == host_org:
        return tenant
    return Tenant()


def _resolve(request, user) -> Tenant:
    if user is None or not user.is_authenticated:
        return Tenant()
    wanted = request.META.get(ORG_HEADER) or _session_org(request)
    host_org = _host_organization_id(request)
    # Anyone on a team works as a member; the client role is for people on no team.
    memberships = _on_host(_rows("member", user), host_org)
    if memberships:
        chosen = _pick(memberships, wanted, lambda m: m.organization)
        return Tenant(organization=chosen.organization, membership=chosen, memberships=memberships)
    clients = _on_host(_rows("client", user), host_org)
    if clients:
        chosen = _pick(clients, wanted, lambda c: c.organization)
        return Tenant(organization=chosen.organization, client=chosen)
    return Tenant()


def _on_host(rows: list, host_org: int | None) -> list:
    return rows if host_org is None else [row for row in rows if row.organization.pk == host_org]


def _session_org(request) -> str | None:
    session = getattr(request, "session", None)
    return str(session.get(SESSION_ORG_KEY)) if session and session.get(SESSION_ORG_KEY) else None


def _pick(rows, wanted, org_of):
    if wanted:
        for row in rows:
            org = org_of(row)
            if wanted in (str(org.pk), org.slug):
                return row
    return rows[0]


class TenantMiddleware:
    """Attach `request.tenant` lazily, so static files and anonymous pages pay nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = SimpleLazyObject(lambda: get_tenant(request))
        return self.get_response(request)
