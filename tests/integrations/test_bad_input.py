"""Bad input on the integrations page and API: a clear message, nothing changed."""

import pytest
from django.urls import reverse

from integrations.models import ConnectedAccount
from tests.conftest import api_as

from .factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("calendar_id", ["c" * 256, "   ", "日本語" * 100])
def test_calendar_settings_refuse_an_unusable_calendar_id(client, studio, calendar_id):
    connection = ConnectedAccountFactory(organization=studio.org, user=studio.coach, calendar_id="work")
    client.force_login(studio.coach)
    response = client.post(
        reverse("integrations:connection", args=[connection.pk]),
        {"action": "settings", "calendar_sync": "on", "calendar_id": calendar_id},
        follow=True,
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert ConnectedAccount.objects.get(pk=connection.pk).calendar_id == "work"


def test_calendar_id_is_trimmed(client, studio):
    connection = ConnectedAccountFactory(organization=studio.org, user=studio.coach)
    client.force_login(studio.coach)
    client.post(
        reverse("integrations:connection", args=[connection.pk]),
        {"action": "settings", "calendar_sync": "on", "calendar_id": "  team@group.calendar.google.com "},
    )
    assert ConnectedAccount.objects.get(pk=connection.pk).calendar_id == "team@group.calendar.google.com"


def test_api_sync_of_an_account_without_a_calendar_says_why(studio):
    zoom = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="zoom")
    response = api_as(studio.coach).post(f"/api/v1/integrations/connections/{zoom.pk}/sync/")
    assert response.status_code == 400
    assert response.data["detail"] == "This account has no calendar to sync, or it needs reconnecting."


def test_connected_accounts_page_names_each_button_and_says_how_to_reconnect(client, studio, settings):
    ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="google")
    ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="zoom", status="revoked")
    settings.SOCIALACCOUNT_PROVIDERS = {**settings.SOCIALACCOUNT_PROVIDERS, "zoom": {}}
    client.force_login(studio.coach)
    body = client.get(reverse("integrations:index")).content.decode()
    assert 'Disconnect<span class="visually-hidden"> · Google (Calendar, Meet)</span>' in body
    assert 'Disconnect<span class="visually-hidden"> · Zoom</span>' in body
    assert 'Sync now<span class="visually-hidden"> · Google (Calendar, Meet)</span>' in body
    assert "Reconnecting needs the app set up on this server again" in body
