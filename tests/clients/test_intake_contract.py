"""The default intake form and `intake_answers`: the contract other apps build on."""

import pytest
from django.core.management import call_command

from accounts.services import sign_up_business
from clients import selectors, services
from clients.intake_defaults import EQUIPMENT, INJURY_AREAS
from clients.models import Client, IntakeForm, IntakeSubmission
from mecto.models import Event
from tests.clients.factories import IntakeSubmissionFactory
from tests.factories import ClientFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "goal",
    "experience",
    "days_per_week",
    "session_minutes",
    "equipment",
    "injuries",
    "injury_notes",
    "preferences",
    "diet",
    "food_allergies",
    "meals_per_day",
    "nutrition_notes",
}

FULL_ANSWERS = {
    "goal": "hypertrophy",
    "experience": "intermediate",
    "days_per_week": "4",
    "session_minutes": "60",
    "equipment": ["dumbbell", "barbell", "bands"],
    "injuries": ["knee"],
    "injury_notes": "Old ACL repair, left knee",
    "preferences": "Loves deadlifts, hates burpees",
    "diet": "vegetarian",
    "food_allergies": [],
    "meals_per_day": "3",
    **{f"parq_{k}": "no" for k in ("heart_condition", "chest_pain", "dizziness", "chronic_condition")},
    **{f"parq_{k}": "no" for k in ("medication", "bone_joint", "supervised_only", "pregnant")},
}


def _default_form(org) -> IntakeForm:
    return IntakeForm.objects.for_org(org).get(is_default=True)


def test_a_new_business_starts_with_the_default_form():
    _user, org = sign_up_business(email="new@example.com", password="a-long-passphrase-1", business_name="Lift Co")
    form = _default_form(org)
    keys = set(form.questions.values_list("key", flat=True))
    assert keys >= CONTRACT_KEYS
    assert {k for k in keys if k.startswith("parq_")} >= {"parq_heart_condition", "parq_chest_pain"}
    equipment = form.questions.get(key="equipment")
    assert equipment.choice_values == EQUIPMENT
    assert form.questions.get(key="injuries").choice_values == INJURY_AREAS
    assert form.sections.get(is_health_screening=True).questions.filter(kind="yes_no").count() >= 7
    assert form.public_token and len(form.public_token) >= 40


def test_existing_businesses_get_the_default_form_from_the_command_once():
    org = OrganizationFactory()  # created without the initializer, like a business from before
    assert not IntakeForm.objects.for_org(org).exists()
    call_command("ensure_client_defaults", verbosity=0)
    call_command("ensure_client_defaults", verbosity=0)
    assert IntakeForm.objects.for_org(org).filter(is_default=True).count() == 1


def test_public_submission_creates_a_lead_with_normalised_answers():
    org = OrganizationFactory()
    form = services.ensure_default_intake_form(organization=org)
    submission = services.submit_intake(
        form=form,
        answers=FULL_ANSWERS,
        contact={"first_name": "Priya", "last_name": "Shah", "email": "Priya@Example.com"},
    )
    client = submission.client
    assert client.status == Client.Status.LEAD and client.email == "priya@example.com"
    assert not client.needs_medical_clearance
    answers = selectors.intake_answers(client=client)
    assert answers["goal"] == "hypertrophy"
    assert answers["experience"] == "intermediate"
    assert answers["days_per_week"] == 4 and isinstance(answers["days_per_week"], int)
    assert answers["session_minutes"] == 60
    assert answers["equipment"] == ["dumbbell", "barbell", "bands"]
    assert answers["injuries"] == ["knee"]
    assert answers["injury_notes"] == "Old ACL repair, left knee"
    assert answers["preferences"] == "Loves deadlifts, hates burpees"
    assert answers["food_allergies"] == []
    assert answers["meals_per_day"] == 3
    assert answers["parq_heart_condition"] is False
    assert "nutrition_notes" not in answers and None not in answers.values()
    names = list(Event.objects.filter(client_id=client.pk).values_list("name", flat=True))
    assert "client.created" in names and "intake.submitted" in names


def test_a_yes_in_the_health_screening_flags_the_client():
    org = OrganizationFactory()
    form = services.ensure_default_intake_form(organization=org)
    existing = ClientFactory(organization=org, email="sam@example.com")
    submission = services.submit_intake(
        form=form,
        answers={**FULL_ANSWERS, "parq_chest_pain": "yes"},
        contact={"first_name": "Sam", "email": "SAM@example.com"},
    )
    assert submission.client == existing  # attached by email, no duplicate lead
    assert submission.needs_medical_clearance
    existing.refresh_from_db()
    assert existing.needs_medical_clearance
    assert Client.objects.for_org(org).count() == 1


def test_bad_answers_name_every_question_and_store_nothing():
    org = OrganizationFactory()
    form = services.ensure_default_intake_form(organization=org)
    with pytest.raises(services.IntakeAnswersError) as caught:
        services.submit_intake(
            form=form,
            answers={**FULL_ANSWERS, "goal": "be famous", "days_per_week": "9", "equipment": ["laser"], "nope": 1},
            contact={"first_name": "X", "email": "x@example.com"},
        )
    assert set(caught.value.errors) == {"goal", "days_per_week", "equipment", "nope"}
    assert not IntakeSubmission.objects.exists() and not Client.objects.exists()


def test_missing_required_answers_are_refused():
    org = OrganizationFactory()
    form = services.ensure_default_intake_form(organization=org)
    with pytest.raises(services.IntakeAnswersError) as caught:
        services.submit_intake(form=form, answers={}, contact={"first_name": "X", "email": "x@example.com"})
    assert {"goal", "experience", "days_per_week", "session_minutes", "parq_chest_pain"} <= set(caught.value.errors)


def test_latest_answer_per_key_wins_and_unknown_values_are_dropped():
    client = ClientFactory()
    IntakeSubmissionFactory(
        organization=client.organization,
        client=client,
        answers={"goal": "strength", "days_per_week": 3, "equipment": ["barbell", "laser"], "custom_q": "hi"},
    )
    IntakeSubmissionFactory(
        organization=client.organization, client=client, answers={"goal": "endurance", "days_per_week": 12}
    )
    answers = selectors.intake_answers(client=client)
    assert answers == {"goal": "endurance", "days_per_week": 6, "equipment": ["barbell"], "custom_q": "hi"}


def test_no_submission_means_no_answers():
    assert selectors.intake_answers(client=ClientFactory()) == {}


def test_coach_questions_get_unique_slug_keys():
    org = OrganizationFactory()
    form = services.create_intake_form(organization=org, name="Check-in")
    section = form.sections.get()
    first = services.add_question(section=section, label="How did you sleep?", kind="scale")
    second = services.add_question(section=section, label="How did you sleep?", kind="text")
    third = services.add_question(section=section, label="2 things you liked", kind="text")
    assert (first.key, second.key, third.key) == ("how_did_you_sleep", "how_did_you_sleep_2", "q_2_things_you_liked")
    services.update_question(question=first, label="Sleep quality")
    first.refresh_from_db()
    assert first.key == "how_did_you_sleep"


def test_questions_and_choices_in_other_scripts_get_distinct_keys_and_values():
    org = OrganizationFactory()
    form = services.create_intake_form(organization=org, name="Анкета")
    section = form.sections.get()
    first = services.add_question(section=section, label="Как вы спали?", kind="text")
    second = services.add_question(section=section, label="睡眠", kind="text")
    assert first.key != second.key and first.key.startswith("question")
    choice = services.add_question(
        section=section, label="Цель", kind="single_choice", choices=[{"label": "Сила"}, {"label": "Выносливость"}]
    )
    assert [c["value"] for c in choice.choices] == ["Сила", "Выносливость"]
