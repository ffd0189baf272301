"""SendGrid at the HTTP boundary: the Mail Send endpoint answered by a `responses` registry,
events shaped like SendGrid's Event Webhook reference, and batches signed with a real
ECDSA P-256 key the way SendGrid signs them (sha256 over timestamp + body)."""

from __future__ import annotations

import base64
import http.client
import io
import json
import time
import urllib.error
import urllib.request
import urllib.response
from contextlib import contextmanager
from itertools import count

import requests
import responses
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

MAIL_SEND = "https://api.sendgrid.com/v3/mail/send"
_ids = count(1)


class _HttpsThroughRequests(urllib.request.HTTPSHandler):
    """The SendGrid SDK speaks urllib (python-http-client), which `responses` cannot see.
    This handler hands each HTTPS request urllib built to `requests`, where the registry
    answers it, and gives urllib back the status, headers and body: the SDK still builds
    and reads real HTTP, including its error classes for 4xx/5xx."""

    def https_open(self, req):
        try:
            answer = requests.request(
                req.get_method(), req.full_url, data=req.data, headers=dict(req.header_items()), timeout=req.timeout
            )
        except requests.ConnectionError as exc:  # what urllib raises when it cannot connect
            raise urllib.error.URLError(exc) from exc
        headers = http.client.HTTPMessage()
        for name, value in answer.headers.items():
            headers[name] = value
        response = urllib.response.addinfourl(io.BytesIO(answer.content), headers, req.full_url, answer.status_code)
        response.msg = answer.reason
        return response


class _NoProxy(urllib.request.ProxyHandler):
    def __init__(self):
        super().__init__({})


@contextmanager
def sendgrid_api(monkeypatch):
    """A `responses` registry that also answers the SendGrid SDK; every registered call must happen."""
    monkeypatch.setattr(urllib.request, "HTTPSHandler", _HttpsThroughRequests)
    monkeypatch.setattr(urllib.request, "ProxyHandler", _NoProxy)
    with responses.RequestsMock() as registry:
        yield registry


def accepted(registry, message_id: str | None = None) -> str:
    """202 Accepted with the X-Message-Id header, as Mail Send answers."""
    message_id = message_id or f"W86EgYT6SQKk0lRflf{next(_ids):04d}"
    registry.add(responses.POST, MAIL_SEND, status=202, body=b"", headers={"X-Message-Id": message_id})
    return message_id


def refused(registry, status: int, message: str, field: str | None = None) -> None:
    error = {"message": message, "field": field, "help": None}
    registry.add(responses.POST, MAIL_SEND, status=status, json={"errors": [error]})


def request_body(call) -> dict:
    return json.loads(call.request.body)


# --- Events ------------------------------------------------------------------------------------------
def event(kind: str, *, email: str, message=None, sg_message_id: str = "", at: int | None = None, **fields) -> dict:
    """One event as SendGrid posts it; our custom args (message_id, idempotency_key) sit at
    the top level, beside SendGrid's own fields."""
    row = {
        "email": email,
        "timestamp": at or int(time.time()),
        "smtp-id": f"<{sg_message_id or 'x'}@ismtpd0001p1lon1.sendgrid.net>",
        "event": kind,
        "category": ["transactional", "account"],
        "sg_event_id": f"sg_event_{next(_ids):06d}_{kind}",
        "sg_message_id": f"{sg_message_id}.filter0001p1las1-16816-5A023E36-1.0" if sg_message_id else "",
    }
    if message is not None:
        row["message_id"] = str(message.pk)
        row["idempotency_key"] = message.idempotency_key
    row.update(fields)
    return row


def delivered(**kw) -> dict:
    return event("delivered", response="250 OK", ip="168.1.1.1", tls=1, cert_err=0, **kw)


def hard_bounce(**kw) -> dict:
    return event(
        "bounce",
        reason="550 5.1.1 The email account that you tried to reach does not exist.",
        status="5.1.1",
        type="bounce",
        bounce_classification="Invalid Address",
        **kw,
    )


class Signer:
    """SendGrid's side of the Signed Event Webhook: a key pair, the public half as the base64
    DER string SendGrid shows in Mail Settings."""

    def __init__(self):
        self._key = ec.generate_private_key(ec.SECP256R1())
        der = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.public_key = base64.b64encode(der).decode("ascii")

    def sign(self, body: bytes, timestamp: str) -> str:
        return base64.b64encode(self._key.sign(timestamp.encode("utf-8") + body, ec.ECDSA(hashes.SHA256()))).decode()

    def headers(self, body: bytes, *, timestamp: int | None = None) -> dict:
        stamp = str(timestamp or int(time.time()))
        return {
            "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": self.sign(body, stamp),
            "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP": stamp,
        }


def post_events(client, signer: Signer, events, *, body: bytes | None = None, **headers):
    """POST a batch as SendGrid does (one JSON array, one line per event), signed unless told."""
    body = body if body is not None else ("[" + ",\r\n".join(json.dumps(e) for e in events) + "]\r\n").encode()
    signed = signer.headers(body) if signer else {}
    signed.update(headers)
    return client.post("/webhooks/sendgrid/events/", data=body, content_type="application/json", **signed)
