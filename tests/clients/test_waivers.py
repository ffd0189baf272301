"""Waivers and the health-data consent: versions, signature records, re-signing before the
next booking (booking's service, the public page and the portal), consent on the intake."""

import base64
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time
from PIL import Image, ImageDraw

from booking import services as booking_services
from booking.models import Booking
from clients import selectors, services
from clients.models import Client, IntakeSubmission, WaiverDocument, WaiverSignature, WaiverVersion
from mecto.errors import DomainError
from tests.booking.conftest import Studio
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)
TUE_12 = datetime(2026, 6, 2, 12, 0, tzinfo=LONDON)


@pytest.fixture
def studio():
    return Studio()


@pytest.fixture
def waiver(studio):
    return services.create_waiver_document(
        organization=studio.org, title="Liability waiver", body="I train at my own risk.", actor=studio.coach
    )


def drawing_png() -> str:
    image = Image.new("RGBA", (300, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 40), (290, 30)], fill=(17, 17, 17, 255), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def current(document) -> WaiverVersion:
    return document.versions.order_by("-version").first()


# --- Versions and signatures ----------------------------------------------------------------------
def test_a_new_version_is_a_new_row_and_the_old_text_stays(studio, waiver):
    v1 = current(waiver)
    v2 = services.publish_waiver_version(document=waiver, title="Liability waiver", body="Version two text.")
    assert (v1.version, v2.version) == (1, 2)
    v1.refresh_from_db()
    assert v1.body == "I train at my own risk." and v1.published_at is not None
    with pytest.raises(services.WaiverError):
        services.publish_waiver_version(document=waiver, title="Liability waiver", body="Version two text.")
    assert waiver.versions.count() == 2


def test_signature_keeps_version_text_hash_time_ip_agent_and_method(studio, waiver):
    client = ClientFactory(organization=studio.org)
    version = current(waiver)
    with freeze_time("2026-05-01 10:00:00"):
        signature = services.sign_waiver(
            client=client,
            version=version,
            typed_name="  Ada   Lovelace ",
            drawn_signature=drawing_png(),
            ip_address="203.0.113.7",
            user_agent="Mozilla/5.0 (iPhone)",
            source="portal",
        )
    signature.refresh_from_db()
    assert signature.version == version and signature.version_number == 1
    assert signature.text_hash == services.waiver_text_hash("Liability waiver", "I train at my own risk.")
    assert signature.text_hash == version.text_hash
    assert signature.signed_at.isoformat() == "2026-05-01T10:00:00+00:00"
    assert signature.ip_address == "203.0.113.7" and signature.user_agent == "Mozilla/5.0 (iPhone)"
    assert signature.method == "drawn" and signature.typed_name == "Ada Lovelace"
    assert Image.open(io.BytesIO(base64.b64decode(signature.drawn_signature))).format == "PNG"
    # Signing the same version again keeps the first record.
    assert services.sign_waiver(client=client, version=version, typed_name="Ada Lovelace").pk == signature.pk


@pytest.mark.parametrize(
    "drawing",
    [
        "data:image/png;base64,not-base64!",
        "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nrubbish").decode(),
        "data:image/png;base64," + "A" * 200_000,
    ],
)
def test_bad_drawings_are_refused_and_nothing_is_signed(studio, waiver, drawing):
    client = ClientFactory(organization=studio.org)
    with pytest.raises(services.WaiverError) as exc:
        services.sign_waiver(client=client, version=current(waiver), typed_name="Ada Lovelace", drawn_signature=drawing)
    assert exc.value.field == "drawn_signature"
    assert not WaiverSignature.objects.exists()


def test_a_typed_name_is_required(studio, waiver):
    client = ClientFactory(organization=studio.org)
    with pytest.raises(services.WaiverError) as exc:
        services.sign_waiver(client=client, version=current(waiver), typed_name=" ")
    assert exc.value.field == "typed_name"


# --- Booking --------------------------------------------------------------------------------------
@freeze_time(NOW)
def test_a_business_without_required_waivers_blocks_nobody(studio):
    client = ClientFactory(organization=studio.org)
    assert selectors.unsigned_waivers(client) == []
    services.create_waiver_document(
        organization=studio.org, title="Health data", body="I consent.", kind="health_consent"
    )
    assert selectors.unsigned_waivers(client) == []
    booking_services.book_session(
        service=studio.service, coach=studio.coach, start_at=TUE_10, client=client, source=Booking.Source.APP
    )


@freeze_time(NOW)
def test_new_version_blocks_booking_through_the_service_until_re_signed(studio, waiver):
    client = ClientFactory(organization=studio.org)
    services.sign_waiver(client=client, version=current(waiver), typed_name="Ada Lovelace")
    booking_services.book_session(
        service=studio.service, coach=studio.coach, start_at=TUE_10, client=client, source=Booking.Source.APP
    )
    services.publish_waiver_version(document=waiver, title="Liability waiver", body="New rules from June.")
    with pytest.raises(DomainError) as exc:
        booking_services.book_session(
            service=studio.service, coach=studio.coach, start_at=TUE_12, client=client, source=Booking.Source.APP
        )
    assert exc.value.code == "waiver_required"
    assert "Liability waiver" in exc.value.message and "(v2)" in exc.value.message
    assert Booking.objects.count() == 1
    # A coach booking by hand is not blocked: the rule is for the client's own booking.
    booking_services.book_session(service=studio.service, coach=studio.coach, start_at=TUE_12, client=client)
    services.sign_waiver(client=client, version=current(waiver), typed_name="Ada Lovelace")
    assert selectors.unsigned_waivers(client) == []


@freeze_time(NOW)
def test_portal_client_is_sent_to_sign_then_books(client, studio, waiver):
    user = UserFactory()
    me = ClientFactory(organization=studio.org, user=user, email=user.email)
    client.force_login(user)
    book_url = reverse("booking:public_book", args=[studio.org.slug, studio.service.slug])
    query = {"start": TUE_10.isoformat(), "coach": studio.profile.slug, "tz": "Europe/London"}
    refused = client.post(book_url, {**query, "note": ""})
    assert refused.status_code == 400
    assert "/portal/waivers/" in refused.content.decode() and Booking.objects.count() == 0
    page = client.get(reverse("clients:portal_waivers"))
    assert "I train at my own risk." in page.content.decode()
    version = current(waiver)
    bad = client.post(reverse("clients:portal_waivers"), {"version": version.pk, f"v{version.pk}-typed_name": "Me"})
    assert bad.status_code == 400 and not WaiverSignature.objects.exists()
    signed = client.post(
        reverse("clients:portal_waivers"),
        {"version": version.pk, f"v{version.pk}-typed_name": me.full_name, f"v{version.pk}-agreed": "on"},
        HTTP_USER_AGENT="Phone browser",
        REMOTE_ADDR="198.51.100.4",
    )
    assert signed.status_code == 302
    signature = WaiverSignature.objects.get(client=me)
    assert signature.source == "portal" and signature.ip_address == "198.51.100.4"
    assert signature.user_agent == "Phone browser" and signature.method == "typed"
    done = client.post(book_url, {**query, "note": ""})
    assert done.status_code == 302 and Booking.objects.filter(client=me).count() == 1


@freeze_time(NOW)
def test_public_booking_page_refuses_with_a_signing_link_that_works(client, studio, waiver):
    book_url = reverse("booking:public_book", args=[studio.org.slug, studio.service.slug])
    query = f"?start={TUE_10.isoformat()}&coach={studio.profile.slug}&tz=Europe/London".replace("+", "%2B")
    details = {"first_name": "Sal", "last_name": "Stranger", "email": "sal@example.com", "phone": "", "note": ""}
    refused = client.post(book_url + query, details)
    assert refused.status_code == 400
    body = refused.content.decode()
    link = re.search(r"(/waivers/sign/[^\s<\"]+/)", body).group(1)
    assert not Booking.objects.exists() and not Client.objects.filter(email="sal@example.com").exists()
    page = client.get(link)
    assert page.status_code == 200 and "I train at my own risk." in page.content.decode()
    version = current(waiver)
    signed = client.post(
        link, {"version": version.pk, f"v{version.pk}-typed_name": "Sal Stranger", f"v{version.pk}-agreed": "on"}
    )
    assert signed.status_code == 302
    signature = WaiverSignature.objects.get()
    assert signature.source == "public_link" and signature.client.email == "sal@example.com"
    done = client.post(book_url + query, details)
    assert done.status_code == 302 and Booking.objects.get().client == signature.client
    assert client.get("/waivers/sign/forged-token/").status_code == 404


# --- Health consent on the public intake ----------------------------------------------------------
def _intake_post(org, consent_fields):
    form = services.ensure_default_intake_form(organization=org)
    from clients.selectors import form_questions

    data = {"first_name": "Lea", "last_name": "Lead", "email": "lea@example.com"}
    for q in form_questions(form=form):
        if q.required:
            if q.kind in ("yes_no",):
                data[f"q-{q.key}"] = "no"
            elif q.choices:
                data[f"q-{q.key}"] = q.choices[0]["value"]
            elif q.kind in ("number", "scale"):
                data[f"q-{q.key}"] = str(int(q.min_value or 1))
            else:
                data[f"q-{q.key}"] = "Something"
    data.update(consent_fields)
    return form, data


def test_health_consent_is_needed_before_intake_answers_are_stored(client, studio):
    document = services.create_waiver_document(
        organization=studio.org,
        title="Health data consent",
        body="You may process my health data.",
        kind="health_consent",
    )
    version = current(document)
    form, data = _intake_post(studio.org, {})
    url = reverse("clients:intake_public", args=[form.public_token])
    page = client.get(url).content.decode()
    assert "You may process my health data." in page
    refused = client.post(url, data)
    assert refused.status_code == 400 and "Your consent is needed" in refused.content.decode()
    assert not IntakeSubmission.objects.exists() and not Client.objects.filter(email="lea@example.com").exists()
    data.update({"consent-signature_name": "Lea Lead", f"consent-agree_{version.pk}": "on"})
    done = client.post(url, data, REMOTE_ADDR="192.0.2.9")
    assert done.status_code == 302
    lead = Client.objects.get(email="lea@example.com")
    signature = WaiverSignature.objects.get(client=lead)
    assert signature.document.kind == WaiverDocument.Kind.HEALTH_CONSENT
    assert signature.source == "public_intake" and signature.ip_address == "192.0.2.9"
    assert signature.text_hash == version.text_hash
    assert IntakeSubmission.objects.filter(client=lead).count() == 1


# --- Pages and lists ------------------------------------------------------------------------------
def test_coach_publishes_a_new_version_and_sees_who_signed_which(client, studio, waiver):
    signer = ClientFactory(organization=studio.org, first_name="Signer")
    services.sign_waiver(client=signer, version=current(waiver), typed_name="Signer One")
    client.force_login(studio.coach)
    response = client.post(
        reverse("clients:waiver_detail", args=[waiver.pk]), {"title": "Liability waiver", "body": "Second text"}
    )
    assert response.status_code == 302
    page = client.get(reverse("clients:waiver_detail", args=[waiver.pk])).content.decode()
    assert "Second text" in page and "Signer" in page and "v1" in page
    same = client.post(
        reverse("clients:waiver_detail", args=[waiver.pk]), {"title": "Liability waiver", "body": "Second text"}
    )
    assert same.status_code == 400 and waiver.versions.count() == 2


def test_waiver_pages_of_another_business_are_404(client, studio, waiver):
    other = Studio()
    client.force_login(other.coach)
    assert client.get(reverse("clients:waiver_detail", args=[waiver.pk])).status_code == 404


def test_signature_list_query_count_does_not_grow(client, studio, waiver, django_assert_max_num_queries):
    version = current(waiver)

    def sign(n):
        for _ in range(n):
            services.sign_waiver(client=ClientFactory(organization=studio.org), version=version, typed_name="A Person")

    client.force_login(studio.coach)
    sign(10)
    url = reverse("clients:waiver_detail", args=[waiver.pk])
    with django_assert_max_num_queries(25) as ten:
        assert client.get(url).status_code == 200
    sign(90)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("A Person") == 0  # the list shows client names, not typed ones
    assert len(selectors.waiver_signatures(organization=studio.org, document=waiver)) == 100
