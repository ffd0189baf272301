"""Coach pages: library, builder (with htmx partial updates), assignment, generation, client page."""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from clients.selectors import intake_answers
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory
from training import services
from training.generator.api import profile_from_intake
from training.models import Block, Exercise, ExerciseOverride, PrescribedExercise, Program, ScheduledWorkout

from .factories import ExerciseFactory, PrescribedExerciseFactory, ProgramFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def web(client, coach):
    client.force_login(coach)
    return client


def test_pages_need_a_member_with_training_rights(client, client_record):
    assert client.get(reverse("training:programs")).status_code == 302  # to log in
    client.force_login(client_record.user)
    assert client.get(reverse("training:programs")).status_code == 404


@pytest.mark.engine
def test_exercise_library_search_with_htmx_partial(web, library):
    page = web.get(reverse("training:exercises"), {"q": "romanain dedlift"})
    assert page.status_code == 200 and b"Romanian Deadlift" in page.content
    partial = web.get(reverse("training:exercises"), {"q": "goblet", "equipment": "kettlebells"}, **HTMX)
    assert b"Goblet Squat" in partial.content and b"<html" not in partial.content


def test_add_own_exercise_and_override_a_library_one(web, org, library):
    response = web.post(
        reverse("training:exercise_create"),
        {
            "name": "Landmine Press",
            "primary_muscles": ["shoulders"],
            "equipment": "barbell",
            "level": "beginner",
            "category": "strength",
            "aliases": "LM press, half-kneeling press",
        },
    )
    exercise = Exercise.objects.get(organization=org, name="Landmine Press")
    assert response.status_code == 302 and exercise.aliases == ["LM press", "half-kneeling press"]
    squat = Exercise.objects.get(slug="Barbell_Full_Squat")
    response = web.post(
        reverse("training:exercise_detail", args=[squat.pk]),
        {
            "instructions": "Sit down between your hips.",
            "cues": "Brace\nKnees out",
            "video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        },
    )
    assert response.status_code == 302
    page = web.get(reverse("training:exercise_detail", args=[squat.pk]))
    assert b"youtube-nocookie.com/embed/dQw4w9WgXcQ" in page.content and b"Knees out" in page.content
    bad = web.post(reverse("training:exercise_detail", args=[squat.pk]), {"video_url": "https://evil.example/v"})
    assert bad.status_code == 400 and b"YouTube or Vimeo" in bad.content
    assert ExerciseOverride.objects.get().video_url.endswith("dQw4w9WgXcQ")


@pytest.mark.engine
def test_build_a_program_in_the_builder(web, org):
    bench, row = ExerciseFactory(organization=org, name="Bench"), ExerciseFactory(organization=org, name="Row")
    response = web.post(reverse("training:program_create"), {"name": "Base", "goal": "strength", "weeks": 1})
    program = Program.objects.get(name="Base")
    assert response.url == reverse("training:builder", args=[program.pk])
    week = program.weeks.get()
    web.post(reverse("training:week_action", args=[week.pk, "add-workout"]))
    workout = week.workouts.get()
    card = web.post(reverse("training:workout_action", args=[workout.pk, "add-block"]), {"kind": "superset"}, **HTMX)
    assert card.status_code == 200 and b'id="workout-' in card.content
    block = Block.objects.get(workout=workout)
    picker = web.get(reverse("training:picker", args=[block.pk]), {"q": "bnch"}, **HTMX)
    assert b"Bench" in picker.content
    for ex in (bench, row):
        web.post(reverse("training:block_action", args=[block.pk, "add-item"]), {"exercise": ex.pk}, **HTMX)
    item = PrescribedExercise.objects.get(exercise=bench)
    prefix = f"item-{item.pk}"
    fields = {
        f"{prefix}-sets": 4,
        f"{prefix}-reps_type": "range",
        f"{prefix}-reps_min": 8,
        f"{prefix}-reps_max": 12,
        f"{prefix}-load_type": "rir",
        f"{prefix}-load_value": "2",
        f"{prefix}-rest_seconds": 90,
        f"{prefix}-progression": "none",
        f"{prefix}-progression_unit": "amount",
    }
    row_html = web.post(reverse("training:item_action", args=[item.pk, "edit"]), fields, **HTMX)
    assert row_html.status_code == 200 and b"Saved" in row_html.content
    item.refresh_from_db()
    assert item.sets == 4 and item.summary == "4 × 8–12 @ 2 RIR"
    bad = web.post(reverse("training:item_action", args=[item.pk, "edit"]), {**fields, f"{prefix}-reps_max": 5}, **HTMX)
    assert bad.status_code == 422 and b"below its bottom" in bad.content
    item.refresh_from_db()
    assert item.reps_max == 12
    # Keyboard reorder and drag-and-drop reorder.
    web.post(reverse("training:item_action", args=[item.pk, "down"]), **HTMX)
    assert list(block.items.order_by("position").values_list("exercise__name", flat=True)) == ["Row", "Bench"]
    response = web.post(
        reverse("training:reorder"),
        json.dumps({"parent": "block", "id": block.pk, "ids": [item.pk, block.items.get(exercise=row).pk]}),
        content_type="application/json",
    )
    assert response.status_code == 204
    assert block.items.order_by("position").first() == item
    bad = web.post(
        reverse("training:reorder"),
        json.dumps({"parent": "block", "id": block.pk, "ids": [item.pk]}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "leaves out" in bad.json()["detail"]
    assert web.post(reverse("training:reorder"), "nonsense", content_type="application/json").status_code == 400
    # Duplicate, progression, template.
    web.post(reverse("training:workout_action", args=[workout.pk, "duplicate"]))
    web.post(reverse("training:program_action", args=[program.pk, "progression"]), {"weeks": 3})
    assert program.weeks.count() == 3
    web.post(reverse("training:program_action", args=[program.pk, "save-as-template"]))
    assert Program.objects.filter(is_template=True, name="Base").exists()
    page = web.get(reverse("training:builder", args=[program.pk]))
    assert page.status_code == 200 and b"Week 3" in page.content and b"Sortable.min.js" in page.content
    # The superset's exercises carry the coaches' labels.
    assert page.content.decode().count('<span class="item-label">A1</span>') == 6  # two workouts, three weeks
    assert '<span class="item-label">A2</span>' in page.content.decode()


def test_switching_an_item_from_rpe_to_kg_in_the_builder_steps_by_plates(web, org):
    item = PrescribedExerciseFactory(
        organization=org,
        exercise__equipment="barbell",
        load_type="rpe",
        load_value=Decimal("7"),
        progression="load",
        progression_amount=Decimal("0.5"),
    )
    prefix = f"item-{item.pk}"
    fields = {
        f"{prefix}-sets": 3,
        f"{prefix}-reps_type": "fixed",
        f"{prefix}-reps_min": 5,
        f"{prefix}-load_type": "kg",
        f"{prefix}-load_value": "100",
        f"{prefix}-rest_seconds": 90,
        f"{prefix}-progression": "load",
        f"{prefix}-progression_unit": "amount",
        f"{prefix}-progression_amount": "0.5",  # what the form still holds from RPE
    }
    row_html = web.post(reverse("training:item_action", args=[item.pk, "edit"]), fields, **HTMX).content.decode()
    item.refresh_from_db()
    assert item.progression_amount == Decimal("2.5")
    assert f'name="{prefix}-progression_amount" value="2.50"' in row_html
    assert 'step="2.5"' in row_html and "kg each week, in steps of 2.5 kg" in row_html
    bad = web.post(
        reverse("training:item_action", args=[item.pk, "edit"]),
        {**fields, f"{prefix}-progression_amount": "1"},
        **HTMX,
    )
    assert bad.status_code == 422 and "Add load in steps of 2.5 kg" in bad.content.decode()
    item.refresh_from_db()
    assert item.progression_amount == Decimal("2.5")


def test_builder_shows_validator_findings_for_an_entered_profile(web, org, library):
    program = services.create_program(organization=org, name="Heavy")
    workout = services.add_workout(week=program.weeks.get())
    block = services.add_block(workout=workout)
    services.add_prescribed_exercise(block=block, exercise=Exercise.objects.get(slug="Barbell_Deadlift"), reps_min=5)
    page = web.get(
        reverse("training:builder", args=[program.pk]),
        {
            "check": "1",
            "goal": "strength",
            "experience": "beginner",
            "days_per_week": 3,
            "session_minutes": 45,
            "equipment": ["dumbbell"],
            "injuries": ["lower_back"],
        },
    )
    text = page.content.decode()
    assert "things do not fit" in text and "Barbell Deadlift needs barbell" in text


def test_other_business_cannot_open_or_change_the_builder(client, org):
    program = ProgramFactory(organization=org)
    outsider = MembershipFactory(organization=OrganizationFactory()).user
    client.force_login(outsider)
    assert client.get(reverse("training:builder", args=[program.pk])).status_code == 404
    assert client.post(reverse("training:program_action", args=[program.pk, "delete"])).status_code == 404
    assert Program.objects.filter(pk=program.pk).exists()


@freeze_time("2026-06-03 09:00:00")
def test_assign_from_the_page(web, org):
    program = services.create_program(organization=org, name="Base")
    workout = services.add_workout(week=program.weeks.get(), day=2)
    services.add_prescribed_exercise(
        block=services.add_block(workout=workout), exercise=ExerciseFactory(organization=org)
    )
    a, b = ClientFactory(organization=org), ClientFactory(organization=org)
    page = web.get(reverse("training:assign", args=[program.pk]))
    assert b"2026-06-08" in page.content  # next Monday is suggested
    response = web.post(
        reverse("training:assign", args=[program.pk]), {"clients": [a.pk, b.pk], "start_date": "2026-06-08"}
    )
    assert response.status_code == 302
    assert set(ScheduledWorkout.objects.values_list("date", flat=True)) == {date(2026, 6, 9)}
    assert web.post(reverse("training:assign", args=[program.pk]), {"start_date": "2026-06-08"}).status_code == 400


def test_generate_page_prefills_from_the_intake(web, org, library, monkeypatch):
    client = ClientFactory(organization=org)
    monkeypatch.setattr(
        "clients.selectors.intake_answers",
        lambda *, client: {
            "goal": "fat_loss",
            "days_per_week": 4,
            "session_minutes": 10,
            "equipment": ["dumbbell", "rowing machine"],
            "injuries": ["knee"],
        },
    )
    page = web.get(reverse("training:generate"), {"client": client.pk})
    text = page.content.decode()
    assert "Filled in from the client&#x27;s intake" in text or "Filled in from the client's intake" in text
    assert 'value="fat_loss" selected' in text.replace("\n", " ") or 'value="fat_loss"\n' in text
    assert 'name="session_minutes" value="20"' in text  # brought into the generator's range
    response = web.post(
        reverse("training:generate"),
        {
            "goal": "fat_loss",
            "experience": "beginner",
            "days_per_week": 4,
            "session_minutes": 45,
            "equipment": ["dumbbell"],
            "injuries": ["knee"],
            "client": client.pk,
            "seed": 2,
        },
    )
    program = Program.objects.get(origin="generated")
    assert response.url == reverse("training:builder", args=[program.pk])
    page = web.get(response.url)
    assert b"Everything fits" in page.content and b"Why this draft" in page.content
    # Equipment and injuries are both written mid-sentence, in the same case.
    assert "4 days × 45 min, dumbbell; injuries: knee." in page.content.decode()
    bad = web.post(reverse("training:generate"), {"goal": "fat_loss", "days_per_week": 9})
    assert bad.status_code == 400


def test_client_training_page_shows_logs_records_and_takes_comments(web, org, client_record):
    squat = ExerciseFactory(organization=org, name="Back Squat")
    with freeze_time("2026-06-10 12:00:00"):
        for day, load in ((1, 100), (8, 110)):
            services.log_workout(
                client=client_record,
                client_uuid=uuid.uuid4(),
                performed_at=datetime(2026, 6, day, 9, 0, tzinfo=UTC),
                sets=[{"exercise": squat, "reps": 5, "load_kg": load}],
            )
        page = web.get(reverse("training:client", args=[client_record.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Back Squat" in text and "training-chart-data" in text
    assert "Estimated 1RM" in text and "chart.umd.js" in text
    log = client_record.workout_logs.first()
    response = web.post(reverse("training:log_comment", args=[log.pk]), {"body": "Great depth"})
    assert response.status_code == 302 and log.comments.get().body == "Great depth"
    assert web.post(reverse("training:log_comment", args=[log.pk]), {"body": ""}).status_code == 200


def test_program_list_query_count_does_not_grow(web, org, django_assert_max_num_queries):
    ProgramFactory.create_batch(10, organization=org)
    with django_assert_max_num_queries(30) as small:
        web.get(reverse("training:programs"))
    ProgramFactory.create_batch(15, organization=org)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert web.get(reverse("training:programs")).status_code == 200


def test_generate_page_prefills_from_a_real_intake_submission(web, org, library):
    from clients.models import IntakeSubmission

    client = ClientFactory(organization=org)
    IntakeSubmission.objects.create(
        organization=org,
        client=client,
        source=IntakeSubmission.Source.COACH,
        answers={
            "goal": "strength",
            "experience": "advanced",
            "days_per_week": 5,
            "session_minutes": 75,
            "equipment": ["barbell", "dumbbell"],
            "injuries": ["shoulder"],
            "diet": "omnivore",
        },
    )
    text = web.get(reverse("training:generate"), {"client": client.pk}).content.decode()
    assert "Filled in from the client" in text
    assert 'name="days_per_week" value="5"' in text and 'name="session_minutes" value="75"' in text
    assert 'value="shoulder" id="id_injuries_2" checked' in text or ('value="shoulder"' in text and "checked" in text)
    # The builder of a program assigned to that client checks it against the same intake.
    program = services.generate_draft(
        organization=org,
        profile=profile_from_intake(intake_answers(client=client)),
        seed=1,
        client=client,
    )
    with freeze_time("2026-06-01 09:00:00"):
        (copy,) = services.assign_program(program=program, clients=[client], start_date=date(2026, 6, 1))
    page = web.get(reverse("training:builder", args=[copy.pk])).content.decode()
    assert "From the client&#x27;s intake" in page or "From the client's intake" in page
    assert "Everything fits" in page


@pytest.mark.parametrize("value", ["abc", "", "1.5", "99999999"])
def test_nonsense_exercise_ids_in_builder_forms_are_not_found_not_errors(web, org, value):
    block = Block.objects.create(
        organization=org,
        workout=services.add_workout(week=services.create_program(organization=org, name="P").weeks.get()),
    )
    response = web.post(reverse("training:block_action", args=[block.pk, "add-item"]), {"exercise": value}, **HTMX)
    assert response.status_code == 404
    item = PrescribedExercise.objects.create(
        organization=org, block=block, exercise=ExerciseFactory(organization=org), reps_min=5
    )
    assert web.post(reverse("training:item_action", args=[item.pk, "swap"]), {"exercise": value}).status_code == 404
    assert web.post(reverse("training:item_action", args=[item.pk, "dance"])).status_code == 404


@pytest.mark.engine
def test_archiving_an_own_exercise_hides_it_from_search(web, org):
    exercise = ExerciseFactory(organization=org, name="Sandbag Shouldering")
    data = {
        "name": exercise.name,
        "primary_muscles": ["chest"],
        "equipment": "other",
        "level": "beginner",
        "category": "strength",
        "is_archived": "on",
    }
    assert web.post(reverse("training:exercise_edit", args=[exercise.pk]), data).status_code == 302
    exercise.refresh_from_db()
    assert exercise.is_archived
    assert b"Sandbag" not in web.get(reverse("training:exercises"), {"q": "sandbag"}).content


def test_builder_and_client_page_query_counts_do_not_grow_with_the_program(web, org, django_assert_max_num_queries):
    program = services.create_program(organization=org, name="Big")
    workout = services.add_workout(week=program.weeks.get())
    for kind in ("straight", "superset"):
        block = services.add_block(workout=workout, kind=kind)
        for _ in range(2):
            services.add_prescribed_exercise(block=block, exercise=ExerciseFactory(organization=org), reps_min=5)
    url = reverse("training:builder", args=[program.pk])
    with django_assert_max_num_queries(40) as small:
        assert web.get(url).status_code == 200
    services.apply_progression(program=program, weeks=8)
    for _ in range(3):
        services.duplicate_workout(workout=workout)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert web.get(url).status_code == 200
    client = ClientFactory(organization=org)
    with freeze_time("2026-06-01 09:00:00"):
        services.assign_program(program=program, clients=[client], start_date=date(2026, 6, 1))
        page = reverse("training:client", args=[client.pk])

        def log(days):
            for day in days:
                services.log_workout(
                    client=client,
                    client_uuid=uuid.uuid4(),
                    performed_at=datetime(2026, 5, day, 9, 0, tzinfo=UTC),
                    sets=[{"exercise": ExerciseFactory(organization=org), "reps": 5, "load_kg": 50}],
                )

        log(range(1, 4))
        with django_assert_max_num_queries(60) as small:
            web.get(page)
        log(range(4, 25))
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert web.get(page).status_code == 200


def _dumbbell_draft(org):
    """A draft generated for a client with dumbbells only (its profile is the one to check)."""
    from training.generator.profile import profile_from_answers

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
    item = PrescribedExercise.objects.filter(block__workout__program=program).select_related("block").first()
    return program, item


def test_exercise_picker_keeps_to_the_clients_equipment_and_marks_the_rest(web, org, library):
    _program, item = _dumbbell_draft(org)
    url = reverse("training:picker", args=[item.block.pk])
    fitting = web.get(url, {"q": "goblet squat"}, **HTMX).content.decode()
    assert "Only exercises for the client&#x27;s equipment: dumbbell." in fitting or "equipment: dumbbell" in fitting
    assert "Kettlebell" not in fitting and "Goblet Squat</span>" not in fitting
    # Unticked, everything is listed and what the client cannot do is marked.
    everything = web.get(url + "?q=goblet+squat&fits=0", **HTMX).content.decode()
    assert "Goblet Squat" in everything
    assert "Needs kettlebells: the client does not have it" in everything
    ticked = web.get(url + "?q=goblet+squat&fits=0&fits=1", **HTMX).content.decode()
    assert "Needs kettlebells" not in ticked
    builder = web.get(reverse("training:builder", args=[_program.pk])).content.decode()
    assert "Only equipment the client has" in builder


def test_adding_or_swapping_in_an_exercise_the_client_lacks_equipment_for_warns_the_coach(web, org, library):
    program, item = _dumbbell_draft(org)
    goblet = Exercise.objects.get(slug="Goblet_Squat")
    response = web.post(
        reverse("training:block_action", args=[item.block.pk, "add-item"]), {"exercise": goblet.pk}, **HTMX
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Goblet Squat needs kettlebells, which the client does not have." in text
    assert PrescribedExercise.objects.filter(block=item.block, exercise=goblet).exists()  # added all the same
    response = web.post(reverse("training:item_action", args=[item.pk, "swap"]), {"exercise": goblet.pk})
    assert response.status_code == 302
    follow = web.get(response["Location"]).content.decode()
    assert "Goblet Squat needs kettlebells, which the client does not have." in follow
    # An exercise the client can do gets no warning.
    dumbbell = Exercise.objects.get(slug="Dumbbell_Bench_Press")
    text = web.post(
        reverse("training:block_action", args=[item.block.pk, "add-item"]), {"exercise": dumbbell.pk}, **HTMX
    ).content.decode()
    assert "which the client does not have" not in text
    swaps = web.get(reverse("training:swaps", args=[item.pk]), **HTMX).content.decode()
    assert "their equipment: dumbbell" in swaps
