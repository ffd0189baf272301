"""The outbox: `emit` records an event with the change; handlers get it once, after commit.

from mecto.events import emit, subscribe

emit(org, "client.created", {"client_id": client.pk}, client=client, actor=user)

@subscribe("client.*")
def log_client_change(event): ...
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Event, EventDelivery

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class _Handler:
    pattern: str
    name: str
    func: Callable[[Event], None]


_handlers: dict[str, _Handler] = {}
EVENT_TYPES: dict[str, str] = {}


def register_event_type(name: str, description: str) -> None:
    """Declare an event name (shown to coaches as an automation trigger)."""
    EVENT_TYPES[name] = description


def subscribe(pattern: str, *, name: str | None = None):
    """Register a handler for events whose name matches `pattern` (fnmatch: `booking.*`)."""

    def decorator(func):
        handler_name = name or f"{func.__module__}.{func.__qualname__}"
        _handlers[handler_name] = _Handler(pattern, handler_name, func)
        return func

    return decorator


def unsubscribe(name: str) -> None:
    _handlers.pop(name, None)


def handlers_for(event_name: str) -> list[_Handler]:
    return [h for h in _handlers.values() if fnmatch.fnmatchcase(event_name, h.pattern)]


def emit(organization, name: str, payload: dict | None = None, *, actor=None, client=None) -> Event:
    """Record an event in the caller's transaction; fan it out after commit."""
    event = Event.objects.create(
        organization=organization,
        name=name,
        payload=payload or {},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        client_id=getattr(client, "pk", client),
    )
    transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    from .tasks import dispatch_event

    try:
        dispatch_event.delay(event_id)
    except Exception:  # the broker is down: the periodic sweep will pick the event up
        logger.exception("Could not enqueue event %s; the sweep will retry it", event_id)


def dispatch(event_id: int) -> int:
    """Hand one event to each matching handler exactly once; returns handlers run now."""
    try:
        event = Event.objects.get(pk=event_id)
    except Event.DoesNotExist:
        return 0
    if event.dispatched_at is not None:
        return 0
    ran, failed = 0, []
    for handler in handlers_for(event.name):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        EventDelivery.objects.create(event=event, handler=handler.name)
                except IntegrityError:
                    continue  # another run already handled (or is handling) this pair
                handler.func(event)
                ran += 1
        except Exception as exc:  # the delivery row rolled back with the handler: retried later
            logger.exception("Handler %s failed on event %s", handler.name, event.pk)
            failed.append(f"{handler.name}: {exc}")
    if failed:
        Event.objects.filter(pk=event.pk).update(attempts=event.attempts + 1, last_error="\n".join(failed)[:4000])
    else:
        Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now(), attempts=event.attempts + 1, last_error=""
        )
    return ran


def pending_events(older_than: timedelta = timedelta(seconds=30)):
    """Events not yet fully handled (a worker died, the broker was down, a handler failed)."""
    return Event.objects.filter(
        dispatched_at__isnull=True, attempts__lt=MAX_ATTEMPTS, created_at__lt=timezone.now() - older_than
    ).order_by("created_at")
