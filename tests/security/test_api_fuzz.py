"""Nothing a user can send causes a server error, and the OpenAPI schema says what the API
answers. Every operation of the schema is called with input that schemathesis generates from
the schema (valid and invalid), as the business's owner and as one of its clients, each signed
in with the app's session token; every answer must be documented: its status code, its
content type and its body (schemathesis' conformance checks). Every write is also sent each
JSON body that is not an object, as owner, coach and client: a 400 (or 403/404) in the error
shape, never a 500 and never a change.

The requests go to a business that has real rows behind every route: hours, a service,
bookings, credits, a weekly series, a connected account, plans, a subscription, invoices,
the exercise library, and for each path parameter the row the endpoint itself would serve
(made by the model's registered factory when the business has none yet), so ids hit real
rows. Valid bodies name real related rows of the business, so they reach the services.
Each request runs in its own savepoint, so one operation's writes never change another's
world. The world is built once per test process (see tests/shared_data.py).
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory
from schemathesis import GenerationMode
from schemathesis.core import NotSet
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response as RecordedResponse
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory, factory_for
from tests.shared_data import dataset, ensure

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Generated cases per operation and generation mode, each sent as the owner and as the client:
# 275 operations x 2 modes x 3 cases x 2 people: about 3,000 requests.
EXAMPLES = 3
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _schema():
    """The OpenAPI document drf-spectacular serves (built in memory: no request, no query)."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))


SCHEMA = _schema()
OPERATIONS = sorted((result.ok() for result in SCHEMA.get_all_operations()), key=lambda op: (op.path, op.method))
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class World:
    owner_token: str
    client_token: str
    coach_token: str  # a coach of the business who keeps only their own calendar
    path_parameters: dict[str, dict[str, str]] = field(default_factory=dict)  # by operation path
    related: dict[str, dict[str, object]] = field(default_factory=dict)  # by operation path


# --- The world ------------------------------------------------------------------------------------------
@dataset("api_world", requires="library")
def _build_world() -> World:
    from billing import services as billing
    from booking import services as booking
    from integrations.models import ConnectedAccount
    from tests.billing.factories import InvoiceFactory, PaymentFactory, PlanFactory, SubscriptionFactory
    from tests.booking.conftest import Studio

    studio = Studio()
    org, owner = studio.org, studio.coach
    client = ClientFactory(organization=org)
    ClientFactory.create_batch(2, organization=org)
    portal_user = UserFactory()
    me = ClientFactory(organization=org, user=portal_user, email=portal_user.email)

    tz = ZoneInfo("Europe/London")
    today = datetime.now(tz).date()
    monday = today + timedelta(days=7 - today.weekday())
    booking.book_session(
        service=studio.service, coach=owner, client=client, start_at=datetime.combine(monday, time(10), tz)
    )
    booking.book_session(
        service=studio.service, coach=owner, client=me, start_at=datetime.combine(monday, time(12), tz)
    )
    booking.grant_credits(client=me, quantity=3, source_ref="fuzz")
    booking.consume_credit(client=me, reference="fuzz:1")
    booking.add_exception(organization=org, coach=owner, date=monday + timedelta(days=3))
    booking.create_recurring_series(
        service=studio.service, coach=owner, client=client, first_date=monday, local_time=time(15), weeks=2
    )
    ConnectedAccount.objects.create(
        organization=org, user=owner, provider="zoom", access_token="t", calendar_sync=False
    )
    PlanFactory(organization=org)
    SubscriptionFactory(organization=org, client=me)
    PaymentFactory(organization=org)
    InvoiceFactory(organization=org, client=me)
    # Numbered documents through the services, so the business's numbering knows about them.
    invoice = billing.create_invoice(
        client=me, lines=[billing.LineInput(description="Session", unit_price_minor=5000)], issue=True, send_email=False
    )
    payment = billing.record_payment(invoice=invoice, amount_minor=5000, method="cash", send_receipt=False)
    billing.refund_payment(payment=payment, amount_minor=1000)

    coach = MembershipFactory(organization=org, role="coach").user
    booking.ensure_coach_profile(organization=org, user=coach)
    world = World(
        owner_token=_session_token(owner), client_token=_session_token(portal_user), coach_token=_session_token(coach)
    )
    for operation in OPERATIONS:
        view = _view_for(operation.path)
        if view is None:
            continue
        world.path_parameters[operation.path] = _path_parameters(operation.path, view, owner, portal_user, org, me)
        if operation.method.lower() in ("post", "put", "patch"):
            world.related[operation.path] = _related_ids(view, owner, org)
    return world


def _session_token(user) -> str:
    response = APIClient().post(
        "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def _view_for(path: str):
    """The view class behind an OpenAPI path such as /api/v1/clients/{client_pk}/notes/{id}/."""
    samples = ("1", str(uuid.UUID(int=1)), "a")  # ids, public ids, keys
    for combination in itertools.product(samples, repeat=len(PLACEHOLDER.findall(path))):
        values = iter(combination)
        try:
            match = resolve(PLACEHOLDER.sub(lambda _, values=values: next(values), path))
        except Resolver404:
            continue
        view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
        if view is not None:
            return view
    return None


def _request(user):
    from mecto.tenancy import get_tenant

    request = Request(APIRequestFactory().get("/"))
    request.user = user
    request.tenant = get_tenant(request)
    return request


def _instance(view, user, kwargs=None):
    instance = view()
    instance.request = _request(user)
    instance.kwargs = kwargs or {}
    instance.format_kwarg = None
    instance.action = "retrieve"
    return instance


def _path_parameters(path, view, owner, portal_user, org, me) -> dict[str, str]:
    """A real row for each path parameter: the one the endpoint would serve, made if need be."""
    from django.apps import apps

    from mecto.api_base import ClientViewSet

    names = PLACEHOLDER.findall(path)
    if not names:
        return {}
    params: dict[str, str] = {}
    parents: dict[str, object] = {}
    for kwarg, (field_name, label) in getattr(view, "parent_lookups", {}).items():
        if kwarg in names:
            model = apps.get_model(label)
            parent = model.objects.for_org(org).first() or _make(model, org)
            params[kwarg], parents[field_name] = str(parent.pk), parent
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
    name = next((n for n in names if n not in params), None)
    if name is None:
        return params
    if name == "key":  # a ready automation template is named by its key, not by a row
        from automation import library

        params[name] = library.recipes()[0].key
        return params
    is_client_route = isinstance(view, type) and issubclass(view, ClientViewSet)
    user = portal_user if is_client_route else owner
    queryset = getattr(view, "queryset", None)
    try:
        row = _instance(view, user, params).get_queryset().first()
    except Exception:  # a view whose queryset needs more than the path: any row of its model
        row = None
    if row is None and queryset is not None:
        row = _make(queryset.model, org, client=me if is_client_route else None, parents=parents)
    if row is not None:
        params[name] = str(getattr(row, "pk" if lookup in ("pk", "id") else lookup))
    return params


def _make(model, org, client=None, parents=None):
    from accounts.models import User
    from clients.models import Client
    from tests.factories import MembershipFactory

    if model is User:
        return MembershipFactory(organization=org).user
    if model is Client and client is None:
        return ClientFactory(organization=org)
    factory = factory_for(model)
    if factory is None:
        raise LookupError(f"no factory registered for {model._meta.label}; add one in tests/<app>/factories.py")
    kwargs = {"organization": org, **(parents or {})}
    if client is not None and "client" in {f.name for f in model._meta.get_fields()}:
        kwargs["client"] = client
    return factory(**kwargs)


def _related_ids(view, owner, org) -> dict[str, object]:
    """Real ids of the business for the related fields the view's serializer accepts."""
    instance = _instance(view, owner)
    instance.action = "create"
    try:
        serializer = instance.get_serializer()
    except Exception:  # no serializer for this action (a plain action view)
        return {}
    ids: dict[str, object] = {}
    for name, field_ in serializer.fields.items():
        if field_.read_only:
            continue
        many = isinstance(field_, ManyRelatedField)
        relation = field_.child_relation if many else field_
        if not isinstance(relation, RelatedField):
            continue
        queryset = relation.get_queryset() if hasattr(relation, "get_queryset") else relation.queryset
        row = queryset.first() if queryset is not None else None
        if row is not None:
            ids[name] = [row.pk] if many else row.pk
    return ids


@pytest.fixture
def api_world(db) -> World:
    """The business every request goes to (built once per test process)."""
    return ensure("api_world")


# --- The harness -------------------------------------------------------------------------------------------
def _send(api, case, token):
    url = case.formatted_path
    if case.query:
        url += "?" + urlencode(case.query, doseq=True)
    headers = {f"HTTP_{name.upper().replace('-', '_')}": str(value) for name, value in (case.headers or {}).items()}
    headers["HTTP_X_SESSION_TOKEN"] = token
    body = case.body
    if body is None or isinstance(body, NotSet):
        return api.generic(case.method, url, **headers)
    media_type = case.media_type or "application/json"
    if media_type == "multipart/form-data" and isinstance(body, dict):
        data = {key: _form_value(key, value) for key, value in body.items()}
        return getattr(api, case.method.lower())(url, data, format="multipart", **headers)
    if media_type == "application/x-www-form-urlencoded" and isinstance(body, dict):
        return api.generic(case.method, url, urlencode(body, doseq=True), media_type, **headers)
    return api.generic(case.method, url, json.dumps(body, default=str), "application/json", **headers)


CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


def _recorded(case, response) -> RecordedResponse:
    """The test client's response in the form schemathesis' checks read."""
    import requests

    content = b"".join(response.streaming_content) if response.streaming else response.content
    return RecordedResponse(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=content,
        request=requests.Request(case.method, f"http://testserver{case.formatted_path}").prepare(),
        elapsed=0.0,
        verify=False,
    )


def _form_value(key, value):
    if isinstance(value, bytes):
        return SimpleUploadedFile(f"{key}.bin", value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return "" if value is None else str(value)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_no_input_causes_a_server_error(operation, api_world):
    failures = []
    # Path parameters are real ids; with no query or body there is nothing left to make invalid.
    modes = MODES if len(operation.query) or len(operation.body) else (GenerationMode.POSITIVE,)
    for mode in modes:
        _fuzz(operation, mode, api_world, failures)
    assert not failures, failures[:5]


def _fuzz(operation, mode, world: World, failures: list) -> None:
    api = APIClient()
    related = world.related.get(operation.path, {})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=world.path_parameters.get(operation.path)))
    def run(case):
        if mode == GenerationMode.POSITIVE and isinstance(case.body, dict):
            # Real related rows, so valid bodies reach the services rather than "not found".
            case.body.update({key: value for key, value in related.items() if key in case.body})
        for who, token in (("owner", world.owner_token), ("client", world.client_token)):
            with transaction.atomic():
                try:
                    response = _send(api, case, token)
                except Exception as exc:  # the test client re-raises what would have been a 500
                    response = repr(exc)
                transaction.set_rollback(True)
            if isinstance(response, str) or response.status_code >= 500:
                status = response if isinstance(response, str) else response.status_code
                failures.append((who, case.method, case.formatted_path, case.query, case.body, status))
                continue
            try:
                case.validate_response(_recorded(case, response), checks=CHECKS)
            except FailureGroup as group:
                failures.extend(
                    (who, case.method, case.formatted_path, response.status_code, failure.title, failure.message)
                    for failure in group.exceptions
                )

    try:
        run()
    except Unsatisfiable:  # nothing in this operation can be made invalid
        assert mode == GenerationMode.NEGATIVE


WRITES = [op for op in OPERATIONS if op.method.upper() in ("POST", "PUT", "PATCH", "DELETE")]
NOT_OBJECTS = ("true", "1", "null", "[]")


@pytest.mark.parametrize("operation", WRITES, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_a_write_refuses_a_body_that_is_not_a_json_object(operation, api_world):
    """The person the operation is for gets a 400 in the error shape (415 where the operation
    takes no JSON); anyone else that or a 403 or 404; nobody a 500 or a success."""
    from mecto.api_base import ClientViewSet
    from mecto.permissions import IsClient

    known = api_world.path_parameters.get(operation.path, {})
    url = PLACEHOLDER.sub(lambda m: known[m.group(1)], operation.path)
    view = _view_for(operation.path)
    is_client_view = isinstance(view, type) and issubclass(view, ClientViewSet)
    for_client = is_client_view or IsClient in getattr(view, "permission_classes", [])
    api = APIClient()
    answers = []
    for who, token in (
        ("owner", api_world.owner_token),
        ("coach", api_world.coach_token),
        ("client", api_world.client_token),
    ):
        for body in NOT_OBJECTS:
            with transaction.atomic():
                response = api.generic(operation.method, url, body, "application/json", HTTP_X_SESSION_TOKEN=token)
                transaction.set_rollback(True)
            answers.append((who, body, response.status_code, response.json()))
    # An operation that takes no JSON (an upload, deleting an upload) answers 415 for a JSON body.
    media_types = {body.media_type for body in operation.body} or {p.media_type for p in view.parser_classes}
    refusal = 400 if "application/json" in media_types else 415
    expected = "client" if for_client else "owner"
    wrong = [
        answer
        for answer in answers
        if set(answer[3]) != {"detail", "errors"}
        or answer[2] not in ((refusal,) if answer[0] == expected else (refusal, 403, 404))
    ]
    assert not wrong, wrong[:5]


def test_the_harness_covers_every_operation_with_real_rows(api_world):
    """Every operation is collected, and every path parameter is filled from a real row."""
    assert len(OPERATIONS) > 200
    assert {op.path.split("/")[3] for op in OPERATIONS} >= {"clients", "me", "booking", "billing", "programs"}
    missing = [
        (op.method.upper(), op.path, name)
        for op in OPERATIONS
        for name in PLACEHOLDER.findall(op.path)
        if name not in api_world.path_parameters.get(op.path, {})
    ]
    assert not missing, missing[:10]
