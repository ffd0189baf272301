"""SendGrid, through its official SDK: a Django email backend on the v3 Mail Send API, and
the Signed Event Webhook that reports what happened to each message afterwards.

The backend keeps Django's mail API working (`send_mail`, `EmailMessage`); the sending
mechanism adds our message id and idempotency key as custom args, which SendGrid copies into
every event about that message, so an event finds its row without guessing.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import mimetypes
import time
from collections import Counter
from datetime import UTC, datetime
from email.mime.base import MIMEBase
from email.utils import getaddresses, parseaddr
from urllib.error import URLError

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from . import consent
from .addresses import normalise_email
from .errors import SendError, WebhookRejected
from .models import Channel, OutboundMessage, Suppression
from .tracking import advance, engage, note

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status

TIMEOUT = 15  # seconds for one Mail Send call; without one a stalled connection holds the worker
SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
# A signed batch is accepted for this long after SendGrid signed it (either side, for clock
# skew): long enough for a slow delivery, too short to replay a captured request later.
MAX_SIGNATURE_AGE = 10 * 60
# Headers SendGrid sets itself and refuses in `headers` (they are fields of the request).
RESERVED_HEADERS = {
    "bcc",
    "cc",
    "content-transfer-encoding",
    "content-type",
    "dkim-signature",
    "from",
    "received",
    "reply-to",
    "subject",
    "to",
    "x-sg-eid",
    "x-sg-id",
}


# --- Sending ----------------------------------------------------------------------------------------
class EmailBackend(BaseEmailBackend):
    """`EMAIL_BACKEND = "mecto.comms.sendgrid.EmailBackend"`: one Mail Send call per message."""

    provider_name = "sendgrid"
    # Mail Send has no idempotency key: a repeated call is a second email.
    supports_idempotency = False

    def __init__(self, fail_silently=False, api_key=None, sandbox_mode=None, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = api_key or settings.SENDGRID_API_KEY
        self.sandbox_mode = settings.SENDGRID_SANDBOX_MODE if sandbox_mode is None else sandbox_mode

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages or []:
            if not message.recipients():
                continue
            try:
                message.provider_message_id = self._send(message)
            except SendError:
                if not self.fail_silently:
                    raise
                logger.warning("SendGrid did not take the email %r", message.subject, exc_info=True)
                continue
            sent += 1
        return sent

    def _send(self, message) -> str:
        from python_http_client.exceptions import HTTPError
        from sendgrid import SendGridAPIClient

        if not self.api_key:
            raise SendError("SendGrid is not configured: set SENDGRID_API_KEY.")
        body = mail_body(message, sandbox_mode=self.sandbox_mode)
        client = SendGridAPIClient(
            api_key=self.api_key, host=getattr(settings, "SENDGRID_API_HOST", "https://api.sendgrid.com")
        )
        try:
            response = client.client.mail.send.post(request_body=body, timeout=TIMEOUT)
        except HTTPError as exc:
            temporary = exc.status_code == 429 or exc.status_code >= 500
            raise SendError(_refusal(exc), temporary=temporary) from exc
        except URLError as exc:  # no connection, so the request never reached SendGrid
            raise SendError(f"Could not reach SendGrid: {exc.reason}", temporary=True) from exc
        except (OSError, http.client.HTTPException) as exc:
            # The request went out but no answer came back: SendGrid may have the message, so
            # sending it again could be a duplicate. Its events still say if it went out.
            raise SendError(f"No answer from SendGrid after the request was sent ({exc!r}).") from exc
        return response.headers.get("X-Message-Id", "") or ""


def _refusal(exc) -> str:
    """SendGrid's own words: {"errors": [{"message": ..., "field": ...}]}."""
    try:
        errors = json.loads(exc.body.decode("utf-8"))["errors"]
        text = "; ".join(f"{e['message']} ({e['field']})" if e.get("field") else e["message"] for e in errors)
    except (AttributeError, KeyError, TypeError, ValueError):
        text = str(exc.reason or "")
    return f"SendGrid refused the message ({exc.status_code}): {text}"


def _address(value: str) -> tuple[str, str | None]:
    name, address = parseaddr(value)
    return address, name or None


def _addresses(values) -> list[tuple[str, str | None]]:
    return [(address, name or None) for name, address in getaddresses(list(values or [])) if address]


def mail_body(message, *, sandbox_mode: bool = False) -> dict:
    """The Mail Send request for a Django email, built with the SDK's helpers."""
    from sendgrid.helpers.mail import (
        Bcc,
        Category,
        Cc,
        Content,
        CustomArg,
        From,
        Header,
        Mail,
        MailSettings,
        Personalization,
        ReplyTo,
        SandBoxMode,
        To,
    )

    mail = Mail()
    mail.from_email = From(*_address(message.from_email))
    mail.subject = message.subject or ""
    personalization = Personalization()
    seen: set[str] = set()
    # SendGrid refuses an address twice in one message (to, cc and bcc together).
    for kind, values in ((To, message.to), (Cc, message.cc), (Bcc, message.bcc)):
        for address, name in _addresses(values):
            if address.lower() not in seen:
                seen.add(address.lower())
                personalization.add_email(kind(address, name))
    mail.add_personalization(personalization)

    headers = dict(message.extra_headers or {})
    reply_to = _addresses(message.reply_to) or _addresses([headers.get("Reply-To", "")])
    if len(reply_to) == 1:
        mail.reply_to = ReplyTo(*reply_to[0])
    elif reply_to:
        mail.reply_to_list = [ReplyTo(address, name) for address, name in reply_to]

    main_type = "text/html" if message.content_subtype == "html" else "text/plain"
    if message.body:
        mail.add_content(Content(main_type, message.body))
    for content, mimetype in getattr(message, "alternatives", []) or []:
        mail.add_content(Content(mimetype, content))

    for attachment in message.attachments:
        mail.add_attachment(_attachment(attachment))

    for name, value in headers.items():
        if name.lower() not in RESERVED_HEADERS:
            mail.add_header(Header(name, str(value)))
    for category in dict.fromkeys(getattr(message, "comms_categories", None) or []):
        if category:
            mail.add_category(Category(str(category)))
    message_id = getattr(message, "comms_message_id", None)
    if message_id is not None:
        mail.add_custom_arg(CustomArg("message_id", str(message_id)))
    key = getattr(message, "comms_idempotency_key", None)
    if key:
        mail.add_custom_arg(CustomArg("idempotency_key", str(key)))
    if sandbox_mode:
        mail.mail_settings = MailSettings(sandbox_mode=SandBoxMode(True))
    return mail.get()


def _attachment(attachment):
    from sendgrid.helpers.mail import Attachment, ContentId, Disposition, FileContent, FileName, FileType

    if isinstance(attachment, MIMEBase):
        filename = attachment.get_filename() or ""
        content = attachment.get_payload(decode=True) or b""
        mimetype = attachment.get_content_type()
        content_id = (attachment.get("Content-ID") or "").strip("<>")
    else:
        filename, content, mimetype = attachment
        content_id = ""
    if isinstance(content, str):
        content = content.encode("utf-8")
    mimetype = mimetype or mimetypes.guess_type(filename or "")[0] or "application/octet-stream"
    item = Attachment(
        FileContent(base64.b64encode(content).decode("ascii")),
        FileName(filename or "attachment"),
        FileType(mimetype),
        Disposition("inline" if content_id else "attachment"),
    )
    if content_id:
        item.content_id = ContentId(content_id)
    return item


# --- The Signed Event Webhook -------------------------------------------------------------------------
def verify_signature(body: bytes, signature: str | None, timestamp: str | None) -> None:
    """Raise `WebhookRejected` unless SendGrid signed this exact body recently (ECDSA P-256
    over timestamp + body, checked with the SDK's EventWebhook helper)."""
    from sendgrid.helpers.eventwebhook import EventWebhook

    public_key = settings.SENDGRID_WEBHOOK_PUBLIC_KEY
    if not public_key:
        raise WebhookRejected("SENDGRID_WEBHOOK_PUBLIC_KEY is not set")
    if not signature or not timestamp:
        raise WebhookRejected("signature headers missing")
    try:
        signed_at = int(timestamp)
    except ValueError:
        raise WebhookRejected("timestamp is not a number") from None
    if abs(time.time() - signed_at) > MAX_SIGNATURE_AGE:
        raise WebhookRejected("timestamp too old (or in the future): a replay?")
    helper = EventWebhook()
    try:
        key = helper.convert_public_key_to_ecdsa(public_key)
    except ValueError:
        logger.error("SENDGRID_WEBHOOK_PUBLIC_KEY is not a valid public key")
        raise WebhookRejected("public key unreadable") from None
    try:
        valid = helper.verify_signature(body.decode("utf-8"), signature, timestamp, key)
    except (ValueError, TypeError):  # not UTF-8, or a signature that is not base64 / DER
        valid = False
    if not valid:
        raise WebhookRejected("signature does not match")


def record_events(events: list) -> Counter:
    """Apply a verified batch; each event in its own transaction. Safe to apply twice: a
    status only moves forward, suppressions exist once, and consent is recorded only when
    the log has no newer answer. Returns counts by outcome (for the log)."""
    counts: Counter = Counter()
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("event"), str):
            counts["malformed"] += 1
            continue
        with transaction.atomic():
            counts[_record_event(event)] += 1
    return counts


def _event_time(event: dict) -> datetime:
    try:
        return datetime.fromtimestamp(int(event["timestamp"]), tz=UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return datetime.now(tz=UTC)


def find_message(event: dict) -> OutboundMessage | None:
    """By our custom args (exact), else by SendGrid's message id: `sg_message_id` is the
    X-Message-Id of the send followed by ".filter…"."""
    rows = OutboundMessage.objects.filter(channel=Channel.EMAIL).select_related("organization")
    message_id = str(event.get("message_id") or "")
    if message_id.isdigit():
        message = rows.filter(pk=int(message_id)).first()
        key = event.get("idempotency_key")
        # The key guards against events of another deployment sharing the SendGrid account.
        if message is not None and (not key or key == message.idempotency_key):
            return message
        return None
    sg_message_id = event.get("sg_message_id")
    if isinstance(sg_message_id, str) and sg_message_id:
        return rows.filter(provider=EmailBackend.provider_name, provider_id=sg_message_id.split(".", 1)[0]).first()
    return None


def _text(event: dict, *names: str) -> str:
    return " ".join(str(event[name]) for name in names if event.get(name)).strip()


def _record_event(event: dict) -> str:
    kind = event["event"]
    message = find_message(event)
    address = normalise_email(event.get("email") if isinstance(event.get("email"), str) else "")
    at = _event_time(event)
    source = f"SendGrid {kind} {event.get('sg_event_id', '')}".strip()[:200]

    # A bounced address bounces for every business, whichever message found it out.
    is_hard_bounce = kind == "bounce" and event.get("type", "bounce") == "bounce"
    is_dropped_bounce = kind == "dropped" and "bounced address" in str(event.get("reason", "")).lower()
    if (is_hard_bounce or is_dropped_bounce) and address:
        consent.suppress(
            organization=None,
            channel=Channel.EMAIL,
            address=address,
            reason=Suppression.Reason.HARD_BOUNCE,
            source=source,
        )

    if message is None:
        if kind not in ("open", "click"):
            logger.info("SendGrid %s event for no message we know (%s)", kind, event.get("sg_message_id", ""))
        return "unknown message"
    found = {"provider": EmailBackend.provider_name, "provider_id": str(event.get("sg_message_id", "")).split(".")[0]}

    if kind == "processed":
        advance(message, Status.SENT, at=at, **found)
    elif kind == "delivered":
        advance(message, Status.DELIVERED, at=at, detail=_text(event, "response"), **found)
    elif is_hard_bounce:
        advance(message, Status.BOUNCED, at=at, detail=_text(event, "status", "reason"), **found)
    elif kind == "bounce":  # "blocked": the receiving server refused this one message for now
        note(message, f"Blocked by the receiving server: {_text(event, 'status', 'reason')}")
    elif kind == "deferred":
        note(
            message,
            f"Deferred by the receiving server (attempt {event.get('attempt', '?')}): {_text(event, 'response')}",
        )
    elif kind == "dropped":
        advance(message, Status.FAILED, at=at, detail=f"Dropped by SendGrid: {_text(event, 'reason')}", **found)
    elif kind == "spamreport":
        consent.suppress(
            organization=message.organization,
            channel=Channel.EMAIL,
            address=address or message.to_address,
            reason=Suppression.Reason.SPAM_REPORT,
            source=source,
        )
    elif kind in ("unsubscribe", "group_unsubscribe"):
        _withdraw_consent(message, address or message.to_address, at)
    elif kind in ("open", "click"):
        engage(message, "opened" if kind == "open" else "clicked", at=at)
    else:  # group_resubscribe: nothing to record yet
        return "ignored"
    return kind


def _withdraw_consent(message: OutboundMessage, address: str, at: datetime) -> None:
    """Marketing consent withdrawn as of the event; not again when it is withdrawn already
    (a replay), nor over a consent the person gave again after the event."""
    if message.organization is None:
        logger.info("SendGrid unsubscribe from platform mail (message %s): no business to record it for", message.pk)
        return
    latest = consent.latest_consent(organization=message.organization, channel=Channel.EMAIL, address=address)
    # Event times are whole seconds: a consent given within the same second is not "after".
    if latest is not None and (not latest.granted or latest.recorded_at.replace(microsecond=0) > at):
        return
    consent.record_consent(
        organization=message.organization,
        channel=Channel.EMAIL,
        address=address,
        granted=False,
        # Recorded now, when we learn it: the latest row is the answer, and one given within
        # the second before would otherwise outrank it.
        method=f"Unsubscribed through SendGrid at {at:%Y-%m-%d %H:%M:%S} UTC",
        client_id=message.client_id,
    )
