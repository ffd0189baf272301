"""Text-message backends behind one interface: Twilio in production, console/file/memory
otherwise. The backend comes from `SMS_BACKEND`; with Twilio credentials set and no
explicit backend, Twilio is used.

A backend's `send(message)` returns the provider's id and raises `SendError` when the
provider refused the message (`temporary=True` when trying again later may work). A
backend that can recognise a repeated idempotency key (`supports_idempotency`) lets the
sweep re-send a message interrupted during the provider call without a duplicate.
"""

from __future__ import annotations

import json
import sys
import threading
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from .errors import SendError


@dataclass
class SmsMessage:
    to: str
    body: str
    status_callback: str | None = None
    idempotency_key: str | None = None


def get_backend():
    path = settings.SMS_BACKEND
    if not path:
        path = "mecto.comms.sms.TwilioBackend" if settings.TWILIO_ACCOUNT_SID else "mecto.comms.sms.ConsoleBackend"
    return import_string(path)()


class ConsoleBackend:
    name = "console"
    supports_idempotency = False

    def send(self, message: SmsMessage) -> str:
        sid = f"console-{uuid.uuid4().hex[:12]}"
        sys.stdout.write(f"SMS to {message.to} ({sid}):\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return sid


_file_lock = threading.Lock()


class FileBackend:
    """Appends each message as a JSON line to `SMS_FILE_PATH` (var/sms.log); a key already
    in the file is not written again."""

    name = "file"
    supports_idempotency = True

    def send(self, message: SmsMessage) -> str:
        path = Path(getattr(settings, "SMS_FILE_PATH", "") or Path(settings.VAR_DIR) / "sms.log")
        path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock, path.open("a+", encoding="utf-8") as fh:
            if message.idempotency_key:
                fh.seek(0)
                for line in fh:
                    row = json.loads(line)
                    if row.get("idempotency_key") == message.idempotency_key:
                        return row["sid"]
            sid = f"file-{uuid.uuid4().hex[:12]}"
            fh.write(json.dumps({"sid": sid, **asdict(message)}) + "\n")
            fh.flush()
        return sid


outbox: list[SmsMessage] = []


class LocmemBackend:
    """Keeps messages in `mecto.comms.sms.outbox` for tests."""

    name = "locmem"
    supports_idempotency = True

    def send(self, message: SmsMessage) -> str:
        for index, sent in enumerate(outbox, start=1):
            if message.idempotency_key and sent.idempotency_key == message.idempotency_key:
                return f"locmem-{index}"
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class TwilioBackend:
    """Sends through Twilio's Messages API with the official SDK; Twilio reports each
    message's fate to the status callback (mecto.comms.twilio)."""

    name = "twilio"
    supports_idempotency = False
    wants_status_callback = True
    timeout = 15  # seconds; without one a stalled connection holds the worker

    def __init__(self):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=self.timeout),
        )

    def send(self, message: SmsMessage) -> str:
        import requests
        from twilio.base.exceptions import TwilioException, TwilioRestException

        from .twilio import error_text, suppress_unreachable

        kwargs = {"to": message.to, "body": message.body}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            kwargs["from_"] = settings.TWILIO_FROM_NUMBER
        if message.status_callback:
            kwargs["status_callback"] = message.status_callback
        try:
            return self.client.messages.create(**kwargs).sid
        except TwilioRestException as exc:
            # 21610: the number texted STOP, so Twilio refuses every send to it; a number
            # that is no mobile will not take one either. Our check stops trying.
            suppress_unreachable(address=message.to, error_code=exc.code, source="Twilio refused a send")
            text = f"{exc.msg or exc} ({error_text(exc.code)})" if exc.code else str(exc.msg or exc)
            raise SendError(text, temporary=exc.status == 429 or exc.status >= 500) from exc
        except requests.exceptions.ReadTimeout as exc:
            # The request went out but no answer came: Twilio may have the message, and
            # sending it again could text the person twice.
            raise SendError(f"No answer from Twilio after the request was sent ({exc}).") from exc
        except requests.exceptions.RequestException as exc:  # no connection: Twilio never saw it
            raise SendError(f"Could not reach Twilio: {exc}", temporary=True) from exc
        except TwilioException as exc:
            raise SendError(str(exc), temporary=True) from exc
