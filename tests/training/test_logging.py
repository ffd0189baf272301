"""Workout logs: idempotent uploads, e1RM, records, holds, volume and adherence."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from mecto.models import Event
from tests.factories import ClientFactory
from training import selectors, services
from training.models import PersonalRecord, PrescribedExercise, ScheduledWorkout, SetLog, WorkoutLog
from training.progression import estimated_1rm

from .factories import ExerciseFactory

pytestmark = pytest.mark.django_db


def squat_sets(exercise, loads_reps):
    return [{"exercise": exercise, "load_kg": Decimal(str(load)), "reps": r} for load, r in loads_reps]


@pytest.mark.parametrize(
    ("load", "reps", "expected"),
    [(100, 1, Decimal("100.00")), (100, 5, Decimal("116.67")), (80, 10, Decimal("106.67")), (60, 12, Decimal("84.00"))],
)
def test_estimated_1rm_is_epley(load, reps, expected):
    assert estimated_1rm(load, reps) == expected


@pytest.mark.parametrize(("load", "reps"), [(100, 13), (100, 0), (0, 5), (None, 5), (100, None)])
def test_no_estimate_without_load_or_beyond_twelve_reps(load, reps):
    assert estimated_1rm(load, reps) is None


def test_the_same_upload_twice_is_stored_once(org, client_record):
    squat = ExerciseFactory(organization=org)
    key = uuid.uuid4()
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with freeze_time(now):
        log, created = services.log_workout(
            client=client_record, client_uuid=key, performed_at=now, sets=squat_sets(squat, [(100, 5), (100, 5)])
        )
        again, created_again = services.log_workout(
            client=client_record, client_uuid=key, performed_at=now, sets=squat_sets(squat, [(100, 5)])
        )
    assert created and not created_again and again.pk == log.pk
    assert WorkoutLog.objects.count() == 1 and SetLog.objects.count() == 2
    assert Event.objects.filter(name="workout.completed").count() == 1
    assert SetLog.objects.first().e1rm_kg == Decimal("116.67")


def test_records_are_detected_against_earlier_logs_and_emitted(org, client_record):
    squat = ExerciseFactory(organization=org)
    day1 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with freeze_time(day1 + timedelta(days=3)):
        services.log_workout(
            client=client_record, client_uuid=uuid.uuid4(), performed_at=day1, sets=squat_sets(squat, [(100, 5)])
        )
        assert not PersonalRecord.objects.exists()  # the first log is the baseline
        services.log_workout(
            client=client_record,
            client_uuid=uuid.uuid4(),
            performed_at=day1 + timedelta(days=2),
            sets=squat_sets(squat, [(105, 3), (95, 8)]),
        )
    records = {r.kind: r for r in PersonalRecord.objects.all()}
    # 95 × 8 → 120.33 beats 116.67; 105 kg beats 100 kg.
    assert records["e1rm"].value_kg == Decimal("120.33") and records["e1rm"].previous_kg == Decimal("116.67")
    assert records["load"].value_kg == Decimal("105.00")
    events = Event.objects.filter(name="pr.achieved")
    assert events.count() == 2 and events.first().payload["exercise"] == squat.name
    # Matching a record is not a new one.
    with freeze_time(day1 + timedelta(days=5)):
        services.log_workout(
            client=client_record,
            client_uuid=uuid.uuid4(),
            performed_at=day1 + timedelta(days=4),
            sets=squat_sets(squat, [(105, 3)]),
        )
    assert PersonalRecord.objects.count() == 2


def test_skipped_sets_neither_count_nor_set_records(org, client_record):
    squat = ExerciseFactory(organization=org)
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with freeze_time(now):
        services.log_workout(
            client=client_record, client_uuid=uuid.uuid4(), performed_at=now, sets=squat_sets(squat, [(50, 5)])
        )
        services.log_workout(
            client=client_record,
            client_uuid=uuid.uuid4(),
            performed_at=now,
            sets=[{"exercise": squat, "load_kg": Decimal("200"), "reps": 5, "is_done": False}],
            status="partial",
        )
    assert not PersonalRecord.objects.exists()
    assert Event.objects.filter(name="workout.completed").count() == 1  # the partial log is not a completion


def test_bad_uploads_change_nothing(org, client_record):
    squat = ExerciseFactory(organization=org)
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with freeze_time(now), pytest.raises(services.TrainingError):
        services.log_workout(
            client=client_record,
            client_uuid=uuid.uuid4(),
            performed_at=now,
            sets=[{"exercise": squat, "load_kg": Decimal("100"), "reps": 5}, {"exercise": squat, "rpe": Decimal("14")}],
        )
    with freeze_time(now), pytest.raises(services.TrainingError):
        services.log_workout(
            client=client_record, client_uuid=uuid.uuid4(), performed_at=now + timedelta(days=3), sets=[]
        )
    assert not WorkoutLog.objects.exists() and not SetLog.objects.exists()


def _assigned(org, client, *, progress_on_target):
    program = services.create_program(organization=org, name="Linear")
    workout = services.add_workout(week=program.weeks.get(), day=1)
    block = services.add_block(workout=workout)
    squat = ExerciseFactory(organization=org)
    services.add_prescribed_exercise(
        block=block,
        exercise=squat,
        sets=3,
        reps_min=5,
        load_type="kg",
        load_value=Decimal("100"),
        progression="load",
        progression_amount=Decimal("5"),
        progress_on_target=progress_on_target,
    )
    services.apply_progression(program=program, weeks=3)
    (copy,) = services.assign_program(program=program, clients=[client], start_date=date(2026, 5, 4))
    return copy, squat


def _loads(copy):
    return list(
        PrescribedExercise.objects.filter(block__workout__program=copy)
        .order_by("block__workout__week__position")
        .values_list("load_value", flat=True)
    )


@freeze_time("2026-05-05 09:00:00")
def test_a_missed_target_holds_the_next_weeks_when_the_rule_waits(org, client_record):
    copy, squat = _assigned(org, client_record, progress_on_target=True)
    assert _loads(copy) == [Decimal("100"), Decimal("105.00"), Decimal("110.00")]
    scheduled = ScheduledWorkout.objects.filter(client=client_record).order_by("date").first()
    item = PrescribedExercise.objects.get(block__workout=scheduled.workout)
    services.log_workout(
        client=client_record,
        client_uuid=uuid.uuid4(),
        performed_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        scheduled=scheduled,
        sets=[{"exercise": squat, "prescribed": item, "load_kg": Decimal("100"), "reps": r} for r in (5, 5, 3)],
    )
    assert _loads(copy) == [Decimal("100"), Decimal("100.00"), Decimal("105.00")]


@freeze_time("2026-05-05 09:00:00")
def test_a_met_target_or_a_rule_that_does_not_wait_keeps_progressing(org, client_record):
    copy, squat = _assigned(org, client_record, progress_on_target=False)
    scheduled = ScheduledWorkout.objects.filter(client=client_record).order_by("date").first()
    item = PrescribedExercise.objects.get(block__workout=scheduled.workout)
    services.log_workout(
        client=client_record,
        client_uuid=uuid.uuid4(),
        performed_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        scheduled=scheduled,
        sets=[{"exercise": squat, "prescribed": item, "load_kg": Decimal("100"), "reps": 2}],
    )
    assert _loads(copy) == [Decimal("100"), Decimal("105.00"), Decimal("110.00")]


def test_weekly_volume_counts_done_sets_per_primary_muscle_in_the_client_week(org):
    client = ClientFactory(organization=org, time_zone="America/New_York")
    chest = ExerciseFactory(organization=org, primary_muscles=["chest"])
    legs = ExerciseFactory(organization=org, primary_muscles=["quadriceps", "glutes"])
    # Sunday 23:30 in New York is Monday 03:30 UTC: it belongs to the week of Monday 2 March.
    sunday_night = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)
    with freeze_time("2026-03-12 12:00:00"):
        services.log_workout(
            client=client,
            client_uuid=uuid.uuid4(),
            performed_at=sunday_night,
            sets=squat_sets(chest, [(60, 10)] * 3) + squat_sets(legs, [(80, 8)] * 2),
        )
        volume = selectors.weekly_volume(client=client, weeks=2)
    assert volume["weeks"] == [date(2026, 3, 2), date(2026, 3, 9)]
    assert volume["muscles"] == {"chest": [3, 0], "glutes": [2, 0], "quadriceps": [2, 0]}


@freeze_time("2026-05-13 12:00:00")
def test_adherence_is_completed_over_scheduled_to_date(org, client_record):
    copy, squat = _assigned(org, client_record, progress_on_target=False)
    first, second, third = ScheduledWorkout.objects.filter(client=client_record).order_by("date")
    services.log_workout(
        client=client_record,
        client_uuid=uuid.uuid4(),
        performed_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        scheduled=first,
        sets=squat_sets(squat, [(100, 5)]),
    )
    result = selectors.adherence(client=client_record, weeks=2)
    # Due so far: 4 May and 11 May (18 May is in the future); one was completed.
    assert result["total_scheduled"] == 2 and result["total_completed"] == 1 and result["rate"] == 50
    assert result["scheduled"] == [1, 1] and result["completed"] == [1, 0]


def test_comments_need_a_body(org, client_record, coach):
    squat = ExerciseFactory(organization=org)
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with freeze_time(now):
        log, _ = services.log_workout(
            client=client_record, client_uuid=uuid.uuid4(), performed_at=now, sets=squat_sets(squat, [(60, 5)])
        )
    with pytest.raises(services.TrainingError):
        services.comment_on_log(workout_log=log, author=coach, body="   ")
    comment = services.comment_on_log(workout_log=log, author=coach, body="Depth looked great.")
    assert comment.author == coach and log.comments.count() == 1


@freeze_time("2026-05-05 09:00:00")
def test_a_done_set_left_blank_is_stored_at_its_prescription(org, client_record):
    copy, squat = _assigned(org, client_record, progress_on_target=True)
    scheduled = ScheduledWorkout.objects.filter(client=client_record).order_by("date").first()
    item = PrescribedExercise.objects.get(block__workout=scheduled.workout)
    log, _ = services.log_workout(
        client=client_record,
        client_uuid=uuid.uuid4(),
        performed_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        scheduled=scheduled,
        sets=[
            {"exercise": squat, "prescribed": item, "reps": 5, "load_kg": Decimal("100")},
            {"exercise": squat, "prescribed": item},
            {"exercise": squat, "prescribed": item, "load_kg": Decimal("102.5")},
        ],
    )
    stored = [(s.reps, s.load_kg, s.from_prescription, s.e1rm_kg is not None) for s in log.sets.all()]
    assert stored == [
        (5, Decimal("100"), False, True),
        (5, Decimal("100"), True, True),
        (5, Decimal("102.5"), True, True),
    ]
    # Every set was done at (or above) the target: completed, and the progression is not held.
    assert log.status == "completed" and _loads(copy) == [Decimal("100"), Decimal("105.00"), Decimal("110.00")]


def test_a_done_set_without_anything_done_or_prescribed_is_refused(org, client_record):
    squat = ExerciseFactory(organization=org)
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    with freeze_time(now), pytest.raises(services.TrainingError, match="Set 2: say what was done"):
        services.log_workout(
            client=client_record,
            client_uuid=uuid.uuid4(),
            performed_at=now,
            sets=[{"exercise": squat, "reps": 5, "load_kg": Decimal("60")}, {"exercise": squat, "is_done": True}],
        )
    assert not WorkoutLog.objects.exists()


@freeze_time("2026-05-05 09:00:00")
@pytest.mark.parametrize(
    ("status", "done", "expected"),
    [
        (None, 3, "completed"),
        (None, 1, "partial"),
        (None, 0, "No set is marked as done"),
        ("completed", 0, "0 of 3 prescribed sets"),
        ("completed", 2, "2 of 3 prescribed sets"),
        ("partial", 0, "No set is marked as done"),
        ("skipped", 1, "Some sets are marked as done"),
        ("skipped", 0, "skipped"),
        ("partial", 2, "partial"),
    ],
)
def test_the_status_agrees_with_the_sets(org, client_record, status, done, expected):
    copy, squat = _assigned(org, client_record, progress_on_target=False)
    scheduled = ScheduledWorkout.objects.filter(client=client_record).order_by("date").first()
    item = PrescribedExercise.objects.get(block__workout=scheduled.workout)
    sets = [{"exercise": squat, "prescribed": item, "is_done": n < done} for n in range(3)]
    kwargs = {"status": status} if status else {}
    call = lambda: services.log_workout(  # noqa: E731
        client=client_record,
        client_uuid=uuid.uuid4(),
        performed_at=datetime(2026, 5, 4, 9, 0, tzinfo=UTC),
        scheduled=scheduled,
        sets=sets,
        **kwargs,
    )
    if expected in WorkoutLog.Status.values:
        log, _ = call()
        assert log.status == expected
        assert Event.objects.filter(name="workout.completed").exists() == (expected == "completed")
    else:
        with pytest.raises(services.TrainingError, match=expected):
            call()
        assert not WorkoutLog.objects.exists()


@freeze_time("2026-05-13 12:00:00")
def test_adherence_does_not_count_a_log_with_nothing_done(org, client_record):
    from tests.training.factories import WorkoutLogFactory

    copy, squat = _assigned(org, client_record, progress_on_target=False)
    first, second, _third = ScheduledWorkout.objects.filter(client=client_record).order_by("date")
    # A "completed" log with no set done (as the portal used to store an untouched workout).
    WorkoutLogFactory(organization=org, client=client_record, scheduled=first, status="completed")
    assert selectors.adherence(client=client_record, weeks=2)["total_completed"] == 0
    services.log_workout(
        client=client_record,
        client_uuid=uuid.uuid4(),
        performed_at=datetime(2026, 5, 11, 9, 0, tzinfo=UTC),
        scheduled=second,
        sets=squat_sets(squat, [(100, 5)]),
    )
    result = selectors.adherence(client=client_record, weeks=2)
    assert result["total_completed"] == 1 and result["rate"] == 50 and result["completed"] == [0, 1]
    # Two due workouts of 3 sets each; one set was done.
    assert (result["sets_prescribed"], result["sets_done"], result["set_rate"]) == (6, 1, 17)
