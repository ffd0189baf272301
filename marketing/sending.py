"""Sending a template to one client: the one path campaigns and automations take into the
platform's sending mechanism. It renders the template, adds the unsubscribe headers and
footer to marketing email, holds marketing text messages until the client's quiet hours
end, applies the business's frequency cap, and queues the message under the caller's
idempotency key (one row per key: a retried send queues nothing more). Consent and
suppression are checked by the platform at delivery.

Over the frequency cap the message is still written (so the caller's key is used once and
a report can count it) but with status `suppressed` and the reason in `status_detail`; it
is never delivered. None means the client has no address on that channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto import comms
from mecto.branding import brand_for
from mecto.comms.models import Category, Channel, OutboundMessage

from . import unsubscribe
from .rendering import next_session_texts, render
from .services.settings import sending_settings

CAP_WINDOW = timedelta(days=7)
# Rows that count against the cap: what was or will be sent, not what was held back.
_NOT_COUNTED = (
    OutboundMessage.Status.SUPPRESSED,
    OutboundMessage.Status.CANCELLED,
    OutboundMessage.Status.FAILED,
)


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def client_zone(client, organization) -> ZoneInfo:
    """The client's own zone, else the business's, else UTC. A client still on the default
    UTC is read in the business's zone (UTC is what an unset record holds)."""
    own = getattr(client, "time_zone", "") or ""
    if own and own != "UTC":
        zone = _zone(own)
        if zone is not None:
            return zone
    return _zone(getattr(organization, "time_zone", None)) or _zone(own) or ZoneInfo("UTC")


def _local(day, at: dtime, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a local day as an aware datetime; a time skipped by a DST change
    resolves to the first valid instant after it (zoneinfo reads it with the earlier offset)."""
    return datetime.combine(day, at).replace(tzinfo=zone).astimezone(ZoneInfo("UTC")).astimezone(zone)


def quiet_release(moment: datetime, zone: ZoneInfo, start: dtime, end: dtime) -> datetime | None:
    """When the quiet window containing `moment` ends, or None if `moment` is outside it.
    The window runs from `start` to `end` local time and may cross midnight."""
    if start == end:
        return None
    local = moment.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return _local(end_day, end, zone).astimezone(ZoneInfo("UTC"))


def _over_cap(organization, client, channel: str, cap: int, now) -> bool:
    if not cap:
        return False
    sent = (
        OutboundMessage.objects.filter(
            organization=organization,
            client_id=client.pk,
            channel=channel,
            category=Category.MARKETING,
            created_at__gte=now - CAP_WINDOW,
        )
        .exclude(status__in=_NOT_COUNTED)
        .count()
    )
    return sent >= cap


def _hold_back(message: OutboundMessage, reason: str) -> OutboundMessage:
    """Mark a just-queued row suppressed; the worker only claims `queued` rows."""
    OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.QUEUED).update(
        status=OutboundMessage.Status.SUPPRESSED, status_detail=reason[:500], updated_at=timezone.now()
    )
    message.status = OutboundMessage.Status.SUPPRESSED
    message.status_detail = reason
    return message


@dataclass
class Batch:
    """What a campaign batch reads once for all its recipients instead of once each: the
    business's settings, the keys already queued, each client's marketing messages in the
    cap window, next session and unsubscribe token. `send_to_client(..., batch=...)` gives
    the same result as without it."""

    config: object
    existing: dict = field(default_factory=dict)
    sent: dict = field(default_factory=dict)
    next_sessions: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)


def prepare_batch(organization, items, *, config=None) -> Batch:
    """`items`: (client, channel, key) of the recipients about to be sent to; `config` the
    business's sending settings when the caller holds them already."""
    items = list(items)
    now = timezone.now()
    keys = [key for _client, _channel, key in items]
    existing = {m.idempotency_key: m for m in OutboundMessage.objects.filter(idempotency_key__in=keys)}
    clients = {client.pk: client for client, _channel, _key in items}
    counted = (
        OutboundMessage.objects.filter(
            organization=organization,
            client_id__in=clients,
            category=Category.MARKETING,
            created_at__gte=now - CAP_WINDOW,
        )
        .exclude(status__in=_NOT_COUNTED)
        .values("client_id", "channel")
        .annotate(n=Count("id"))
    )
    emails = [(c, c.email) for c, channel, key in items if channel == Channel.EMAIL and c.email and key not in existing]
    return Batch(
        config=config or sending_settings(organization=organization),
        existing=existing,
        sent={(row["client_id"], row["channel"]): row["n"] for row in counted},
        next_sessions=next_session_texts(organization, clients.values()),
        tokens=unsubscribe.tokens_for(organization=organization, channel=Channel.EMAIL, people=emails),
    )


def send_to_client(
    organization,
    client,
    template,
    *,
    channel: str,
    key: str,
    topic: str = "campaigns",
    category: str = Category.MARKETING,
    send_after=None,
    extra: dict | None = None,
    batch: Batch | None = None,
):
    """Queue `template` for `client` on `channel`; returns the message row (suppressed when
    over the frequency cap), or None when the client has no address on that channel.
    `batch` (from `prepare_batch`) saves the per-recipient reads of a campaign batch."""
    address = client.email if channel == Channel.EMAIL else client.phone
    if not address:
        return None
    known = batch.existing if batch is not None else None
    existing = known.get(key) if known is not None else OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        existing.is_new = False
        return existing
    marketing = category == Category.MARKETING
    now = timezone.now()
    config = None
    if marketing:
        config = batch.config if batch is not None else sending_settings(organization=organization)
    if not marketing:
        over_cap = False
    elif batch is not None:
        cap = config.cap_for(channel)
        over_cap = bool(cap) and batch.sent.get((client.pk, channel), 0) >= cap
    else:
        over_cap = _over_cap(organization, client, channel, config.cap_for(channel), now)
    next_session = batch.next_sessions.get(client.pk, "") if batch is not None else None
    rendered = render(template, client, organization=organization, extra=extra, next_session=next_session)
    tokens = batch.tokens if batch is not None else None
    # One transaction: a row over the cap is marked before the worker is handed it.
    with transaction.atomic():
        message = _queue(
            organization,
            client,
            channel,
            address,
            key,
            topic,
            category,
            send_after,
            config,
            rendered,
            over_cap,
            now,
            tokens,
        )
    if batch is not None and marketing and message.is_new and not over_cap:
        batch.sent[(client.pk, channel)] = batch.sent.get((client.pk, channel), 0) + 1
    return message


def _queue(
    organization, client, channel, address, key, topic, category, send_after, config, rendered, over_cap, now, tokens
):
    marketing = category == Category.MARKETING
    if channel == Channel.EMAIL:
        text, html, headers, reply_to = rendered.text, rendered.html, {}, ""
        if marketing:
            token = unsubscribe.token_for(
                organization=organization, client=client, channel=channel, address=address, known=tokens
            )
            url = unsubscribe.unsubscribe_url(token)
            headers = unsubscribe.headers(url, mailbox=config.reply_to)
            text, html = unsubscribe.add_footer(text=text, html=html, url=url, business=brand_for(organization).name)
            reply_to = config.reply_to
        message = comms.queue_email(
            organization=organization,
            to=address,
            topic=topic,
            key=key,
            category=category,
            subject=rendered.subject,
            text=text,
            html=html,
            headers=headers,
            reply_to=reply_to,
            send_after=send_after,
            client_id=client.pk,
        )
    else:
        if marketing:
            moment = max(send_after or now, now)
            release = quiet_release(moment, client_zone(client, organization), config.quiet_start, config.quiet_end)
            if release is not None:
                send_after = release
        message = comms.queue_sms(
            organization=organization,
            to=address,
            topic=topic,
            key=key,
            category=category,
            body=rendered.sms,
            send_after=send_after,
            client_id=client.pk,
            time_zone=client.time_zone,
        )
    if over_cap and message.is_new:
        message = _hold_back(
            message,
            _("Frequency cap: the client already got %(count)d marketing messages on this channel in 7 days.")
            % {"count": config.cap_for(channel)},
        )
    return message
