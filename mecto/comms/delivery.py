"""Delivering messages: claim the row, check consent, render, call the provider once.

Each step is its own committed write, so a worker that dies leaves a row whose state says
how far it got: `queued` (never taken), `sending` without `provider_called_at` (taken,
never handed to the provider: safe to send), `sending` with it (the provider may have it).
The sweep sends the first two again; the third only through a backend that recognises a
repeated idempotency key, and otherwise fails it for a person to check, rather than risk
a duplicate (a provider webhook may still mark it delivered).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from . import consent, push
from .addresses import normalise
from .errors import SendError
from .models import Channel, MessageChannel, OutboundMessage
from .outbox import enqueue
from .registry import Composed, composer
from .sms import SmsMessage, get_backend

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status

MAX_ATTEMPTS = 6
RETRY_DELAYS = (60, 300, 900, 3600, 6 * 3600)


def _sending_stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "COMMS_SENDING_STALE_AFTER", 600))


def _lost_task_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "COMMS_LOST_TASK_AFTER", 120))


def _update(message: OutboundMessage, **fields) -> None:
    for name, value in fields.items():
        setattr(message, name, value)
    OutboundMessage.objects.filter(pk=message.pk).update(**fields, updated_at=timezone.now())


def deliver(message_id: int) -> str | None:
    """Send one queued, due message; returns its new status, or None if it was not ours to send."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(pk=message_id, status=Status.QUEUED, send_after__lte=now).update(
        status=Status.SENDING, claimed_at=now, provider_called_at=None, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return None
    message = OutboundMessage.objects.select_related("organization").get(pk=message_id)
    try:
        return _send_claimed(message)
    except Exception as exc:  # a bug or an outage before the provider call: try again later
        logger.exception("Delivering message %s failed", message_id)
        if message.provider_called_at is None:
            return _retry_or_fail(message, str(exc) or exc.__class__.__name__)
        _update(message, status=Status.FAILED, status_detail=f"Error after the provider call: {exc}"[:500])
        return Status.FAILED


def _send_claimed(message: OutboundMessage) -> str:
    zone = getattr(message.organization, "time_zone", None)
    address = normalise(message.channel, message.to_address, time_zone=zone)
    if not address:
        _update(message, status=Status.FAILED, status_detail=f"Not a valid address: {message.to_address}"[:500])
        return Status.FAILED
    verdict = consent.check(
        organization=message.organization,
        channel=message.channel,
        address=address,
        category=message.category,
        topic=message.topic,
    )
    if not verdict.allowed:
        _update(message, status=Status.SUPPRESSED, status_detail=str(verdict.reason)[:500])
        return Status.SUPPRESSED
    content = _compose(message)
    if content is None:
        _update(message, status=Status.CANCELLED, status_detail="No longer needed when it was due.")
        return Status.CANCELLED
    # What goes out is in the log before the provider sees it; then the provider call.
    _update(
        message,
        subject=content.subject[:300],
        body_text=content.text,
        body_html=content.html,
        provider_called_at=timezone.now(),
    )
    try:
        provider, provider_id = _call_provider(message, address, content)
    except SendError as exc:
        if exc.temporary:
            return _retry_or_fail(message, str(exc))
        _update(message, status=Status.FAILED, status_detail=str(exc)[:500])
        return Status.FAILED
    handed = {"provider": provider, "provider_id": provider_id or "", "sent_at": timezone.now()}
    # Sent only from `sending` (one write on the usual path): the provider's webhook may
    # already have reported it delivered, and that status stays.
    if OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        **handed, status=Status.SENT, updated_at=timezone.now()
    ):
        for name, value in {**handed, "status": Status.SENT}.items():
            setattr(message, name, value)
        return Status.SENT
    _update(message, **handed)
    message.refresh_from_db(fields=["status"])
    return message.status


def _compose(message: OutboundMessage) -> Composed | None:
    stored = [(a["filename"], a["content"], a["mimetype"]) for a in message.attachments or []]
    if not message.composer:
        return Composed(
            subject=message.subject,
            text=message.body_text,
            html=message.body_html,
            attachments=stored,
            reply_to=message.reply_to,
            headers=dict(message.headers or {}),
        )
    with translation.override(message.language or settings.LANGUAGE_CODE):
        content = composer(message.composer)(message)
    if content is not None:
        content.attachments = stored + list(content.attachments)
        content.reply_to = content.reply_to or message.reply_to
        content.headers = {**(message.headers or {}), **content.headers}
    return content


def _retry_or_fail(message: OutboundMessage, error: str) -> str:
    """Back to the queue with a growing delay, or failed after the last attempt. A provider
    that said "try later" did not take the message, so sending it again is no duplicate."""
    if message.attempts >= MAX_ATTEMPTS:
        _update(
            message, status=Status.FAILED, status_detail=f"Gave up after {message.attempts} attempts: {error}"[:500]
        )
        return Status.FAILED
    delay = RETRY_DELAYS[min(message.attempts - 1, len(RETRY_DELAYS) - 1)]
    send_after = timezone.now() + timedelta(seconds=delay)
    _update(
        message,
        status=Status.QUEUED,
        status_detail=f"Attempt {message.attempts} failed: {error}"[:500],
        send_after=send_after,
        provider_called_at=None,
    )
    enqueue(message.pk, send_after)
    return Status.QUEUED


def status_callback_url(backend) -> str | None:
    """Where a provider that reports delivery (Twilio) posts each message's status."""
    if not getattr(backend, "wants_status_callback", False):
        return None
    return settings.SITE_URL + reverse("comms:twilio_status")


def _call_provider(message: OutboundMessage, address: str, content: Composed) -> tuple[str, str]:
    if message.channel == MessageChannel.PUSH:
        return push.deliver(message, address, content)
    if message.channel == Channel.SMS:
        backend = get_backend()
        sid = backend.send(
            SmsMessage(
                to=content.to or address,
                body=content.text,
                status_callback=status_callback_url(backend),
                idempotency_key=message.idempotency_key,
            )
        )
        return getattr(backend, "name", backend.__class__.__name__), sid
    return _send_email(message, address, content)


def _from_email(message: OutboundMessage) -> str:
    default = settings.DEFAULT_FROM_EMAIL
    if not message.from_name:
        return default
    address = default.split("<")[-1].rstrip(">").strip()
    name = message.from_name.replace('"', "'")
    return f'"{name}" <{address}>'


def _send_email(message: OutboundMessage, address: str, content: Composed) -> tuple[str, str]:
    email = EmailMultiAlternatives(
        content.subject,
        content.text,
        _from_email(message),
        [content.to or address],
        reply_to=[content.reply_to] if content.reply_to else None,
        headers=content.headers or None,
    )
    if content.html:
        email.attach_alternative(content.html, "text/html")
    for attachment in content.attachments:
        email.attach(*attachment)
    # Read by backends built on the provider's API (SendGrid custom args and categories).
    email.comms_message_id = message.pk
    email.comms_idempotency_key = message.idempotency_key
    email.comms_categories = [message.category, message.topic]
    connection = get_connection()
    try:
        sent = connection.send_messages([email])
    except SendError:
        raise
    except OSError as exc:  # SMTP and socket errors: the server did not take it
        raise SendError(str(exc), temporary=True) from exc
    if not sent:
        raise SendError("The email backend did not send the message.", temporary=True)
    name = getattr(connection, "provider_name", connection.__class__.__module__.rsplit(".", 1)[-1])
    return name, getattr(email, "provider_message_id", "") or ""


def backend_supports_idempotency(channel: str) -> bool:
    if channel == MessageChannel.PUSH:
        return bool(getattr(push.get_backend(), "supports_idempotency", False))
    if channel == Channel.SMS:
        return bool(getattr(get_backend(), "supports_idempotency", False))
    return bool(getattr(get_connection(), "supports_idempotency", False))


def sweep(*, now=None, limit: int = 200) -> dict[str, int]:
    """Beat's safety net: send what a lost task left queued, and resolve rows a dead
    worker left `sending` (see the module docstring). Returns counts by outcome."""
    now = now or timezone.now()
    counts = {"resent": 0, "requeued": 0, "failed": 0}
    stale = OutboundMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - _sending_stale_after())
    idempotent = {channel: backend_supports_idempotency(channel) for channel in MessageChannel.values}
    for message in stale.order_by("claimed_at")[:limit]:
        if message.provider_called_at is None or idempotent[message.channel]:
            counts["requeued"] += OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
                status=Status.QUEUED, provider_called_at=None, updated_at=now
            )
        else:
            counts["failed"] += OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
                status=Status.FAILED,
                status_detail="Interrupted while the provider was called; not sent again to avoid a duplicate.",
                updated_at=now,
            )
    lost = OutboundMessage.objects.filter(status=Status.QUEUED, send_after__lt=now - _lost_task_after())
    for message_id in lost.order_by("send_after").values_list("pk", flat=True)[:limit]:
        if deliver(message_id) is not None:
            counts["resent"] += 1
    return counts
