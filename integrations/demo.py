"""Demo: a webhook endpoint with a few recorded deliveries (rows only, nothing is sent) and
a read-only API token (its secret is not kept: create your own to try the API)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mecto.demo import demo_seeder


@transaction.atomic
@demo_seeder(order=90)
def seed_developers(*, organization, owner, **context) -> None:
    from . import services_tokens, webhooks
    from .models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint

    if WebhookEndpoint.objects.for_org(organization).exists():
        return
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url="https://example.com/webhooks/mecto",
        description="Sheets automation",
        event_types=["client.created", "booking.created", "webhook.test"],
        secret=webhooks.new_secret(),
        created_by=owner,
    )
    now = timezone.now()
    rows = [("client.created", 200, "", 2), ("booking.created", 200, "", 5), ("booking.created", 500, "", 26)]
    for n, (event_type, code, error, hours_ago) in enumerate(rows):
        sent = now - timedelta(hours=hours_ago)
        payload = {"type": event_type, "timestamp": sent.isoformat(), "data": {"demo": True}}
        ok = code < 300
        delivery = WebhookDelivery.objects.create(
            organization=organization,
            endpoint=endpoint,
            event_type=event_type,
            message_id=f"msg_demo{organization.pk}x{n}",
            payload=payload,
            status=WebhookDelivery.Status.DELIVERED if ok else WebhookDelivery.Status.FAILED,
            attempts=1,
            emitted_at=sent,
            delivered_at=sent if ok else None,
        )
        WebhookAttempt.objects.create(
            organization=organization,
            delivery=delivery,
            request_headers={"webhook-id": delivery.message_id},
            request_body=webhooks.body_of(payload),
            response_status=code,
            response_body="ok" if ok else "Internal Server Error",
            duration_ms=120 + n * 40,
            error=error,
        )
    if not ApiToken.objects.for_org(organization).exists():
        services_tokens.create_token(
            organization=organization, actor=owner, name="Reporting (read only)", scopes={"clients": "read"}
        )
