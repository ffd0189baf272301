"""Every write about connected accounts: connect (from an allauth social login), change,
revoked access, disconnect."""

from __future__ import annotations

import logging

import requests
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.services import check_fields

from .models import CalendarEventLink, ConnectedAccount, ExternalBusyTime

logger = logging.getLogger(__name__)

register_event_type("integration.connected", gettext_lazy("A coach connected a calendar or video account"))
register_event_type("integration.revoked", gettext_lazy("A connected account lost its access and needs reconnecting"))

# What each provider is asked for when a coach connects it.
SCOPES = {
    ConnectedAccount.Provider.GOOGLE: [
        "https://www.googleapis.com/auth/calendar.events",
        "https://www.googleapis.com/auth/meetings.space.created",
    ],
    ConnectedAccount.Provider.MICROSOFT: ["offline_access", "Calendars.ReadWrite", "OnlineMeetings.ReadWrite"],
    ConnectedAccount.Provider.ZOOM: [],
}


class IntegrationError(DomainError):
    pass


@transaction.atomic
def save_connection(
    *,
    organization,
    user,
    provider: str,
    access_token: str,
    refresh_token: str = "",
    expires_at=None,
    account_email: str = "",
    social_account=None,
    scopes: str = "",
) -> ConnectedAccount:
    """Store (encrypted) the tokens a coach granted; reconnecting revives a revoked account."""
    if provider not in ConnectedAccount.Provider.values:
        raise IntegrationError(_("Unknown provider."), field="provider")
    if not access_token:
        raise IntegrationError(_("The provider did not grant access."), field="provider")
    connection = (
        ConnectedAccount.objects.select_for_update()
        .filter(organization=organization, user=user, provider=provider)
        .first()
    )
    created = connection is None
    if created:
        connection = ConnectedAccount(organization=organization, user=user, provider=provider)
    connection.access_token = access_token
    if refresh_token:  # providers send a refresh token only on the first consent
        connection.refresh_token = refresh_token
    connection.expires_at = expires_at
    connection.account_email = account_email or connection.account_email
    connection.social_account = social_account or connection.social_account
    connection.scopes = scopes or connection.scopes
    connection.status = ConnectedAccount.Status.ACTIVE
    connection.last_error = ""
    connection.save()
    emit(organization, "integration.connected", {"connection_id": connection.pk, "provider": provider}, actor=user)
    if connection.has_calendar:
        from .tasks import sync_calendar

        transaction.on_commit(lambda: sync_calendar.delay(connection.pk))
    return connection


def connect_from_social_login(*, request, sociallogin) -> ConnectedAccount | None:
    """allauth finished a *connect* started from the integrations page: keep the tokens."""
    from mecto.tenancy import get_tenant

    state = sociallogin.state or {}
    if state.get("process") != "connect" or not str(state.get("next") or "").startswith("/integrations/"):
        return None
    tenant = get_tenant(request)
    token = sociallogin.token
    if not tenant.is_member or token is None or not token.token:
        return None
    provider = sociallogin.account.provider
    data = sociallogin.account.extra_data or {}
    email = data.get("email") or data.get("mail") or data.get("userPrincipalName") or ""
    return save_connection(
        organization=tenant.organization,
        user=request.user,
        provider=provider,
        access_token=token.token,
        refresh_token=token.token_secret or "",
        expires_at=token.expires_at,
        account_email=email,
        social_account=sociallogin.account if sociallogin.account.pk else None,
        scopes=" ".join(SCOPES.get(provider, [])),
    )


@transaction.atomic
def update_connection(*, connection: ConnectedAccount, actor=None, **fields) -> ConnectedAccount:
    check_fields(fields, {"calendar_sync", "calendar_id"}, error=IntegrationError)
    for key, value in fields.items():
        setattr(connection, key, value)
    connection.calendar_id = str(connection.calendar_id or "").strip()
    if not connection.calendar_id:
        raise IntegrationError(_("Name the calendar to use, or “primary”."), field="calendar_id")
    if len(connection.calendar_id) > ConnectedAccount._meta.get_field("calendar_id").max_length:
        raise IntegrationError(_("A calendar id is at most 255 characters."), field="calendar_id")
    connection.save()
    if not connection.calendar_sync:
        ExternalBusyTime.objects.filter(connection=connection).delete()
    return connection


def record_revoked_access(*, connection: ConnectedAccount, reason: str) -> None:
    """The provider refused us for good: stop using the account, forget its busy times,
    and tell the coach once so they can reconnect."""
    with transaction.atomic():
        updated = ConnectedAccount.objects.filter(pk=connection.pk, status=ConnectedAccount.Status.ACTIVE).update(
            status=ConnectedAccount.Status.REVOKED,
            access_token="",
            last_error=reason[:1000],
            updated_at=timezone.now(),
        )
        ExternalBusyTime.objects.filter(connection_id=connection.pk).delete()
        if updated:
            emit(
                connection.organization,
                "integration.revoked",
                {"connection_id": connection.pk, "provider": connection.provider, "user_id": connection.user_id},
            )
    connection.status = ConnectedAccount.Status.REVOKED


REVOKE_URLS = {
    ConnectedAccount.Provider.GOOGLE: "https://oauth2.googleapis.com/revoke",
}


@transaction.atomic
def disconnect(*, connection: ConnectedAccount, actor=None) -> None:
    """Forget the account (tokens, busy times, event links); Google is told to revoke too."""
    url = REVOKE_URLS.get(connection.provider)
    token = connection.refresh_token or connection.access_token
    if url and token:
        try:
            requests.post(url, data={"token": token}, timeout=10)
        except requests.RequestException:
            logger.warning("Could not revoke the token of connection %s at the provider", connection.pk)
    CalendarEventLink.objects.filter(connection=connection).delete()
    ExternalBusyTime.objects.filter(connection=connection).delete()
    connection.delete()
