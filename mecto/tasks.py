from celery import shared_task

from mecto.models import Heartbeat


@shared_task(name="mecto.heartbeat")
def heartbeat() -> None:
    """Scheduled by beat every 30 s; running it proves a worker is consuming the queue."""
    Heartbeat.record(Heartbeat.WORKER)
