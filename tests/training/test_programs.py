"""Builder operations, progression, templates and assignment across time zones."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from mecto.models import Event
from tests.factories import ClientFactory, OrganizationFactory
from training import services
from training.models import Block, PrescribedExercise, Program, ScheduledWorkout, Workout
from training.services import TrainingError

from .factories import ExerciseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(org):
    return services.create_program(organization=org, name="Strong base", goal="strength")


def build_week_one(program, org):
    week = program.weeks.get()
    squat = ExerciseFactory(organization=org, name="Back Squat", movement_pattern="squat")
    bench = ExerciseFactory(organization=org, name="Bench Press")
    row = ExerciseFactory(organization=org, name="Row", movement_pattern="horizontal_pull")
    day_a = services.add_workout(week=week, name="Day A", day=1)
    main = services.add_block(workout=day_a)
    services.add_prescribed_exercise(
        block=main,
        exercise=squat,
        sets=5,
        reps_min=5,
        load_type="kg",
        load_value=Decimal("100"),
        progression="load",
        progression_amount=Decimal("2.5"),
        deload_every=4,
    )
    superset = services.add_block(workout=day_a, kind="superset", rest_seconds=120)
    services.add_prescribed_exercise(
        block=superset,
        exercise=bench,
        reps_type="range",
        reps_min=8,
        reps_max=10,
        progression="reps",
        progression_amount=1,
    )
    services.add_prescribed_exercise(block=superset, exercise=row, reps_min=10)
    return day_a


def test_create_program_starts_with_one_week_and_refuses_a_blank_name(org, program):
    assert program.weeks.count() == 1
    with pytest.raises(TrainingError) as err:
        services.create_program(organization=org, name="  ")
    assert err.value.field == "name"


def test_add_workouts_blocks_and_exercises_in_order(org, program):
    day_a = build_week_one(program, org)
    assert [b.kind for b in day_a.blocks.order_by("position")] == ["straight", "superset"]
    superset = day_a.blocks.get(kind="superset")
    assert [i.exercise.name for i in superset.items.order_by("position")] == ["Bench Press", "Row"]
    assert superset.items.first().summary == "3 × 8–10"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reps_type": "range", "reps_min": 10, "reps_max": 8}, "reps_max"),
        ({"reps_type": "time"}, "duration_seconds"),
        ({"load_type": "rpe", "load_value": Decimal("11")}, "load_value"),
        ({"load_type": "kg"}, "load_value"),
        ({"sets": 0}, "sets"),
        ({"tempo": "slow"}, "tempo"),
        ({"progression": "load", "progression_amount": Decimal("2.5")}, "progression"),
        ({"progression": "reps"}, "progression_amount"),
        ({"deload_every": 1}, "deload_every"),
    ],
)
def test_bad_prescriptions_are_refused_with_the_field(org, program, fields, field):
    workout = services.add_workout(week=program.weeks.get())
    block = services.add_block(workout=workout)
    with pytest.raises(TrainingError) as err:
        services.add_prescribed_exercise(block=block, exercise=ExerciseFactory(organization=org), **fields)
    assert err.value.field == field
    assert not PrescribedExercise.objects.exists()


def test_an_exercise_of_another_business_cannot_be_prescribed(org, program):
    workout = services.add_workout(week=program.weeks.get())
    block = services.add_block(workout=workout)
    foreign = ExerciseFactory(organization=OrganizationFactory())
    with pytest.raises(TrainingError) as err:
        services.add_prescribed_exercise(block=block, exercise=foreign)
    assert err.value.field == "exercise"


def test_duplicate_week_and_workout_copy_everything(org, program):
    day_a = build_week_one(program, org)
    copy = services.duplicate_workout(workout=day_a)
    assert copy.day == 2 and copy.name == "Day A (copy)"
    assert copy.blocks.count() == 2 and PrescribedExercise.objects.filter(block__workout=copy).count() == 3
    week2 = services.duplicate_week(week=program.weeks.get(position=1))
    assert week2.position == 2 and week2.workouts.count() == 2
    assert PrescribedExercise.objects.filter(block__workout__week=week2).count() == 6
    # Copies are independent of their originals.
    PrescribedExercise.objects.filter(block__workout__week=week2).update(sets=1)
    assert not PrescribedExercise.objects.filter(block__workout=day_a, sets=1).exists()


def test_reorder_and_move_including_between_blocks(org, program):
    day_a = build_week_one(program, org)
    straight, superset = day_a.blocks.order_by("position")
    services.reorder(parent=day_a, ids=[superset.pk, straight.pk])
    assert list(day_a.blocks.order_by("position").values_list("kind", flat=True)) == ["superset", "straight"]
    bench, row = superset.items.order_by("position")
    services.move(obj=row, direction="up")
    assert list(superset.items.order_by("position")) == [row, bench]
    # Drag the row into the straight block.
    squat = straight.items.get()
    services.reorder(parent=straight, ids=[squat.pk, row.pk])
    assert list(straight.items.order_by("position")) == [squat, row]
    assert list(superset.items.values_list("position", flat=True)) == [1]
    with pytest.raises(TrainingError):
        services.reorder(parent=straight, ids=[squat.pk])  # leaves the row out
    other = PrescribedExercise.objects.create(
        organization=org,
        block=Block.objects.create(
            organization=org,
            workout=services.add_workout(week=services.create_program(organization=org, name="Other").weeks.get()),
        ),
        exercise=squat.exercise,
        reps_min=5,
    )
    with pytest.raises(TrainingError):
        services.reorder(parent=straight, ids=[squat.pk, row.pk, other.pk])


def test_removing_or_dragging_out_a_blocks_last_exercise_removes_the_block(org, program):
    day_a = build_week_one(program, org)
    straight, superset = day_a.blocks.order_by("position")
    services.delete_prescribed_exercise(item=straight.items.get())
    assert not Block.objects.filter(pk=straight.pk).exists()
    assert list(day_a.blocks.values_list("pk", "position")) == [(superset.pk, 1)]
    # A superset down to one exercise stays; dragging that one into a new block removes it.
    bench, row = superset.items.order_by("position")
    services.delete_prescribed_exercise(item=bench)
    assert Block.objects.filter(pk=superset.pk).exists()
    fresh = services.add_block(workout=day_a)
    services.reorder(parent=fresh, ids=[row.pk])
    assert list(day_a.blocks.values_list("pk", "position")) == [(fresh.pk, 1)]
    # An empty block the coach just added is kept until they fill it.
    services.add_block(workout=day_a)
    assert day_a.blocks.count() == 2


def test_exercises_are_labelled_as_coaches_write_them(org, program):
    from training.labels import workout_labels
    from training.selectors import workout_tree

    day_a = build_week_one(program, org)
    circuit = services.add_block(workout=day_a, kind="circuit")
    for name in ("Burpee", "Swing", "Plank"):
        services.add_prescribed_exercise(block=circuit, exercise=ExerciseFactory(organization=org, name=name))
    lone = services.add_block(workout=day_a, kind="superset")
    services.add_prescribed_exercise(block=lone, exercise=ExerciseFactory(organization=org, name="Curl"))
    workout = workout_tree(workout_ids=[day_a.pk]).get()
    names = {i.pk: i.exercise.name for b in workout.blocks.all() for i in b.items.all()}
    labels = {names[pk]: label for pk, label in workout_labels(workout.blocks.all()).items()}
    assert labels == {
        "Back Squat": "A",
        "Bench Press": "B1",
        "Row": "B2",
        "Burpee": "C1",
        "Swing": "C2",
        "Plank": "C3",
        "Curl": "D",
    }


def test_progression_writes_later_weeks_from_week_one_with_a_deload(org, program):
    build_week_one(program, org)
    services.apply_progression(program=program, weeks=6)
    weeks = list(program.weeks.order_by("position"))
    assert len(weeks) == 6
    assert [w.is_deload for w in weeks] == [False, False, False, True, False, False]
    squats = [PrescribedExercise.objects.get(block__workout__week=w, exercise__name="Back Squat") for w in weeks]
    assert [s.load_value for s in squats] == [
        Decimal("100"),
        Decimal("102.50"),
        Decimal("105.00"),
        Decimal("95.00"),  # 10 % below 105 kg is 94.5, loaded as 95 (steps of 2.5 kg on a bar)
        Decimal("107.50"),
        Decimal("110.00"),
    ]
    assert [s.sets for s in squats] == [5, 5, 5, 3, 5, 5]
    benches = [PrescribedExercise.objects.get(block__workout__week=w, exercise__name="Bench Press") for w in weeks]
    assert [(b.reps_min, b.reps_max) for b in benches[:3]] == [(8, 10), (9, 11), (10, 12)]
    # The row has no rule: the same in every week.
    assert {PrescribedExercise.objects.get(block__workout__week=w, exercise__name="Row").reps_min for w in weeks} == {
        10
    }


def test_percentage_progression_compounds(org, program):
    week = program.weeks.get()
    block = services.add_block(workout=services.add_workout(week=week))
    services.add_prescribed_exercise(
        block=block,
        exercise=ExerciseFactory(organization=org),
        load_type="kg",
        load_value=Decimal("100"),
        reps_min=5,
        progression="load",
        progression_unit="percent",
        progression_amount=Decimal("5"),
    )
    services.apply_progression(program=program, weeks=3)
    loads = list(
        PrescribedExercise.objects.order_by("block__workout__week__position").values_list("load_value", flat=True)
    )
    # 5 % compounded is 110.25 kg in week 3: loaded as 110 (steps of 2.5 kg on a bar).
    assert loads == [Decimal("100"), Decimal("105.00"), Decimal("110.00")]


def _squat_on_rpe(org, program, **exercise):
    block = services.add_block(workout=services.add_workout(week=program.weeks.get()))
    return services.add_prescribed_exercise(
        block=block,
        exercise=ExerciseFactory(organization=org, **exercise),
        reps_min=5,
        load_type="rpe",
        load_value=Decimal("7"),
        progression="load",
        progression_amount=Decimal("0.5"),
    )


def _weekly_loads(program):
    return list(
        PrescribedExercise.objects.filter(block__workout__program=program)
        .order_by("block__workout__week__position")
        .values_list("load_value", flat=True)
    )


def test_switching_from_rpe_to_kg_takes_a_plate_step_not_the_rpe_step(org, program):
    item = _squat_on_rpe(org, program)
    services.apply_progression(program=program, weeks=3)
    assert _weekly_loads(program) == [Decimal("7"), Decimal("7.50"), Decimal("8.00")]
    # The builder posts every field: the RPE step comes along unchanged with the new load type.
    item = services.update_prescribed_exercise(
        item=item, load_type="kg", load_value=Decimal("100"), progression_amount=Decimal("0.5")
    )
    assert item.progression_amount == Decimal("2.5")
    services.apply_progression(program=program, weeks=4)
    assert _weekly_loads(program) == [Decimal("100"), Decimal("102.50"), Decimal("105.00"), Decimal("107.50")]


def test_an_imperial_business_steps_loads_by_five_pounds(program):
    program.organization.unit_system = "imperial"
    program.organization.save(update_fields=["unit_system"])
    item = _squat_on_rpe(program.organization, program)
    item = services.update_prescribed_exercise(item=item, load_type="kg", load_value=Decimal("102.06"))  # 225 lb
    assert item.progression_amount == Decimal("2.27")  # 5 lb
    services.apply_progression(program=program, weeks=3)
    pounds = [round(v / Decimal("0.45359237")) for v in _weekly_loads(program)]
    assert pounds == [225, 230, 235]
    with pytest.raises(TrainingError, match="steps of 5 lb") as refused:
        services.update_prescribed_exercise(item=item, progression_amount=Decimal("1"))
    assert refused.value.field == "progression_amount"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"load_type": "kg", "load_value": Decimal("100"), "progression_amount": Decimal("1")}, "steps of 2.5 kg"),
        ({"progression_amount": Decimal("0.3")}, "steps of 0.5"),
        ({"progression": "reps", "progression_amount": Decimal("1.5")}, "whole reps"),
        ({"progression": "sets", "progression_amount": Decimal("1.5")}, "whole reps or sets"),
    ],
)
def test_a_step_that_does_not_fit_its_unit_is_refused(org, program, fields, message):
    """A step the coach writes is checked against its unit (a carried-over one is replaced)."""
    item = _squat_on_rpe(org, program)
    with pytest.raises(TrainingError, match=message) as refused:
        services.update_prescribed_exercise(item=item, **fields)
    assert refused.value.field == "progression_amount"
    item.refresh_from_db()
    assert (item.load_type, item.progression_amount) == ("rpe", Decimal("0.5"))


def test_a_dumbbell_steps_by_a_kilogram_and_rounds_percentages_to_it(org, program):
    item = _squat_on_rpe(org, program, equipment="dumbbell")
    item = services.update_prescribed_exercise(item=item, load_type="kg", load_value=Decimal("20"))
    assert item.progression_amount == Decimal("2")
    services.update_prescribed_exercise(item=item, progression_unit="percent", progression_amount=Decimal("7.5"))
    services.apply_progression(program=program, weeks=3)
    # 21.5 and 23.11 kg: dumbbells go up by whole kilograms.
    assert _weekly_loads(program) == [Decimal("20"), Decimal("22.00"), Decimal("23.00")]


def test_save_as_template_and_copy_from_template(org, program):
    build_week_one(program, org)
    template = services.save_as_template(program=program, name="Strong base template")
    assert template.is_template and template.source == program
    assert PrescribedExercise.objects.filter(block__workout__program=template).count() == 3
    fresh = services.copy_program(program=template)
    assert not fresh.is_template and fresh.name == "Strong base template"
    assert Program.objects.library().filter(is_template=True).count() == 1


@freeze_time("2026-03-20 12:00:00")
def test_assign_schedules_each_client_in_their_time_zone_across_dst(org, program):
    build_week_one(program, org)
    services.duplicate_week(week=program.weeks.get(position=1))
    london = ClientFactory(organization=org, time_zone="Europe/London")
    sydney = ClientFactory(organization=org, time_zone="Australia/Sydney")
    copies = services.assign_program(program=program, clients=[london, sydney], start_date=date(2026, 3, 23))
    assert len(copies) == 2 and all(c.client for c in copies)
    london_days = ScheduledWorkout.objects.filter(client=london).order_by("date")
    assert [s.date for s in london_days] == [date(2026, 3, 23), date(2026, 3, 30)]
    # Europe/London moves to BST on 29 March 2026: local midnight is 00:00 UTC before, 23:00 UTC the day before after.
    assert [s.due_at for s in london_days] == [
        datetime(2026, 3, 23, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 23, 0, tzinfo=UTC),
    ]
    sydney_days = ScheduledWorkout.objects.filter(client=sydney).order_by("date")
    # Australia/Sydney leaves daylight time on 5 April 2026: +11 before, +10 after.
    assert [s.due_at for s in sydney_days] == [
        datetime(2026, 3, 22, 13, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 13, 0, tzinfo=UTC),
    ]
    events = Event.objects.filter(name="program.assigned")
    assert events.count() == 2 and {e.client_id for e in events} == {london.pk, sydney.pk}


def test_a_day_whose_midnight_does_not_exist_starts_at_its_first_instant():
    # America/Santiago springs forward at 00:00 on 6 September 2026 (00:00 → 01:00).
    start = services.local_day_start(date(2026, 9, 6), "America/Santiago")
    assert start == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)


def test_assign_refuses_empty_programs_and_foreign_clients(org, program):
    client = ClientFactory(organization=org)
    with pytest.raises(TrainingError):
        services.assign_program(program=program, clients=[client], start_date=date(2026, 1, 5))
    build_week_one(program, org)
    with pytest.raises(TrainingError) as err:
        services.assign_program(
            program=program, clients=[ClientFactory(organization=OrganizationFactory())], start_date=date(2026, 1, 5)
        )
    assert err.value.field == "clients"
    assert not ScheduledWorkout.objects.exists() and Program.objects.count() == 1


def test_delete_keeps_positions_contiguous(org, program):
    day_a = build_week_one(program, org)
    straight, superset = day_a.blocks.order_by("position")
    services.delete_block(block=straight)
    assert list(day_a.blocks.values_list("position", flat=True)) == [1]
    with pytest.raises(TrainingError):
        services.delete_week(week=program.weeks.get())
    assert Workout.objects.count() == 1


@freeze_time("2026-06-01 09:00:00")
def test_editing_a_clients_program_keeps_their_calendar_in_step(org, program):
    build_week_one(program, org)
    client = ClientFactory(organization=org, time_zone="America/New_York")
    (copy,) = services.assign_program(program=program, clients=[client], start_date=date(2026, 6, 1))
    week = copy.weeks.get()
    added = services.add_workout(week=week, name="Day B", day=3)
    scheduled = ScheduledWorkout.objects.get(workout=added)
    assert scheduled.date == date(2026, 6, 3) and scheduled.due_at == datetime(2026, 6, 3, 4, 0, tzinfo=UTC)
    services.update_workout(workout=added, day=5)
    assert ScheduledWorkout.objects.get(workout=added).date == date(2026, 6, 5)
    services.duplicate_week(week=week)
    assert ScheduledWorkout.objects.filter(client=client).count() == 4
    services.delete_workout(workout=added)
    assert ScheduledWorkout.objects.filter(client=client).count() == 3
    # The template it came from has no calendar.
    services.add_workout(week=program.weeks.get(), name="Day C", day=6)
    assert not ScheduledWorkout.objects.filter(program=program).exists()
