"""Double opt-in for marketing email from public pages: a ticked box only sends a
confirmation; consent is recorded (time, source, text shown) when the link is confirmed."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client as Browser
from django.urls import reverse
from freezegun import freeze_time

from clients import services as client_services
from clients.models import Client
from marketing import engine
from marketing.models import ConsentWording, OptInRequest
from marketing.services import campaigns as campaign_services
from marketing.services import optin as optin_services
from mecto import optin as hook
from mecto.comms.models import Category, Consent, OutboundMessage
from mecto.privacy import exporters
from tests.booking.conftest import Studio
from tests.clients.test_intake_pages import _answers
from tests.factories import MembershipFactory, OrganizationFactory

from .campaign_helpers import email_template

pytestmark = pytest.mark.django_db
DEFAULT = "Send me news and offers by email"


@pytest.fixture
def form(org):
    return client_services.ensure_default_intake_form(organization=org)


def _intake(browser, form, email="lee@example.com", ticked=True, **extra):
    data = _answers()
    data.update({"first_name": "Lee", "last_name": "Park", "email": email, **extra})
    if ticked:
        data["email_consent"] = "on"
    return browser.post(reverse("clients:intake_public", args=[form.public_token]), data)


def _link(message) -> str:
    return re.search(r"/optin/[^/\s\"]+/", message.body).group(0)


def _lead_with_link(client, form, django_capture_on_commit_callbacks, email="lee@example.com"):
    with django_capture_on_commit_callbacks(execute=True):
        assert _intake(client, form, email=email).status_code == 302
    lead = Client.objects.get(email=email)
    [message] = [m for m in mail.outbox if m.to == [email]]
    return lead, _link(message)


def test_the_intake_box_is_unticked_and_shows_the_business_wording(client, form, org):
    page = client.get(reverse("clients:intake_public", args=[form.public_token])).content.decode()
    box = re.search(r'<input type="checkbox" name="contact-email_consent"[^>]*>|<input[^>]*email_consent[^>]*>', page)
    assert box and "checked" not in box.group(0)
    wording = ConsentWording.objects.get(organization=org)
    assert wording.version == 1 and wording.text == DEFAULT and DEFAULT in page
    assert f'name="email_wording" value="{wording.pk}"' in page


def test_ticking_sends_a_confirmation_and_grants_nothing_yet(client, form, org, django_capture_on_commit_callbacks):
    lead, link = _lead_with_link(client, form, django_capture_on_commit_callbacks)
    opt_in = OptInRequest.objects.get(client=lead)
    assert opt_in.email == "lee@example.com" and opt_in.source == "public intake"
    assert opt_in.wording_text == DEFAULT and opt_in.confirmed_at is None and opt_in.send_count == 1
    assert opt_in.expires_at == opt_in.created_at + timedelta(days=7)
    message = OutboundMessage.objects.get(idempotency_key=f"optin:{opt_in.pk}:1")
    assert message.category == Category.TRANSACTIONAL and message.status == OutboundMessage.Status.SENT
    token = link.strip("/").split("/")[-1]
    assert token not in opt_in.token_hash and len(token) >= 40  # stored only hashed
    lead.refresh_from_db()
    assert not lead.email_consent and not Consent.objects.filter(organization=org).exists()


def test_an_unticked_box_sends_nothing(client, form):
    assert _intake(client, form, ticked=False).status_code == 302
    assert not OptInRequest.objects.exists() and not OutboundMessage.objects.filter(topic="email_confirmation")


def test_get_shows_the_page_and_never_confirms(client, form, org, django_capture_on_commit_callbacks):
    lead, link = _lead_with_link(client, form, django_capture_on_commit_callbacks)
    for _ in range(2):  # a mail scanner and then the person
        page = Browser().get(link)
        body = page.content.decode()
        assert page.status_code == 200 and org.name in body and "Yes, send me news and offers" in body
    assert OptInRequest.objects.get(client=lead).confirmed_at is None
    assert not Consent.objects.filter(client_id=lead.pk).exists()


@freeze_time("2026-05-04 09:30")
def test_the_button_records_the_consent_with_time_source_and_text(form, org, django_capture_on_commit_callbacks):
    browser = Browser()
    lead, link = _lead_with_link(browser, form, django_capture_on_commit_callbacks)
    page = Browser().post(link, HTTP_USER_AGENT="Mail/1.0", REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 200 and "you are confirmed" in page.content.decode()
    [consent] = Consent.objects.filter(client_id=lead.pk)
    assert consent.granted and consent.channel == "email" and consent.address == "lee@example.com"
    assert consent.method == f"double opt-in: “{DEFAULT}” (v1)"
    assert consent.recorded_at == datetime(2026, 5, 4, 9, 30, tzinfo=ZoneInfo("UTC"))
    opt_in = OptInRequest.objects.get(client=lead)
    assert opt_in.confirmed_at == consent.recorded_at and opt_in.consent == consent
    assert opt_in.confirmed_ip == "203.0.113.9" and opt_in.confirmed_user_agent == "Mail/1.0"
    lead.refresh_from_db()
    assert lead.email_consent and lead.email_consent_method.startswith("double opt-in")


def test_a_second_post_says_already_confirmed_and_records_nothing_more(
    client, form, django_capture_on_commit_callbacks
):
    lead, link = _lead_with_link(client, form, django_capture_on_commit_callbacks)
    assert client.post(link).status_code == 200
    again = client.post(link)
    assert again.status_code == 200 and "Already confirmed" in again.content.decode()
    assert "Already confirmed" in client.get(link).content.decode()
    assert Consent.objects.filter(client_id=lead.pk).count() == 1


def test_an_expired_or_unknown_link_gives_a_clear_page(client, form, django_capture_on_commit_callbacks):
    lead, link = _lead_with_link(client, form, django_capture_on_commit_callbacks)
    with freeze_time(datetime.now() + timedelta(days=7, minutes=1)):
        for response in (client.get(link), client.post(link)):
            assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert not Consent.objects.filter(client_id=lead.pk).exists()
    for url in ("/optin/not-a-real-token/", "/optin/" + "x" * 300 + "/"):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 404 and "This link does not work" in response.content.decode()


def test_the_client_page_shows_the_waiting_confirmation_and_resends_within_limits(
    client, form, org, owner, django_capture_on_commit_callbacks
):
    start = datetime(2026, 5, 4, 9, 0, tzinfo=ZoneInfo("UTC"))
    with freeze_time(start):
        lead, first_link = _lead_with_link(client, form, django_capture_on_commit_callbacks)
    coach = Browser()
    coach.force_login(owner)
    detail = reverse("clients:detail", args=[lead.pk])
    resend = reverse("clients:optin_resend", args=[lead.pk])
    with freeze_time(start + timedelta(minutes=5)):
        page = coach.get(detail).content.decode()
        assert "Email marketing: waiting for confirmation (sent" in page and resend in page
        refused = coach.post(resend, follow=True).content.decode()
        assert "You can send it again in 5 minutes" in refused
    for sends, minutes in ((2, 11), (3, 22)):
        with freeze_time(start + timedelta(minutes=minutes)), django_capture_on_commit_callbacks(execute=True):
            done = coach.post(resend, follow=True).content.decode()
        assert "The confirmation email was sent again" in done
        assert OptInRequest.objects.get(client=lead).send_count == sends
    with freeze_time(start + timedelta(hours=2)):
        refused = coach.post(resend, follow=True).content.decode()
        assert "sent 3 times already" in refused
    assert OptInRequest.objects.get(client=lead).send_count == 3
    links = [_link(m) for m in mail.outbox if m.to == ["lee@example.com"]]
    assert len(links) == 3 and links[0] == first_link
    assert client.get(first_link).status_code == 404  # a resend replaces the link
    with freeze_time(start + timedelta(hours=2)):
        assert client.post(links[-1]).status_code == 200
        assert "waiting for confirmation" not in coach.get(detail).content.decode()


def test_resend_is_for_the_business_that_owns_the_client(client, form, django_capture_on_commit_callbacks):
    lead, _link_ = _lead_with_link(client, form, django_capture_on_commit_callbacks)
    stranger = Browser()
    stranger.force_login(MembershipFactory(organization=OrganizationFactory(), role="owner").user)
    assert stranger.post(reverse("clients:optin_resend", args=[lead.pk])).status_code == 404
    assert OptInRequest.objects.get(client=lead).send_count == 1


def test_a_form_sent_twice_mails_one_confirmation(client, form, django_capture_on_commit_callbacks):
    _lead_with_link(client, form, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert _intake(client, form).status_code == 302  # the same email again: held for review
    assert OptInRequest.objects.count() == 1


def test_a_campaign_skips_the_unconfirmed_lead_and_reaches_the_confirmed_one(
    client, form, org, monkeypatch, django_capture_on_commit_callbacks
):
    confirmed, link = _lead_with_link(client, form, django_capture_on_commit_callbacks, email="yes@example.com")
    waiting, _link_ = _lead_with_link(client, form, django_capture_on_commit_callbacks, email="wait@example.com")
    client.post(link)
    from marketing.models import Segment

    segment = Segment.objects.create(
        organization=org, name="Leads", rules=[{"field": "status", "op": "is", "value": "lead"}]
    )
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)
    campaign = campaign_services.create_campaign(
        organization=org, name="Spring", segment=segment, email_template=email_template(org)
    )
    campaign_services.send_campaign_now(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        engine.send_batch(campaign.pk)
    sent = {m.to_address: m for m in OutboundMessage.objects.filter(category=Category.MARKETING)}
    assert sent["yes@example.com"].status == OutboundMessage.Status.SENT
    assert sent["wait@example.com"].status == OutboundMessage.Status.SUPPRESSED
    assert "consent" in sent["wait@example.com"].status_detail.lower()
    assert waiting.pk and [m.to for m in mail.outbox if m.subject.startswith("Hello")] == [["yes@example.com"]]


def test_the_text_recorded_is_the_version_shown_even_after_the_wording_changes(
    client, form, org, django_capture_on_commit_callbacks
):
    page = client.get(reverse("clients:intake_public", args=[form.public_token])).content.decode()
    shown = ConsentWording.objects.get(organization=org)
    assert DEFAULT in page
    newer = optin_services.change_wording(organization=org, text="Yes, email me offers and club news")
    assert newer.version == 2 and ConsentWording.objects.get(pk=shown.pk).text == DEFAULT
    with django_capture_on_commit_callbacks(execute=True):
        assert _intake(client, form, email_wording=str(shown.pk)).status_code == 302
    lead = Client.objects.get(email="lee@example.com")
    opt_in = OptInRequest.objects.get(client=lead)
    assert opt_in.wording == shown and opt_in.wording_text == DEFAULT
    optin_services.change_wording(organization=org, text="A third text")
    client.post(_link(mail.outbox[-1]))
    assert Consent.objects.get(client_id=lead.pk).method == f"double opt-in: “{DEFAULT}” (v1)"
    assert "A third text" in client.get(reverse("clients:intake_public", args=[form.public_token])).content.decode()
    # Another business's version id (or nonsense) in the hidden field falls back to the current text.
    other = optin_services.current_wording(organization=OrganizationFactory())
    for value in (str(other.pk), "nonsense"):
        with django_capture_on_commit_callbacks(execute=True):
            _intake(client, form, email=f"{value}@example.com", email_wording=value)
        assert OptInRequest.objects.get(email=f"{value}@example.com").wording_text == "A third text"


def test_wording_is_checked_and_never_edited_in_place(org):
    with pytest.raises(hook.OptInError):
        optin_services.change_wording(organization=org, text="   ")
    with pytest.raises(hook.OptInError):
        optin_services.change_wording(organization=org, text="x" * 161)
    first = optin_services.current_wording(organization=org)
    assert optin_services.change_wording(organization=org, text=f"  {DEFAULT} ") == first


@freeze_time("2026-06-01 06:00")
def test_the_public_booking_page_offers_the_box_too(client, django_capture_on_commit_callbacks):
    studio = Studio()
    days = client.get(
        reverse("booking:public_slots", args=[studio.org.slug, studio.service.slug, "2026-06-02"]) + "?tz=Europe/London"
    ).content.decode()
    book_url = re.search(r'href="(/book/[^"]+/book/\?start=[^"]+)"', days).group(1).replace("&amp;", "&")
    details = client.get(book_url).content.decode()
    assert DEFAULT in details and "email_consent" in details
    wording = ConsentWording.objects.get(organization=studio.org)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            book_url,
            {"first_name": "Sal", "email": "sal@example.com", "email_consent": "on", "email_wording": wording.pk},
        )
    assert done.status_code == 302
    opt_in = OptInRequest.objects.get(email="sal@example.com")
    assert opt_in.source == "public booking page" and opt_in.wording == wording
    assert any("/optin/" in m.body for m in mail.outbox if m.to == ["sal@example.com"])
    assert not Consent.objects.filter(organization=studio.org).exists()


def test_the_client_export_includes_the_opt_in_requests(client, form, django_capture_on_commit_callbacks):
    lead, _link_ = _lead_with_link(client, form, django_capture_on_commit_callbacks)
    sections = {}
    for participant in exporters():
        sections.update(participant.exporter(lead).sections)
    [row] = sections["email_opt_in_requests"]
    assert row["email"] == "lee@example.com" and row["wording_text"] == DEFAULT and "token_hash" not in row
