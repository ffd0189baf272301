"""The optional language model: polishes wording only, metered with a monthly quota and a
per-minute limit; the OpenAI-compatible API is faked at the HTTP boundary."""

import json

import pytest
import responses
from freezegun import freeze_time

from tests.conftest import api_as
from tests.factories import OrganizationFactory
from training import llm, services
from training.generator.api import validate_program
from training.generator.profile import profile_from_answers
from training.models import LanguageModelCall, PrescribedExercise, TrainingSettings, Workout

pytestmark = pytest.mark.django_db
BASE = "https://llm.example.test/v1"


@pytest.fixture
def configured(settings):
    settings.TRAINING_LLM_BASE_URL = BASE
    settings.TRAINING_LLM_API_KEY = "sk-test"
    settings.TRAINING_LLM_MODEL = "test-model"


@pytest.fixture
def draft(library):
    org = OrganizationFactory()
    profile = profile_from_answers(
        {
            "goal": "strength",
            "experience": "beginner",
            "days_per_week": 2,
            "session_minutes": 60,
            "equipment": ["barbell", "dumbbell"],
            "injury_notes": "Private: old ACL surgery",
        }
    )
    return services.generate_draft(organization=org, profile=profile, seed=1), profile


def completion(content: dict, prompt_tokens=321, completion_tokens=123) -> dict:
    """Shaped like OpenAI's chat-completions response."""
    return {
        "id": "chatcmpl-123",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "test-model",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": json.dumps(content)}, "finish_reason": "stop"}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def test_without_configuration_the_local_generator_answers(draft):
    program, _profile = draft
    assert not llm.is_available()
    assert llm.polish_program(program=program) == ""
    assert not LanguageModelCall.objects.exists()


@responses.activate
def test_polish_rewords_names_and_notes_only_and_is_metered(configured, draft):
    program, profile = draft
    summary = llm.program_summary(program)
    first_workout = summary["workouts"][0]
    first_item = first_workout["exercises"][0]
    responses.post(
        f"{BASE}/chat/completions",
        json=completion(
            {
                "program_name": "Foundations of Strength",
                "workouts": [{"id": first_workout["id"], "name": "Day One: Build the Base"}],
                "notes": [{"id": first_item["id"], "note": "Brace before every rep; stop two reps shy of failure."}],
            }
        ),
    )
    before = list(
        PrescribedExercise.objects.filter(block__workout__program=program)
        .order_by("pk")
        .values_list("exercise_id", "sets", "load_value")
    )
    message = llm.polish_program(program=program)
    assert "polished" in message
    sent = json.loads(responses.calls[0].request.body)
    assert sent["model"] == "test-model" and responses.calls[0].request.headers["Authorization"] == "Bearer sk-test"
    assert "ACL" not in responses.calls[0].request.body.decode()  # health notes never leave
    program.refresh_from_db()
    assert program.name == "Foundations of Strength"
    # The same workout in every week is renamed, and its exercise gets the note in every week.
    assert Workout.objects.filter(program=program, name="Day One: Build the Base").count() == program.weeks.count()
    assert (
        PrescribedExercise.objects.filter(block__workout__program=program, notes__startswith="Brace before").count()
        == program.weeks.count()
    )
    after = list(
        PrescribedExercise.objects.filter(block__workout__program=program)
        .order_by("pk")
        .values_list("exercise_id", "sets", "load_value")
    )
    assert before == after
    assert validate_program(program, profile)[0] == []
    call = LanguageModelCall.objects.get()
    assert (call.outcome, call.prompt_tokens, call.completion_tokens) == ("ok", 321, 123)


@responses.activate
def test_over_the_monthly_quota_the_local_text_stays_and_the_coach_is_told(configured, draft):
    program, _profile = draft
    TrainingSettings.objects.create(organization=program.organization, llm_monthly_quota=1, llm_requests_per_minute=10)
    responses.post(f"{BASE}/chat/completions", json=completion({"program_name": "Renamed"}))
    with freeze_time("2026-05-31 10:00:00"):
        llm.polish_program(program=program)
        message = llm.polish_program(program=program)
    assert "used up" in message and len(responses.calls) == 1
    assert LanguageModelCall.objects.filter(outcome="over_quota").count() == 1
    # A new month (in the business's time zone) brings a new allowance.
    with freeze_time("2026-06-01 10:00:00"):
        assert "polished" in llm.polish_program(program=program)
    assert len(responses.calls) == 2


@responses.activate
def test_the_per_minute_limit_refuses_without_calling(configured, draft):
    program, _profile = draft
    TrainingSettings.objects.create(organization=program.organization, llm_requests_per_minute=1)
    responses.post(f"{BASE}/chat/completions", json=completion({"program_name": "Renamed"}))
    with freeze_time("2026-05-20 10:00:00"):
        llm.polish_program(program=program)
        assert "this minute" in llm.polish_program(program=program)
    with freeze_time("2026-05-20 10:01:30"):
        assert "polished" in llm.polish_program(program=program)
    assert len(responses.calls) == 2


@responses.activate
@pytest.mark.parametrize(
    "reply",
    [
        {"status": 500, "json": {"error": {"message": "overloaded", "type": "server_error"}}},
        {"status": 200, "json": {"choices": [{"message": {"content": "not json"}}]}},
        {"status": 200, "json": {"choices": []}},
    ],
)
def test_a_failing_provider_leaves_the_draft_as_generated(configured, draft, reply):
    program, _profile = draft
    name = program.name
    responses.post(f"{BASE}/chat/completions", **reply)
    message = llm.polish_program(program=program)
    assert "did not answer" in message
    program.refresh_from_db()
    assert program.name == name
    call = LanguageModelCall.objects.get()
    assert call.outcome == "error" and call.detail


@responses.activate
def test_generate_through_the_api_with_polish(configured, library, owner, org):
    responses.post(f"{BASE}/chat/completions", json=completion({"program_name": "Polished plan"}))
    response = api_as(owner).post(
        "/api/v1/program-drafts/",
        {
            "goal": "general_fitness",
            "experience": "beginner",
            "days_per_week": 3,
            "session_minutes": 45,
            "equipment": ["dumbbell"],
            "polish": True,
        },
        format="json",
    )
    assert response.status_code == 201 and response.data["name"] == "Polished plan"
    assert "polished" in response.data["message"]
