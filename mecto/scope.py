"""Whose clients a member is looking at: the ones they coach ("mine") or the whole business
("all"). One rule for the dashboard cards, the client list and the conversations, so no app
guesses: `?scope=mine|all` when the role has `clients.view_all`, else the role's default
(`mecto.roles.DEFAULT_CLIENT_SCOPE`); without `clients.view_all` always "mine" (a `scope=all`
is ignored, not refused: the page or list answers with the member's own rows).
Pages show the switch with `{% include "includes/scope_tabs.html" %}`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from mecto.roles import ALL, MINE, VIEW_ALL, default_client_scope

SCOPE_PARAM = "scope"


@dataclass(frozen=True)
class Scope:
    value: str
    user_id: int | None
    can_see_all: bool

    @property
    def is_mine(self) -> bool:
        return self.value == MINE

    @property
    def coach_id(self) -> int | None:
        """The coach whose clients count, or None for the whole business."""
        return self.user_id if self.is_mine else None

    @property
    def other(self) -> str:
        return ALL if self.is_mine else MINE

    def filter(self, queryset, *paths: str):
        """The rows of `queryset` in this scope: on "mine", those where any of `paths` (user
        fields: `coach`, `client__coach`, `created_by`…) is the member; on "all", every row."""
        if not self.is_mine:
            return queryset
        match = Q()
        for path in paths:
            match |= Q(**{f"{path}_id": self.user_id})
        return queryset.filter(match)


def client_scope(request) -> Scope:
    """The scope of this request (pages and API alike: both read the query string)."""
    tenant = getattr(request, "tenant", None)
    can_see_all = tenant is not None and tenant.can(VIEW_ALL)
    wanted = request.GET.get(SCOPE_PARAM, "")
    if not can_see_all:
        value = MINE
    elif wanted in (MINE, ALL):
        value = wanted
    else:
        value = default_client_scope(tenant.role)
    return Scope(value=value, user_id=getattr(request.user, "pk", None), can_see_all=can_see_all)
