"""Every email wears the brand of the business it is about: its logo, colours, font, footer and
social links in the HTML, its sender name in From (at the deployment's own address) and its
reply-to address in Reply-To; sign-in emails wear the brand of the person's home business."""

import re
from dataclasses import replace

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services as accounts
from mecto import comms
from mecto.comms.models import OutboundMessage
from tests.factories import MembershipFactory, MessageTemplateFactory

from .brand_helpers import HARBOUR, harbour_brand

pytestmark = pytest.mark.django_db
custom_brand_fixture = pytest.fixture(name="custom_brand")(harbour_brand)

FROM = '"Harbour Lift Coaching" <no-reply@mecto.localhost>'


@pytest.fixture(autouse=True)
def _from_address(settings):
    settings.DEFAULT_FROM_EMAIL = "Mecto <no-reply@mecto.localhost>"
    settings.SITE_URL = "https://app.example"


def _html(message) -> str:
    return next(body for body, kind in message.alternatives if kind == "text/html")


def _assert_branded_html(html: str) -> None:
    assert '<img src="https://app.example/media/brand/harbour-logo.png" alt="Harbour Lift"' in html
    assert "background:#7c2d12;color:#ffffff" in html  # the header in the primary colour
    assert "background:#6d28d9" in html  # the accent rule under it
    assert "font-family:Charter, 'Bitstream Charter', 'Sitka Text', Cambria, Georgia, serif;" in html
    assert "Harbour Lift Ltd<br>12 Quay Street &lt;Bristol&gt;" in html
    for label, url in HARBOUR.social_links:
        assert re.search(rf'<a href="{re.escape(url)}" rel="noopener"[^>]*>{label}</a>', html), label
    assert "Mecto" not in html


def _invite(org, django_capture_on_commit_callbacks):
    owner = MembershipFactory(organization=org, role="owner").user
    with django_capture_on_commit_callbacks(execute=True):
        accounts.invite_member(organization=org, email="new.coach@example.com", role="coach", invited_by=owner)
    [sent] = [m for m in mail.outbox if m.to == ["new.coach@example.com"]]
    return sent


def test_a_transactional_email_is_signed_and_framed_by_the_business_brand(
    org, custom_brand, django_capture_on_commit_callbacks
):
    sent = _invite(org, django_capture_on_commit_callbacks)
    assert sent.from_email == FROM
    assert sent.reply_to == ["hello@harbourlift.example"]
    _assert_branded_html(_html(sent))


def test_the_sender_name_cannot_break_the_from_header(org, custom_brand, django_capture_on_commit_callbacks):
    custom_brand.brand = replace(HARBOUR, sender_name='Harbour "Lift"\r\nBcc: all@example.com <x>')
    sent = _invite(org, django_capture_on_commit_callbacks)
    assert sent.from_email == '"Harbour Lift Bcc: all@example.com x" <no-reply@mecto.localhost>'
    assert "\n" not in sent.message()["From"] and "Bcc" not in sent.message()


def test_without_a_sender_name_the_brand_name_signs_and_without_reply_to_none_is_set(
    org, custom_brand, django_capture_on_commit_callbacks
):
    custom_brand.brand = replace(HARBOUR, sender_name="", reply_to="")
    sent = _invite(org, django_capture_on_commit_callbacks)
    assert sent.from_email == '"Harbour Lift" <no-reply@mecto.localhost>' and sent.reply_to == []


def test_a_reply_to_that_is_not_one_plain_address_is_not_sent(org, custom_brand, django_capture_on_commit_callbacks):
    custom_brand.brand = replace(HARBOUR, reply_to="a@example.com, b@example.com")
    assert _invite(org, django_capture_on_commit_callbacks).reply_to == []


def test_a_callers_own_reply_to_wins_over_the_brands(org, custom_brand):
    message = comms.queue_email(
        organization=org,
        to="lee@example.com",
        topic="account",
        key="brand-test:1",
        subject="Hi",
        text="Hello",
        reply_to="coach@example.com",
    )
    assert (message.from_name, message.reply_to) == ("Harbour Lift Coaching", "coach@example.com")


def test_a_password_reset_for_a_client_wears_their_business_brand(
    client, client_record, custom_brand, django_capture_on_commit_callbacks
):
    custom_brand.only = client_record.organization
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": client_record.email})
    [sent] = [m for m in mail.outbox if m.to == [client_record.email]]
    assert sent.from_email == FROM and sent.reply_to == ["hello@harbourlift.example"]
    html = _html(sent)
    _assert_branded_html(html)
    link = re.search(r"https?://\S+/account/password/reset/key/\S+/", sent.body).group(0)
    assert f'href="{link}"' in html  # the link works from the HTML part too
    assert sent.body.rstrip().endswith("Harbour Lift Ltd\n12 Quay Street <Bristol>")
    # The row belongs to no business: its coaches never see the client's reset link.
    assert OutboundMessage.objects.get(to_address=client_record.email).organization_id is None


def test_a_login_code_email_wears_the_brand_too(client, client_record, custom_brand, settings):
    """Every sign-in email goes through the same adapter: the login code one as an example."""
    from allauth.account.adapter import get_adapter

    get_adapter().send_mail("account/email/login_code", client_record.email, {"code": "ABC123", "user": None})
    message = OutboundMessage.objects.get(to_address=client_record.email)
    assert message.from_name == "Harbour Lift Coaching" and message.reply_to == "hello@harbourlift.example"
    assert "ABC123" in message.body_html and "background:#7c2d12" in message.body_html


def test_a_marketing_email_wears_the_brand_block(org, custom_brand):
    from marketing import rendering
    from tests.factories import ClientFactory

    template = MessageTemplateFactory(organization=org)
    rendered = rendering.render(template, ClientFactory(organization=org, first_name="Lee"))
    html = rendered.html
    assert '<img src="https://app.example/media/brand/harbour-logo.png"' in html
    assert "background:#7c2d12" in html and "background:#6d28d9" in html and "background:#fffbeb" in html
    assert "font-family:Charter, 'Bitstream Charter', 'Sitka Text', Cambria, Georgia, serif;" in html
    assert "Harbour Lift Ltd<br>12 Quay Street &lt;Bristol&gt;" in html
    assert '<a href="https://instagram.com/harbourlift" rel="noopener"' in html
    assert rendered.text.rstrip().endswith(
        "Harbour Lift Ltd\n12 Quay Street <Bristol>\n"
        "Instagram: https://instagram.com/harbourlift\nYouTube: https://youtube.com/@harbourlift"
    )


def test_a_campaign_email_is_sent_in_the_business_name(org, custom_brand):
    message = comms.queue_email(
        organization=org,
        to="lee@example.com",
        topic="campaigns",
        key="brand-test:marketing",
        subject="News",
        text="Hello",
    )
    assert (message.from_name, message.reply_to) == ("Harbour Lift Coaching", "hello@harbourlift.example")
