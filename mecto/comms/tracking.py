"""What providers report after the send. A message's status only moves forward
(queued/sending < sent < delivered < bounced/failed), so a late or repeated report never
undoes a newer one: a `delivered` after a bounce does not bring the message back.

One exception: a message failed without a provider id is one whose fate we never learned
(the worker died during the provider call, or the provider did not answer). The provider's
own report about it settles that, whatever it says.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import OutboundMessage

Status = OutboundMessage.Status

# Functions `listener(message, what, at)` told of each change a provider reports: a new
# status ("delivered", "bounced", ...) or engagement ("opened", "clicked"). Registered by
# higher apps at ready() (marketing counts its campaign's opens and bounces); they run in
# the webhook's transaction.
_listeners: list = []


def listen(func):
    if func not in _listeners:
        _listeners.append(func)
    return func


def _notify(message: OutboundMessage, what: str, at: datetime) -> None:
    for func in _listeners:
        func(message, what, at)


def engage(message: OutboundMessage, what: str, *, at: datetime | None = None) -> None:
    """The person opened the email or clicked a link in it (as the provider saw it)."""
    _notify(message, what, at or timezone.now())


RANK = {
    Status.QUEUED: 0,
    Status.SENDING: 0,
    Status.SENT: 1,
    Status.DELIVERED: 2,
    Status.BOUNCED: 3,
    Status.FAILED: 3,
}


def advance(
    message: OutboundMessage,
    status: str,
    *,
    at: datetime | None = None,
    detail: str | None = None,
    provider: str = "",
    provider_id: str = "",
) -> bool:
    """Move the message to `status` if that is news; returns whether it changed. One
    conditional UPDATE, so two reports racing each other still end at the later status."""
    at = at or timezone.now()
    earlier = [name for name, rank in RANK.items() if rank < RANK[status]]
    fields = {"status": status, "updated_at": timezone.now()}
    if status in (Status.SENT, Status.DELIVERED, Status.BOUNCED):  # it did go out
        fields["sent_at"] = Coalesce("sent_at", Value(at))
    if detail is not None:
        fields["status_detail"] = detail[:500]
    if status == Status.DELIVERED:
        fields["delivered_at"] = at
    unknown_fate = Q(status=Status.FAILED, provider_id="", provider_called_at__isnull=False)
    changed = (
        OutboundMessage.objects.filter(pk=message.pk).filter(Q(status__in=earlier) | unknown_fate).update(**fields)
    )
    if changed and provider_id:
        OutboundMessage.objects.filter(pk=message.pk, provider_id="").update(provider=provider, provider_id=provider_id)
    if changed:
        message.refresh_from_db()
        _notify(message, status, at)
    return bool(changed)


def note(message: OutboundMessage, detail: str) -> bool:
    """A passing remark (deferred, blocked for now) on a message still on its way; a final
    status keeps its own detail."""
    changed = OutboundMessage.objects.filter(pk=message.pk, status__in=[Status.SENDING, Status.SENT]).update(
        status_detail=detail[:500], updated_at=timezone.now()
    )
    return bool(changed)
