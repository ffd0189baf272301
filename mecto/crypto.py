"""Secrets at rest: Fernet encryption with the keys of settings.FIELD_ENCRYPTION_KEYS, and
hashes of the tokens in links (see "Secrets at rest" in docs/platform.md).

The first key encrypts; every key decrypts, so keys rotate by putting a new one first and
running `manage.py rotate_encryption_keys`. With no keys set (local development only) a
key is derived from SECRET_KEY; `manage.py check --deploy` refuses that in production.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def hash_token(token: str) -> str:
    """What is stored of a link's token: its SHA-256 (the token is random, 256 bits)."""
    return hashlib.sha256((token or "").encode()).hexdigest()


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""


def _keys() -> tuple[str, ...]:
    keys = tuple(k for k in (settings.FIELD_ENCRYPTION_KEYS or []) if k)
    if keys:
        return keys
    derived = hashlib.sha256(f"{settings.SECRET_KEY}:field-encryption".encode()).digest()
    return (base64.urlsafe_b64encode(derived).decode(),)


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt with the newest key."""
    if not token:
        return ""
    try:
        return _fernet(_keys()).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with the configured keys") from exc


_rotations: list = []


def register_rotation(func) -> None:
    """`func()` re-encrypts secrets kept outside an `EncryptedTextField` (inside JSON, say)
    with the newest key and returns how many it did; `rotate_encryption_keys` runs it."""
    _rotations.append(func)


def rotations() -> list:
    return list(_rotations)


class EncryptedTextField(models.TextField):
    """Text stored encrypted; reads give the plain text back."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)
