"""Creating and revoking API tokens. The secret is shown once and stored as its SHA-256:
it is 256 random bits, so a fast hash is safe (nothing to brute-force), unlike a password,
and the lookup stays one indexed query per request."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.crypto import hash_token
from mecto.errors import DomainError

from .models import ApiToken
from .models_tokens import LEVELS, NONE, RESOURCES

TOKEN_PREFIX = "mecto_pat_"
LOOKUP_LENGTH = len(TOKEN_PREFIX) + 8
LAST_USED_EVERY = timedelta(minutes=1)


class TokenError(DomainError):
    pass


def clean_scopes(scopes: dict | None) -> dict:
    scopes = scopes or {}
    if not isinstance(scopes, dict):
        raise TokenError(_("Scopes map each resource to none, read or write."), field="scopes")
    unknown = set(scopes) - set(RESOURCES)
    if unknown:
        raise TokenError(_("Unknown resource: %(names)s.") % {"names": ", ".join(sorted(unknown))}, field="scopes")
    cleaned = {}
    for resource in RESOURCES:
        level = scopes.get(resource, NONE)
        if level not in LEVELS:
            raise TokenError(_("Scopes are none, read or write."), field="scopes")
        cleaned[resource] = level
    if all(level == NONE for level in cleaned.values()):
        raise TokenError(_("Give the token at least one scope."), field="scopes")
    return cleaned


@transaction.atomic
def create_token(*, organization, actor, name: str, scopes: dict, expires_in_days: int | None = None):
    """Returns (token, secret): the secret is never stored and never shown again."""
    membership = actor.memberships.filter(organization=organization).first() if actor else None
    if membership is None or membership.role != "owner":
        raise TokenError(_("Only an owner of the business can create API tokens."))
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_in_days is None else int(expires_in_days)
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise TokenError(
            _("A token expires after 1 to %(max)s days.") % {"max": settings.API_TOKEN_MAX_DAYS},
            field="expires_in_days",
        )
    name = (name or "").strip()[:100]
    if not name:
        raise TokenError(_("Give the token a name."), field="name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=organization,
        name=name,
        prefix=secret[:LOOKUP_LENGTH],
        secret_hash=hash_token(secret),
        scopes=clean_scopes(scopes),
        expires_at=timezone.now() + timedelta(days=days),
        created_by=actor,
    )
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, actor) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def find_token(secret: str) -> ApiToken | None:
    """The active token with this secret, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_token(secret)
    for token in ApiToken.objects.filter(prefix=secret[:LOOKUP_LENGTH]).select_related("organization", "created_by"):
        if hmac.compare_digest(token.secret_hash, digest):
            return token if token.is_active else None
    return None


def touch(token: ApiToken, ip: str | None) -> None:
    """Record the use, at most once a minute per token (no write on every request)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_EVERY and token.last_used_ip == ip:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip or None)
    token.last_used_at, token.last_used_ip = now, ip
