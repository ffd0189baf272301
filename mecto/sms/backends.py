import json
import sys
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings


class SmsError(Exception):
    """The provider refused or failed to take the message."""


@dataclass
class SmsMessage:
    to: str
    body: str
    status_callback: str | None = None
    idempotency_key: str | None = None


class ConsoleBackend:
    def send(self, message: SmsMessage) -> str:
        sid = f"console-{uuid.uuid4().hex[:12]}"
        sys.stdout.write(f"SMS to {message.to} ({sid}):\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return sid


class FileBackend:
    """Appends each message as a JSON line to var/sms.log."""

    def send(self, message: SmsMessage) -> str:
        sid = f"file-{uuid.uuid4().hex[:12]}"
        path = Path(settings.VAR_DIR) / "sms.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"sid": sid, **asdict(message)}) + "\n")
        return sid


outbox: list[SmsMessage] = []


class LocmemBackend:
    """Keeps messages in `mecto.sms.backends.outbox` for tests."""

    def send(self, message: SmsMessage) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class TwilioBackend:
    """Sends through Twilio's Messages API with the official SDK."""

    def __init__(self):
        from twilio.rest import Client

        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)

    def send(self, message: SmsMessage) -> str:
        from twilio.base.exceptions import TwilioException

        kwargs = {"to": message.to, "body": message.body}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            kwargs["from_"] = settings.TWILIO_FROM_NUMBER
        if message.status_callback:
            kwargs["status_callback"] = message.status_callback
        try:
            return self.client.messages.create(**kwargs).sid
        except TwilioException as exc:
            raise SmsError(str(exc)) from exc
