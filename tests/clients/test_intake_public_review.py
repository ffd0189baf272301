"""A public-link intake with an existing client's email: anyone can type any email, so it is
kept against that client for the coach to accept or discard, and changes none of their fields."""

from datetime import date

import pytest
from django.urls import reverse

from clients import selectors, services
from clients.models import Client, IntakeSubmission
from marketing.models import OptInRequest
from mecto.comms.models import Consent
from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory, OrganizationFactory

from .test_intake_contract import FULL_ANSWERS
from .test_intake_pages import _answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(org):
    return services.ensure_default_intake_form(organization=org)


@pytest.fixture
def sam(org, form):
    client = ClientFactory(
        organization=org,
        first_name="Sam",
        last_name="Real",
        email="sam@example.com",
        phone="+441234",
        date_of_birth=date(1990, 5, 1),
    )
    services.submit_intake(form=form, client=client, answers={**FULL_ANSWERS, "goal": "strength"}, source="coach")
    return client


def _impostor(form, **answers):
    return services.submit_intake(
        form=form,
        answers={**FULL_ANSWERS, "goal": "fat_loss", **answers},
        contact={"first_name": "Not", "last_name": "Sam", "email": "SAM@example.com", "phone": "+449999"},
        consents={"email": True, "sms": True},
    )


def _fields(client):
    client.refresh_from_db()
    return (
        client.first_name,
        client.last_name,
        client.phone,
        client.date_of_birth,
        client.email_consent,
        client.sms_consent,
    )


def test_it_is_kept_unverified_and_changes_nothing_of_the_client(org, form, sam):
    before = _fields(sam)
    submission = _impostor(form)
    assert submission.client == sam and submission.review == IntakeSubmission.Review.PENDING
    typed = {"first_name": "Not", "last_name": "Sam", "email": "sam@example.com", "phone": "+449999"}
    assert submission.contact == typed
    assert _fields(sam) == before
    assert not Consent.objects.filter(client_id=sam.pk).exists()
    assert selectors.intake_answers(client=sam)["goal"] == "strength"  # the unverified answers do not count
    assert Client.objects.for_org(org).count() == 1
    events = Event.objects.filter(client_id=sam.pk, name="intake.submitted").order_by("id")
    assert events.count() == 2 and events.last().payload["review"] == "pending"


def test_a_health_screening_yes_flags_the_client_at_once(form, sam):
    submission = _impostor(form, parq_chest_pain="yes")
    assert submission.review == IntakeSubmission.Review.PENDING
    sam.refresh_from_db()
    assert sam.needs_medical_clearance
    services.discard_intake_submission(submission=submission)
    sam.refresh_from_db()
    assert sam.needs_medical_clearance  # the coach clears it after checking with the client


def test_accepting_counts_the_answers_and_records_the_consents_once(form, sam, owner):
    submission = _impostor(form)
    services.accept_intake_submission(submission=submission, actor=owner)
    submission.refresh_from_db()
    assert submission.review == "accepted" and submission.reviewed_by == owner and submission.reviewed_at
    assert selectors.intake_answers(client=sam)["goal"] == "fat_loss"
    sam.refresh_from_db()
    assert sam.sms_consent and "accepted by the coach" in sam.sms_consent_method
    # Email marketing is double opt-in: accepting sends the confirmation to the client's address.
    assert not sam.email_consent
    assert OptInRequest.objects.get(client=sam).email == "sam@example.com"
    assert (sam.first_name, sam.last_name, sam.phone) == ("Sam", "Real", "+441234")
    with pytest.raises(services.IntakeError):
        services.accept_intake_submission(submission=submission, actor=owner)
    with pytest.raises(services.IntakeError):
        services.discard_intake_submission(submission=submission, actor=owner)
    assert OptInRequest.objects.filter(client=sam).count() == 1
    assert Event.objects.filter(client_id=sam.pk, name="intake.submitted").count() == 2  # one per submission


def test_discarding_keeps_the_answers_out(form, sam, owner):
    submission = services.discard_intake_submission(submission=_impostor(form), actor=owner)
    assert submission.review == "discarded"
    assert selectors.intake_answers(client=sam)["goal"] == "strength"
    with pytest.raises(services.IntakeError):
        services.accept_intake_submission(submission=submission, actor=owner)


def test_new_people_and_sent_links_are_not_held_for_review(org, form, sam):
    lead = services.submit_intake(
        form=form, answers=FULL_ANSWERS, contact={"first_name": "New", "email": "new@example.com"}
    )
    assert lead.review == "accepted" and lead.client != sam
    request = services.send_intake_to_client(form=form, client=sam)
    sent = services.submit_intake(form=form, answers=FULL_ANSWERS, intake_request=request, source="request")
    assert sent.review == "accepted"


def test_the_public_page_leaves_an_existing_client_untouched(client, org, form, sam):
    before = _fields(sam)
    data = _answers()
    data.update({"first_name": "Mallory", "last_name": "X", "email": "sam@example.com", "phone": "+440000"})
    data["email_consent"] = "on"
    response = client.post(reverse("clients:intake_public", args=[form.public_token]), data)
    assert response.status_code == 302
    assert _fields(sam) == before
    assert sam.intake_submissions.filter(review="pending").count() == 1


def test_the_intake_tab_shows_it_and_the_coach_accepts_or_discards(client, org, form, sam, owner):
    pending = _impostor(form)
    other = _impostor(form)
    client.force_login(owner)
    page = client.get(reverse("clients:intake", args=[sam.pk])).content.decode()
    assert "Submitted via public link — email not verified" in page and "Accept answers" in page
    assert "+449999" in page
    url = reverse("clients:intake_review", args=[sam.pk, pending.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 302
    other_url = reverse("clients:intake_review", args=[sam.pk, other.pk])
    assert client.post(other_url, {"decision": "discard"}).status_code == 302
    assert IntakeSubmission.objects.get(pk=pending.pk).review == "accepted"
    assert IntakeSubmission.objects.get(pk=other.pk).review == "discarded"
    assert client.post(url, {"decision": "nonsense"}).status_code == 302  # a message, nothing changes
    assert IntakeSubmission.objects.get(pk=pending.pk).review == "accepted"


def test_another_business_cannot_review_it(client, form, sam):
    from tests.factories import MembershipFactory

    stranger = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    pending = _impostor(form)
    client.force_login(stranger)
    response = client.post(reverse("clients:intake_review", args=[sam.pk, pending.pk]), {"decision": "accept"})
    assert response.status_code == 404
    assert api_as(stranger).post(f"/api/v1/clients/{sam.pk}/intake-submissions/{pending.pk}/accept/").status_code == 404
    assert IntakeSubmission.objects.get(pk=pending.pk).review == "pending"


def test_the_api_lists_the_review_state_and_accepts_or_discards(form, sam, owner):
    pending = _impostor(form)
    api = api_as(owner)
    base = f"/api/v1/clients/{sam.pk}/intake-submissions/"
    listed = {row["id"]: row for row in api.get(base).json()["results"]}
    assert listed[pending.pk]["review"] == "pending" and listed[pending.pk]["contact"]["phone"] == "+449999"
    accepted = api.post(f"{base}{pending.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["review"] == "accepted"
    again = api.post(f"{base}{pending.pk}/discard/")
    assert again.status_code == 400 and "already reviewed" in str(again.json())
    second = _impostor(form)
    assert api.post(f"{base}{second.pk}/discard/").json()["review"] == "discarded"
