"""Schemathesis reads /api/schema/ and throws generated requests (valid and invalid by the
schema) at every booking and integrations endpoint, as a coach and as a client: none may
answer with a 5xx."""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from booking import services
from booking.models import AvailabilityRule, CreditEntry
from integrations.models import ConnectedAccount
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
PREFIXES = ("/api/v1/booking/", "/api/v1/me/booking", "/api/v1/me/credits", "/api/v1/integrations/")
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 10}


@pytest.fixture
def world(studio):
    """A coach with hours, a service, a booking, credits, a rule, an exception, a weekly
    series and a connected account, and a client with a booking of their own."""
    tz = ZoneInfo("Europe/London")
    day = timezone.now().astimezone(tz).date() + timedelta(days=7 - timezone.now().astimezone(tz).weekday())
    client = ClientFactory(organization=studio.org)
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email)
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=client, start_at=datetime.combine(day, time(10), tz)
    )
    mine = services.book_session(
        service=studio.service, coach=studio.coach, client=me, start_at=datetime.combine(day, time(12), tz)
    )
    grant = services.grant_credits(client=me, quantity=3, source_ref="fuzz")
    services.consume_credit(client=me, reference="fuzz:1")
    exception = services.add_exception(organization=studio.org, coach=studio.coach, date=day + timedelta(days=3))
    series = services.create_recurring_series(
        service=studio.service, coach=studio.coach, client=client, first_date=day, local_time=time(15), weeks=2
    )
    connection = ConnectedAccount.objects.create(
        organization=studio.org, user=studio.coach, provider="zoom", access_token="t", calendar_sync=False
    )
    ids = {
        "booking/services": studio.service.pk,
        "booking/coaches": studio.profile.pk,
        "booking/availability-rules": AvailabilityRule.objects.filter(coach=studio.coach).first().pk,
        "booking/exceptions": exception.pk,
        "booking/sessions": booking.session_id,
        "booking/bookings": booking.public_id,
        "booking/recurring": series.pk,
        "booking/credit-grants": grant.pk,
        "booking/credit-entries": CreditEntry.objects.first().pk,
        "me/booking/services": studio.service.pk,
        "me/bookings": mine.public_id,
        "me/credits": CreditEntry.objects.filter(client=me).first().pk,
        "integrations/connections": connection.pk,
    }
    related = {
        "client": client.pk,
        "service": studio.service.pk,
        "coach": studio.coach.pk,
        "coaches": [studio.coach.pk],
    }
    return {"coach": api_as(studio.coach), "client": api_as(user), "ids": ids, "related": related}


def _operations(schema):
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(PREFIXES):
            found.append(operation)
    # The client's requests first and removals last, so the rows requests address still exist.
    return sorted(
        found, key=lambda op: (op.method.upper() == "DELETE", not op.path.startswith("/api/v1/me/"), op.path, op.method)
    )


def _path_parameters(operation, ids) -> dict:
    params = {}
    for name in ("id", "public_id"):
        if "{" + name + "}" in operation.path:
            resource = operation.path.removeprefix("/api/v1/").split("/{")[0]
            params[name] = str(ids[resource])
    return params


def _send(api, case):
    body = case.body
    kwargs = {}
    if not isinstance(body, NotSet):
        kwargs = {"data": json.dumps(body, default=str), "content_type": "application/json"}
    path = case.formatted_path
    method = case.method.lower()
    if method == "get":
        return api.get(path, case.query or {})
    query = "&".join(f"{k}={v}" for k, v in (case.query or {}).items())
    return getattr(api, method)(path + (f"?{query}" if query else ""), **kwargs)


def test_no_booking_or_integrations_endpoint_answers_5xx(world, client):
    coach = world["coach"]
    raw = coach.get("/api/schema/", {"format": "json"})
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(raw.content))
    operations = _operations(schema)
    assert len(operations) > 40
    failures = []
    for operation in operations:
        api = world["client"] if operation.path.startswith("/api/v1/me/") else coach
        fixed = _path_parameters(operation, world["ids"])
        for mode, count in EXAMPLES.items():
            _fuzz(operation, mode, count, api, fixed, world["related"], failures)
    assert not failures, failures[:5]


def _fuzz(operation, mode, count, api, fixed, related, failures):
    @settings(
        max_examples=count, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed or None))
    def run(case):
        if mode == GenerationMode.POSITIVE and isinstance(case.body, dict):
            # Real ids for related rows, so valid bodies reach the services, not just "not found".
            case.body.update({key: value for key, value in related.items() if key in case.body})
        try:
            status = _send(api, case).status_code
        except Exception as exc:  # the test client re-raises what would have been a 500
            status = repr(exc)
        if not isinstance(status, int) or status >= 500:
            failures.append((case.method, case.formatted_path, case.query, case.body, status))

    try:
        run()
    except Unsatisfiable:  # nothing in this operation can be made invalid (e.g. no parameters)
        assert mode == GenerationMode.NEGATIVE
