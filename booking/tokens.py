"""Signed links in booking emails: manage (reschedule / cancel) and reminder opt-out.

Tokens are signed with SECRET_KEY (django.core.signing), so they cannot be forged or
altered; manage links expire BOOKING_MANAGE_LINK_MAX_AGE_DAYS after they were sent or
when the session ends, whichever is later (changes stop once the session starts).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from mecto.domains import site_url_for

MANAGE_SALT = "booking.manage"
OPT_OUT_SALT = "booking.reminder-opt-out"


def _max_age() -> int:
    return int(getattr(settings, "BOOKING_MANAGE_LINK_MAX_AGE_DAYS", 60)) * 24 * 3600


def manage_token(booking) -> str:
    return signing.TimestampSigner(salt=MANAGE_SALT).sign_object({"b": str(booking.public_id)}, compress=False)


def check_manage_token(public_id, token: str, valid_until=None) -> bool:
    """True when `token` was signed for this booking and has not expired."""
    return manage_token_state(public_id, token, valid_until=valid_until) == "valid"


def manage_token_state(public_id, token: str, valid_until=None) -> str:
    """ "valid", "expired" (signed for this booking, but too old) or "invalid" (forged,
    altered or for another booking): an expired link deserves a kinder page than a 404.

    A link older than the maximum age still works until `valid_until` (the end of the
    session), so a client who booked months ahead can use their confirmation email.
    """
    signer = signing.TimestampSigner(salt=MANAGE_SALT)
    state = "valid"
    try:
        data = signer.unsign_object(token or "", max_age=_max_age())
    except signing.SignatureExpired:
        state = "valid" if valid_until is not None and timezone.now() < valid_until else "expired"
        try:
            data = signer.unsign_object(token or "")
        except (signing.BadSignature, ValueError, TypeError):
            return "invalid"
    except (signing.BadSignature, ValueError, TypeError):
        return "invalid"
    return state if isinstance(data, dict) and data.get("b") == str(public_id) else "invalid"


def manage_url(booking) -> str:
    return site_url_for(booking.organization_id) + reverse(
        "booking:manage", args=[booking.public_id, manage_token(booking)]
    )


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
    return site_url_for(client.organization_id) + reverse(
        "booking:reminder_opt_out", args=[opt_out_token(client, channel)]
    )


OFFER_SALT = "booking.class-offer"


def offer_token(entry) -> str:
    """The secret of a waitlist offer's confirm link; the offer's own hold decides how long it works."""
    return signing.Signer(salt=OFFER_SALT).sign_object({"w": str(entry.public_id)})


def check_offer_token(public_id, token: str) -> bool:
    try:
        data = signing.Signer(salt=OFFER_SALT).unsign_object(token or "")
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return isinstance(data, dict) and data.get("w") == str(public_id)


def offer_url(entry) -> str:
    return site_url_for(entry.organization_id) + reverse(
        "booking:class_offer", args=[entry.public_id, offer_token(entry)]
    )
