"""The OpenAPI schema says what the API sends (mecto.api_schema): error statuses, nullable and
blank read-only fields, local times and which lists are paginated. The fuzz harness
(tests/security/test_api_fuzz.py) checks real answers against it; these pin the rules."""

import json
import re

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.generators import SchemaGenerator

from billing.models import Payment
from booking.models import Booking


@pytest.fixture(scope="module")
def schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method.upper(), operation


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = []
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        expected = {"403", "429"}
        if "{" in path:
            expected.add("404")
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            expected |= {"400", "415"}
        if not expected <= codes:
            missing.append((method, path, sorted(expected - codes)))
    assert not missing, missing[:10]


def test_error_responses_carry_the_error_body(schema):
    error = {"$ref": "#/components/schemas/Error"}
    wrong = [
        (method, path, code)
        for path, method, operation in _operations(schema)
        for code, response in operation["responses"].items()
        if code[0] == "4" and response.get("content", {}).get("application/json", {}).get("schema") != error
    ]
    assert not wrong, wrong[:10]


def test_times_of_day_are_local_without_an_offset(schema):
    text = json.dumps(schema)
    assert '"format": "time"' not in text
    start = schema["components"]["schemas"]["AvailabilityRule"]["properties"]["start_time"]
    assert re.match(start["pattern"], "07:00:00") and re.match(start["pattern"], "07:00")
    assert not re.match(start["pattern"], "25:00")


def test_read_only_fields_are_null_or_blank_where_the_model_allows(schema):
    components = schema["components"]["schemas"]
    assert components["Note"]["properties"]["author"]["nullable"] is True  # author deleted
    assert components["CreditEntry"]["properties"]["booking"]["nullable"] is True
    checkout_url = components["Booking"]["properties"]["checkout_url"]
    assert {"type": "string", "maxLength": 0} in checkout_url["oneOf"]  # no link: ""
    video = components["Session"]["properties"]["video_provider"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in video["oneOf"]


def test_slugs_in_any_script_have_no_ascii_only_pattern(schema):
    slug = schema["components"]["schemas"]["ServiceType"]["properties"]["slug"]
    assert "pattern" not in slug and slug["type"] == "string"


def test_status_enums_are_those_of_their_models(schema):
    components = schema["components"]["schemas"]
    assert components["PaymentStatusEnum"]["enum"] == list(Payment.Status.values)
    assert components["BookingPaymentStatusEnum"]["enum"] == list(Booking.PaymentStatus.values)


def test_only_list_actions_are_paginated(schema):
    slots = schema["paths"]["/api/v1/booking/services/{id}/slots/"]["get"]
    assert slots["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "page" not in {p["name"] for p in slots.get("parameters", [])}
    services = schema["paths"]["/api/v1/booking/services/"]["get"]
    assert services["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedServiceTypeList"
    )
