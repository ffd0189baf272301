"""Unsubscribe links in marketing email: the stored per-recipient token, the RFC 8058
headers and the visible footer."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from mecto.comms.addresses import normalise
from mecto.domains import site_url_for

from .models import UnsubscribeToken


def token_for(*, organization, client, channel: str, address: str, known=None) -> UnsubscribeToken:
    """The live token for this business + channel + address (made on first use); `known`
    holds tokens a caller fetched already (`tokens_for`)."""
    address = normalise(channel, address, time_zone=getattr(organization, "time_zone", None)) or address
    if known and address in known:
        return known[address]
    row = UnsubscribeToken.objects.filter(
        organization=organization, channel=channel, address=address, revoked_at__isnull=True
    ).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return UnsubscribeToken.objects.create(
                organization=organization, client=client, channel=channel, address=address
            )
    except IntegrityError:
        return UnsubscribeToken.objects.get(
            organization=organization, channel=channel, address=address, revoked_at__isnull=True
        )


def tokens_for(*, organization, channel: str, people) -> dict[str, UnsubscribeToken]:
    """The live tokens of many `(client, address)` pairs at once, by normalised address,
    making the missing ones in one insert: what a campaign batch uses instead of one
    `token_for` per recipient."""
    zone = getattr(organization, "time_zone", None)
    wanted = {}
    for client, address in people:
        wanted.setdefault(normalise(channel, address, time_zone=zone) or address, client)
    if not wanted:
        return {}

    def live():
        rows = UnsubscribeToken.objects.filter(
            organization=organization, channel=channel, address__in=wanted, revoked_at__isnull=True
        )
        return {row.address: row for row in rows}

    found = live()
    missing = [
        UnsubscribeToken(organization=organization, client=client, channel=channel, address=address)
        for address, client in wanted.items()
        if address not in found
    ]
    if missing:
        UnsubscribeToken.objects.bulk_create(missing, ignore_conflicts=True)
        found = live()
    return found


def read_token(token: str) -> UnsubscribeToken | None:
    """A live token, or None (unknown or revoked)."""
    if not token or len(token) > 64:
        return None
    return (
        UnsubscribeToken.objects.select_related("organization", "client")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )


def unsubscribe_url(token: UnsubscribeToken) -> str:
    return site_url_for(token.organization_id) + reverse("marketing:unsubscribe", args=[token.token])


def headers(url: str, *, mailbox: str = "") -> dict:
    """RFC 8058: an HTTPS link mail apps POST to, plus a mailto when the business has a
    mailbox a person reads (RFC 2369 allows several URIs, the HTTPS one first)."""
    value = f"<{url}>"
    if mailbox:
        value += f", <mailto:{mailbox}?subject=unsubscribe>"
    return {"List-Unsubscribe": value, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def add_footer(*, text: str, html: str, url: str, business: str) -> tuple[str, str]:
    """The visible link after the rendered body, in both parts."""
    line = _("You get this because you agreed to hear from %(business)s.") % {"business": business}
    label = _("Unsubscribe or choose what you get")
    text = f"{text.rstrip()}\n\n--\n{line}\n{label}: {url}\n"
    footer = (
        '<p style="margin-top:32px;font-size:13px;color:#555">'
        f'{escape(line)}<br><a href="{escape(url)}" style="color:#333">{escape(label)}</a></p>'
    )
    if html:
        html = html.replace("</body>", f"{footer}</body>", 1) if "</body>" in html else html + footer
    return text, html
