"""Calling a provider's API as a coach: fresh access tokens (refreshed before they expire,
and once more on a 401), and revoked access detected and recorded."""

from __future__ import annotations

import logging
from datetime import timedelta

import requests
from django.db import transaction
from django.utils import timezone

from .models import ConnectedAccount

logger = logging.getLogger(__name__)
TIMEOUT = 20

TOKEN_URLS = {
    ConnectedAccount.Provider.GOOGLE: "https://oauth2.googleapis.com/token",
    ConnectedAccount.Provider.MICROSOFT: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    ConnectedAccount.Provider.ZOOM: "https://zoom.us/oauth/token",
}
# The errors an OAuth token endpoint answers when the grant is gone (RFC 6749 §5.2).
REVOKED_ERRORS = {"invalid_grant", "unauthorized_client", "invalid_client", "invalid_request"}


class ProviderError(Exception):
    """The provider failed or refused; the message is safe to show to the coach."""


class AccessRevoked(ProviderError):
    """The coach revoked our access (or it expired for good): they must reconnect."""


def app_credentials(provider: str) -> tuple[str, str]:
    """Client id and secret of our OAuth app at `provider` (allauth's configuration)."""
    from allauth.socialaccount.adapter import get_adapter

    try:
        app = get_adapter().get_app(None, provider)
    except Exception as exc:  # SocialApp.DoesNotExist / MultipleObjectsReturned
        raise ProviderError(f"{provider} is not configured on this server") from exc
    return app.client_id, app.secret


def mark_revoked(connection: ConnectedAccount, reason: str) -> None:
    from .services import record_revoked_access

    record_revoked_access(connection=connection, reason=reason)


def refresh_access_token(connection: ConnectedAccount) -> ConnectedAccount:
    """Exchange the refresh token for a new access token (and a new refresh token where
    the provider rotates them). A refused grant marks the connection revoked."""
    with transaction.atomic():
        # Lock the row: two workers must not both spend a rotating refresh token.
        locked = ConnectedAccount.objects.select_for_update().get(pk=connection.pk)
        if locked.access_token != connection.access_token and _fresh(locked):
            return locked  # another worker refreshed it meanwhile
        if not locked.refresh_token:
            raise_revoked = True
        else:
            raise_revoked = False
            client_id, secret = app_credentials(locked.provider)
            data = {"grant_type": "refresh_token", "refresh_token": locked.refresh_token}
            auth = None
            if locked.provider == ConnectedAccount.Provider.ZOOM:
                auth = (client_id, secret)
            else:
                data.update(client_id=client_id, client_secret=secret)
            if locked.provider == ConnectedAccount.Provider.MICROSOFT and locked.scopes:
                data["scope"] = locked.scopes
            try:
                response = requests.post(TOKEN_URLS[locked.provider], data=data, auth=auth, timeout=TIMEOUT)
            except requests.RequestException as exc:
                raise ProviderError(f"could not reach {locked.provider}: {exc.__class__.__name__}") from exc
            body = _json(response)
            if response.status_code in (400, 401) and (
                body.get("error") in REVOKED_ERRORS or response.status_code == 401
            ):
                raise_revoked = True
            elif response.status_code >= 400 or not body.get("access_token"):
                raise ProviderError(f"{locked.provider} token refresh failed ({response.status_code})")
            else:
                locked.access_token = body["access_token"]
                if body.get("refresh_token"):
                    locked.refresh_token = body["refresh_token"]
                expires_in = int(body.get("expires_in") or 3600)
                locked.expires_at = timezone.now() + timedelta(seconds=expires_in)
                locked.last_error = ""
                locked.save(update_fields=["access_token", "refresh_token", "expires_at", "last_error", "updated_at"])
                return locked
    if raise_revoked:
        mark_revoked(connection, "The provider refused to renew access.")
        raise AccessRevoked(f"{connection.get_provider_display()} access was revoked")
    return connection  # pragma: no cover


def _fresh(connection: ConnectedAccount) -> bool:
    return connection.expires_at is None or connection.expires_at > timezone.now() + timedelta(seconds=60)


def _json(response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def api_request(connection: ConnectedAccount, method: str, url: str, **kwargs) -> requests.Response:
    """An authorised request as the coach; refreshes an expiring token first and retries
    once after a 401. Raises AccessRevoked when access is gone for good."""
    if not connection.is_active:
        raise AccessRevoked(f"{connection.get_provider_display()} is not connected")
    if not _fresh(connection):
        connection = refresh_access_token(connection)
    headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {connection.access_token}"}
    try:
        response = requests.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)
        if response.status_code == 401:
            connection = refresh_access_token(connection)
            headers["Authorization"] = f"Bearer {connection.access_token}"
            response = requests.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)
            if response.status_code == 401:
                mark_revoked(connection, "The provider refused our access token.")
                raise AccessRevoked(f"{connection.get_provider_display()} access was revoked")
    except requests.RequestException as exc:
        raise ProviderError(f"could not reach {connection.provider}: {exc.__class__.__name__}") from exc
    return response


def check(response: requests.Response, what: str, ok_missing: bool = False) -> dict:
    """The JSON body of a successful response, or ProviderError naming what failed."""
    if ok_missing and response.status_code in (404, 410):
        return {}
    if response.status_code >= 400:
        raise ProviderError(f"{what} failed ({response.status_code})")
    return _json(response)
