"""What apps register with the sending mechanism at import or `AppConfig.ready()`:
topics (what a message is about, and whether a person may opt out of it) and composers
(functions that render a message when it is sent, for content that must be fresh)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from .models import Category


@dataclass(frozen=True)
class Topic:
    name: str
    label: str | Promise
    category: str = Category.TRANSACTIONAL
    can_opt_out: bool = False


@dataclass
class Composed:
    """What a composer returns: the rendered message (attachments may be binary). A push
    notification's title is `subject`, its text `text`, and `data` its url and tag."""

    subject: str = ""
    text: str = ""
    html: str = ""
    attachments: list[tuple[str, bytes | str, str]] = field(default_factory=list)
    to: str | None = None
    reply_to: str = ""
    headers: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)


_topics: dict[str, Topic] = {}
_composers: dict[str, Callable] = {}


def register_topic(name: str, label, *, category: str = Category.TRANSACTIONAL, can_opt_out: bool = False) -> Topic:
    """Declare a topic: `reminders` (a person may opt out), `billing` (they may not)."""
    topic = Topic(name, label, category, can_opt_out or category == Category.MARKETING)
    _topics[name] = topic
    return topic


def topic(name: str) -> Topic:
    return _topics.get(name) or Topic(name, name)


def topics() -> list[Topic]:
    return sorted(_topics.values(), key=lambda t: str(t.label))


def register_composer(name: str):
    """`@register_composer("billing.invoice")` on `func(message) -> Composed | None`.

    The function runs in the worker just before the provider call; None means the message
    is no longer needed (the invoice was voided, the message was read) and it is cancelled."""

    def decorator(func):
        _composers[name] = func
        return func

    return decorator


def composer(name: str) -> Callable:
    try:
        return _composers[name]
    except KeyError:
        raise LookupError(f"No composer registered as {name!r}") from None


# The platform's own topics; each app registers its own beside the code that sends them.
register_topic("account", "Account and sign-in")
register_topic("campaigns", "News and offers", category=Category.MARKETING)
