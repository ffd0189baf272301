"""Every write about webhook endpoints and deliveries; the worker's delivery step."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms
from mecto.errors import DomainError
from mecto.events import EVENT_TYPES, emit, register_event_type

from . import webhooks
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .ssrf import UnsafeURL, check_url

register_event_type("webhook.test", gettext_lazy("A test event sent from the webhook settings"))
register_event_type("webhook.endpoint_disabled", gettext_lazy("A webhook endpoint was disabled"))
TEST_EVENT = "webhook.test"
MAX_ENDPOINTS = 50


class WebhookError(DomainError):
    pass


def vet_url(url: str) -> str:
    url = (url or "").strip()
    try:
        check_url(url)
    except UnsafeURL as exc:
        raise WebhookError(str(exc), field="url") from exc
    return url


def vet_event_types(event_types) -> list[str]:
    chosen = sorted(set(event_types or []))
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if unknown:
        raise WebhookError(_("Unknown event: %(names)s.") % {"names": ", ".join(unknown[:5])}, field="event_types")
    return chosen


@transaction.atomic
def create_endpoint(*, organization, actor, url: str, description: str = "", event_types=()) -> WebhookEndpoint:
    if WebhookEndpoint.objects.for_org(organization).count() >= MAX_ENDPOINTS:
        raise WebhookError(_("A business can have at most %(n)s webhook endpoints.") % {"n": MAX_ENDPOINTS})
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=vet_url(url),
        description=(description or "")[:200],
        event_types=vet_event_types(event_types),
        secret=webhooks.new_secret(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return endpoint


@transaction.atomic
def update_endpoint(*, endpoint: WebhookEndpoint, actor, **changes) -> WebhookEndpoint:
    if "url" in changes:
        endpoint.url = vet_url(changes["url"])
    if "description" in changes:
        endpoint.description = (changes["description"] or "")[:200]
    if "event_types" in changes:
        endpoint.event_types = vet_event_types(changes["event_types"])
    if "enabled" in changes and bool(changes["enabled"]) != endpoint.enabled:
        endpoint.enabled = bool(changes["enabled"])
        endpoint.disabled_reason = "" if endpoint.enabled else _("Disabled by %(who)s.") % {"who": actor}
        endpoint.failing_since = None
    endpoint.save()
    return endpoint


@transaction.atomic
def rotate_secret(*, endpoint: WebhookEndpoint, actor) -> str:
    """A new secret; the old one keeps signing too for 24 hours. Returns the new secret (shown once)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + webhooks.ROTATION_OVERLAP
    endpoint.secret = webhooks.new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    return endpoint.secret


@transaction.atomic
def delete_endpoint(*, endpoint: WebhookEndpoint, actor) -> None:
    endpoint.delete()


def message_body(delivery: WebhookDelivery) -> str:
    return webhooks.body_of(delivery.payload)


def _payload(name: str, data: dict, when) -> dict:
    return {"type": name, "timestamp": when.isoformat(), "data": data}


def _enqueue(delivery_id: int, countdown: float = 0) -> None:
    from .tasks import deliver_webhook

    def go():
        try:
            deliver_webhook.apply_async((delivery_id,), countdown=countdown)
        except Exception:  # the broker is down: the sweep sends it
            pass

    transaction.on_commit(go)


def fan_out(event) -> int:
    """One delivery chain per (endpoint, event) for every enabled endpoint that wants it."""
    made = 0
    for endpoint in WebhookEndpoint.objects.for_org(event.organization).filter(enabled=True):
        if not endpoint.wants(event.name):
            continue
        if event.name == TEST_EVENT and event.payload.get("endpoint_id") != endpoint.pk:
            continue
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    organization=event.organization,
                    endpoint=endpoint,
                    event=event,
                    event_type=event.name,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    payload=_payload(event.name, event.payload, event.created_at),
                    emitted_at=event.created_at,
                    next_attempt_at=timezone.now(),
                )
        except IntegrityError:
            continue  # this event already has its chain to this endpoint
        _enqueue(delivery.pk)
        made += 1
    return made


@transaction.atomic
def send_test_event(*, endpoint: WebhookEndpoint, actor):
    if not endpoint.enabled:
        raise WebhookError(_("Enable the endpoint before sending a test event."))
    return emit(
        endpoint.organization,
        TEST_EVENT,
        {"endpoint_id": endpoint.pk, "message": "This is a test event from Mecto."},
        actor=actor,
    )


@transaction.atomic
def redeliver(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send the same message (same id, so receivers can de-duplicate) again now."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now()
    )
    _enqueue(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def deliver(delivery_id: int, *, now=None) -> str | None:
    """One attempt of a due delivery (run by the worker); schedules the next on failure."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(seconds=1)):
            return None
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return delivery.status
        body = message_body(delivery)
        headers = webhooks.signed_headers(endpoint, delivery.message_id, body, now)
        outcome = webhooks.post(endpoint.url, headers, body)
        WebhookAttempt.objects.create(
            organization=delivery.organization,
            delivery=delivery,
            request_headers={k: v for k, v in headers.items() if k != "host"},
            request_body=body[:100_000],
            response_status=outcome.status,
            response_body=outcome.body[: webhooks.BODY_EXCERPT],
            duration_ms=outcome.duration_ms,
            error=outcome.error[:500],
        )
        delivery.attempts += 1
        if outcome.ok and not outcome.error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "attempts", "delivered_at", "next_attempt_at"])
            if endpoint.failing_since:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
            return delivery.status
        if outcome.status == 410:
            _disable(endpoint, _("The endpoint answered 410 Gone."))
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
            return delivery.status
        if endpoint.failing_since is None:
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=now)
        elif now - endpoint.failing_since >= webhooks.DISABLE_AFTER:
            _disable(endpoint, _("Every delivery failed for 5 days."), tell_owner=True)
        delay = webhooks.retry_delay(delivery.attempts)
        if delay is not None and outcome.retry_after is not None:
            delay = max(outcome.retry_after, 1.0)
        if delay is None or not WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).exists():
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            _enqueue(delivery.pk, countdown=delay)
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
        return delivery.status


def _disable(endpoint: WebhookEndpoint, reason: str, tell_owner: bool = False) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason=reason[:300])
    emit(endpoint.organization, "webhook.endpoint_disabled", {"endpoint_id": endpoint.pk, "reason": reason})
    if tell_owner:
        from django.urls import reverse

        from accounts.models import Membership

        owners = Membership.objects.filter(organization=endpoint.organization, role="owner").select_related("user")
        for membership in owners:
            comms.queue_email(
                organization=endpoint.organization,
                to=membership.user.email,
                topic="integrations",
                key=f"webhook-disabled:{endpoint.pk}:{membership.user_id}:{timezone.now():%Y%m%d}",
                template="webhook_disabled",
                context={
                    "endpoint": endpoint,
                    "reason": reason,
                    "url": settings.SITE_URL + reverse("integrations:webhook", args=[endpoint.pk]),
                },
            )


def due_deliveries(now=None):
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now - timedelta(seconds=60)
    ).values_list("pk", flat=True)[:500]
