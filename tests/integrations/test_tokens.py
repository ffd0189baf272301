"""API tokens: hashing and prefix, expiry, revocation, last use, and scopes on every route."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from integrations import services_tokens as services
from integrations.authentication import resource_of
from integrations.models import ApiToken, WebhookEndpoint
from mecto.crypto import hash_token
from mecto.errors import DomainError
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory
from tests.security.tenancy import api_routes

pytestmark = pytest.mark.django_db
READ_ALL = dict.fromkeys(["clients", "training", "booking", "billing", "nutrition", "marketing", "webhooks"], "read")


@pytest.fixture
def owner():
    return MembershipFactory(organization=OrganizationFactory(), role="owner")


def _api(secret):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


def test_the_secret_is_stored_only_as_a_hash_with_a_lookup_prefix(owner):
    token, secret = services.create_token(
        organization=owner.organization, actor=owner.user, name="Zapier", scopes={"clients": "read"}
    )
    assert secret.startswith("mecto_pat_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_hash == hash_token(secret) and secret not in str(stored.__dict__)
    assert stored.prefix == secret[:18]
    assert (stored.expires_at - timezone.now()).days in (89, 90)
    assert stored.scopes["clients"] == "read" and stored.scopes["billing"] == "none"


def test_only_owners_create_tokens_with_an_expiry_of_at_most_366_days(owner):
    coach = MembershipFactory(organization=owner.organization, role="coach")
    with pytest.raises(DomainError):
        services.create_token(organization=owner.organization, actor=coach.user, name="x", scopes={"clients": "read"})
    with pytest.raises(DomainError):
        services.create_token(
            organization=owner.organization, actor=owner.user, name="x", scopes={"clients": "read"}, expires_in_days=367
        )
    with pytest.raises(DomainError):
        services.create_token(organization=owner.organization, actor=owner.user, name="x", scopes={"clients": "all"})


def test_expired_and_revoked_tokens_are_refused_and_use_is_recorded_once_a_minute(owner):
    ClientFactory(organization=owner.organization)
    token, secret = services.create_token(
        organization=owner.organization, actor=owner.user, name="x", scopes={"clients": "read"}
    )
    assert _api(secret).get("/api/v1/clients/").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and token.last_used_ip == "127.0.0.1"
    _api(secret).get("/api/v1/clients/")
    token.refresh_from_db()
    assert token.last_used_at == first  # no write within the minute
    with freeze_time(timezone.now() + timedelta(days=91)):
        assert _api(secret).get("/api/v1/clients/").status_code in (401, 403)
    services.revoke_token(token=token, actor=owner.user)
    assert _api(secret).get("/api/v1/clients/").status_code in (401, 403)
    assert _api("mecto_pat_nonsense").get("/api/v1/clients/").status_code in (401, 403)


def test_the_token_works_in_its_own_business_only(owner):
    other = OrganizationFactory()
    MembershipFactory(organization=other, user=owner.user, role="owner")
    theirs = ClientFactory(organization=other)
    ClientFactory(organization=owner.organization)
    _token, secret = services.create_token(
        organization=owner.organization, actor=owner.user, name="x", scopes={"clients": "read"}
    )
    response = _api(secret).get("/api/v1/clients/", HTTP_X_ORGANIZATION=str(other.pk))
    ids = {row["id"] for row in response.json()["results"]}
    assert theirs.pk not in ids and len(ids) == 1


def test_a_read_only_token_reads_scoped_routes_and_every_write_is_refused(owner):
    """Walks every /api/v1/ route: reads of scoped resources work, writes are 403."""
    ClientFactory(organization=owner.organization)
    _token, secret = services.create_token(
        organization=owner.organization, actor=owner.user, name="ro", scopes=READ_ALL
    )
    api = _api(secret)
    checked_writes = checked_reads = 0
    for route in api_routes():
        view = route.view
        if view is type(None):
            continue
        resource = resource_of(view(**route.initkwargs))
        if "format" in route.kwargs:
            continue
        url = _fill("/" + route.path.replace("^", "").replace("$", "").replace("\\Z", ""))
        for method in route.actions:
            if method in ("get", "head", "options"):
                if resource and not route.kwargs:
                    response = api.get(url)
                    assert response.status_code not in (401, 403, 405), (url, response.status_code)
                    checked_reads += 1
                elif not resource:
                    assert api.get(url).status_code in (403, 404), url
                continue
            response = getattr(api, method)(url, data={}, format="json")
            assert response.status_code in (403, 404), (method, url, response.status_code)
            if response.status_code == 404:  # a 404 before auth would hide a bypass: insist on a real id
                continue
            checked_writes += 1
    assert checked_writes > 20 and checked_reads > 10


def _fill(path: str) -> str:
    import re

    return re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)


def test_routes_without_a_resource_refuse_tokens(owner):
    _token, secret = services.create_token(organization=owner.organization, actor=owner.user, name="x", scopes=READ_ALL)
    assert _api(secret).get("/api/v1/tokens/").status_code == 403
    assert _api(secret).post("/api/v1/tokens/", {"name": "y", "scopes": READ_ALL}, format="json").status_code == 403


def test_allauth_app_tokens_are_left_alone(owner):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer someone-elses-jwt")
    assert api.get("/api/v1/clients/").status_code in (401, 403)


def test_rest_hooks_subscribe_and_unsubscribe_with_webhooks_write(owner, monkeypatch):
    monkeypatch.setattr("integrations.ssrf.resolve", lambda host, port: ["93.184.216.34"])
    _t, read_only = services.create_token(
        organization=owner.organization, actor=owner.user, name="ro", scopes={"webhooks": "read"}
    )
    body = {"target_url": "https://hooks.zapier.example/abc", "event": "client.created"}
    assert _api(read_only).post("/api/v1/hooks/", body, format="json").status_code == 403
    _t, writer = services.create_token(
        organization=owner.organization, actor=owner.user, name="rw", scopes={"webhooks": "write"}
    )
    created = _api(writer).post("/api/v1/hooks/", body, format="json")
    assert created.status_code == 201, created.content
    endpoint = WebhookEndpoint.objects.get(pk=created.json()["id"])
    assert endpoint.event_types == ["client.created"] and endpoint.organization == owner.organization
    monkeypatch.setattr("integrations.ssrf.resolve", lambda host, port: ["10.0.0.1"])
    inside = _api(writer).post("/api/v1/hooks/", {**body, "target_url": "https://inside.example/"}, format="json")
    assert inside.status_code == 400
    assert _api(writer).delete(f"/api/v1/hooks/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_token_api_returns_the_secret_once(owner):
    api = APIClient()
    api.force_authenticate(owner.user)
    created = api.post("/api/v1/tokens/", {"name": "Sheets", "scopes": {"clients": "read"}}, format="json")
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("mecto_pat_")
    listed = api.get("/api/v1/tokens/").json()["results"]
    assert "token" not in listed[0] and listed[0]["prefix"] == secret[:18]
    assert api.delete(f"/api/v1/tokens/{listed[0]['id']}/").status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
