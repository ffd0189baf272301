from celery import shared_task

from . import services


@shared_task(name="accounts.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int, url: str) -> None:
    services.deliver_invitation_email(invitation_id=invitation_id, url=url)
