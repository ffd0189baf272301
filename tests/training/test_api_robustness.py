"""Nothing a user sends makes the training API fail: junk in every field of every write gives 400
(or 404), never a server error, and changes nothing."""

import pytest

from tests.conftest import api_as
from training.models import Program, WorkoutLog

from .factories import ExerciseFactory, PrescribedExerciseFactory, ScheduledWorkoutFactory

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

JUNK = [None, "", "x" * 5000, -1, 0, 10**12, 3.7, True, [], [1, "a"], {"a": 1}, "2026-13-45", "../../etc", "<b>"]


def _writes(org, client):
    item = PrescribedExerciseFactory(organization=org)
    block, workout = item.block, item.block.workout
    program, week = workout.program, workout.week
    exercise = item.exercise
    scheduled = ScheduledWorkoutFactory(organization=org, client=client, workout=workout, program=program)
    coach = [
        ("post", "/api/v1/exercises/", {"name": "A", "primary_muscles": ["chest"]}),
        ("patch", f"/api/v1/exercises/{ExerciseFactory(organization=org).pk}/", {"name": "B"}),
        ("put", f"/api/v1/exercises/{exercise.pk}/override/", {"instructions": "x", "video_url": ""}),
        ("post", "/api/v1/programs/", {"name": "P"}),
        ("patch", f"/api/v1/programs/{program.pk}/", {"name": "Q"}),
        ("post", f"/api/v1/programs/{program.pk}/assign/", {"clients": [client.pk], "start_date": "2026-06-01"}),
        ("post", f"/api/v1/programs/{program.pk}/progression/", {"weeks": 3}),
        ("post", "/api/v1/workouts/", {"week": week.pk, "name": "W", "day": 2}),
        ("patch", f"/api/v1/workouts/{workout.pk}/", {"name": "W2", "day": 3}),
        ("post", f"/api/v1/workouts/{workout.pk}/reorder/", {"ids": [block.pk]}),
        ("post", f"/api/v1/workouts/{workout.pk}/move/", {"direction": "up"}),
        ("post", "/api/v1/blocks/", {"workout": workout.pk, "kind": "superset"}),
        ("patch", f"/api/v1/blocks/{block.pk}/", {"rounds": 2, "rest_seconds": 60}),
        ("post", "/api/v1/prescribed-exercises/", {"block": block.pk, "exercise": exercise.pk, "reps_min": 5}),
        (
            "patch",
            f"/api/v1/prescribed-exercises/{item.pk}/",
            {
                "sets": 4,
                "reps_type": "range",
                "reps_min": 5,
                "reps_max": 8,
                "load_type": "kg",
                "load_value": "50",
                "tempo": "3-1-1-0",
                "progression": "load",
                "progression_amount": "2.5",
                "deload_every": 4,
            },
        ),
        ("post", f"/api/v1/prescribed-exercises/{item.pk}/swap/", {"exercise": exercise.pk}),
        (
            "post",
            "/api/v1/program-drafts/",
            {
                "goal": "strength",
                "experience": "beginner",
                "days_per_week": 3,
                "session_minutes": 45,
                "equipment": ["dumbbell"],
                "seed": 1,
            },
        ),
        ("patch", "/api/v1/training-settings/", {"inactive_after_days": 5}),
    ]
    me = [
        (
            "post",
            "/api/v1/me/workout-logs/",
            {
                "client_uuid": "6f1c1d55-8b0e-4d4a-9d43-0c4f8a3f7c11",
                "performed_at": "2026-01-01T10:00:00Z",
                "scheduled": str(scheduled.public_id),
                "status": "completed",
                "sets": [{"exercise": exercise.pk, "reps": 5, "load_kg": "50", "rpe": "8"}],
            },
        ),
    ]
    return coach, me


def test_junk_in_any_field_never_breaks_the_api(org, owner, client_record, library):
    coach_calls, me_calls = _writes(org, client_record)
    for api, calls in ((api_as(owner), coach_calls), (api_as(client_record.user), me_calls)):
        for method, url, valid in calls:
            for field in valid:
                for junk in JUNK:
                    payload = {**valid, field: junk}
                    response = getattr(api, method)(url, payload, format="json")
                    assert response.status_code < 500, (method, url, field, junk, response.content[:300])
    # Junk in nested set fields too.
    api = api_as(client_record.user)
    base = me_calls[0][2]
    for key in ("exercise", "reps", "load_kg", "rpe", "is_done", "set_number", "duration_seconds", "prescribed"):
        for junk in JUNK:
            payload = {**base, "client_uuid": None, "sets": [{**base["sets"][0], key: junk}]}
            assert api.post("/api/v1/me/workout-logs/", payload, format="json").status_code == 400
    # Bad sets store nothing: every log there is comes from a whole, valid upload.
    assert all(log.sets.exists() for log in WorkoutLog.objects.filter(client=client_record))
    assert Program.objects.for_org(org).exists()
