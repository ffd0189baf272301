from celery import shared_task

from mecto import events
from mecto.comms import delivery
from mecto.models import Heartbeat


@shared_task(name="mecto.heartbeat")
def heartbeat() -> None:
    """Scheduled by beat every 30 s; running it proves a worker is consuming the queue."""
    Heartbeat.record(Heartbeat.WORKER)


@shared_task(name="mecto.dispatch_event", acks_late=True)
def dispatch_event(event_id: int) -> int:
    return events.dispatch(event_id)


@shared_task(name="mecto.dispatch_pending_events")
def dispatch_pending_events(limit: int = 500) -> int:
    """Beat's safety net for the outbox: re-dispatch events that were not handled."""
    count = 0
    for event_id in events.pending_events().values_list("pk", flat=True)[:limit]:
        events.dispatch(event_id)
        count += 1
    return count


@shared_task(name="mecto.deliver_message", acks_late=True)
def deliver_message(message_id: int) -> str | None:
    """Send one outbound message (a no-op if another run already took it)."""
    return delivery.deliver(message_id)


@shared_task(name="mecto.deliver_messages", acks_late=True)
def deliver_messages(message_ids: list[int]) -> int:
    """Send a chunk of outbound messages one by one; returns how many this run sent.
    Each is claimed on its own, so a repeated or half-finished chunk sends nothing twice."""
    return sum(1 for message_id in message_ids if delivery.deliver(message_id) is not None)


@shared_task(name="mecto.sweep_messages")
def sweep_messages() -> dict:
    """Every minute: send what a lost task left queued; resolve rows a dead worker left."""
    return delivery.sweep()
