"""Signing (Standard Webhooks reference library) and delivery of one attempt.

Headers: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<sig>[ v1,<sig of the
previous secret during a rotation's overlap>]`. Requests connect to the address the SSRF
guard vetted (the host name is kept for the Host header, SNI and certificate check) and
follow no redirects.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
import time
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from django.utils import timezone
from requests.adapters import HTTPAdapter
from standardwebhooks import Webhook

from .ssrf import UnsafeURL, Vetted, check_url

TIMEOUT_SECONDS = 15
# Delay before each retry after the first attempt (seconds): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
JITTER = 0.1
RETRY_AFTER_CAP = 24 * 3600
DISABLE_AFTER = timedelta(days=5)
ROTATION_OVERLAP = timedelta(hours=24)
BODY_EXCERPT = 2048
USER_AGENT = "Mecto-Webhooks/1.0"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def body_of(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str)


def signature_header(secrets_: list[str], msg_id: str, when: datetime, body: str) -> str:
    return " ".join(Webhook(s).sign(msg_id=msg_id, timestamp=when, data=body) for s in secrets_ if s)


def signing_secrets(endpoint, now: datetime | None = None) -> list[str]:
    now = now or timezone.now()
    found = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        found.append(endpoint.previous_secret)
    return found


def signed_headers(endpoint, msg_id: str, body: str, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature_header(signing_secrets(endpoint, now), msg_id, now, body),
    }


def retry_delay(attempt: int, rng=random) -> float | None:
    """Seconds to wait after failed attempt number `attempt` (1-based); None: give up."""
    if attempt > len(RETRY_SCHEDULE):
        return None
    base = RETRY_SCHEDULE[attempt - 1]
    return base * (1 + rng.uniform(-JITTER, JITTER))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """`Retry-After` in seconds or as an HTTP date, capped at 24 h; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), RETRY_AFTER_CAP))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.UTC)
    seconds = (when - (now or timezone.now())).total_seconds()
    return float(min(max(seconds, 0), RETRY_AFTER_CAP))


class PinnedAdapter(HTTPAdapter):
    """Connects to the vetted IP while checking the certificate against the host name."""

    def __init__(self, host: str, **kwargs):
        self._host = host
        super().__init__(**kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if host_params.get("scheme") == "https":
            pool_kwargs["server_hostname"] = self._host
            pool_kwargs["assert_hostname"] = self._host
        return host_params, pool_kwargs


def pinned_url(url: str, vetted: Vetted) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    ip = vetted.ips[0]
    netloc = f"[{ip}]" if ":" in ip else ip
    default = 443 if vetted.scheme == "https" else 80
    if vetted.port != default:
        netloc += f":{vetted.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


class Outcome:
    def __init__(self, status=None, body="", error="", retry_after=None, duration_ms=0):
        self.status, self.body, self.error = status, body, error
        self.retry_after, self.duration_ms = retry_after, duration_ms

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, headers: dict, body: str) -> Outcome:
    """One POST, SSRF-checked now (after DNS resolution), to the vetted address, no redirects."""
    started = time.monotonic()
    try:
        vetted = check_url(url)
    except UnsafeURL as exc:
        return Outcome(error=str(exc))
    session = requests.Session()
    session.mount(f"{vetted.scheme}://", PinnedAdapter(vetted.host))
    host_header = vetted.host if vetted.port in (80, 443) else f"{vetted.host}:{vetted.port}"
    try:
        response = session.post(
            pinned_url(url, vetted),
            data=body.encode(),
            headers={**headers, "host": host_header},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        )
    except requests.RequestException as exc:
        return Outcome(error=f"{type(exc).__name__}: {exc}"[:500], duration_ms=_ms(started))
    finally:
        session.close()
    try:
        excerpt = response.raw.read(BODY_EXCERPT, decode_content=True) if response.raw else b""
    except Exception:  # a broken body is still an answer with a status code
        excerpt = b""
    finally:
        response.close()
    outcome = Outcome(
        status=response.status_code,
        body=excerpt[:BODY_EXCERPT].decode("utf-8", "replace"),
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
        duration_ms=_ms(started),
    )
    if response.is_redirect or 300 <= response.status_code < 400:
        outcome.error = f"redirect to {response.headers.get('Location', '?')[:300]} not followed"
    return outcome


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
