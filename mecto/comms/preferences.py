"""The preference link in every message: a signed token naming one business, channel,
address and (optionally) the topic of the message it came in."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from mecto.domains import site_url_for

SALT = "comms.preferences"


def preference_token(*, organization_id: int | None, channel: str, address: str, topic: str = "") -> str:
    return signing.dumps({"o": organization_id, "c": channel, "a": address, "t": topic}, salt=SALT, compress=True)


def read_preference_token(token: str) -> dict | None:
    try:
        data = signing.loads(token or "", salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), str) or data.get("c") not in ("email", "sms"):
        return None
    return data


def preference_url(*, organization, channel: str, address: str, topic: str = "") -> str:
    token = preference_token(
        organization_id=getattr(organization, "pk", None), channel=channel, address=address, topic=topic
    )
    return site_url_for(organization) + reverse("comms:preferences", args=[token])


def unsubscribe_headers(url: str) -> dict:
    """List-Unsubscribe with one-click (RFC 8058): mail apps offer their own button."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
