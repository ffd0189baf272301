"""Template pages: list (empty state, query count), editor (save, sandbox errors, draft), preview,
test send and archive."""

import json

import pytest
from django.urls import reverse

from marketing.models import MessageTemplate
from mecto.comms.models import OutboundMessage
from tests.factories import ClientFactory, MessageTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, coach):
    client.force_login(coach)
    return client


def test_empty_state(page):
    response = page.get(reverse("marketing:templates"))
    assert response.status_code == 200
    assert "No templates yet" in response.content.decode()


def test_list_queries_do_not_grow(page, org, django_assert_max_num_queries):
    MessageTemplateFactory.create_batch(2, organization=org)
    with django_assert_max_num_queries(40) as small:
        page.get(reverse("marketing:templates"))
    MessageTemplateFactory.create_batch(20, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = page.get(reverse("marketing:templates"))
    assert response.content.decode().count("/preview/") == 22


def test_create_email_then_preview(page, org):
    blocks = [{"type": "heading", "text": "Hi {{ client.first_name }}"}, {"type": "text", "text": "Welcome"}]
    response = page.post(
        reverse("marketing:template_create"),
        {"name": "Welcome", "channel": "email", "subject": "Hi {{ client.first_name }}", "blocks": json.dumps(blocks)},
    )
    template = MessageTemplate.objects.get(organization=org)
    assert response.status_code == 302 and response.url == reverse("marketing:template_preview", args=[template.pk])
    ClientFactory(organization=org, first_name="Ann")
    preview = page.get(response.url).content.decode()
    assert "Hi Ann" in preview and 'sandbox=""' in preview
    frame = page.get(reverse("marketing:template_email", args=[template.pk]))
    assert frame.status_code == 200 and "Hi Ann" in frame.content.decode()
    policy = frame["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'self'" in policy


def test_sandbox_error_is_shown_beside_the_field(page, org):
    response = page.post(
        reverse("marketing:template_create"),
        {"name": "Bad", "channel": "sms", "sms_body": "Hi {{ client.user.password }}"},
    )
    assert response.status_code == 400
    assert "is not a merge field" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_draft_fills_the_editor_without_saving(page, org):
    response = page.post(
        reverse("marketing:template_create"), {"channel": "sms", "_draft": "1", "draft-goal": "birthday"}
    )
    assert response.status_code == 200
    assert "Happy birthday" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_test_send_and_archive(page, org, coach):
    template = MessageTemplateFactory(organization=org)
    response = page.post(reverse("marketing:template_test", args=[template.pk]))
    assert response.status_code == 302
    assert OutboundMessage.objects.filter(to_address=coach.email).count() == 1
    page.post(reverse("marketing:template_archive", args=[template.pk]))
    template.refresh_from_db()
    assert template.archived_at is not None
    assert template.name in page.get(reverse("marketing:templates") + "?show=archived").content.decode()


def test_other_business_template_is_404(page):
    other = MessageTemplateFactory()
    assert page.get(reverse("marketing:template_edit", args=[other.pk])).status_code == 404
    assert page.get(reverse("marketing:template_preview", args=[other.pk])).status_code == 404
