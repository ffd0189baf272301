"""Intake: the builder pages, the public tokenised link and sending a form to a client."""

import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from clients import services
from clients.models import Client, IntakeForm, IntakeQuestion, IntakeRequest, IntakeSubmission
from marketing.models import OptInRequest
from mecto import crypto
from mecto.crypto import hash_token
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

PARQ = [
    "parq_heart_condition",
    "parq_chest_pain",
    "parq_dizziness",
    "parq_chronic_condition",
    "parq_medication",
    "parq_bone_joint",
    "parq_supervised_only",
    "parq_pregnant",
]


def _answers(**overrides):
    data = {
        "q-goal": "fat_loss",
        "q-experience": "beginner",
        "q-days_per_week": "3",
        "q-session_minutes": "45",
        "q-equipment": ["dumbbell", "bands"],
        **{f"q-{key}": "no" for key in PARQ},
    }
    data.update(overrides)
    return data


@pytest.fixture
def form(org):
    return services.ensure_default_intake_form(organization=org)


def test_public_form_renders_with_the_business_name(client, form, org):
    response = client.get(reverse("clients:intake_public", args=[form.public_token]))
    body = response.content.decode()
    assert response.status_code == 200 and org.name in body and "Health screening" in body


def test_public_submission_creates_a_flagged_lead(client, form, org):
    data = _answers(**{"q-parq_chest_pain": "yes"})
    data.update({"first_name": "Lee", "last_name": "Park", "email": "lee@example.com", "email_consent": "on"})
    response = client.post(reverse("clients:intake_public", args=[form.public_token]), data)
    assert response.status_code == 302 and response.url == reverse("clients:intake_thanks")
    lead = Client.objects.for_org(org).get(email="lee@example.com")
    assert lead.status == "lead" and lead.source == "intake" and lead.needs_medical_clearance
    # Email marketing is double opt-in: the ticked box sends a confirmation, consent comes later.
    assert not lead.email_consent
    assert OptInRequest.objects.get(client=lead).source == "public intake"
    assert lead.intake_submissions.get().answers["equipment"] == ["dumbbell", "bands"]


def test_public_submission_errors_are_shown_and_nothing_is_stored(client, form):
    response = client.post(
        reverse("clients:intake_public", args=[form.public_token]),
        {**_answers(**{"q-days_per_week": "12"}), "first_name": "", "email": "x"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a number from 2 to 6." in body or "Ensure" in body or "from 2" in body
    assert not Client.objects.exists() and not IntakeSubmission.objects.exists()


def test_honeypot_pretends_success_and_stores_nothing(client, form):
    data = {**_answers(), "first_name": "Bot", "email": "bot@example.com", "website": "http://spam"}
    response = client.post(reverse("clients:intake_public", args=[form.public_token]), data)
    assert response.status_code == 302 and not Client.objects.exists()


def test_renewed_or_switched_off_links_stop_working(client, form):
    old = form.public_token
    services.renew_public_link(form=form)
    assert client.get(reverse("clients:intake_public", args=[old])).status_code == 404
    services.update_intake_form(form=form, is_public=False)
    assert client.get(reverse("clients:intake_public", args=[form.public_token])).status_code == 404
    assert client.get(reverse("clients:intake_public", args=["guess"])).status_code == 404


def test_send_intake_to_a_client_emails_a_single_use_link(client, coach, org, form, django_capture_on_commit_callbacks):
    target = ClientFactory(organization=org, email="kim@example.com")
    client.force_login(coach)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clients:intake", args=[target.pk]), {"form": form.pk})
    assert mail.outbox[-1].to == ["kim@example.com"]
    link = re.search(r"https?://\S+/intake/r/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and "About you" not in page.content.decode()
    response = client.post(path, _answers())
    assert response.status_code == 302
    assert target.intake_submissions.get().source == "request"
    assert "Already completed" in client.get(path).content.decode()
    assert Client.objects.for_org(org).count() == 1


def _stored(table: str, columns: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()


def test_a_public_link_token_is_stored_encrypted_and_shown_to_the_coach_again(client, coach, form):
    token = form.public_token
    stored, stored_hash = _stored("clients_intakeform", "public_token, public_token_hash", form.pk)
    assert token not in stored and crypto.decrypt(stored) == token and stored_hash == hash_token(token)
    client.force_login(coach)
    page = client.get(reverse("clients:intake_form_edit", args=[form.pk])).content.decode()
    assert reverse("clients:intake_public", args=[token]) in page
    services.renew_public_link(form=form)
    stored, stored_hash = _stored("clients_intakeform", "public_token, public_token_hash", form.pk)
    assert crypto.decrypt(stored) == form.public_token != token and stored_hash == hash_token(form.public_token)


def test_a_sent_intake_keeps_only_a_hash_of_its_token(client, coach, org, form, django_capture_on_commit_callbacks):
    target = ClientFactory(organization=org, email="kim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.send_intake_to_client(form=form, client=target, actor=coach)
    token = re.search(r"/intake/r/(\S+)/", mail.outbox[-1].body).group(1)
    (stored_hash,) = _stored("clients_intakerequest", "token_hash", request.pk)
    assert stored_hash == hash_token(token)
    assert not any(token in str(value) for value in IntakeRequest.objects.filter(pk=request.pk).values().get().values())
    assert client.get(reverse("clients:intake_request", args=[token])).status_code == 200
    assert client.get(reverse("clients:intake_request", args=[stored_hash])).status_code == 404


def test_builder_adds_moves_edits_and_deletes_questions(client, coach, org):
    client.force_login(coach)
    response = client.post(reverse("clients:intake_forms"), {"name": "Monthly check-in", "is_public": "on"})
    form = IntakeForm.objects.for_org(org).get(name="Monthly check-in")
    assert response.url == reverse("clients:intake_form_edit", args=[form.pk])
    section = form.sections.get()
    edit = reverse("clients:intake_form_edit", args=[form.pk])
    client.post(edit, {"action": "add_question", "label": "Energy this month", "kind": "scale", "section": section.pk})
    client.post(
        edit,
        {
            "action": "add_question",
            "label": "Favourite lift",
            "kind": "single_choice",
            "choices_text": "Squat\nBench\nDeadlift",
            "required": "on",
            "section": section.pk,
        },
    )
    bad = client.post(edit, {"action": "add_question", "label": "Pick", "kind": "single_choice", "section": section.pk})
    assert bad.status_code == 400 and "Add at least one choice" in bad.content.decode()
    energy, lift = list(form.questions.order_by("position"))
    assert (energy.key, lift.key) == ("energy_this_month", "favourite_lift")
    assert lift.choice_values == ["squat", "bench", "deadlift"]
    client.post(edit, {"action": "move_up", "question_id": lift.pk})
    assert list(form.questions.order_by("position").values_list("key", flat=True)) == [
        "favourite_lift",
        "energy_this_month",
    ]
    response = client.post(
        reverse("clients:intake_reorder", args=[form.pk]),
        json.dumps({"section": section.pk, "questions": [energy.pk, lift.pk]}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert list(form.questions.order_by("position").values_list("key", flat=True)) == [
        "energy_this_month",
        "favourite_lift",
    ]
    client.post(
        reverse("clients:intake_question_edit", args=[form.pk, lift.pk]),
        {
            "label": "Best lift",
            "kind": "single_choice",
            "choices_text": "Squat\nBench\nDeadlift\nPress",
            "section": section.pk,
        },
    )
    lift.refresh_from_db()
    assert lift.key == "favourite_lift" and lift.label == "Best lift" and lift.choice_values[-1] == "press"
    client.post(edit, {"action": "delete_question", "question_id": energy.pk})
    assert not IntakeQuestion.objects.filter(pk=energy.pk).exists()
    client.post(edit, {"action": "set_default"})
    form.refresh_from_db()
    assert form.is_default and IntakeForm.objects.for_org(org).filter(is_default=True).count() == 1


def test_builder_is_scoped_to_the_business(client, coach):
    other = services.create_intake_form(organization=ClientFactory().organization, name="Theirs")
    client.force_login(coach)
    assert client.get(reverse("clients:intake_form_edit", args=[other.pk])).status_code == 404


def test_thank_you_page_carries_the_businesss_brand_and_no_platform_sign_up(client, form, org):
    data = _answers()
    data.update({"first_name": "Lee", "last_name": "Park", "email": "lee@example.com"})
    response = client.post(reverse("clients:intake_public", args=[form.public_token]), data, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and f"<span>{org.name}</span>" in body
    assert reverse("account_signup") not in body and "· Mecto<" not in body


def test_the_thank_you_page_opened_without_a_form_names_no_platform(client):
    """Opened directly (no form sent in this session) it cannot tell the business: it shows no
    name at all rather than the platform's, and offers no sign-up."""
    html = client.get("/intake/thanks/").content.decode()
    assert "Thank you" in html
    assert "Mecto" not in html and "/account/signup/" not in html
