from celery import shared_task

from . import events


@shared_task(name="automation.dispatch_event", acks_late=True)
def dispatch_event(event_id: int) -> int:
    return events.dispatch(event_id)


@shared_task(name="automation.dispatch_pending_events")
def dispatch_pending_events(limit: int = 500) -> int:
    """Beat's safety net for the outbox: re-dispatch events that were not handled."""
    count = 0
    for event_id in events.pending_events().values_list("pk", flat=True)[:limit]:
        events.dispatch(event_id)
        count += 1
    return count
