"""Double opt-in for marketing email asked on public pages (the intake form, the booking
page). Ticking the box grants nothing: it asks for a confirmation by email, and consent is
recorded only when the person confirms from their inbox.

The pages below marketing (clients, booking) call these functions; marketing registers the
provider in AppConfig.ready(). With no provider the pages show no box and nothing is asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .errors import DomainError

# Where the box was ticked (kept on the request and shown in the back office).
SOURCE_INTAKE = "public intake"
SOURCE_BOOKING = "public booking page"


class OptInError(DomainError):
    """A confirmation cannot be sent (again) now; the message says why and when."""


@dataclass(frozen=True)
class Wording:
    """The text of the box, as one stored version: what is shown is what is recorded."""

    id: int
    version: int
    text: str


@dataclass(frozen=True)
class Pending:
    """A confirmation email sent and not yet answered."""

    sent_at: datetime
    sends: int
    expires_at: datetime


@dataclass(frozen=True)
class Provider:
    # (organization, *, version_id=None) -> Wording: the current one, or that version if it is the business's
    wording: Callable[..., Wording]
    # (*, organization, client, email, wording_id, source) -> None: ask for the confirmation
    request: Callable[..., None]
    # (*, client) -> Pending | None
    pending: Callable[..., Pending | None]
    # (*, client, actor=None) -> None, raising OptInError when over the limits
    resend: Callable[..., None]


_provider: Provider | None = None


def register_provider(provider: Provider) -> None:
    global _provider
    _provider = provider


def is_available() -> bool:
    return _provider is not None


def wording(organization, *, version_id=None) -> Wording | None:
    """The box's wording to show (or the version a page showed), None without a provider."""
    if _provider is None or organization is None:
        return None
    return _provider.wording(organization, version_id=version_id)


def request_opt_in(*, organization, client, email: str, wording_id=None, source: str) -> None:
    """The person ticked the box: send them the confirmation email (in the caller's transaction)."""
    if _provider is not None and email:
        _provider.request(organization=organization, client=client, email=email, wording_id=wording_id, source=source)


def pending_for(*, client) -> Pending | None:
    return _provider.pending(client=client) if _provider is not None else None


def resend(*, client, actor=None) -> None:
    if _provider is None:
        raise OptInError("Email confirmation is not available.")
    _provider.resend(client=client, actor=actor)
