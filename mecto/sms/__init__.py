"""Sending SMS behind one interface: Twilio in production, console/file/memory otherwise.

`send_sms(to=..., body=...)` returns the provider's message id. The backend comes from
`SMS_BACKEND`; with Twilio credentials set and no explicit backend, Twilio is used.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .backends import SmsError, SmsMessage  # noqa: F401


def get_backend():
    path = settings.SMS_BACKEND
    if not path:
        path = (
            "mecto.sms.backends.TwilioBackend" if settings.TWILIO_ACCOUNT_SID else "mecto.sms.backends.ConsoleBackend"
        )
    return import_string(path)()


def send_sms(*, to: str, body: str, status_callback: str | None = None, idempotency_key: str | None = None) -> str:
    return get_backend().send(
        SmsMessage(to=to, body=body, status_callback=status_callback, idempotency_key=idempotency_key)
    )
