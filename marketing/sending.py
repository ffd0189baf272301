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

from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto import comms
from mecto.branding import brand_for
from mecto.comms.models import Category, Channel, OutboundMessage

from . import unsubscribe
from .rendering import render
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
):
    """Queue `template` for `client` on `channel`; returns the message row (suppressed when
    over the frequency cap), or None when the client has no address on that channel."""
    address = client.email if channel == Channel.EMAIL else client.phone
    if not address:
        return None
    existing = OutboundMessage.objects.filter(idempotency_key=key).first()
    if existing is not None:
        existing.is_new = False
        return existing
    marketing = category == Category.MARKETING
    now = timezone.now()
    config = sending_settings(organization=organization) if marketing else None
    over_cap = marketing and _over_cap(organization, client, channel, config.cap_for(channel), now)
    rendered = render(template, client, organization=organization, extra=extra)
    # One transaction: a row over the cap is marked before the worker is handed it.
    with transaction.atomic():
        return _queue(
            organization, client, channel, address, key, topic, category, send_after, config, rendered, over_cap, now
        )


def _queue(organization, client, channel, address, key, topic, category, send_after, config, rendered, over_cap, now):
    marketing = category == Category.MARKETING
    if channel == Channel.EMAIL:
        text, html, headers, reply_to = rendered.text, rendered.html, {}, ""
        if marketing:
            token = unsubscribe.token_for(organization=organization, client=client, channel=channel, address=address)
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
