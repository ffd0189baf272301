"""The kill test's email backend: the sending mechanism's file backend (one JSON line per
email handed over, a repeated idempotency key not written again), reading only the lines
added since its last look instead of the whole file on every send."""

import json
import uuid
from pathlib import Path

from django.conf import settings

from mecto.comms.email_backends import FileBackend, _lock

_seen: dict[str, str] = {}
_offset = {"bytes": 0}


class CountingFileBackend(FileBackend):
    def send_messages(self, email_messages) -> int:
        path = Path(settings.EMAIL_FILE_PATH)
        sent = 0
        with _lock, path.open("a+", encoding="utf-8") as fh:
            fh.seek(_offset["bytes"])
            for line in fh:  # what this or an earlier (killed) worker wrote since the last look
                if line.endswith("\n"):
                    row = json.loads(line)
                    _seen[row["idempotency_key"]] = row["id"]
            _offset["bytes"] = fh.tell()
            for message in email_messages:
                key = message.comms_idempotency_key
                if key in _seen:
                    message.provider_message_id = _seen[key]
                    sent += 1
                    continue
                message.provider_message_id = f"file-{uuid.uuid4().hex[:12]}"
                row = {"id": message.provider_message_id, "idempotency_key": key, "to": message.to}
                fh.write(json.dumps(row) + "\n")
                fh.flush()
                _seen[key] = message.provider_message_id
                _offset["bytes"] = fh.tell()
                sent += 1
        return sent
