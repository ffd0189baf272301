"""Weekly steps saved before steps followed the unit: a 0.5 step left on a load in kg (from
RPE), a step that is not whole plates, or a rule without a step. Each such prescription gets
the step the builder now gives for its unit (training/progression.py): +2.5 kg on a bar, 5 lb
for a business or client using pounds, 0.5 RPE, whole reps and sets."""

from django.db import migrations


def fix_steps(apps, schema_editor):
    from training import progression

    PrescribedExercise = apps.get_model("training", "PrescribedExercise")
    rows = (
        PrescribedExercise.objects.exclude(progression="none")
        .exclude(progression_unit="percent")
        .select_related("exercise", "organization", "block__workout__program__client")
    )
    for item in rows.iterator(chunk_size=500):
        program = item.block.workout.program
        unit_system = program.client.unit_system if program.client_id else item.organization.unit_system
        equipment = item.exercise.equipment if item.exercise_id else ""
        amount = item.progression_amount
        if amount and not progression.step_problem(
            item.progression, item.progression_unit, amount, item.load_type, equipment, unit_system
        ):
            continue
        step = progression.default_step(item.progression, item.load_type, equipment, unit_system)
        PrescribedExercise.objects.filter(pk=item.pk).update(progression_amount=step)


def keep_steps(apps, schema_editor):
    """Nothing to undo: the old steps did not fit their unit (0.5 kg on a barbell), so going back
    keeps the corrected ones, which the earlier code reads the same way."""


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0008_text_limits"),
        ("clients", "0001_initial"),
    ]

    operations = [migrations.RunPython(fix_steps, keep_steps)]
