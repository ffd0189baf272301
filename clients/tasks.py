"""Background jobs of the clients app: thin wrappers over services."""

from celery import shared_task


@shared_task(name="clients.send_intake_request_email")
def send_intake_request_email(request_id: int) -> None:
    from .services.notifications import deliver_intake_request_email

    deliver_intake_request_email(request_id=request_id)
