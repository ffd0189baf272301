from celery import shared_task

from mecto import events
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
