"""Programs drafted by the generator, and swapping an exercise for another."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Block, Exercise, PrescribedExercise, Program, ProgramWeek, Workout
from ._common import TrainingError, _actor
from .programs import apply_progression, update_prescribed_exercise

__all__ = ["create_program_from_plan", "generate_draft", "swap_exercise"]


@transaction.atomic
def create_program_from_plan(*, organization, plan, profile, actor=None, client=None) -> Program:
    """Save a generated plan as a draft program the coach then edits: week 1 as planned,
    the following weeks written by the same progression rules. Its words name no complaint of
    the client (see `training.generator.health`): the profile alone keeps them."""
    from ..generator.health import neutral_text

    def words(text: str) -> str:
        return neutral_text(text, profile)

    program = Program.objects.create(
        organization=organization,
        name=plan.name[:160],
        goal=plan.goal,
        origin=Program.Origin.GENERATED,
        description=words("\n".join(plan.reasons)),
        generation={
            "profile": profile.as_dict(),
            "seed": plan.seed,
            "reasons": [words(reason) for reason in plan.reasons],
            "client_id": client.pk if client is not None else None,
        },
        created_by=_actor(actor),
    )
    first = ProgramWeek.objects.create(organization=organization, program=program, position=1)
    for position, workout_plan in enumerate(plan.weeks[0].workouts, start=1):
        workout = Workout.objects.create(
            organization=organization,
            week=first,
            program=program,
            name=workout_plan.name,
            day=workout_plan.day,
            position=position,
            notes=words(workout_plan.reason),
        )
        for block_position, block_plan in enumerate(workout_plan.blocks, start=1):
            block = Block.objects.create(
                organization=organization,
                workout=workout,
                kind=block_plan.kind,
                position=block_position,
                rounds=block_plan.rounds,
                rest_seconds=block_plan.rest_seconds,
            )
            PrescribedExercise.objects.bulk_create(
                [
                    PrescribedExercise(
                        organization=organization,
                        block=block,
                        exercise_id=item.exercise.pk,
                        position=item_position,
                        sets=item.sets,
                        reps_type=item.reps_type,
                        reps_min=item.reps_min,
                        reps_max=item.reps_max,
                        duration_seconds=item.duration_seconds,
                        distance_m=item.distance_m,
                        load_type=item.load_type,
                        load_value=item.load_value,
                        tempo=item.tempo,
                        rest_seconds=item.rest_seconds,
                        progression=item.progression,
                        progression_unit=item.progression_unit,
                        progression_amount=item.progression_amount,
                        deload_every=item.deload_every,
                        reason=words(item.reason)[:300],
                    )
                    for item_position, item in enumerate(block_plan.items, start=1)
                ]
            )
    if len(plan.weeks) > 1:
        apply_progression(program=program, weeks=len(plan.weeks), actor=actor)
    return program


def generate_draft(*, organization, profile, seed: int = 0, actor=None, client=None, name: str = "") -> Program:
    """Generate a draft program for the profile (the local generator) and save it."""
    from ..generator.catalogue import load_catalogue
    from ..generator.engine import generate
    from ..generator.preferences import learn_preferences

    if not 0 <= int(seed) <= 2**31 - 1:
        raise TrainingError(_("The seed is a whole number from 0 to 2147483647."), field="seed")
    catalogue = load_catalogue(organization)
    if not catalogue:
        raise TrainingError(_("The exercise library is empty: run manage.py load_exercises first."))
    preferences = learn_preferences(organization, catalogue)
    plan = generate(profile, catalogue, seed=int(seed), preferences=preferences, name=name)
    return create_program_from_plan(organization=organization, plan=plan, profile=profile, actor=actor, client=client)


@transaction.atomic
def swap_exercise(*, item: PrescribedExercise, exercise: Exercise, actor=None, reason: str = "") -> PrescribedExercise:
    """Put another exercise in a prescription (for example a swap suggestion)."""
    fields = {"exercise": exercise}
    if reason:
        fields["reason"] = reason[:300]
    return update_prescribed_exercise(item=item, actor=actor, **fields)
