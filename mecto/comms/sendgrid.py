"""SendGrid, through its official SDK: a Django email backend on the v3 Mail Send API.

The backend keeps Django's mail API working (`send_mail`, `EmailMessage`); the sending
mechanism adds our message id and idempotency key as custom args and the message's category
and topic as SendGrid categories.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import mimetypes
from email.mime.base import MIMEBase
from email.utils import getaddresses, parseaddr
from urllib.error import URLError

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from .errors import SendError

logger = logging.getLogger(__name__)

TIMEOUT = 15  # seconds for one Mail Send call; without one a stalled connection holds the worker
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
        client = SendGridAPIClient(api_key=self.api_key)
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
