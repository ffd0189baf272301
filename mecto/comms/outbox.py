"""Writing messages: a row in the caller's transaction, handed to the worker after commit.

    from mecto import comms

    comms.queue_email(
        organization=org, to=client.email, topic="bookings", key=f"booking-confirmed:{booking.pk}",
        template="booking_confirmed", context={...}, client_id=client.pk,
    )

    comms.queue_push(
        organization=org, user_id=client.user_id, topic="checkins", key=f"checkin-due:{checkin.pk}",
        title=..., body=..., url=..., tag=f"checkin-{checkin.pk}",
    )

The same key twice gives the same row back: a retried service or task sends nothing more.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mecto.branding import brand_for
from mecto.domains import site_url_for
from mecto.language import recipient_language

from .addresses import normalise
from .models import Category, Channel, MessageChannel, OutboundMessage, PushSubscription
from .registry import topic as topic_of

logger = logging.getLogger(__name__)

# Inside `bulk_handoff()`: the ids of rows queued for now, handed to the worker together.
_handoff: ContextVar[list[int] | None] = ContextVar("comms_bulk_handoff", default=None)
HANDOFF_CHUNK = 50


def render_email(template: str, context: dict, organization=None, *, brand=None) -> tuple[str, str, str]:
    """Render `emails/<template>_subject.txt`, `.txt` and `.html`; returns (subject, text, html).

    Subject and text are plain text (the "text" engine, no HTML escaping); the HTML part is escaped.
    The HTML frame (emails/base.html) carries the brand: `brand`, else the organisation's."""
    ctx = {
        "brand": brand or brand_for(organization),
        "organization": organization,
        "site_url": site_url_for(organization),
        **context,
    }
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", ctx, using="text").split())
    text = render_to_string(f"emails/{template}.txt", ctx, using="text")
    html = render_to_string(f"emails/{template}.html", ctx)
    return subject, text, html


# Control characters (CR/LF above all: a header injection) and the characters that would end
# a quoted display name or start an address.
_NAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f"<>\\]')


def clean_display_name(value: str) -> str:
    """A display name safe for a From header: one line, no quotes or angle brackets, 120 chars."""
    return " ".join(_NAME_UNSAFE.sub(" ", value or "").split())[:120]


def sender_name(organization, brand=None) -> str:
    """The From display name: the brand's sender name, else its name (the address stays the deployment's)."""
    if brand is None:
        if organization is None:
            return ""
        brand = brand_for(organization)
    return clean_display_name(brand.from_name)


def _reply_to(brand) -> str:
    value = (getattr(brand, "reply_to", "") or "").strip()
    # One plain address: anything else (several, a name, a line break) is not a Reply-To we send.
    if not value or _NAME_UNSAFE.search(value) or " " in value or "," in value or value.count("@") != 1:
        return ""
    return value[:254]


def _text_attachments(attachments) -> list[dict]:
    rows = []
    for filename, content, mimetype in attachments or []:
        if isinstance(content, bytes):
            raise TypeError("Binary attachments are rendered at send time by a composer, not stored in the log.")
        rows.append({"filename": filename, "content": content, "mimetype": mimetype})
    return rows


def _queue(*, key: str, **fields) -> OutboundMessage:
    """Create the row once per key (in a savepoint) and deliver it after commit. The row
    returned says whether this call queued it (`is_new`) or an earlier one had."""
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(idempotency_key=key, **fields)
    except IntegrityError:
        existing = OutboundMessage.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        existing.is_new = False
        return existing
    message.is_new = True
    collected = _handoff.get()
    if collected is not None and (message.send_after is None or message.send_after <= timezone.now()):
        collected.append(message.pk)
    else:
        transaction.on_commit(lambda: enqueue(message.pk, message.send_after))
    return message


@contextmanager
def bulk_handoff(chunk: int = HANDOFF_CHUNK):
    """Rows queued inside (for now, not later) go to the worker `chunk` at a time after the
    caller's commit: one task per chunk instead of one per message, which is what lets a
    campaign batch reach the provider at its rate. Each row is still claimed and sent on its
    own (`delivery.deliver`), so a task that runs twice or dies half-way sends nothing twice;
    rows a lost task leaves queued are sent by the sweep. Use it inside the transaction
    that queues the rows."""
    collected: list[int] = []
    token = _handoff.set(collected)
    try:
        yield
    finally:
        _handoff.reset(token)
    if collected:
        transaction.on_commit(lambda: enqueue_many(collected, chunk))


def is_queued(key: str) -> bool:
    """Was a message with this idempotency key queued already (a step that happens once)?"""
    return OutboundMessage.objects.filter(idempotency_key=key).exists()


def enqueue(message_id: int, send_after: datetime | None = None) -> None:
    """Hand a row to the worker; if the broker is down the sweep sends it later."""
    from mecto.tasks import deliver_message

    try:
        if send_after is not None and send_after > timezone.now():
            deliver_message.apply_async((message_id,), eta=send_after)
        else:
            deliver_message.delay(message_id)
    except Exception:
        logger.exception("Could not enqueue message %s; the sweep will send it", message_id)


def enqueue_many(message_ids: list[int], chunk: int = HANDOFF_CHUNK) -> None:
    """Hand rows due now to the worker in tasks of `chunk` ids each."""
    from mecto.tasks import deliver_messages

    for start in range(0, len(message_ids), chunk):
        ids = message_ids[start : start + chunk]
        try:
            deliver_messages.delay(ids)
        except Exception:
            logger.exception("Could not enqueue messages %s…; the sweep will send them", ids[:3])


def _common(organization, channel, to, topic, category, time_zone):
    category = category or topic_of(topic).category
    if category not in Category.values:
        raise ValueError(f"Unknown category {category!r}")
    zone = time_zone or getattr(organization, "time_zone", None)
    return {
        "organization": organization,
        "channel": channel,
        "category": category,
        "topic": topic,
        "to_address": normalise(channel, to, time_zone=zone) or (to or "").strip()[:254],
    }


def queue_email(
    *,
    organization,
    to: str,
    topic: str,
    key: str,
    template: str | None = None,
    context: dict | None = None,
    subject: str = "",
    text: str = "",
    html: str = "",
    composer: str = "",
    params: dict | None = None,
    attachments=None,
    reply_to: str = "",
    headers: dict | None = None,
    category: str | None = None,
    send_after: datetime | None = None,
    client_id: int | None = None,
    brand=None,
    language: str | None = None,
) -> OutboundMessage:
    """Queue one email. Content is rendered now from `template` + `context` (or given as
    subject/text/html), or later in the worker by a registered `composer` with `params`.

    It is signed by the business's brand: From shows its sender name (at the deployment's
    address) and replies go to its reply-to address unless `reply_to` is given. `brand` signs a
    message that belongs to no business's log (sign-in emails) with a business's brand.

    A template or composer writes it in `language`, else the recipient's (`recipient_language`);
    given content is stored as it was written, in the active language."""
    if brand is None and organization is not None:
        brand = brand_for(organization)
    if template or composer:
        language = language or recipient_language(organization=organization, to=to, client_id=client_id)
    else:
        language = language or translation.get_language() or settings.LANGUAGE_CODE
    if template:
        with translation.override(language):
            subject, text, html = render_email(template, context or {}, organization, brand=brand)
    elif not composer and not (subject and (text or html)):
        raise ValueError("An email needs a template, a composer, or a subject and a body.")
    return _queue(
        key=key,
        **_common(organization, Channel.EMAIL, to, topic, category, None),
        subject=subject[:300],
        body_text=text,
        body_html=html,
        from_name=sender_name(organization, brand) if brand is not None else "",
        reply_to=reply_to or (_reply_to(brand) if brand is not None else ""),
        headers=headers or {},
        attachments=_text_attachments(attachments),
        composer=composer,
        context=params or {},
        language=language,
        send_after=send_after or timezone.now(),
        client_id=client_id,
    )


def queue_sms(
    *,
    organization,
    to: str,
    topic: str,
    key: str,
    body: str = "",
    composer: str = "",
    params: dict | None = None,
    category: str | None = None,
    send_after: datetime | None = None,
    client_id: int | None = None,
    time_zone: str | None = None,
    language: str | None = None,
) -> OutboundMessage:
    """Queue one text message (`body` now, or a `composer` in the worker, in the recipient's language)."""
    if not body and not composer:
        raise ValueError("A text message needs a body or a composer.")
    if composer:
        language = language or recipient_language(organization=organization, client_id=client_id)
    else:
        language = language or translation.get_language() or settings.LANGUAGE_CODE
    return _queue(
        key=key,
        **_common(organization, Channel.SMS, to, topic, category, time_zone),
        body_text=body,
        composer=composer,
        context=params or {},
        language=language,
        send_after=send_after or timezone.now(),
        client_id=client_id,
    )


def queue_push(
    *,
    organization,
    user_id: int | None,
    topic: str,
    key: str,
    title: str = "",
    body: str = "",
    url: str = "",
    tag: str = "",
    composer: str = "",
    params: dict | None = None,
    ttl: int | None = None,
    urgency: str = "normal",
    category: str | None = None,
    send_after: datetime | None = None,
    client_id: int | None = None,
    language: str | None = None,
) -> list[OutboundMessage]:
    """Queue one push notification per device the person turned notifications on (none, or
    push not configured: nothing). Each row's key is `key` and the device's id.

    `title`/`body` are rendered now, or a `composer` renders them in the worker (returning
    None when the notification is no longer needed). `url` opens on a tap; a newer
    notification with the same `tag` replaces the older one on the device. `ttl` is how long
    the push service keeps it for a device that is offline: a short time, it is news."""
    from . import push

    if not user_id or not push.is_enabled():
        return []
    if not composer and not title:
        raise ValueError("A push notification needs a title or a composer.")
    if urgency not in push.URGENCIES:
        raise ValueError(f"Unknown urgency {urgency!r}")
    context = {**(params or {})}
    context.update({name: value for name, value in (("url", url), ("tag", tag)) if value})
    if composer:
        language = language or recipient_language(organization=organization, user_id=user_id)
    else:
        language = language or translation.get_language() or settings.LANGUAGE_CODE
    rows = []
    for device in PushSubscription.objects.filter(user_id=user_id).order_by("pk").values_list("public_id", flat=True):
        rows.append(
            _queue(
                key=f"{key}:push:{device}",
                **_common(organization, MessageChannel.PUSH, str(device), topic, category, None),
                subject=title[:300],
                body_text=body,
                headers={"TTL": int(push.DEFAULT_TTL if ttl is None else ttl), "Urgency": urgency},
                composer=composer,
                context=context,
                language=language,
                send_after=send_after or timezone.now(),
                client_id=client_id,
            )
        )
    return rows
