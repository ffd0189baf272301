"""Saved views of the clients list: a member's named filters and sort, shared or not."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import SavedClientView
from .records import ClientError

__all__ = ["delete_client_view", "save_client_view", "update_client_view"]

# The query-string keys a saved view may keep (the clients list's filters and sort).
VIEW_KEYS = {
    "q",
    "status",
    "tag",
    "sort",
    "inactive_days",
    "program_ends_within",
    "adherence_below",
    "credits_at_most",
    "unread",
    "overdue_checkin",
    "overdue_invoice",
}


def _clean(name: str, query: dict) -> tuple[str, dict]:
    name = (name or "").strip()
    if not name:
        raise ClientError(_("Give the view a name."), field="name")
    if len(name) > 80:
        raise ClientError(_("Keep the name to 80 characters."), field="name")
    unknown = set(query) - VIEW_KEYS
    if unknown:
        raise ClientError(_("Unknown filter: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}, field="query")
    return name, query


@transaction.atomic
def save_client_view(*, organization, owner, name: str, query: dict, is_shared: bool = False) -> SavedClientView:
    """Keep `query` (checked filters, see `forms.ClientListForm.saved_query`) under `name`;
    the owner's names are unique."""
    name, query = _clean(name, query)
    try:
        with transaction.atomic():
            return SavedClientView.objects.create(
                organization=organization, owner=owner, name=name, query=query, is_shared=is_shared
            )
    except IntegrityError as exc:
        raise ClientError(_("You already have a view with this name."), field="name") from exc


@transaction.atomic
def update_client_view(*, view: SavedClientView, actor, **changes) -> SavedClientView:
    _check_owner(view, actor)
    name, query = _clean(changes.get("name", view.name), changes.get("query", view.query))
    view.name, view.query = name, query
    view.is_shared = changes.get("is_shared", view.is_shared)
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError as exc:
        raise ClientError(_("You already have a view with this name."), field="name") from exc
    return view


@transaction.atomic
def delete_client_view(*, view: SavedClientView, actor) -> None:
    _check_owner(view, actor)
    view.delete()


def _check_owner(view: SavedClientView, actor) -> None:
    if view.owner_id != getattr(actor, "pk", None):
        raise ClientError(_("Only the member who saved a view changes or deletes it."))
