from celery import shared_task

from .oauth import ProviderError


@shared_task(name="integrations.push_session", autoretry_for=(ProviderError,), retry_backoff=60, max_retries=6)
def push_session(session_id: int) -> int:
    from .calendars import push_session as push

    return push(session_id)


@shared_task(name="integrations.sync_calendar")
def sync_calendar(connection_id: int) -> dict:
    from .calendars import sync_connection
    from .models import ConnectedAccount
    from .oauth import AccessRevoked

    connection = ConnectedAccount.objects.filter(pk=connection_id).first()
    if connection is None or not connection.is_active or not connection.has_calendar:
        return {}
    try:
        return sync_connection(connection)
    except AccessRevoked:
        return {}
    except ProviderError as exc:
        ConnectedAccount.objects.filter(pk=connection_id).update(last_error=str(exc)[:1000])
        return {}


@shared_task(name="integrations.sync_all_calendars")
def sync_all_calendars() -> int:
    from .calendars import sync_all_calendars as sync_all

    return sync_all()


@shared_task(name="integrations.deliver_webhook", ignore_result=True)
def deliver_webhook(delivery_id: int) -> str | None:
    from .services_webhooks import deliver

    return deliver(delivery_id)


@shared_task(name="integrations.sweep_webhooks")
def sweep_webhooks() -> int:
    """Deliveries whose task was lost (broker down, worker died) are sent again."""
    from .services_webhooks import due_deliveries

    ids = list(due_deliveries())
    for pk in ids:
        deliver_webhook.delay(pk)
    return len(ids)
