"""Tokens are encrypted at rest and come from allauth's connect flow."""

import io
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin, SocialToken
from cryptography.fernet import Fernet
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from integrations import services
from integrations.models import ConnectedAccount
from mecto import crypto

from .factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def _raw_tokens(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM integrations_connectedaccount WHERE id = %s", [pk])
        return cursor.fetchone()


def test_tokens_are_encrypted_at_rest_and_keys_rotate(settings):
    account = ConnectedAccountFactory(access_token="ya29.secret-access", refresh_token="1//secret-refresh")
    raw_access, raw_refresh = _raw_tokens(account.pk)
    assert "secret" not in raw_access and "secret" not in raw_refresh
    assert ConnectedAccount.objects.get(pk=account.pk).access_token == "ya29.secret-access"
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]  # newest first; old rows still read
    assert ConnectedAccount.objects.get(pk=account.pk).refresh_token == "1//secret-refresh"
    assert crypto.decrypt(crypto.rotate(raw_access)) == "ya29.secret-access"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        ConnectedAccount.objects.get(pk=account.pk)


def _request(user, org):
    request = RequestFactory().get("/account/google/login/callback/")
    request.user = user
    request.session = SessionStore()
    request.session["mecto_organization_id"] = org.pk
    return request


def test_connect_flow_keeps_the_granted_tokens_encrypted(studio):
    account = SocialAccount(user=studio.coach, provider="google", uid="1234", extra_data={"email": "c@gmail.example"})
    account.save()
    token = SocialToken(
        account=account, token="ya29.fresh", token_secret="1//refresh", expires_at=timezone.now() + timedelta(hours=1)
    )
    login = SocialLogin(account=account, token=token, user=studio.coach)
    login.state = {"process": "connect", "next": "/integrations/"}
    connected = services.connect_from_social_login(request=_request(studio.coach, studio.org), sociallogin=login)
    assert connected.provider == "google" and connected.account_email == "c@gmail.example"
    assert connected.access_token == "ya29.fresh" and connected.refresh_token == "1//refresh"
    assert "calendar.events" in connected.scopes
    assert not SocialToken.objects.exists()  # allauth keeps no plain copy
    # A plain sign-in with Google does not touch connected accounts
    login.state = {"process": "login"}
    assert services.connect_from_social_login(request=_request(studio.coach, studio.org), sociallogin=login) is None


def test_reconnecting_revives_a_revoked_account_and_keeps_the_refresh_token(studio):
    account = ConnectedAccountFactory(
        organization=studio.org, user=studio.coach, status="revoked", refresh_token="1//old", access_token=""
    )
    services.save_connection(
        organization=studio.org, user=studio.coach, provider="google", access_token="ya29.new", refresh_token=""
    )
    account.refresh_from_db()
    assert account.status == "active" and account.access_token == "ya29.new" and account.refresh_token == "1//old"


def test_integrations_page_offers_connect_with_calendar_scopes(client, studio):
    client.force_login(studio.coach)
    body = client.get(reverse("integrations:index")).content.decode()
    assert "/account/google/login/?process=connect&amp;scope=https://www.googleapis.com/auth/calendar.events" in body
    assert "/account/zoom/login/?process=connect" in body


def test_integrations_page_says_when_the_server_has_no_app(client, studio, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"google": {}, "microsoft": {}, "zoom": {}}
    client.force_login(studio.coach)
    assert "Not set up on this server yet" in client.get(reverse("integrations:index")).content.decode()


def test_api_lists_only_my_connections_and_disconnects(studio):
    from tests.conftest import api_as

    mine = ConnectedAccountFactory(organization=studio.org, user=studio.coach)
    ConnectedAccountFactory(organization=studio.org)  # a colleague's
    api = api_as(studio.coach)
    listed = api.get("/api/v1/integrations/connections/")
    assert [c["id"] for c in listed.data["results"]] == [mine.pk]
    assert "access_token" not in listed.data["results"][0]
    changed = api.patch(f"/api/v1/integrations/connections/{mine.pk}/", {"calendar_sync": False})
    assert changed.status_code == 200 and changed.data["calendar_sync"] is False
    assert api.delete(f"/api/v1/integrations/connections/{mine.pk}/").status_code == 204
    assert not ConnectedAccount.objects.filter(pk=mine.pk).exists()


def test_deploy_check_refuses_missing_encryption_keys(settings):
    from integrations.checks import encryption_keys_configured

    settings.FIELD_ENCRYPTION_KEYS = []
    assert [e.id for e in encryption_keys_configured(None)] == ["integrations.E001"]


def test_rotate_command_re_encrypts_with_the_newest_key(settings):
    from django.core.management import call_command

    account = ConnectedAccountFactory(access_token="ya29.rotate-me")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "integrations.ConnectedAccount: 1 rows re-encrypted." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key can now go
    assert ConnectedAccount.objects.get(pk=account.pk).access_token == "ya29.rotate-me"
