"""The training API for coaches and for the client's app."""

import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.video_bytes import mp4
from training import services
from training.generator.profile import profile_from_answers
from training.models import Exercise, PersonalRecord, PrescribedExercise, Program, ScheduledWorkout, WorkoutLog

from .factories import ExerciseFactory, PrescribedExerciseFactory, ProgramFactory, SetLogFactory, WorkoutLogFactory

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.data["results"] if isinstance(response.data, dict) and "results" in response.data else response.data


# --- Exercises --------------------------------------------------------------------------------------
@pytest.mark.engine
def test_exercise_search_tolerates_typos_and_filters(coach_api, library):
    rows = results(coach_api.get("/api/v1/exercises/", {"q": "romanain dedlift"}))
    assert rows[0]["name"] == "Romanian Deadlift"
    rows = results(coach_api.get("/api/v1/exercises/", {"pattern": "vertical_pull", "equipment": "body only"}))
    assert rows and all(r["movement_pattern"] == "vertical_pull" and r["equipment"] == "body only" for r in rows)


def test_exercise_list_query_count_does_not_grow(coach_api, org, django_assert_max_num_queries):
    ExerciseFactory.create_batch(10, organization=org)
    with django_assert_max_num_queries(12) as small:
        results(coach_api.get("/api/v1/exercises/", {"page_size": 100}))
    ExerciseFactory.create_batch(90, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(results(coach_api.get("/api/v1/exercises/", {"page_size": 100}))) == 100


def test_coach_adds_own_exercise_and_cannot_edit_the_library(coach_api, org, library):
    response = coach_api.post(
        "/api/v1/exercises/",
        {"name": "Landmine Press", "primary_muscles": ["shoulders"], "equipment": "barbell"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["movement_pattern"] == "vertical_push" and not response.data["is_library"]
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    response = coach_api.patch(f"/api/v1/exercises/{squat.pk}/", {"name": "Mine"}, format="json")
    assert response.status_code == 400 and "instructions" in response.data["detail"]
    response = coach_api.post("/api/v1/exercises/", {"name": "", "primary_muscles": []}, format="json")
    assert response.status_code == 400 and {"name", "primary_muscles"} <= set(response.data["errors"])


def test_override_shows_only_to_its_business(coach_api, org, library):
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    response = coach_api.put(
        f"/api/v1/exercises/{squat.pk}/override/",
        {
            "instructions": "Sit between the hips.",
            "cues": "Brace\nKnees out",
            "video_url": "https://youtu.be/dQw4w9WgXcQ",
        },
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["cues"] == ["Brace", "Knees out"]
    assert response.data["video_embed_url"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    other = api_as(MembershipFactory(organization=OrganizationFactory()).user)
    seen = other.get(f"/api/v1/exercises/{squat.pk}/").data
    assert seen["instructions"] == "" and seen["video_embed_url"] is None
    clip = SimpleUploadedFile("squat.mp4", mp4(seconds=30), content_type="video/mp4")
    response = coach_api.patch(f"/api/v1/exercises/{squat.pk}/override/", {"video_file": clip}, format="multipart")
    assert response.status_code == 200 and response.data["video_clip_url"].endswith(f"/{squat.pk}/clip/")
    bad = coach_api.put(
        f"/api/v1/exercises/{squat.pk}/override/", {"video_url": "https://evil.example/x"}, format="json"
    )
    assert bad.status_code == 400 and "video_url" in bad.data["errors"]


def test_swaps_endpoint_respects_the_client_intake(coach_api, org, library, monkeypatch):
    client = ClientFactory(organization=org)
    monkeypatch.setattr(
        "clients.selectors.intake_answers",
        lambda *, client: {"equipment": ["dumbbell"], "injuries": ["knee"], "experience": "intermediate"},
    )
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    rows = coach_api.get(f"/api/v1/exercises/{squat.pk}/swaps/", {"client": client.pk}).data
    assert len(rows) == 5
    assert all(r["exercise"]["equipment"] in ("", "body only", "dumbbell") for r in rows)
    assert coach_api.get(f"/api/v1/exercises/{squat.pk}/swaps/", {"client": "x"}).status_code == 400


# --- Building ------------------------------------------------------------------------------------------
def test_build_a_program_with_a_superset_through_the_api(coach_api, org):
    squat, bench, row = (ExerciseFactory(organization=org, name=n) for n in ("Squat", "Bench", "Row"))
    program = coach_api.post("/api/v1/programs/", {"name": "Base", "goal": "strength"}, format="json").data
    week_id = Program.objects.get(pk=program["id"]).weeks.get().pk
    workout = coach_api.post("/api/v1/workouts/", {"week": week_id, "name": "Day A", "day": 1}, format="json").data
    straight = coach_api.post("/api/v1/blocks/", {"workout": workout["id"]}, format="json").data
    superset = coach_api.post(
        "/api/v1/blocks/", {"workout": workout["id"], "kind": "superset", "rest_seconds": 90}, format="json"
    ).data
    item = coach_api.post(
        "/api/v1/prescribed-exercises/",
        {
            "block": straight["id"],
            "exercise": squat.pk,
            "sets": 5,
            "reps_min": 5,
            "load_type": "kg",
            "load_value": "100",
            "progression": "load",
            "progression_amount": "2.5",
            "deload_every": 4,
        },
        format="json",
    )
    assert item.status_code == 201, item.data
    for ex in (bench, row):
        response = coach_api.post(
            "/api/v1/prescribed-exercises/",
            {"block": superset["id"], "exercise": ex.pk, "reps_type": "range", "reps_min": 8, "reps_max": 12},
            format="json",
        )
        assert response.status_code == 201
    bad = coach_api.patch(
        f"/api/v1/prescribed-exercises/{item.data['id']}/", {"load_type": "rpe", "load_value": "12"}, format="json"
    )
    assert bad.status_code == 400 and "load_value" in bad.data["errors"]
    # A step that does not fit the unit is refused; a new load type brings its own step.
    bad = coach_api.patch(
        f"/api/v1/prescribed-exercises/{item.data['id']}/", {"progression_amount": "0.5"}, format="json"
    )
    assert bad.status_code == 400 and "progression_amount" in bad.data["errors"]
    rpe = coach_api.patch(
        f"/api/v1/prescribed-exercises/{item.data['id']}/", {"load_type": "rpe", "load_value": "7"}, format="json"
    )
    assert rpe.status_code == 200 and rpe.data["progression_amount"] == "0.50"
    kg = coach_api.patch(
        f"/api/v1/prescribed-exercises/{item.data['id']}/", {"load_type": "kg", "load_value": "100"}, format="json"
    )
    assert kg.status_code == 200 and kg.data["progression_amount"] == "2.50"
    assert (
        coach_api.post(
            f"/api/v1/workouts/{workout['id']}/reorder/", {"ids": [superset["id"], straight["id"]]}, format="json"
        ).status_code
        == 204
    )
    response = coach_api.post(f"/api/v1/programs/{program['id']}/progression/", {"weeks": 4}, format="json")
    assert response.status_code == 200
    weeks = response.data["weeks_detail"]
    assert len(weeks) == 4 and weeks[3]["is_deload"]
    assert weeks[0]["workouts"][0]["blocks"][0]["kind"] == "superset"
    template = coach_api.post(
        f"/api/v1/programs/{program['id']}/save-as-template/", {"name": "Base template"}, format="json"
    )
    assert template.status_code == 201 and template.data["is_template"]
    listed = results(coach_api.get("/api/v1/programs/", {"template": "true"}))
    assert [p["name"] for p in listed] == ["Base template"]


def test_program_list_query_count_does_not_grow(coach_api, org, django_assert_max_num_queries):
    ProgramFactory.create_batch(10, organization=org)
    with django_assert_max_num_queries(12) as small:
        results(coach_api.get("/api/v1/programs/", {"page_size": 100, "scope": "all"}))
    ProgramFactory.create_batch(90, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(results(coach_api.get("/api/v1/programs/", {"page_size": 100, "scope": "all"}))) == 100


@freeze_time("2026-06-01 10:00:00")
def test_assign_to_several_clients_and_validate(coach_api, org):
    item = PrescribedExerciseFactory(organization=org)
    program = item.block.workout.program
    a, b = ClientFactory(organization=org), ClientFactory(organization=org, time_zone="Asia/Tokyo")
    response = coach_api.post(
        f"/api/v1/programs/{program.pk}/assign/", {"clients": [a.pk, b.pk], "start_date": "2026-06-08"}, format="json"
    )
    assert response.status_code == 201, response.data
    assert ScheduledWorkout.objects.filter(client__in=[a, b]).count() == 2
    foreign = ClientFactory(organization=OrganizationFactory())
    response = coach_api.post(
        f"/api/v1/programs/{program.pk}/assign/", {"clients": [foreign.pk], "start_date": "2026-06-08"}, format="json"
    )
    assert response.status_code == 400 and "clients" in response.data["errors"]
    report = coach_api.get(
        f"/api/v1/programs/{program.pk}/validate/",
        {
            "goal": "strength",
            "experience": "beginner",
            "days_per_week": 3,
            "session_minutes": 45,
            "equipment": ["dumbbell"],
        },
    )
    assert report.status_code == 200
    assert any(v["code"] == "days" for v in report.data["violations"])
    assert coach_api.get(f"/api/v1/programs/{program.pk}/validate/", {"goal": "x"}).status_code == 400


def test_generate_a_draft_through_the_api(coach_api, org, library):
    client = ClientFactory(organization=org)
    payload = {
        "goal": "hypertrophy",
        "experience": "intermediate",
        "days_per_week": 4,
        "session_minutes": 60,
        "equipment": ["barbell", "dumbbell", "cable"],
        "injuries": ["shoulder"],
        "seed": 3,
        "client": client.pk,
    }
    response = coach_api.post("/api/v1/program-drafts/", payload, format="json")
    assert response.status_code == 201, response.data
    program = Program.objects.get(pk=response.data["id"])
    assert program.origin == "generated" and response.data["week_count"] == 5
    detail = coach_api.get(f"/api/v1/programs/{program.pk}/").data
    assert detail["reasons"] and detail["weeks_detail"][0]["workouts"][0]["blocks"][0]["items"][0]["reason"]
    report = coach_api.get(f"/api/v1/programs/{program.pk}/validate/").data
    assert report["violations"] == [] and report["profile"]["injuries"] == ["shoulder"]
    bad = coach_api.post("/api/v1/program-drafts/", {**payload, "days_per_week": 9}, format="json")
    assert bad.status_code == 400 and "days_per_week" in bad.data["errors"]


def test_clients_cannot_use_coach_endpoints(client_record):
    api = api_as(client_record.user)
    assert api.get("/api/v1/programs/").status_code == 403
    assert api.post("/api/v1/program-drafts/", {}, format="json").status_code == 403


# --- The client's app --------------------------------------------------------------------------------
@pytest.fixture
def assigned(org, client_record):
    item = PrescribedExerciseFactory(organization=org, sets=2, reps_min=5, load_value=100)
    program = item.block.workout.program
    services.duplicate_week(week=program.weeks.get())
    with freeze_time("2026-06-01 08:00:00"):
        (copy,) = services.assign_program(program=program, clients=[client_record], start_date=date(2026, 6, 1))
    return copy


@freeze_time("2026-06-01 08:00:00")
def test_client_sees_today_and_upcoming_workouts_with_what_to_do(client_record, assigned):
    api = api_as(client_record.user)
    today = results(api.get("/api/v1/me/workouts/", {"when": "today"}))
    assert len(today) == 1 and today[0]["status"] == "scheduled"
    upcoming = results(api.get("/api/v1/me/workouts/", {"when": "upcoming"}))
    assert [w["date"] for w in upcoming] == ["2026-06-08"]
    detail = api.get(f"/api/v1/me/workouts/{today[0]['public_id']}/").data
    item = detail["blocks"][0]["items"][0]
    assert item["summary"] == "2 × 5 @ 100 kg" and item["exercise"]["name"] and item["label"] == "A"
    assert results(api.get("/api/v1/me/programs/"))[0]["id"] == assigned.pk


@freeze_time("2026-06-01 18:00:00")
def test_client_logs_a_workout_once_however_often_it_is_uploaded(client_record, assigned, coach_api):
    api = api_as(client_record.user)
    scheduled = ScheduledWorkout.objects.filter(client=client_record).order_by("date").first()
    item = PrescribedExercise.objects.get(block__workout=scheduled.workout)
    SetLogFactory(  # an earlier session: the baseline for records
        organization=client_record.organization,
        client=client_record,
        exercise=item.exercise,
        reps=5,
        load_kg=90,
        e1rm_kg=105,
    )
    key = str(uuid.uuid4())
    payload = {
        "client_uuid": key,
        "scheduled": str(scheduled.public_id),
        "performed_at": "2026-06-01T17:30:00Z",
        "status": "completed",
        "sets": [
            {"exercise": item.exercise.pk, "prescribed": item.pk, "reps": 5, "load_kg": "100", "rpe": "8"},
            {"exercise": item.exercise.pk, "prescribed": item.pk, "reps": 5, "load_kg": "100", "rpe": "9"},
        ],
    }
    first = api.post("/api/v1/me/workout-logs/", payload, format="json")
    assert first.status_code == 201, first.data
    again = api.post("/api/v1/me/workout-logs/", payload, format="json")
    assert again.status_code == 200 and again.data["id"] == first.data["id"]
    assert WorkoutLog.objects.count() == 2  # the baseline log and this one
    assert Event.objects.filter(name="workout.completed").count() == 1
    assert first.data["sets"][0]["e1rm_kg"] == "116.67"
    # The record shows on the coach's side.
    records = results(coach_api.get("/api/v1/personal-records/", {"client": client_record.pk}))
    assert {r["kind"] for r in records} == {"e1rm", "load"}
    assert Event.objects.filter(name="pr.achieved").count() == 2
    log = WorkoutLog.objects.get(client_uuid=key)
    comment = coach_api.post(f"/api/v1/workout-logs/{log.pk}/comment/", {"body": "Strong!"}, format="json")
    assert comment.status_code == 201
    mine = api.get(f"/api/v1/me/workout-logs/{key}/").data
    assert mine["comments"][0]["body"] == "Strong!"
    assert results(api.get("/api/v1/me/workouts/", {"when": "today"}))[0]["status"] == "completed"
    summary = api.get("/api/v1/me/training-summary/").data
    assert summary["adherence"]["total_completed"] == 1
    assert PersonalRecord.objects.filter(client=client_record).count() == 2


@freeze_time("2026-06-01 18:00:00")
def test_bad_uploads_are_refused_and_store_nothing(client_record, assigned, org):
    api = api_as(client_record.user)
    exercise = ExerciseFactory(organization=org)
    foreign = ExerciseFactory(organization=OrganizationFactory())
    base = {"client_uuid": str(uuid.uuid4()), "performed_at": "2026-06-01T17:30:00Z"}
    cases = [
        ({**base, "sets": [{"exercise": foreign.pk, "reps": 5}]}, "sets.0.exercise"),
        ({**base, "sets": [{"exercise": exercise.pk, "reps": -1}]}, "sets.0.reps"),
        ({**base, "performed_at": "not a date", "sets": []}, "performed_at"),
        ({**base, "performed_at": "2026-07-01T10:00:00Z", "sets": []}, "performed_at"),
        ({**base, "scheduled": str(uuid.uuid4()), "sets": []}, "scheduled"),
        ({"performed_at": "2026-06-01T17:30:00Z", "sets": []}, "client_uuid"),
    ]
    for payload, field in cases:
        response = api.post("/api/v1/me/workout-logs/", payload, format="json")
        assert response.status_code == 400, (payload, response.data)
        assert field in response.data["errors"], (field, response.data)
    assert not WorkoutLog.objects.exists()


@freeze_time("2026-06-01 18:00:00")
def test_the_app_logs_blank_done_sets_at_their_prescription_and_never_completes_an_untouched_workout(
    client_record, assigned
):
    api = api_as(client_record.user)
    scheduled = ScheduledWorkout.objects.filter(client=client_record).order_by("date").first()
    item = PrescribedExercise.objects.get(block__workout=scheduled.workout)
    base = {"scheduled": str(scheduled.public_id), "performed_at": "2026-06-01T17:30:00Z"}
    untouched = {"exercise": item.exercise.pk, "prescribed": item.pk, "is_done": False}
    for payload in (
        {**base, "client_uuid": str(uuid.uuid4()), "sets": [untouched, untouched]},
        {**base, "client_uuid": str(uuid.uuid4()), "status": "completed", "sets": [untouched, untouched]},
        {**base, "client_uuid": str(uuid.uuid4()), "status": "completed", "sets": []},
    ):
        response = api.post("/api/v1/me/workout-logs/", payload, format="json")
        assert response.status_code == 400 and "status" in response.data["errors"], response.data
    assert not WorkoutLog.objects.exists()
    done_blank = {"exercise": item.exercise.pk, "prescribed": item.pk, "is_done": True}
    response = api.post(
        "/api/v1/me/workout-logs/",
        {**base, "client_uuid": str(uuid.uuid4()), "sets": [done_blank, untouched]},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "partial"
    first = response.data["sets"][0]
    assert (first["reps"], first["load_kg"], first["from_prescription"]) == (5, "100.00", True)
    summary = api.get("/api/v1/me/training-summary/").data
    assert summary["adherence"]["total_completed"] == 1


def test_another_clients_scheduled_workout_cannot_be_logged(org, client_record, assigned):
    other = ClientFactory(organization=org, user=UserFactory())
    scheduled = ScheduledWorkout.objects.filter(client=client_record).first()
    response = api_as(other.user).post(
        "/api/v1/me/workout-logs/",
        {
            "client_uuid": str(uuid.uuid4()),
            "performed_at": "2026-06-01T17:30:00Z",
            "scheduled": str(scheduled.public_id),
            "sets": [],
        },
        format="json",
    )
    assert response.status_code == 400 and "scheduled" in response.data["errors"]


def test_coach_log_list_query_count_does_not_grow(coach_api, org, django_assert_max_num_queries):
    client = ClientFactory(organization=org)
    for _ in range(10):
        SetLogFactory(organization=org, client=client, workout_log=WorkoutLogFactory(organization=org, client=client))
    with django_assert_max_num_queries(12) as small:
        results(coach_api.get("/api/v1/workout-logs/", {"page_size": 100}))
    for _ in range(90):
        SetLogFactory(organization=org, client=client, workout_log=WorkoutLogFactory(organization=org, client=client))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(results(coach_api.get("/api/v1/workout-logs/", {"page_size": 100}))) == 100


def test_client_workout_list_query_count_does_not_grow(org, client_record, django_assert_max_num_queries):
    api = api_as(client_record.user)

    def schedule(n):
        program = ProgramFactory(organization=org)
        for _ in range(n):
            item = PrescribedExerciseFactory(organization=org)
            ScheduledWorkout.objects.create(
                organization=org,
                client=client_record,
                program=program,
                workout=item.block.workout,
                date=date(2026, 6, 1),
                due_at="2026-06-01T00:00:00Z",
            )

    with freeze_time("2026-06-01 08:00:00"):
        schedule(10)
        with django_assert_max_num_queries(15) as small:
            results(api.get("/api/v1/me/workouts/", {"page_size": 100}))
        schedule(90)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert len(results(api.get("/api/v1/me/workouts/", {"page_size": 100}))) == 100


def _dumbbell_draft(org):
    profile = profile_from_answers(
        {
            "goal": "general_fitness",
            "experience": "intermediate",
            "days_per_week": 3,
            "session_minutes": 60,
            "equipment": ["dumbbell"],
            "injuries": [],
        }
    )
    program = services.generate_draft(organization=org, profile=profile, seed=1)
    return program, PrescribedExercise.objects.filter(block__workout__program=program).first()


def test_exercise_search_marks_and_filters_by_the_clients_equipment(coach_api, org, library):
    program, _item = _dumbbell_draft(org)
    rows = coach_api.get("/api/v1/exercises/", {"q": "goblet squat", "program": program.pk}).data["results"]
    marks = {r["name"]: r["missing_equipment"] for r in rows}
    assert marks["Goblet Squat"] == "kettlebells"
    assert all(mark in ("", "kettlebells", "barbell", "machine", "cable", "other") for mark in marks.values())
    fitting = coach_api.get("/api/v1/exercises/", {"q": "squat", "program": program.pk, "fits": "true"}).data
    assert fitting["results"] and all(r["missing_equipment"] == "" for r in fitting["results"])
    assert all(r["equipment"] in ("", "body only", "dumbbell") for r in fitting["results"])
    plain = coach_api.get("/api/v1/exercises/", {"q": "goblet squat"}).data["results"]
    assert all(r["missing_equipment"] == "" for r in plain)
    assert coach_api.get("/api/v1/exercises/", {"program": "x"}).status_code == 400
    other = services.create_program(organization=OrganizationFactory(), name="Theirs")
    assert coach_api.get("/api/v1/exercises/", {"program": other.pk}).status_code == 404


def test_prescribing_or_swapping_in_an_exercise_the_client_lacks_equipment_for_returns_a_warning(
    coach_api, org, library
):
    program, item = _dumbbell_draft(org)
    goblet = Exercise.objects.get(slug="Goblet_Squat")
    created = coach_api.post(
        "/api/v1/prescribed-exercises/", {"block": item.block_id, "exercise": goblet.pk, "reps_min": 8}, format="json"
    )
    assert created.status_code == 201
    assert created.data["warnings"] == ["Goblet Squat needs kettlebells, which the client does not have."]
    swapped = coach_api.post(f"/api/v1/prescribed-exercises/{item.pk}/swap/", {"exercise": goblet.pk}, format="json")
    assert swapped.status_code == 200 and swapped.data["warnings"] and swapped.data["exercise"] == goblet.pk
    bench = Exercise.objects.get(slug="Dumbbell_Bench_Press")
    fine = coach_api.post(f"/api/v1/prescribed-exercises/{item.pk}/swap/", {"exercise": bench.pk}, format="json")
    assert fine.data["warnings"] == []
    # Suggestions for the program's client keep to their equipment.
    rows = coach_api.get(f"/api/v1/exercises/{goblet.pk}/swaps/", {"program": program.pk}).data
    assert rows and all(r["exercise"]["equipment"] in ("", "body only", "dumbbell") for r in rows)
