"""Reads about access: a client's ledger, what a plan grants, and the portal sections a client
holds (for `mecto.portal_access`)."""

from __future__ import annotations

from django.db.models import QuerySet

from mecto.portal_access import SectionAccess

from .models_access import AccessGrant, AccessKind, PlanGrant


def access_ledger(*, organization, client=None, live: bool | None = None) -> QuerySet[AccessGrant]:
    """Grants and withdrawals, newest first, with their plan and client joined."""
    qs = AccessGrant.objects.for_org(organization).select_related("plan", "client")
    if client is not None:
        qs = qs.filter(client=client)
    if live is True:
        qs = qs.filter(revoked_at__isnull=True)
    elif live is False:
        qs = qs.filter(revoked_at__isnull=False)
    return qs.order_by("-granted_at", "-pk")


def plan_grants(*, plan) -> QuerySet[PlanGrant]:
    return PlanGrant.objects.filter(plan=plan).order_by("position", "pk")


def client_access(*, client) -> QuerySet[AccessGrant]:
    """What the client holds now: their live grants, oldest first."""
    return (
        AccessGrant.objects.for_org(client.organization)
        .filter(client=client, revoked_at__isnull=True)
        .select_related("plan")
        .order_by("plan__name", "kind", "pk")
    )


def section_access(organization, client) -> SectionAccess:
    """Sections some plan of the business grants, and those the client holds a live grant for.
    Two queries at most; one when no plan grants a section."""
    gated = frozenset(
        PlanGrant.objects.for_org(organization).filter(kind=AccessKind.SECTION).values_list("target_id", flat=True)
    )
    if not gated:
        return SectionAccess()
    granted = frozenset(
        AccessGrant.objects.for_org(organization)
        .filter(client=client, kind=AccessKind.SECTION, revoked_at__isnull=True)
        .values_list("target_id", flat=True)
    )
    return SectionAccess(gated=gated, granted=granted)
