"""Background jobs of the clients app: thin wrappers over services."""

from celery import shared_task


@shared_task(name="clients.send_unread_message_emails")
def send_unread_message_emails() -> int:
    """Every minute: email people about messages left unread past the delay."""
    from .services import send_unread_message_emails as sweep

    return sweep()


@shared_task(name="clients.run_import", acks_late=True)
def run_client_import(import_id: int) -> int:
    """Import a mapped CSV; a retried run continues after the last committed chunk."""
    from .services import run_import

    return run_import(import_id=import_id).created_count


@shared_task(name="clients.sweep_checkins")
def sweep_checkins() -> dict:
    """Every few minutes: open check-ins that fell due, mark those past their grace missed."""
    from .services import sweep_checkins as sweep

    return sweep()
