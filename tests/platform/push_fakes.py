"""A browser's side of web push for tests: a device key pair and auth secret (what
`PushManager.subscribe()` makes), and the checks a push service runs on what we post:
the aes128gcm payload decrypts with the device's key, the VAPID JWT verifies."""

from __future__ import annotations

import base64
import json
import os
from urllib.parse import urlsplit

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

FCM = "https://fcm.googleapis.com/fcm/send/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


class FakeBrowser:
    """One device: its endpoint at a push service and the keys payloads are encrypted to."""

    def __init__(self, endpoint: str | None = None):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint or FCM + b64url(os.urandom(24))

    @property
    def p256dh(self) -> str:
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(raw)

    def subscription_json(self) -> dict:
        """What `subscription.toJSON()` gives the page."""
        keys = {"p256dh": self.p256dh, "auth": b64url(self.auth)}
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": keys}

    def subscribe(self, user, organization=None):
        from mecto.comms import push

        return push.subscribe(
            user=user,
            endpoint=self.endpoint,
            p256dh=self.p256dh,
            auth=b64url(self.auth),
            user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36",
            organization=organization,
        )

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def vapid_claims(request, public_key: str) -> dict:
    """The push service's check of `Authorization: vapid t=<JWT>,k=<key>`: the key is ours and
    the ES256 JWT verifies against it with aud = the endpoint's origin; returns its claims."""
    scheme, _, params = request.headers["Authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(fields["k"]))
    parts = urlsplit(request.url)
    return jwt.decode(fields["t"], key=key, algorithms=["ES256"], audience=f"{parts.scheme}://{parts.netloc}")
