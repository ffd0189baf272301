"""Upgrading a database whose prescriptions still carry steps of another unit: each weekly step
that does not fit its unit is set to the one the builder now gives; fitting ones stay, and
going back leaves the corrected steps."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("training", "0008_text_limits")]
AFTER = [("training", "0009_progression_steps_follow_the_unit")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The models as the database now stands: other apps' later migrations (a business's language,
    # a client's demo flag) stay applied when training goes back, so their columns are in the state.
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def old_schema():
    try:
        yield _migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_upgrade_gives_each_step_its_units_rule_and_going_back_keeps_it(old_schema):
    apps = old_schema
    Organization = apps.get_model("accounts", "Organization")
    Client = apps.get_model("clients", "Client")
    Exercise = apps.get_model("training", "Exercise")
    Program = apps.get_model("training", "Program")
    ProgramWeek = apps.get_model("training", "ProgramWeek")
    Workout = apps.get_model("training", "Workout")
    Block = apps.get_model("training", "Block")
    PrescribedExercise = apps.get_model("training", "PrescribedExercise")
    metric = Organization.objects.create(name="Peak", slug="peak", unit_system="metric")
    imperial = Organization.objects.create(name="Iron", slug="iron", unit_system="imperial")
    pounds_client = Client.objects.create(organization=metric, first_name="Sam", unit_system="imperial")

    def block(org, client=None):
        program = Program.objects.create(organization=org, name="Base", client=client)
        week = ProgramWeek.objects.create(organization=org, program=program, position=1)
        workout = Workout.objects.create(organization=org, program=program, week=week, name="A")
        return Block.objects.create(organization=org, workout=workout)

    def item(org, equipment, load_type, amount, kind="load", unit="amount", client=None, **extra):
        exercise = Exercise.objects.create(
            organization=org,
            slug=f"ex-{Exercise.objects.count()}",
            name=f"Ex {Exercise.objects.count()}",
            equipment=equipment,
        )
        return PrescribedExercise.objects.create(
            organization=org,
            block=block(org, client),
            exercise=exercise,
            sets=3,
            reps_min=5,
            load_type=load_type,
            load_value=Decimal("100") if load_type == "kg" else Decimal("7"),
            progression=kind,
            progression_unit=unit,
            progression_amount=amount,
            **extra,
        )

    from_rpe = item(metric, "barbell", "kg", Decimal("0.5"))  # the reported defect: 100.5, 101, ...
    no_step = item(metric, "dumbbell", "kg", None)
    fine_bar = item(metric, "barbell", "kg", Decimal("5"))
    half_rep = item(metric, "barbell", "kg", Decimal("1.5"), kind="reps")
    rpe_whole = item(metric, "barbell", "rpe", Decimal("0.3"))
    percent = item(metric, "barbell", "kg", Decimal("2.5"), unit="percent")
    pounds_bar = item(imperial, "barbell", "kg", Decimal("2.5"))  # 5.5 lb is not whole plates
    pounds_fine = item(imperial, "barbell", "kg", Decimal("2.27"))  # 5 lb
    clients_pounds = item(metric, "barbell", "kg", Decimal("2.5"), client=pounds_client)
    untouched = item(metric, "barbell", "kg", Decimal("0.5"), kind="none")

    apps = _migrate(AFTER)
    steps = dict(apps.get_model("training", "PrescribedExercise").objects.values_list("pk", "progression_amount"))
    assert steps[from_rpe.pk] == Decimal("2.5")
    assert steps[no_step.pk] == Decimal("2")
    assert steps[fine_bar.pk] == Decimal("5")
    assert steps[half_rep.pk] == Decimal("1")
    assert steps[rpe_whole.pk] == Decimal("0.5")
    assert steps[percent.pk] == Decimal("2.5")
    assert steps[pounds_bar.pk] == Decimal("2.27")  # 5 lb
    assert steps[pounds_fine.pk] == Decimal("2.27")
    assert steps[clients_pounds.pk] == Decimal("2.27")  # the client's pounds, not the business's kg
    assert steps[untouched.pk] == Decimal("0.5")

    apps = _migrate(BEFORE)
    back = apps.get_model("training", "PrescribedExercise").objects.get(pk=from_rpe.pk)
    assert back.progression_amount == Decimal("2.5")
