"""The sandbox: only the merge fields, as escaped strings; blocks to table-based email HTML."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketing.rendering import TemplateError, check_text, clean_blocks, render
from marketing.services.templates import create_template, update_template
from tests.factories import ClientFactory, MessageTemplateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        "{{ client.user.password }}",
        "{{ settings.SECRET_KEY }}",
        "{{ client.first_name|upper }}",
        "{{ client.__class__ }}",
        "{% load static %}",
        "{% include 'base.html' %}",
        "{# hidden #}",
        "{{ client.first_name ",
        "{{ request }}",
        "{{ client.email }}",
        "{{client.first_name.upper}}",
    ],
)
def test_anything_outside_the_allow_list_is_refused_at_save(org, text):
    with pytest.raises(TemplateError) as info:
        check_text(f"Hi {text}", field="subject")
    assert info.value.field == "subject"
    with pytest.raises(TemplateError) as info:
        create_template(organization=org, name="x", channel="sms", sms_body=f"Hi {text}")
    assert info.value.field == "sms_body"
    with pytest.raises(TemplateError) as info:
        create_template(organization=org, name="x", subject="S", blocks=[{"type": "text", "text": text}])
    assert info.value.field == "blocks" and "Block 1" in info.value.message


def test_smuggled_tags_render_as_nothing(org):
    client = ClientFactory(organization=org, first_name="Ann")
    template = MessageTemplateFactory(
        organization=org,
        subject="{{ client.first_name }} {{ client.user.password }}{% load static %}{{ settings.SECRET_KEY }}",
        blocks=[{"type": "text", "text": "{% include 'base.html' %}x{{ client.first_name|upper }}"}],
        sms_body="{{ client.__dict__ }}ok",
        channel="email",
    )
    out = render(template, client)
    assert out.subject == "Ann "
    assert "SECRET" not in out.html and "load" not in out.html and "include" not in out.html
    assert "x</p>" in out.html and "ANN" not in out.html
    assert out.sms == "ok"


def test_values_are_escaped_in_html_not_in_text(org):
    client = ClientFactory(organization=org, first_name="<script>alert(1)</script>", last_name="O'Neil")
    template = MessageTemplateFactory(
        organization=org,
        blocks=[{"type": "text", "text": "Hi {{ client.full_name }} & <b>you</b>"}],
    )
    out = render(template, client)
    assert "<script>" not in out.html and "&lt;script&gt;" in out.html
    assert "&lt;b&gt;you" in out.html
    assert "Hi <script>alert(1)</script> O'Neil & <b>you</b>" in out.text


def test_email_is_table_based_with_brand_colours_and_text_part(org):
    org.name = "Peak Fitness"
    org.save()
    coach = UserFactory(full_name="Sam Lee")
    client = ClientFactory(organization=org, first_name="Ann", coach=coach)
    template = MessageTemplateFactory(
        organization=org,
        subject="Welcome {{ client.first_name }}",
        preheader="From {{ coach.name }}",
        blocks=[
            {"type": "heading", "text": "Hi {{ client.first_name }}"},
            {"type": "text", "text": "Line one\nline two"},
            {"type": "button", "label": "Book now", "url": "{{ business.booking_url }}"},
            {"type": "image", "src": "https://example.com/a.png", "alt": "Gym"},
            {"type": "divider"},
            {"type": "spacer", "height": 30},
            {"type": "quote", "text": "Strong"},
        ],
    )
    out = render(template, client)
    assert out.subject == "Welcome Ann"
    assert out.preheader == "From Sam Lee"
    assert '<table role="presentation"' in out.html
    assert "background:#15803d" in out.html  # the default brand's primary colour
    assert f"/book/{org.slug}/" in out.html
    assert "Line one<br>line two" in out.html
    assert "height:30px" in out.html
    assert 'alt="Gym"' in out.html
    assert out.text.startswith("HI ANN")
    assert "Book now: http" in out.text and f"/book/{org.slug}/" in out.text
    assert "> Strong" in out.text


def test_next_session_in_the_clients_time_zone(org):
    from booking.models import Booking, ServiceType, Session

    coach = UserFactory()
    client = ClientFactory(organization=org, time_zone="America/New_York")
    service = ServiceType.objects.create(organization=org, name="PT", slug="pt", duration_minutes=60)
    start = (timezone.now() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
    session = Session.objects.create(
        organization=org, service=service, coach=coach, start_at=start, end_at=start + timedelta(hours=1)
    )
    Booking.objects.create(organization=org, session=session, client=client)
    template = MessageTemplateFactory(organization=org, channel="sms", sms_body="See you {{ next_session }}")
    out = render(template, client)
    assert out.sms.endswith(", 10:00") or out.sms.endswith(", 11:00")  # 15:00 UTC in New York (EST/EDT)


def test_button_links_must_be_http(org):
    with pytest.raises(TemplateError):
        clean_blocks([{"type": "button", "label": "x", "url": "javascript:alert(1)"}])
    with pytest.raises(TemplateError):
        clean_blocks([{"type": "image", "src": "data:image/png;base64,xx"}])
    with pytest.raises(TemplateError):
        clean_blocks([{"type": "nope"}])
    with pytest.raises(TemplateError):
        clean_blocks({"type": "text"})
    assert clean_blocks([{"type": "divider", "extra": "dropped"}]) == [{"type": "divider"}]


def test_update_checks_again(org):
    template = create_template(organization=org, name="Hi", channel="sms", sms_body="Hi {{ client.first_name }}")
    with pytest.raises(TemplateError) as info:
        update_template(template=template, sms_body="{{ client.user }}")
    assert info.value.field == "sms_body"
    template = update_template(template=template, sms_body="Hello {{ business.name }}")
    assert template.sms_body == "Hello {{ business.name }}"
