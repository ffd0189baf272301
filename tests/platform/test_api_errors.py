"""Every answer of the API that is an error has one shape, {"detail": "...", "errors": {...}}:
bodies that are not JSON objects, nested field errors, unknown URLs and server errors too."""

import json

import pytest
from rest_framework.test import APIClient

from tests.booking.conftest import Studio
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _is_error_shape(response) -> bool:
    body = response.json()
    return (
        response["Content-Type"].startswith("application/json")
        and set(body) == {"detail", "errors"}
        and "Traceback" not in json.dumps(body)
    )


@pytest.mark.parametrize("body", ["true", "1", "null", "[]", '"text"'])
def test_a_coach_sending_a_body_that_is_not_an_object_gets_a_400(body):
    """The booking permission reads the body to see whose calendar it is: it used to be a 500."""
    studio = Studio()
    coach = MembershipFactory(organization=studio.org, role="coach").user
    api = api_as(coach)
    urls = [
        ("post", "/api/v1/booking/availability-rules/"),
        ("post", "/api/v1/booking/exceptions/"),
        ("patch", f"/api/v1/booking/coaches/{studio.profile.pk}/"),
        ("post", f"/api/v1/booking/coaches/{studio.profile.pk}/rotate-feed/"),
    ]
    for method, url in urls:
        response = api.generic(method.upper(), url, body, "application/json")
        assert response.status_code == 400, (url, response.status_code, response.content)
        assert _is_error_shape(response), (url, response.content)
    own = api.generic("POST", "/api/v1/booking/availability-rules/", body, "application/json")
    assert own.status_code == 400 and own.json()["detail"] == "The body must be a JSON object."


def test_an_action_without_a_body_refuses_a_body_that_is_not_an_object():
    studio = Studio()
    api = api_as(studio.coach)
    url = f"/api/v1/booking/coaches/{studio.profile.pk}/rotate-feed/"
    token = studio.profile.feed_token
    response = api.generic("POST", url, "true", "application/json")
    assert response.status_code == 400 and _is_error_shape(response)
    studio.profile.refresh_from_db()
    assert studio.profile.feed_token == token
    assert api.post(url).status_code == 200


def test_errors_inside_lists_are_named_by_their_path(owner_api, org):
    client = ClientFactory(organization=org)
    response = owner_api.post(
        "/api/v1/billing/invoices/",
        {"client": client.pk, "lines": [{"description": "Session", "unit_price_minor": 100, "tax_rate": "x"}]},
        format="json",
    )
    assert response.status_code == 400 and _is_error_shape(response)
    errors = response.json()["errors"]
    assert list(errors) == ["lines.0.tax_rate"]
    assert all(isinstance(message, str) for messages in errors.values() for message in messages)
    too_many = [{"description": "Session", "unit_price_minor": 100}] * 51
    response = owner_api.post("/api/v1/billing/invoices/", {"client": client.pk, "lines": too_many}, format="json")
    assert list(response.json()["errors"]) == ["lines"]


@pytest.mark.parametrize("url", ["/api/v1/no-such-thing/", "/api/v1/clients/abc/", "/api/v1/clients/1/no-such-action/"])
def test_an_unknown_api_url_is_a_404_in_the_error_shape(owner_api, url):
    response = owner_api.get(url)
    assert response.status_code == 404 and _is_error_shape(response)


def test_an_unknown_page_outside_the_api_stays_a_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_server_error_in_the_api_is_json_without_a_traceback(org, monkeypatch):
    from accounts.api.views import MeViewSet

    def crash(*args, **kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(MeViewSet, "retrieve", crash)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(MembershipFactory(organization=org).user)
    response = api.get("/api/v1/me/")
    assert response.status_code == 500 and _is_error_shape(response)
    assert "internal detail" not in response.content.decode()
