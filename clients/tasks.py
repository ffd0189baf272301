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


@shared_task(name="clients.build_data_export", acks_late=True)
def build_data_export(export_id: int) -> str:
    """Build a client's data export ZIP (progress is visible while it runs)."""
    from .services import build_export

    return build_export(export_id=export_id).status


@shared_task(name="clients.expire_data_exports")
def expire_data_exports() -> int:
    """Hourly: exports past their 7 days lose their file."""
    from .services import expire_exports

    return expire_exports()


@shared_task(name="clients.run_due_erasures")
def run_due_erasures() -> int:
    """Hourly: erase the clients whose erasure grace period is over."""
    from .services import run_due_erasures as run

    return run()
