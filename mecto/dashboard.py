"""The coach dashboard and the client portal home: apps contribute cards, so neither page
imports every app; with nothing yet, a card says what to do first."""

from collections.abc import Callable
from dataclasses import dataclass, field

_cards: list[Callable] = []
_portal_cards: list[Callable] = []


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
    """`func(request) -> Card | None`; registered by apps in AppConfig.ready()."""
    _cards.append(func)
    return func


def dashboard_context(request) -> dict:
    cards = [card for func in _cards if (card := func(request)) is not None]
    return {"cards": sorted(cards, key=lambda c: c.order)}


def register_portal_card(func: Callable) -> Callable:
    """`func(request) -> Card | None` for the client portal home (`request.tenant.client` is set)."""
    _portal_cards.append(func)
    return func


def portal_context(request) -> dict:
    cards = [card for func in _portal_cards if (card := func(request)) is not None]
    return {"cards": sorted(cards, key=lambda c: c.order)}
