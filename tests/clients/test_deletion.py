"""Deleting a client ends their portal login: sessions, app tokens and, when no other business
knows them, the account; the page, the API and the back office share that one service."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.test import Client as Browser
from django.urls import reverse
from rest_framework.test import APIClient

from clients.models import Client
from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
User = get_user_model()


def _portal_client(org, user=None):
    user = user or UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email)


def _signed_in(user):
    """A browser logged in through the login page and an app session token, both live."""
    browser = Browser()
    assert browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    assert browser.get(reverse("portal:home")).status_code == 200
    response = Browser().post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    token = response.json()["meta"]["session_token"]
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 200
    return browser, token


def _assert_signed_out(user_pk, browser, token):
    assert browser.get(reverse("portal:home")).status_code == 302  # to the login page
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code in (401, 403)
    assert not UserSession.objects.filter(user_id=user_pk).exists()


def test_api_delete_ends_sessions_and_tokens_and_closes_the_account(org, owner):
    record = _portal_client(org)
    user = record.user
    browser, token = _signed_in(user)

    assert api_as(owner).delete(f"/api/v1/clients/{record.pk}/").status_code == 204

    _assert_signed_out(user.pk, browser, token)
    assert not User.objects.filter(pk=user.pk).exists()
    # Nobody can log in as them again.
    assert Browser().post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 200
    event = Event.objects.get(organization=org, name="client.deleted")
    assert event.payload == {"client_id": record.pk}


def test_page_delete_of_a_client_of_two_businesses_ends_only_this_business(org, owner, client):
    record = _portal_client(org)
    user = record.user
    other = _portal_client(OrganizationFactory(), user=user)
    browser, token = _signed_in(user)
    client.force_login(owner)

    client.post(reverse("clients:delete", args=[record.pk]), {"confirm": record.full_name})

    assert not Client.objects.filter(pk=record.pk).exists()
    _assert_signed_out(user.pk, browser, token)
    # The account stays for the other business, and reaches only that one.
    again = Browser()
    assert again.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    assert again.get(reverse("portal:home")).status_code == 200
    me = again.get("/api/v1/me/", HTTP_X_ORGANIZATION=org.slug).json()
    assert me["organization"]["id"] == other.organization_id


def test_team_members_keep_their_account_when_their_client_record_goes(org, owner):
    record = _portal_client(org)
    MembershipFactory(organization=OrganizationFactory(), user=record.user, role="coach")

    api_as(owner).delete(f"/api/v1/clients/{record.pk}/")

    assert User.objects.filter(pk=record.user_id).exists()


def test_back_office_delete_goes_through_the_service(org, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    one, two, three = (_portal_client(org) for _ in range(3))
    users = [one.user_id, two.user_id, three.user_id]

    client.post(reverse("admin:clients_client_delete", args=[one.pk]), {"post": "yes"})
    client.post(
        reverse("admin:clients_client_changelist"),
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )

    assert not Client.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()
    assert not User.objects.filter(pk__in=users).exists()
    payloads = Event.objects.filter(organization=org, name="client.deleted").values_list("payload", flat=True)
    assert sorted(p["client_id"] for p in payloads) == sorted([one.pk, two.pk, three.pk])
