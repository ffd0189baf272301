"""Twilio's side of text messages after the send: signed status callbacks (delivered,
failed with an error code), and the error codes that mean a number will not take texts.

Every business sends from the platform's one Twilio sender, so a number that cannot take
texts from it is suppressed for every business (a suppression without an organisation).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from . import consent
from .errors import WebhookRejected
from .models import Channel, OutboundMessage, Suppression
from .tracking import advance

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status

# Error codes that say the number will not take texts from us, now or later.
STOPPED_CODES = {"21610"}  # the recipient replied STOP (Twilio blocks every send after it)
UNREACHABLE_CODES = {
    "21614": "not a mobile number",
    "21635": "a landline",
    "30005": "unknown destination handset (the number does not exist)",
    "30006": "a landline or unreachable carrier",
}
STATUSES = {
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,  # WhatsApp and RCS: read implies delivered
    "undelivered": Status.FAILED,
    "failed": Status.FAILED,
}


def verify_request(request) -> None:
    """Raise `WebhookRejected` unless Twilio signed this request (HMAC of URL + parameters
    with the account's auth token, checked with the SDK's RequestValidator)."""
    from twilio.request_validator import RequestValidator

    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature")
    if not token:
        raise WebhookRejected("TWILIO_AUTH_TOKEN is not set")
    if not signature:
        raise WebhookRejected("X-Twilio-Signature missing")
    # Twilio signs the public URL it called. Behind a proxy that terminates TLS, Django may
    # see http://, an internal host or another port, so build_absolute_uri() would not match:
    # the URL we gave Twilio starts with SITE_URL, and so does the one we check.
    url = settings.SITE_URL + request.get_full_path()
    if not RequestValidator(token).validate(url, request.POST, signature):
        raise WebhookRejected("signature does not match")


def suppress_unreachable(*, address: str, error_code, source: str) -> Suppression | None:
    """Stop texting a number Twilio says will not take our texts: STOP (21610), or not a
    mobile that exists (landline, unknown handset). A handset switched off (30003) is not
    suppressed: it may be back tomorrow."""
    code = str(error_code or "")
    if code in STOPPED_CODES:
        reason = Suppression.Reason.SMS_STOP
    elif code in UNREACHABLE_CODES:
        reason = Suppression.Reason.HARD_BOUNCE
    else:
        return None
    return consent.suppress(
        organization=None, channel=Channel.SMS, address=address, reason=reason, source=f"{source} (error {code})"[:200]
    )


def error_text(error_code) -> str:
    code = str(error_code or "")
    if code in STOPPED_CODES:
        return f"Twilio error {code}: the recipient replied STOP"
    if code in UNREACHABLE_CODES:
        return f"Twilio error {code}: {UNREACHABLE_CODES[code]}"
    return f"Twilio error {code}" if code else "Twilio reported no error code"


# --- Status callbacks ---------------------------------------------------------------------------------
def record_status(*, sid: str, status: str, error_code: str = "") -> bool:
    """Apply one status callback to the message Twilio gave this sid; returns whether it
    changed anything. queued/accepted/sending say nothing we do not know."""
    target = STATUSES.get(status)
    if not sid or target is None:
        return False
    message = OutboundMessage.objects.filter(channel=Channel.SMS, provider_id=sid).first()
    if message is None:
        logger.info("Twilio status %s for %s: no message we know", status, sid)
        return False
    with transaction.atomic():
        detail = f"{status}: {error_text(error_code)}" if target == Status.FAILED else ""
        changed = advance(message, target, detail=detail)
        if target == Status.FAILED:
            suppress_unreachable(address=message.to_address, error_code=error_code, source=f"Twilio status of {sid}")
    return changed
