import pytest
from django.core import mail
from django.test import Client as HttpClient

from marketing.models import UnsubscribeToken
from marketing.sending import send_to_client
from marketing.services.consent import revoke_token
from mecto import comms
from mecto.comms import delivery
from mecto.comms.models import Category, Channel, OutboundMessage
from mecto.models import Event
from tests.factories import ClientFactory, OrganizationFactory

from .helpers import email_template

Status = OutboundMessage.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return OrganizationFactory(name="Northside Strength", time_zone="Europe/Berlin")


@pytest.fixture
def member(business):
    client = ClientFactory(organization=business, first_name="Sam", email="sam@example.com", phone="")
    comms.record_consent(
        organization=business,
        channel=Channel.EMAIL,
        address=client.email,
        granted=True,
        method="test",
        client_id=client.pk,
    )
    return client


def _campaign_email(business, client, key="c1"):
    return send_to_client(business, client, email_template(business), channel=Channel.EMAIL, key=key)


def _token(message):
    return UnsubscribeToken.objects.get(organization=message.organization, address=message.to_address).token


def test_marketing_email_carries_rfc8058_headers_and_a_visible_link(
    business, member, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://app.mecto.example"
    with django_capture_on_commit_callbacks(execute=True):
        message = _campaign_email(business, member)
    token = _token(message)
    url = f"https://app.mecto.example/u/{token}/"
    sent = mail.outbox[-1]
    assert sent.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in sent.body and url in sent.alternatives[0][0]
    assert "Hi Sam" in sent.body


def test_the_business_mailbox_is_offered_as_a_second_unsubscribe_uri(business, member, settings):
    from marketing.services.settings import update_sending_settings

    settings.SITE_URL = "https://app.mecto.example"
    update_sending_settings(organization=business, reply_to="hello@northside.example")
    message = _campaign_email(business, member)
    value = message.headers["List-Unsubscribe"]
    assert value.startswith("<https://app.mecto.example/u/")
    assert value.endswith(", <mailto:hello@northside.example?subject=unsubscribe>")
    assert message.reply_to == "hello@northside.example"


def test_transactional_email_through_the_same_path_has_no_unsubscribe_header(business, member):
    message = send_to_client(
        business,
        member,
        email_template(business),
        channel=Channel.EMAIL,
        key="t1",
        topic="account",
        category=Category.TRANSACTIONAL,
    )
    assert "List-Unsubscribe" not in message.headers
    assert "/u/" not in message.body_text


def test_one_click_post_needs_no_csrf_token_cookie_or_login_and_is_idempotent(business, member):
    message = _campaign_email(business, member)
    token = _token(message)
    browser = HttpClient(enforce_csrf_checks=True)
    response = browser.post(
        f"/u/{token}/", data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not response.cookies
    assert not comms.check(
        organization=business, channel="email", address=member.email, category=Category.MARKETING, topic="campaigns"
    ).allowed
    latest = comms.latest_consent(organization=business, channel="email", address=member.email)
    assert latest.granted is False and latest.method == "one-click unsubscribe"
    consents = latest.__class__.objects.filter(organization=business).count()

    again = HttpClient(enforce_csrf_checks=True).post(f"/u/{token}/", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert latest.__class__.objects.filter(organization=business).count() == consents
    assert Event.objects.filter(organization=business, name="client.unsubscribed").count() == 1
    member.refresh_from_db()
    assert member.email_consent is False


def test_after_unsubscribing_campaigns_are_suppressed_but_booking_confirmations_arrive(
    business, member, django_capture_on_commit_callbacks
):
    token = _token(_campaign_email(business, member))
    HttpClient(enforce_csrf_checks=True).post(f"/u/{token}/", data={"List-Unsubscribe": "One-Click"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = _campaign_email(business, member, key="c2")
        confirmation = comms.queue_email(
            organization=business,
            to=member.email,
            topic="bookings",
            key="booking-confirmed:1",
            category=Category.TRANSACTIONAL,
            subject="Your session is booked",
            text="See you Monday at 9:00.",
            client_id=member.pk,
        )
    campaign.refresh_from_db()
    confirmation.refresh_from_db()
    assert campaign.status == Status.SUPPRESSED
    assert confirmation.status == Status.SENT
    assert [m.subject for m in mail.outbox] == ["Your session is booked"]


def test_a_client_without_consent_gets_a_suppressed_message_at_delivery(business):
    client = ClientFactory(organization=business, email="new@example.com")
    message = _campaign_email(business, client)
    assert message.status == Status.QUEUED
    assert delivery.deliver(message.pk) == Status.SUPPRESSED
    message.refresh_from_db()
    assert "consent" in message.status_detail


def test_preference_page_shows_the_business_brand_and_saves_choices(business, member):
    token = _token(_campaign_email(business, member))
    page = HttpClient().get(f"/u/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Northside Strength" in html and "s••@example.com" in html
    assert "sign up" not in html.lower()
    assert 'name="channel-email" checked' in html

    saved = HttpClient(enforce_csrf_checks=True).post(f"/u/{token}/", {"action": "save"})
    assert saved.status_code == 200 and "preferences are saved" in saved.content.decode()
    assert not comms.check(
        organization=business, channel="email", address=member.email, category=Category.MARKETING, topic="campaigns"
    ).allowed
    assert Event.objects.filter(organization=business, name="client.unsubscribed").count() == 1

    HttpClient().post(f"/u/{token}/", {"action": "save", "channel-email": "on", "topic-campaigns": "on"})
    assert comms.check(
        organization=business, channel="email", address=member.email, category=Category.MARKETING, topic="campaigns"
    ).allowed


def test_unsubscribe_from_all_marketing_withdraws_every_channel(business):
    client = ClientFactory(organization=business, email="kim@example.com", phone="+4915112345678")
    for channel, address in (("email", client.email), ("sms", client.phone)):
        comms.record_consent(
            organization=business, channel=channel, address=address, granted=True, method="t", client_id=client.pk
        )
    token = _token(_campaign_email(business, client))
    HttpClient().post(f"/u/{token}/", {"action": "unsubscribe_all"})
    for channel, address in (("email", client.email), ("sms", client.phone)):
        assert not comms.check(
            organization=business, channel=channel, address=address, category=Category.MARKETING, topic="campaigns"
        ).allowed


@pytest.mark.parametrize("token", ["nope", "x" * 80])
def test_an_unknown_token_is_a_friendly_404(token):
    response = HttpClient().get(f"/u/{token}/")
    assert response.status_code == 404 and "no longer works" in response.content.decode()
    assert HttpClient().post(f"/u/{token}/", {"List-Unsubscribe": "One-Click"}).status_code == 404


def test_a_revoked_token_stops_working_and_the_next_email_gets_a_new_one(business, member):
    message = _campaign_email(business, member)
    row = UnsubscribeToken.objects.get(token=_token(message))
    revoke_token(token=row)
    assert HttpClient().get(f"/u/{row.token}/").status_code == 404
    second = _campaign_email(business, member, key="c2")
    assert row.token not in second.headers["List-Unsubscribe"]
