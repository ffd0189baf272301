"""Signed links in booking emails: manage (reschedule / cancel) and reminder opt-out.

Tokens are signed with SECRET_KEY (django.core.signing), so they cannot be forged or
altered; manage links also expire (BOOKING_MANAGE_LINK_MAX_AGE_DAYS) and stop working
once the session has started.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

MANAGE_SALT = "booking.manage"
OPT_OUT_SALT = "booking.reminder-opt-out"


def _max_age() -> int:
    return int(getattr(settings, "BOOKING_MANAGE_LINK_MAX_AGE_DAYS", 60)) * 24 * 3600


def manage_token(booking) -> str:
    return signing.TimestampSigner(salt=MANAGE_SALT).sign_object({"b": str(booking.public_id)}, compress=False)


def check_manage_token(public_id, token: str) -> bool:
    """True when `token` was signed for this booking and has not expired."""
    try:
        data = signing.TimestampSigner(salt=MANAGE_SALT).unsign_object(token or "", max_age=_max_age())
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return isinstance(data, dict) and data.get("b") == str(public_id)


def manage_url(booking) -> str:
    return settings.SITE_URL + reverse("booking:manage", args=[booking.public_id, manage_token(booking)])


def opt_out_token(client, channel: str) -> str:
    return signing.Signer(salt=OPT_OUT_SALT).sign_object({"c": str(client.public_id), "ch": channel})


def read_opt_out_token(token: str) -> tuple[str, str] | None:
    try:
        data = signing.Signer(salt=OPT_OUT_SALT).unsign_object(token or "")
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not data.get("c") or data.get("ch") not in ("email", "sms"):
        return None
    return data["c"], data["ch"]


def opt_out_url(client, channel: str) -> str:
    return settings.SITE_URL + reverse("booking:reminder_opt_out", args=[opt_out_token(client, channel)])
