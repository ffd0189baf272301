from celery import shared_task

from . import services


@shared_task(name="training.flag_inactive_clients")
def flag_inactive_clients() -> int:
    """Daily: raise client.inactive for clients who logged no workout for their business's N days."""
    return services.flag_inactive_clients()
