"""The coach dashboard and the client portal home: apps contribute cards, so neither page
imports every app; with nothing yet, a card says what to do first."""

from collections.abc import Callable
from dataclasses import dataclass, field

_cards: list[Callable] = []
_portal_cards: list[tuple[Callable, str | None]] = []


@dataclass
class Card:
    title: str
    value: str = ""
    body: str = ""
    url: str = ""
    action: str = ""
    order: int = 100
    rows: list = field(default_factory=list)


def register_card(func: Callable) -> Callable:
    """`func(request, scope) -> Card | None`; registered by apps in AppConfig.ready().

    `scope` (`mecto.scope.Scope`) says whose clients the card counts: `scope.coach_id` is the
    member's own id on "My clients" and None on the whole business; a card filters its rows
    by it (clients, their messages, sessions, invoices…) instead of deciding for itself."""
    _cards.append(func)
    return func


def dashboard_context(request) -> dict:
    from mecto.scope import client_scope

    scope = client_scope(request)
    cards = [card for func in _cards if (card := func(request, scope)) is not None]
    return {"cards": sorted(cards, key=lambda c: c.order), "scope": scope}


def register_portal_card(func: Callable | None = None, *, feature: str | None = None):
    """`func(request) -> Card | None` for the client portal home (`request.tenant.client` is set).

    `feature`: the portal section the card belongs to; a business that switched it off
    shows no card (and the card's queries are not run)."""
    if func is None:
        return lambda f: register_portal_card(f, feature=feature)
    _portal_cards.append((func, feature))
    return func


def portal_context(request) -> dict:
    from mecto.page_brand import shows

    cards = [card for func, feature in _portal_cards if shows(request, feature) and (card := func(request)) is not None]
    return {"cards": sorted(cards, key=lambda c: c.order)}
