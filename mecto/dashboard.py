"""The coach dashboard: apps contribute cards; with nothing yet, it says what to do first."""

from collections.abc import Callable
from dataclasses import dataclass, field

_cards: list[Callable] = []


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
