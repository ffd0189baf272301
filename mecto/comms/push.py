"""Web push for the sending mechanism: the devices people turned notifications on, the
VAPID keys the platform signs with, and the backend that hands one notification to the
browser's push service (pywebpush: RFC 8291 aes128gcm encryption, RFC 8292 VAPID).

A push is a message row like an email (channel "push", one row per device, addressed to
the subscription's `public_id`); the worker sends it after commit. The push service's
answer decides the row: 201 sent; 404/410 the device unsubscribed, so the subscription is
deleted and the message failed; 429/5xx try again later (the comms retry rules); any
other refusal fails it and counts against the subscription.

Keys: `VAPID_PUBLIC_KEY` / `VAPID_PRIVATE_KEY` (base64url, the raw P-256 points) from the
environment; without them and with `VAPID_KEY_FILE` set (dev, tests) a pair is made once
into that file (`manage.py vapid_keys` does the same). With neither, push is off: nothing
is queued and the opt-in toggle is not offered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.branding import brand_for

from .errors import SendError

logger = logging.getLogger(__name__)

URGENCIES = ("very-low", "low", "normal", "high")
MAX_TITLE = 120
MAX_BODY = 400  # the encrypted payload may be 4 KB at most; a notification shows far less
TIMEOUT = 10  # seconds for the push service to answer
DEFAULT_TTL = 6 * 3600  # seconds a push service keeps a notification for an offline device


# --- Validation of what a browser sends -----------------------------------------------------------
def _b64url_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise ValueError("not base64url")
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in value):
        raise ValueError("not base64url")
    stripped = value.rstrip("=")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def validate_p256dh(value: str) -> None:
    """The browser's P-256 public key: 65 bytes, an uncompressed point (0x04 …), base64url."""
    try:
        raw = _b64url_decode(value)
    except ValueError:
        raw = b""
    if len(raw) != 65 or raw[0] != 4:
        raise ValidationError(_("The device's public key (p256dh) is not a base64url P-256 key."), code="invalid")


def validate_auth(value: str) -> None:
    """The browser's auth secret: 16 bytes, base64url."""
    try:
        raw = _b64url_decode(value)
    except ValueError:
        raw = b""
    if len(raw) != 16:
        raise ValidationError(_("The device's auth secret is not 16 bytes of base64url."), code="invalid")


def push_service_hosts() -> list[str]:
    return [h.lower().lstrip(".") for h in getattr(settings, "PUSH_SERVICE_HOSTS", []) if h]


def validate_endpoint(value: str) -> None:
    """An https URL of a known push service: the worker posts to it, so an address of our
    own network or anyone else's server is refused (no requests on a stranger's behalf)."""
    from .models import PushSubscription

    if not isinstance(value, str) or len(value) > PushSubscription.MAX_ENDPOINT_LENGTH:
        raise ValidationError(_("The push endpoint is too long."), code="max_length")
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise ValidationError(_("The push endpoint must be an https address."), code="invalid")
    if parts.port not in (None, 443):
        raise ValidationError(_("The push endpoint must use the standard https port."), code="invalid")
    host = parts.hostname.lower()
    if not any(host == allowed or host.endswith("." + allowed) for allowed in push_service_hosts()):
        raise ValidationError(_("This browser's push service is not one we send to."), code="unknown_service")


# --- Keys ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # base64url uncompressed point: the browser's `applicationServerKey`
    private_key: str  # base64url raw 32-byte scalar
    subject: str  # mailto: or https: contact for the push services


def generate_key_pair() -> tuple[str, str]:
    """A new P-256 pair as (public, private), both base64url as the settings take them."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url_encode(public), _b64url_encode(private)


_file_lock = threading.Lock()


def _key_file() -> Path | None:
    path = getattr(settings, "VAPID_KEY_FILE", "")
    return Path(path) if path else None


def load_or_create_key_file(path: Path) -> tuple[str, str]:
    """The pair kept in `path` (JSON), made on first use; readable by this user only."""
    with _file_lock:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            return data["public_key"], data["private_key"]
        public, private = generate_key_pair()
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
            json.dump({"public_key": public, "private_key": private}, fh)
        return public, private


def default_subject() -> str:
    if settings.VAPID_SUBJECT:
        return settings.VAPID_SUBJECT
    if settings.SITE_URL.startswith("https://"):
        return settings.SITE_URL
    address = settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">").strip()
    return f"mailto:{address}"


def vapid_keys() -> VapidKeys | None:
    """The platform's VAPID keys, or None when push is not configured."""
    public, private = settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY
    if not (public and private):
        path = _key_file()
        if path is None:
            return None
        public, private = load_or_create_key_file(path)
    return VapidKeys(public_key=public, private_key=private, subject=default_subject())


def key_problems() -> list[str]:
    """What is wrong with the configured pair (a system check reports it at start-up)."""
    public, private = settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY
    if not (public or private):
        return []
    if not (public and private):
        return ["Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither."]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        raw = _b64url_decode(private)
        key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError:
        return ["VAPID_PRIVATE_KEY is not a base64url P-256 private key (32 bytes)."]
    derived = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    if len(raw) != 32 or _b64url_encode(derived) != public.rstrip("="):
        return ["VAPID_PUBLIC_KEY is not the public key of VAPID_PRIVATE_KEY."]
    return []


def is_enabled() -> bool:
    return vapid_keys() is not None


def public_key() -> str:
    keys = vapid_keys()
    return keys.public_key if keys else ""


# --- Subscriptions -------------------------------------------------------------------------------
def max_devices() -> int:
    return int(getattr(settings, "PUSH_MAX_DEVICES", 10))


def max_failures() -> int:
    return int(getattr(settings, "PUSH_MAX_FAILURES", 5))


def short_user_agent(value: str) -> str:
    """A label a person recognises in a list of devices ("Chrome on Android")."""
    value = value or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("SamsungBrowser/", "Samsung Internet"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in value
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Mac OS X", "macOS"),
                ("Windows", "Windows"),
                ("Linux", "Linux"),
            )
            if token in value
        ),
        "",
    )
    if browser and system:
        return f"{browser} on {system}"
    return (browser or system or value)[:120]


@transaction.atomic
def subscribe(*, user, endpoint: str, p256dh: str, auth: str, user_agent: str = "", organization=None):
    """Turn notifications on for one device of `user` (the same endpoint again refreshes its
    keys). A device another person had is theirs no more: one browser profile, one person.
    Beyond `PUSH_MAX_DEVICES` the device notified longest ago is dropped."""
    from .models import PushSubscription

    validate_endpoint(endpoint)
    validate_p256dh(p256dh)
    validate_auth(auth)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "organization": organization,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": short_user_agent(user_agent),
            "failure_count": 0,
        },
    )
    keep = list(
        PushSubscription.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[: max_devices()]
    )
    PushSubscription.objects.filter(user=user).exclude(pk__in=keep).delete()
    return subscription


def unsubscribe(*, user, endpoint: str) -> bool:
    """Turn notifications off for one device of `user`; False if it was not theirs (or gone)."""
    from .models import PushSubscription

    deleted, _by_model = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


# --- Sending -------------------------------------------------------------------------------------
def _absolute(url: str) -> str:
    if not url or url.startswith(("https://", "http://")):
        return url
    return settings.SITE_URL + (url if url.startswith("/") else f"/{url}")


def payload_for(message, content) -> dict:
    """The JSON the service worker (static/js/sw-push.js) shows: title, body, url, tag, icon."""
    data = {**(message.context or {}), **(content.data or {})}
    brand = brand_for(message.organization)
    return {
        "title": (content.subject or brand.name)[:MAX_TITLE],
        "body": (content.text or "")[:MAX_BODY],
        "url": _absolute(data.get("url") or "/"),
        "tag": str(data.get("tag") or message.topic)[:64],
        "icon": _absolute(brand.icon_url or static("img/push-icon.png")),
        "badge": _absolute(static("img/push-badge.png")),
    }


def topic_header(tag: str) -> str:
    """RFC 8030 Topic (at most 32 base64url characters): a newer notification with the same
    tag replaces one the push service still holds for an offline device."""
    return _b64url_encode(hashlib.sha256(tag.encode()).digest())[:32]


class WebPushBackend:
    """Hands one notification to the browser's push service through pywebpush.

    A repeat is harmless: it carries the same tag (and Topic), so the device replaces the
    notification instead of showing a second one; the sweep may send it again."""

    name = "webpush"
    supports_idempotency = True

    def send(self, *, subscription, payload: dict, ttl: int, urgency: str) -> str:
        import requests
        from py_vapid import Vapid
        from pywebpush import WebPushException, webpush

        keys = vapid_keys()
        if keys is None:
            raise SendError("Push notifications are not configured (VAPID keys).")
        headers = {"Urgency": urgency if urgency in URGENCIES else "normal", "Topic": topic_header(payload["tag"])}
        try:
            response = webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=json.dumps(payload, separators=(",", ":")),
                vapid_private_key=Vapid.from_string(private_key=keys.private_key),
                vapid_claims={"sub": keys.subject},  # aud (the endpoint's origin) and exp are added
                ttl=max(0, int(ttl)),
                headers=headers,
                timeout=TIMEOUT,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            raise self._refused(subscription, status, exc) from exc
        except requests.exceptions.RequestException as exc:
            # No answer: the device replaces a repeated notification (same tag), so trying
            # again is safe even if the push service had it.
            raise SendError(f"Could not reach the push service: {exc}", temporary=True) from exc
        type(subscription).objects.filter(pk=subscription.pk).update(last_used_at=timezone.now(), failure_count=0)
        location = response.headers.get("Location", "") if hasattr(response, "headers") else ""
        return location.rstrip("/").rsplit("/", 1)[-1][:128]

    def _refused(self, subscription, status: int | None, exc) -> SendError:
        if status in (404, 410):
            # The person turned notifications off on the device, or the browser dropped it.
            type(subscription).objects.filter(pk=subscription.pk).delete()
            return SendError(f"The device no longer takes notifications ({status}); its subscription was removed.")
        if status == 429 or (status is not None and status >= 500):
            return SendError(f"The push service asked us to try later ({status}).", temporary=True)
        rows = type(subscription).objects.filter(pk=subscription.pk)
        rows.update(failure_count=F("failure_count") + 1)
        rows.filter(failure_count__gte=max_failures()).delete()
        return SendError(f"The push service refused the notification ({status or exc}).")


def get_backend():
    from django.utils.module_loading import import_string

    path = getattr(settings, "PUSH_BACKEND", "") or "mecto.comms.push.WebPushBackend"
    return import_string(path)()


def deliver(message, address: str, content) -> tuple[str, str]:
    """Send one push row (called by the worker after the consent check)."""
    from .models import PushSubscription

    subscription = PushSubscription.objects.filter(public_id=address).first()
    if subscription is None:
        raise SendError("Notifications were turned off on this device.")
    headers = message.headers or {}
    backend = get_backend()
    provider_id = backend.send(
        subscription=subscription,
        payload=payload_for(message, content),
        ttl=int(headers.get("TTL", DEFAULT_TTL)),
        urgency=str(headers.get("Urgency", "normal")),
    )
    return getattr(backend, "name", backend.__class__.__name__), provider_id
