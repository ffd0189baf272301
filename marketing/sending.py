"""Sending a template to one client: the one path campaigns and automations take into the
platform's sending mechanism. It renders the template, adds the unsubscribe headers to
marketing email, and queues the message under the caller's idempotency key (one row per
key: a retried send queues nothing more). Consent and suppression are checked by the
platform at delivery.

(Skeleton: unsubscribe headers, quiet hours and the frequency cap land with the consent work.)"""

from __future__ import annotations

from mecto import comms
from mecto.comms.models import Category, Channel

from .rendering import render


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
    """Queue `template` for `client` on `channel`; returns the message row, or None when
    the client has no address on that channel."""
    rendered = render(template, client, organization=organization, extra=extra)
    if channel == Channel.EMAIL:
        if not client.email:
            return None
        return comms.queue_email(
            organization=organization,
            to=client.email,
            topic=topic,
            key=key,
            category=category,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            send_after=send_after,
            client_id=client.pk,
        )
    if not client.phone:
        return None
    return comms.queue_sms(
        organization=organization,
        to=client.phone,
        topic=topic,
        key=key,
        category=category,
        body=rendered.sms,
        send_after=send_after,
        client_id=client.pk,
        time_zone=client.time_zone,
    )
