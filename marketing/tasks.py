from celery import shared_task

from . import engine
from .services.campaigns import release_due_campaigns


@shared_task(name="marketing.send_campaign_batch", acks_late=True)
def send_campaign_batch(campaign_id: int) -> int:
    """Queue one batch of a sending campaign; it schedules the next itself."""
    return engine.send_batch(campaign_id)


@shared_task(name="marketing.release_due_campaigns")
def release_campaigns() -> int:
    """Every minute: start scheduled campaigns that are due; restart stalled ones."""
    return release_due_campaigns()
