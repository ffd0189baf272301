"""The one sending mechanism: every email, text message and push notification the product sends.

A service writes a message row in its own transaction (`queue_email` / `queue_sms` /
`queue_push`, each with a unique idempotency key); the worker delivers it after commit
through the provider (SendGrid, Twilio, a browser's push service, or the embedded
console/file backends); a sweep sends what a lost task left behind; the providers' signed
webhooks update its status. Before every send one check runs per business + channel +
address: marketing needs recorded consent and no opt-out; transactional messages ignore
marketing opt-outs but never go to a hard-bounced address, a number that texted STOP, a
topic the person opted out of, or a device whose notifications were turned off.
See docs/platform.md.
"""

from .consent import (
    check,
    is_opted_out,
    latest_consent,
    lift,
    opt_in_to_topic,
    opt_out_of_topic,
    record_consent,
    suppress,
)
from .errors import SendError
from .outbox import bulk_handoff, is_queued, queue_email, queue_push, queue_sms, render_email
from .registry import Composed, register_composer, register_topic, topics

__all__ = [
    "Composed",
    "SendError",
    "bulk_handoff",
    "check",
    "is_opted_out",
    "is_queued",
    "latest_consent",
    "lift",
    "opt_in_to_topic",
    "opt_out_of_topic",
    "queue_email",
    "queue_push",
    "queue_sms",
    "record_consent",
    "register_composer",
    "register_topic",
    "render_email",
    "suppress",
    "topics",
]
