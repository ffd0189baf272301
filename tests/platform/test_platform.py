"""Health, status, security headers, API conventions and the OpenAPI schema."""

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from mecto.models import Heartbeat
from mecto.tasks import heartbeat
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_part_without_detail(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert set(data["checks"]) == {"database", "broker", "worker", "beat", "storage", "email"}
    assert data["checks"]["database"] is True and data["checks"]["storage"] is True
    assert data["checks"]["worker"] is False and data["status"] == "degraded"  # no worker has run yet
    assert "Traceback" not in response.content.decode()


def test_heartbeats_make_worker_and_beat_alive(client):
    heartbeat()  # what the worker does when beat's task arrives
    Heartbeat.record(Heartbeat.BEAT)  # what beat records when it publishes
    data = client.get("/healthz").json()
    assert data["checks"]["worker"] is True and data["checks"]["beat"] is True


def test_ops_status_is_for_superusers_only(client):
    assert client.get("/ops/status").status_code == 302
    client.force_login(MembershipFactory(role="owner").user)
    assert client.get("/ops/status").status_code == 302
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/ops/status")
    assert response.status_code == 200 and b"database" in response.content and b"broker" in response.content


def test_pages_carry_csp_and_security_headers(client):
    response = client.get("/account/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "htmx.min.js" in response.content.decode()
    html = response.content.decode().lower()
    assert not any(cdn in html for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs.", "googleapis.com"))


def test_forms_require_csrf():
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/account/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403


def test_api_errors_have_one_shape_and_no_traceback(coach_api):
    responses = [
        coach_api.post("/api/v1/clients/", {"first_name": ""}, format="json"),
        coach_api.get("/api/v1/clients/999999/"),
        coach_api.post("/api/v1/clients/", "{not json", content_type="application/json"),
        APIClient().get("/api/v1/clients/"),
    ]
    assert [r.status_code for r in responses][:3] == [400, 404, 400]
    for response in responses:
        body = response.json()
        assert set(body) == {"detail", "errors"}, body
        assert "Traceback" not in json.dumps(body)
    assert "first_name" in responses[0].json()["errors"]


def test_api_lists_are_paginated(coach_api, org):
    ClientFactory.create_batch(30, organization=org)
    body = coach_api.get("/api/v1/clients/?scope=all").json()  # a coach starts on their own clients
    assert body["count"] == 30 and len(body["results"]) == 25 and body["next"]
    assert len(coach_api.get("/api/v1/clients/?scope=all&page_size=1000").json()["results"]) == 30
    assert coach_api.get("/api/v1/clients/?scope=all&page=99").status_code == 404


@pytest.fixture
def tight_throttles(settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    original = settings.REST_FRAMEWORK
    # Per hour, not per minute: on a busy machine five schema requests can take longer than a
    # minute, and the window (and the cached history's expiry) would let the fifth through.
    settings.REST_FRAMEWORK = {**original, "DEFAULT_THROTTLE_RATES": {"anon": "3/hour", "user": "5/hour"}}
    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield
    settings.REST_FRAMEWORK = original
    api_settings.reload()
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_api_throttles_anonymous_and_signed_in_callers(org, tight_throttles):
    anon = APIClient()
    codes = [anon.get("/api/schema/").status_code for _ in range(5)]
    assert codes[-1] == 429
    api = api_as(MembershipFactory(organization=org).user)
    codes = [api.get("/api/v1/me/").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[-1] == 429
    assert set(api.get("/api/v1/me/").json()) == {"detail", "errors"}


def test_openapi_schema_is_valid_and_documents_errors(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/me/" in text and "/api/v1/clients/" in text and "Error:" in text


def test_swagger_ui_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and "cdn.jsdelivr" not in html


def test_schema_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "paths" in response.json()


def test_cors_answers_only_allow_listed_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    evil = client.get("/api/schema/", HTTP_ORIGIN="https://evil.example.net")
    assert "Access-Control-Allow-Origin" not in evil
    good = client.get("/api/schema/", HTTP_ORIGIN="https://app.example.com")
    assert good["Access-Control-Allow-Origin"] == "https://app.example.com"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and b"This page does not exist" in response.content


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (1999, "GBP", "£19.99"),
        (-500, "EUR", "-€5.00"),
        (123456789, "USD", "$1,234,567.89"),
        (1500, "JPY", "¥1,500"),
        (1999, "CHF", "CHF\u00a019.99"),
        (0, "AUD", "A$0.00"),
    ],
)
def test_format_money_uses_symbols_and_iso_exponents(amount, currency, expected):
    from mecto.localization import format_money

    assert format_money(amount, currency) == expected
