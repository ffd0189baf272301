"""The templates API: CRUD with the sandbox's errors, preview, test send, SMS count, list queries."""

import pytest

from marketing.models import MessageTemplate
from mecto.comms.models import OutboundMessage
from tests.factories import ClientFactory, MessageTemplateFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing/templates/"

EMAIL = {
    "name": "Welcome",
    "channel": "email",
    "subject": "Welcome {{ client.first_name }}",
    "preheader": "From {{ business.name }}",
    "blocks": [
        {"type": "heading", "text": "Hi {{ client.first_name }}"},
        {"type": "button", "label": "Book", "url": "{{ business.booking_url }}"},
    ],
}


def test_create_and_list(coach_api, org):
    response = coach_api.post(URL, EMAIL, format="json")
    assert response.status_code == 201, response.content
    template = MessageTemplate.objects.get(pk=response.data["id"])
    assert template.organization == org and template.blocks[1]["url"] == "{{ business.booking_url }}"
    listing = coach_api.get(URL)
    assert listing.status_code == 200
    rows = listing.data["results"] if isinstance(listing.data, dict) else listing.data
    assert [r["id"] for r in rows] == [template.pk]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Hi {{ client.user.password }}"),
        ("preheader", "{% load static %}"),
        ("subject", "{{ settings.SECRET_KEY }}"),
    ],
)
def test_sandbox_errors_name_the_field(coach_api, field, value):
    response = coach_api.post(URL, {**EMAIL, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.data["errors"]
    assert "not a merge field" in response.data["errors"][field][0]


def test_bad_blocks_are_400(coach_api):
    for blocks in (
        [{"type": "script", "text": "x"}],
        [{"type": "button", "label": "x", "url": "javascript:alert(1)"}],
        [{"type": "text", "text": "{% include 'x' %}"}],
    ):
        response = coach_api.post(URL, {**EMAIL, "blocks": blocks}, format="json")
        assert response.status_code == 400, blocks
        assert any(key.startswith("blocks") for key in response.data["errors"]), response.data


def test_update_and_archive(coach_api, org):
    template = MessageTemplateFactory(organization=org)
    response = coach_api.patch(f"{URL}{template.pk}/", {"subject": "New {{ coach.name }}"}, format="json")
    assert response.status_code == 200, response.content
    assert response.data["subject"] == "New {{ coach.name }}"
    assert coach_api.delete(f"{URL}{template.pk}/").status_code == 204
    template.refresh_from_db()
    assert template.archived_at is not None
    rows = coach_api.get(URL).data
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert rows == []


def test_preview_with_a_real_client(coach_api, org):
    ClientFactory(organization=org, first_name="Zed")
    ann = ClientFactory(organization=org, first_name="Ann")
    template = MessageTemplateFactory(organization=org)
    default = coach_api.get(f"{URL}{template.pk}/preview/")
    assert default.status_code == 200
    assert default.data["client"] == ann.pk and default.data["subject"] == "Hello Ann"
    other = ClientFactory(organization=OrganizationFactory())
    assert coach_api.get(f"{URL}{template.pk}/preview/?client={other.pk}").status_code == 400
    assert coach_api.get(f"{URL}{template.pk}/preview/?client=abc").status_code == 400


def test_test_send_queues_to_the_coach(coach_api, coach, org):
    template = MessageTemplateFactory(organization=org)
    first = coach_api.post(f"{URL}{template.pk}/test-send/", {}, format="json")
    second = coach_api.post(f"{URL}{template.pk}/test-send/", {}, format="json")
    assert first.status_code == 202 and second.status_code == 202
    messages = OutboundMessage.objects.filter(organization=org, to_address=coach.email)
    assert messages.count() == 2
    assert {m.category for m in messages} == {"transactional"}


def test_sms_test_send_needs_a_number(coach_api, org):
    template = MessageTemplateFactory(organization=org, channel="sms", sms_body="Hi {{ client.first_name }}")
    response = coach_api.post(f"{URL}{template.pk}/test-send/", {}, format="json")
    assert response.status_code == 400 and "phone" in response.data["errors"]
    response = coach_api.post(f"{URL}{template.pk}/test-send/", {"phone": "+447700900123"}, format="json")
    assert response.status_code == 202
    assert OutboundMessage.objects.get(pk=response.data["message_id"]).to_address == "+447700900123"


def test_sms_count(coach_api, org):
    response = coach_api.post("/api/v1/marketing/sms-count/", {"text": "a" * 161}, format="json")
    assert response.status_code == 200
    assert response.data["segments"] == 2 and response.data["encoding"] == "GSM-7"
    # 150 characters plus a first name: fine for "Alex", over 160 with a 20-character name.
    response = coach_api.post(
        "/api/v1/marketing/sms-count/", {"text": "a" * 150 + "{{ client.first_name }}"}, format="json"
    )
    assert response.data["segments"] == 1 and response.data["max_segments"] == 2
    assert response.data["warning"]


def test_draft(coach_api):
    response = coach_api.post(f"{URL}draft/", {"goal": "welcome", "channel": "email"}, format="json")
    assert response.status_code == 200
    assert response.data["source"] == "local" and "{{ client.first_name }}" in response.data["subject"]
    assert coach_api.post(f"{URL}draft/", {"goal": "nope"}, format="json").status_code == 400


def test_list_queries_do_not_grow(coach_api, org, django_assert_max_num_queries):
    MessageTemplateFactory.create_batch(3, organization=org)
    with django_assert_max_num_queries(12) as small:
        coach_api.get(URL)
    MessageTemplateFactory.create_batch(20, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        coach_api.get(URL)
