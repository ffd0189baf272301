"""SendGrid at the HTTP boundary: the Mail Send endpoint answered by a `responses` registry."""

from __future__ import annotations

import http.client
import io
import json
import urllib.error
import urllib.request
import urllib.response
from contextlib import contextmanager
from itertools import count

import requests
import responses

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
