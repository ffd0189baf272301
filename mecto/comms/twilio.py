"""Twilio's side of text messages after the send: signed status callbacks (delivered,
failed) and inbound messages, where STOP, START and HELP are kept in our suppression list.

Every business sends from the platform's one Twilio sender, so a STOP to it stops texts
from every business (a suppression without an organisation), and START lifts it for all.
Twilio itself also answers these keywords on standard numbers and blocks sending after a
STOP; we record them anyway so our check never sends what Twilio would refuse, and a STOP
still counts if the sender moves to another number or provider.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mecto.branding import brand_for
from mecto.roles import OWNER

from . import consent
from .addresses import normalise_phone
from .errors import WebhookRejected
from .models import Channel, InboundMessage, OutboundMessage, Suppression
from .tracking import advance

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status

# Twilio's own opt-out and opt-in words (long codes and Messaging Services).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "UNSTOP", "YES"}
HELP_WORDS = {"HELP", "INFO"}
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


# --- Inbound messages ----------------------------------------------------------------------------------
def _keyword(params) -> str:
    """STOP on the first word (better to stop one text too many); START only as the whole
    message, so "Yes, see you Tuesday" does not undo a STOP. With Advanced Opt-Out Twilio
    names the keyword class itself (OptOutType), in any language it was set up for."""
    opt_out_type = (params.get("OptOutType") or "").upper()
    if opt_out_type in ("STOP", "START", "HELP"):
        return opt_out_type
    words = (params.get("Body") or "").strip().upper().split()
    if not words:
        return ""
    first = words[0].strip(".,!?;:")
    if first in STOP_WORDS:
        return "STOP"
    if len(words) == 1 and first in START_WORDS:
        return "START"
    if first in HELP_WORDS:
        return "HELP"
    return ""


def _business_for(number: str):
    """The business that last texted this number: whose HELP answer the person wants."""
    latest = (
        OutboundMessage.objects.filter(
            channel=Channel.SMS, to_address=number, organization__isnull=False, sent_at__isnull=False
        )
        .select_related("organization")
        .order_by("-created_at", "-id")
        .first()
    )
    return latest.organization if latest else None


def help_reply(organization) -> str:
    name = brand_for(organization).name
    contact = ""
    if organization is not None:
        # The platform imports no app: the owner's address through the app registry.
        Membership = apps.get_model("accounts", "Membership")
        owner = (
            Membership.objects.for_org(organization)
            .filter(role=OWNER, is_active=True)
            .select_related("user")
            .order_by("created_at", "id")
            .first()
        )
        contact = owner.user.email if owner else ""
    if contact:
        text = _("%(name)s: for help, email %(contact)s. Reply STOP to stop texts, START to get them again.")
        return text % {"name": name, "contact": contact}
    return _("%(name)s: reply STOP to stop texts, START to get them again.") % {"name": name}


def record_inbound(params) -> str:
    """Log one inbound text once per MessageSid and act on its keyword; returns the reply
    to send back ('' for none). Twilio may deliver the same message again: it is then
    answered the same way and changes nothing."""
    sid = params.get("MessageSid", "")
    sender = normalise_phone(params.get("From", "")) or params.get("From", "")[:254]
    keyword = _keyword(params)
    organization = _business_for(sender)
    try:
        with transaction.atomic():  # the row first: a second delivery stops at its unique sid
            row = InboundMessage.objects.create(
                channel=Channel.SMS,
                from_address=sender,
                to_address=params.get("To", "")[:254],
                body=params.get("Body", ""),
                provider_id=sid,
                organization=organization,
            )
            row.action = _act(keyword, sender, sid)
            row.save(update_fields=["action"])
    except IntegrityError:
        row = InboundMessage.objects.filter(provider_id=sid).select_related("organization").first()
        if row is None:
            raise
        logger.info("Twilio delivered inbound %s again; already recorded", sid)
    if row.action == InboundMessage.Action.HELPED:
        return help_reply(row.organization)
    return ""


def _act(keyword: str, sender: str, sid: str) -> str:
    Action = InboundMessage.Action
    if keyword == "STOP" and sender:
        consent.suppress(
            organization=None,
            channel=Channel.SMS,
            address=sender,
            reason=Suppression.Reason.SMS_STOP,
            source=f"Texted STOP ({sid})"[:200],
        )
        return Action.STOPPED
    if keyword == "START" and sender:
        consent.lift(organization=None, channel=Channel.SMS, address=sender, reasons=[Suppression.Reason.SMS_STOP])
        return Action.RESUMED
    if keyword == "HELP":
        return Action.HELPED
    return Action.NONE


def twiml(reply: str) -> str:
    """TwiML for the inbound webhook: a <Message> to send back, or an empty <Response/>."""
    from twilio.twiml.messaging_response import MessagingResponse

    response = MessagingResponse()
    if reply:
        response.message(reply)
    return str(response)
