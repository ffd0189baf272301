"""Nothing a user can send causes a 500: every operation of the OpenAPI schema is called
with generated (valid and invalid) input, as a coach and as a client, and must answer
with anything but a server error."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.factories import ClientFactory, MembershipFactory, UserFactory

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def keep_connection(tokens):
    """Like Django's test client: requests must not close the test's database connection.
    (After `tokens`: the test client reconnects the handler when its own request ends.)"""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, client):
    """Session tokens of the app for an owner and for one of their clients."""
    owner = MembershipFactory(role="owner")
    portal_user = UserFactory()
    ClientFactory(organization=owner.organization, user=portal_user, email=portal_user.email)
    ClientFactory.create_batch(2, organization=owner.organization)
    return [_session_token(client, owner.user), _session_token(client, portal_user)]


def _session_token(client, user) -> str:
    from tests.factories import PASSWORD

    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    return response.json()["meta"]["session_token"]


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_causes_a_server_error(case, tokens, keep_connection):
    for token in tokens:
        response = case.call(headers={"X-Session-Token": token})
        case.validate_response(response, checks=[not_a_server_error])
