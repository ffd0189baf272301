"""Email backends of the sending mechanism beside Django's own (console, locmem, SMTP)."""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

_lock = threading.Lock()


class FileBackend(BaseEmailBackend):
    """One JSON line per email in `EMAIL_FILE_PATH` (var/email.log). A message whose
    idempotency key is already in the file is not written again, so the sweep may safely
    re-send a message a dead worker was handing over."""

    provider_name = "file"
    supports_idempotency = True

    def send_messages(self, email_messages) -> int:
        path = Path(getattr(settings, "EMAIL_FILE_PATH", "") or Path(settings.VAR_DIR) / "email.log")
        if path.is_dir():
            path = path / "email.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        sent = 0
        with _lock, path.open("a+", encoding="utf-8") as fh:
            fh.seek(0)
            seen = {}
            for line in fh:
                row = json.loads(line)
                if row.get("idempotency_key"):
                    seen[row["idempotency_key"]] = row["id"]
            for message in email_messages:
                key = getattr(message, "comms_idempotency_key", None)
                if key and key in seen:
                    message.provider_message_id = seen[key]
                    sent += 1
                    continue
                message.provider_message_id = f"file-{uuid.uuid4().hex[:12]}"
                html = next(
                    (body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
                )
                row = {
                    "id": message.provider_message_id,
                    "idempotency_key": key,
                    "message_id": getattr(message, "comms_message_id", None),
                    "from": message.from_email,
                    "to": message.to,
                    "subject": message.subject,
                    "text": message.body,
                    "html": html,
                    "attachments": [a[0] for a in message.attachments if isinstance(a, tuple)],
                }
                fh.write(json.dumps(row) + "\n")
                fh.flush()
                sent += 1
        return sent
