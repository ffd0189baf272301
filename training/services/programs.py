"""Programs: weeks, workouts, blocks and prescribed exercises, their order and progression."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import progression
from ..models import Block, Exercise, Goal, PrescribedExercise, Program, ProgramWeek, ScheduledWorkout, Workout
from ._common import TrainingError, _actor, _unknown, local_day_start, schedule_dates

__all__ = [
    "PROGRAM_FIELDS",
    "WORKOUT_FIELDS",
    "BLOCK_FIELDS",
    "ITEM_FIELDS",
    "MAX_WEEKS",
    "create_program",
    "update_program",
    "delete_program",
    "add_week",
    "delete_week",
    "duplicate_week",
    "add_workout",
    "update_workout",
    "duplicate_workout",
    "delete_workout",
    "add_block",
    "update_block",
    "delete_block",
    "add_prescribed_exercise",
    "update_prescribed_exercise",
    "delete_prescribed_exercise",
    "duplicate_prescribed_exercise",
    "set_allowed_swaps",
    "superset_with_next",
    "reorder",
    "move",
    "apply_progression",
    "prescription_units",
]


PROGRAM_FIELDS = {"name", "description", "goal"}
WORKOUT_FIELDS = {"name", "day", "notes"}
BLOCK_FIELDS = {"kind", "rounds", "rest_seconds", "notes"}
ITEM_FIELDS = {
    "exercise",
    "sets",
    "reps_type",
    "reps_min",
    "reps_max",
    "duration_seconds",
    "distance_m",
    "load_type",
    "load_value",
    "tempo",
    "rest_seconds",
    "notes",
    "progression",
    "progression_unit",
    "progression_amount",
    "deload_every",
    "progress_on_target",
    "reason",
}
MAX_WEEKS = 52


def _lock_program(program: Program) -> Program:
    # Lock the program row: two edits of one program (reorder, duplicate) must not interleave.
    return Program.objects.select_for_update().get(pk=program.pk)


def _check_program_fields(fields: dict) -> dict:
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise TrainingError(_("Give the program a name."), field="name")
    if fields.get("goal") and fields["goal"] not in Goal.values:
        raise TrainingError(_("Choose a goal from the list."), field="goal")
    return fields


@transaction.atomic
def create_program(*, organization, actor=None, is_template: bool = False, weeks: int = 1, **fields) -> Program:
    """A new program (or template) with its first weeks, ready for the builder."""
    _unknown(fields, PROGRAM_FIELDS)
    fields = _check_program_fields(dict(fields))
    if not fields.get("name"):
        raise TrainingError(_("Give the program a name."), field="name")
    if not 1 <= weeks <= MAX_WEEKS:
        raise TrainingError(_("A program has 1 to %(n)s weeks.") % {"n": MAX_WEEKS}, field="weeks")
    program = Program.objects.create(
        organization=organization, is_template=is_template, created_by=_actor(actor), **fields
    )
    ProgramWeek.objects.bulk_create(
        [ProgramWeek(organization=organization, program=program, position=n) for n in range(1, weeks + 1)]
    )
    return program


@transaction.atomic
def update_program(*, program: Program, actor=None, **fields) -> Program:
    _unknown(fields, PROGRAM_FIELDS)
    fields = _check_program_fields(dict(fields))
    for key, value in fields.items():
        setattr(program, key, value)
    program.save()
    return program


@transaction.atomic
def delete_program(*, program: Program, actor=None) -> None:
    program.delete()


def _touch(program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(updated_at=timezone.now())
    _sync_schedule(program)


def _sync_schedule(program: Program) -> None:
    """A client's program keeps its calendar in step with its workouts: a workout added or moved
    to another day is (re)scheduled; a deleted one leaves the calendar with it."""
    program = Program.objects.filter(pk=program.pk).select_related("client").first()
    if program is None or program.client_id is None or program.start_date is None:
        return
    existing = {s.workout_id: s for s in ScheduledWorkout.objects.filter(program=program)}
    tz = program.client.time_zone
    new_rows = []
    for workout, day in schedule_dates(program, program.start_date):
        row = existing.get(workout.pk)
        if row is None:
            new_rows.append(
                ScheduledWorkout(
                    organization=program.organization,
                    client=program.client,
                    program=program,
                    workout=workout,
                    date=day,
                    due_at=local_day_start(day, tz),
                )
            )
        elif row.date != day:
            ScheduledWorkout.objects.filter(pk=row.pk).update(date=day, due_at=local_day_start(day, tz))
    ScheduledWorkout.objects.bulk_create(new_rows)


def _renumber(queryset) -> None:
    for position, obj in enumerate(queryset, start=1):
        if obj.position != position:
            type(obj).objects.filter(pk=obj.pk).update(position=position)


@transaction.atomic
def add_week(*, program: Program, actor=None) -> ProgramWeek:
    program = _lock_program(program)
    count = program.weeks.count()
    if count >= MAX_WEEKS:
        raise TrainingError(_("A program has at most %(n)s weeks.") % {"n": MAX_WEEKS})
    _touch(program)
    return ProgramWeek.objects.create(organization=program.organization, program=program, position=count + 1)


@transaction.atomic
def delete_week(*, week: ProgramWeek, actor=None) -> None:
    program = _lock_program(week.program)
    if program.weeks.count() <= 1:
        raise TrainingError(_("A program keeps at least one week."))
    week.delete()
    _renumber(program.weeks.order_by("position", "id"))
    _touch(program)


def _copy_items(block: Block, new_block: Block, mapping: dict | None = None) -> None:
    """Copy a block's prescriptions; with `mapping`, remember old → new so progression links
    can be carried over to a whole-program copy."""
    for item in block.items.all():
        old_pk = item.pk
        swaps = list(item.allowed_swaps.all())
        item._prefetched_objects_cache = {}  # the copy's swaps are its own, not the original's
        item.pk = None
        item.id = None
        item.block = new_block
        item.organization_id = new_block.organization_id
        if mapping is None:
            item.progression_source = None
            item.progression_step = 0
        item.save()
        if swaps:
            item.allowed_swaps.set(swaps)
        if mapping is not None:
            mapping[old_pk] = item


def _copy_workout(
    workout: Workout, *, week: ProgramWeek, program: Program, position: int | None = None, mapping: dict | None = None
) -> Workout:
    blocks = list(workout.blocks.prefetch_related("items__allowed_swaps"))
    new = Workout.objects.create(
        organization=program.organization,
        week=week,
        program=program,
        name=workout.name,
        day=workout.day,
        position=position if position is not None else workout.position,
        notes=workout.notes,
    )
    for block in blocks:
        new_block = Block.objects.create(
            organization=program.organization,
            workout=new,
            kind=block.kind,
            position=block.position,
            rounds=block.rounds,
            rest_seconds=block.rest_seconds,
            notes=block.notes,
        )
        _copy_items(block, new_block, mapping)
    return new


@transaction.atomic
def duplicate_week(*, week: ProgramWeek, actor=None) -> ProgramWeek:
    """Copy a week with its workouts to the end of the program."""
    program = _lock_program(week.program)
    count = program.weeks.count()
    if count >= MAX_WEEKS:
        raise TrainingError(_("A program has at most %(n)s weeks.") % {"n": MAX_WEEKS})
    new = ProgramWeek.objects.create(
        organization=program.organization, program=program, position=count + 1, notes=week.notes
    )
    for workout in week.workouts.all():
        _copy_workout(workout, week=new, program=program)
    _touch(program)
    return new


def _check_day(day) -> int:
    try:
        day = int(day)
    except (TypeError, ValueError):
        raise TrainingError(_("Choose a day from 1 to 7."), field="day")
    if not 1 <= day <= 7:
        raise TrainingError(_("Choose a day from 1 to 7."), field="day")
    return day


@transaction.atomic
def add_workout(*, week: ProgramWeek, name: str = "", day: int | None = None, actor=None) -> Workout:
    program = _lock_program(week.program)
    existing = list(week.workouts.all())
    day = _check_day(day if day is not None else min(7, (max((w.day for w in existing), default=0) + 1)))
    name = (name or "").strip() or _("Workout %(n)s") % {"n": len(existing) + 1}
    workout = Workout.objects.create(
        organization=program.organization,
        week=week,
        program=program,
        name=name[:120],
        day=day,
        position=len(existing) + 1,
    )
    _touch(program)
    return workout


@transaction.atomic
def update_workout(*, workout: Workout, actor=None, **fields) -> Workout:
    _unknown(fields, WORKOUT_FIELDS)
    if "day" in fields:
        fields["day"] = _check_day(fields["day"])
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise TrainingError(_("Give the workout a name."), field="name")
    for key, value in fields.items():
        setattr(workout, key, value)
    workout.save()
    _touch(workout.program)
    return workout


@transaction.atomic
def duplicate_workout(*, workout: Workout, week: ProgramWeek | None = None, actor=None) -> Workout:
    """Copy a workout into its week (on the next free day) or into another week of the program."""
    program = _lock_program(workout.program)
    target = week or workout.week
    if target.program_id != program.pk:
        raise TrainingError(_("Choose a week of the same program."), field="week")
    position = target.workouts.count() + 1
    new = _copy_workout(workout, week=target, program=program, position=position)
    if target.pk == workout.week_id:
        used = set(target.workouts.exclude(pk=new.pk).values_list("day", flat=True))
        free = [d for d in range(workout.day + 1, 8) if d not in used]
        new.day = free[0] if free else workout.day
        new.name = _("%(name)s (copy)") % {"name": workout.name}
        new.save(update_fields=["day", "name"])
    _touch(program)
    return new


@transaction.atomic
def delete_workout(*, workout: Workout, actor=None) -> None:
    program = _lock_program(workout.program)
    week = workout.week
    workout.delete()
    _renumber(week.workouts.order_by("position", "id"))
    _touch(program)


def _check_block_fields(fields: dict) -> dict:
    if "kind" in fields and fields["kind"] not in Block.Kind.values:
        raise TrainingError(_("Choose straight sets, a superset or a circuit."), field="kind")
    if "rounds" in fields and (fields["rounds"] is None or not 1 <= int(fields["rounds"]) <= 20):
        raise TrainingError(_("A circuit has 1 to 20 rounds."), field="rounds")
    if "rest_seconds" in fields and (fields["rest_seconds"] is None or not 0 <= int(fields["rest_seconds"]) <= 900):
        raise TrainingError(_("Rest is 0 to 900 seconds."), field="rest_seconds")
    return fields


@transaction.atomic
def add_block(*, workout: Workout, kind: str = Block.Kind.STRAIGHT, actor=None, **fields) -> Block:
    _unknown(fields, BLOCK_FIELDS - {"kind"})
    fields = _check_block_fields({"kind": kind, **fields})
    program = _lock_program(workout.program)
    _touch(program)
    return Block.objects.create(
        organization=program.organization, workout=workout, position=workout.blocks.count() + 1, **fields
    )


@transaction.atomic
def update_block(*, block: Block, actor=None, **fields) -> Block:
    _unknown(fields, BLOCK_FIELDS)
    fields = _check_block_fields(fields)
    for key, value in fields.items():
        setattr(block, key, value)
    block.save()
    _touch(block.workout.program)
    return block


@transaction.atomic
def delete_block(*, block: Block, actor=None) -> None:
    workout = block.workout
    _lock_program(workout.program)
    block.delete()
    _renumber(workout.blocks.order_by("position", "id"))
    _touch(workout.program)


def prescription_units(block: Block) -> str:
    """The unit system loads of a block are written in: the client's for a client's program, the
    business's for a template or a program not yet assigned."""
    program = block.workout.program
    if program.client_id:
        return program.client.unit_system
    return block.organization.unit_system


def _check_item_fields(
    organization, fields: dict, current: PrescribedExercise | None = None, unit_system: str | None = None
) -> dict:
    """Validate a prescription as a whole (the fields merged over the current values)."""
    if "exercise" in fields:
        exercise = fields["exercise"]
        if exercise is None or not Exercise.objects.for_org(organization).filter(pk=exercise.pk).exists():
            raise TrainingError(_("Choose an exercise from your library."), field="exercise")
    merged = {f: getattr(current, f) for f in ITEM_FIELDS if f != "exercise"} if current else {}
    merged.update({k: v for k, v in fields.items() if k != "exercise"})
    sets = merged.get("sets", 3)
    if sets is None or not 1 <= int(sets) <= 20:
        raise TrainingError(_("Prescribe 1 to 20 sets."), field="sets")
    reps_type = merged.get("reps_type") or PrescribedExercise.RepsType.FIXED
    if reps_type not in PrescribedExercise.RepsType.values:
        raise TrainingError(_("Choose how reps are counted."), field="reps_type")
    reps_min, reps_max = merged.get("reps_min"), merged.get("reps_max")
    if reps_type == PrescribedExercise.RepsType.FIXED and not reps_min:
        raise TrainingError(_("Say how many reps."), field="reps_min")
    if reps_type == PrescribedExercise.RepsType.RANGE:
        if not reps_min or not reps_max:
            raise TrainingError(_("Give the lowest and highest reps of the range."), field="reps_max")
        if reps_max < reps_min:
            raise TrainingError(_("The top of the range is below its bottom."), field="reps_max")
    for key in ("reps_min", "reps_max"):
        if merged.get(key) is not None and not 1 <= merged[key] <= 100:
            raise TrainingError(_("Reps are 1 to 100."), field=key)
    if reps_type == PrescribedExercise.RepsType.TIME and not merged.get("duration_seconds"):
        raise TrainingError(_("Say how long, in seconds."), field="duration_seconds")
    if reps_type == PrescribedExercise.RepsType.DISTANCE and not merged.get("distance_m"):
        raise TrainingError(_("Say how far, in metres."), field="distance_m")
    load_type = merged.get("load_type") or PrescribedExercise.LoadType.NONE
    if load_type not in PrescribedExercise.LoadType.values:
        raise TrainingError(_("Choose how load is given."), field="load_type")
    load = merged.get("load_value")
    limits = {"kg": (0, 1000), "percent_1rm": (1, 110), "rpe": (1, 10), "rir": (0, 10)}
    if load_type != "none":
        if load is None:
            raise TrainingError(_("Give the load."), field="load_value")
        low, high = limits[load_type]
        if not low <= Decimal(load) <= high:
            raise TrainingError(
                _("%(type)s is between %(low)s and %(high)s.")
                % {"type": PrescribedExercise.LoadType(load_type).label, "low": low, "high": high},
                field="load_value",
            )
    rest = merged.get("rest_seconds", 90)
    if rest is None or not 0 <= int(rest) <= 900:
        raise TrainingError(_("Rest is 0 to 900 seconds."), field="rest_seconds")
    kind = merged.get("progression") or "none"
    if kind not in PrescribedExercise.Progression.values:
        raise TrainingError(_("Choose a progression."), field="progression")
    unit = merged.get("progression_unit") or "amount"
    if unit not in PrescribedExercise.ProgressionUnit.values:
        raise TrainingError(_("Choose an amount or a percentage."), field="progression_unit")
    if kind == "load" and load_type == "none":
        raise TrainingError(_("Give a load to progress it."), field="progression")
    exercise = fields.get("exercise") or (current.exercise if current else None)
    equipment = exercise.equipment if exercise else ""
    if unit_system is None:
        unit_system = organization.unit_system if organization else "metric"
    if kind != "none" and unit == "amount" and _step_meaning_changed(fields, current):
        # The step was written for another unit (0.5 RPE is not 0.5 kg): start from the new unit's.
        fields["progression_amount"] = merged["progression_amount"] = progression.default_step(
            kind, load_type, equipment, unit_system
        )
    if kind != "none" and not merged.get("progression_amount"):
        raise TrainingError(_("Say how much to add each week."), field="progression_amount")
    if kind != "none":
        problem = progression.step_problem(kind, unit, merged["progression_amount"], load_type, equipment, unit_system)
        if problem:
            raise TrainingError(problem, field="progression_amount")
    deload = merged.get("deload_every")
    if deload is not None and not 2 <= int(deload) <= 12:
        raise TrainingError(_("Deload every 2 to 12 weeks, or never."), field="deload_every")
    tempo = merged.get("tempo") or ""
    if tempo and not re.fullmatch(r"[0-9xX]{1,2}(-[0-9xX]{1,2}){2,3}", tempo):
        raise TrainingError(_("Write tempo as 3-1-1-0 (seconds down, pause, up, pause)."), field="tempo")
    return fields


def _step_meaning_changed(fields: dict, current: PrescribedExercise | None) -> bool:
    """Whether this change gives the weekly step another unit (what is progressed, how load is
    given, amount or percentage) without saying a new step."""
    if current is None:
        return False
    changed = any(
        key in fields and fields[key] != getattr(current, key)
        for key in ("progression", "load_type", "progression_unit")
    )
    new_amount = fields.get("progression_amount", current.progression_amount)
    return changed and (new_amount is None or new_amount == current.progression_amount)


@transaction.atomic
def add_prescribed_exercise(*, block: Block, exercise: Exercise, actor=None, **fields) -> PrescribedExercise:
    """Add an exercise to a block; defaults 3 × 10 with 90 s rest."""
    _unknown(fields, ITEM_FIELDS - {"exercise"})
    fields.setdefault("reps_type", PrescribedExercise.RepsType.FIXED)
    if fields["reps_type"] == PrescribedExercise.RepsType.FIXED:
        fields.setdefault("reps_min", 10)
    fields = _check_item_fields(
        block.organization, {"exercise": exercise, **fields}, unit_system=prescription_units(block)
    )
    _lock_program(block.workout.program)
    _touch(block.workout.program)
    return PrescribedExercise.objects.create(
        organization=block.organization, block=block, position=block.items.count() + 1, **fields
    )


@transaction.atomic
def update_prescribed_exercise(*, item: PrescribedExercise, actor=None, **fields) -> PrescribedExercise:
    _unknown(fields, ITEM_FIELDS)
    fields = _check_item_fields(item.organization, fields, current=item, unit_system=prescription_units(item.block))
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    _touch(item.block.workout.program)
    return item


def _drop_if_empty(block_ids) -> None:
    """A block left without exercises goes too (as a coach expects), and its workout's blocks
    are renumbered."""
    empty = Block.objects.filter(pk__in=block_ids, items__isnull=True)
    workouts = set(empty.values_list("workout_id", flat=True))
    empty.delete()
    for workout_id in workouts:
        _renumber(Block.objects.filter(workout_id=workout_id).order_by("position", "id"))


@transaction.atomic
def delete_prescribed_exercise(*, item: PrescribedExercise, actor=None) -> None:
    """Remove an exercise; removing a block's last exercise removes the block."""
    block = item.block
    _lock_program(block.workout.program)
    item.delete()
    _renumber(block.items.order_by("position", "id"))
    _drop_if_empty([block.pk])
    _touch(block.workout.program)


@transaction.atomic
def set_allowed_swaps(*, item: PrescribedExercise, exercises: list[Exercise], actor=None) -> PrescribedExercise:
    """The exercises a client may do instead of this one when logging (none: no swap offered)."""
    _lock_program(item.block.workout.program)
    exercises = list(exercises)
    if len(exercises) > 10:
        raise TrainingError(_("Allow at most 10 swaps for one exercise."), field="allowed_swaps")
    ids = {e.pk for e in exercises} - {item.exercise_id}
    found = set(Exercise.objects.for_org(item.organization).filter(pk__in=ids).values_list("pk", flat=True))
    if found != ids:
        raise TrainingError(_("Choose exercises from the library."), field="allowed_swaps")
    item.allowed_swaps.set(sorted(ids))
    _touch(item.block.workout.program)
    return item


@transaction.atomic
def duplicate_prescribed_exercise(*, item: PrescribedExercise, actor=None) -> PrescribedExercise:
    """A copy of the prescription right after it, in the same block (a second variation, a
    back-off set of the same lift); the copy is not linked to week 1's progression."""
    block = item.block
    _lock_program(block.workout.program)
    PrescribedExercise.objects.filter(block=block, position__gt=item.position).update(position=models.F("position") + 1)
    copy = PrescribedExercise.objects.get(pk=item.pk)
    swaps = list(copy.allowed_swaps.all())
    copy.pk = copy.id = None
    copy.position = item.position + 1
    copy.progression_source = None
    copy.progression_step = 0
    copy.save()
    copy.allowed_swaps.set(swaps)
    _renumber(block.items.order_by("position", "id"))
    _touch(block.workout.program)
    return copy


@transaction.atomic
def superset_with_next(*, item: PrescribedExercise, actor=None) -> Block:
    """Pair an exercise with the one after it in the workout, the way a coach writes A1/A2: two
    exercises of one straight block are split out into a superset of their own; an exercise next
    to a superset or circuit joins it; two lone exercises of neighbouring blocks become one
    superset. Returns the block that holds both."""
    workout = item.block.workout
    _lock_program(workout.program)
    blocks = list(Block.objects.filter(workout=workout).order_by("position", "id").prefetch_related("items"))
    ordered = [(b, i) for b in blocks for i in sorted(b.items.all(), key=lambda x: (x.position, x.pk))]
    index = next(n for n, (_b, i) in enumerate(ordered) if i.pk == item.pk)
    if index + 1 >= len(ordered):
        raise TrainingError(_("This is the workout's last exercise: there is none after it to pair it with."))
    block, nxt_block, nxt = ordered[index][0], ordered[index + 1][0], ordered[index + 1][1]
    straight = Block.Kind.STRAIGHT
    if block.pk == nxt_block.pk:
        if block.kind != straight:
            raise TrainingError(_("These two exercises are already done together."))
        items = [i for b, i in ordered if b.pk == block.pk]
        at = next(n for n, i in enumerate(items) if i.pk == item.pk)
        before, pair, after = items[:at], items[at : at + 2], items[at + 2 :]
        Block.objects.filter(workout=workout, position__gt=block.position).update(position=models.F("position") + 2)
        target = block
        if before:
            target = Block.objects.create(
                organization=block.organization, workout=workout, kind=Block.Kind.SUPERSET, position=block.position + 1
            )
        else:
            Block.objects.filter(pk=block.pk).update(kind=Block.Kind.SUPERSET)
        if after:
            rest = Block.objects.create(
                organization=block.organization, workout=workout, kind=straight, position=block.position + 2
            )
            PrescribedExercise.objects.filter(pk__in=[i.pk for i in after]).update(block=rest)
            _renumber(rest.items.order_by("position", "id"))
        PrescribedExercise.objects.filter(pk__in=[i.pk for i in pair]).update(block=target)
        _renumber(target.items.order_by("position", "id"))
        _renumber(block.items.order_by("position", "id"))
    elif nxt_block.kind != straight:
        target = nxt_block
        PrescribedExercise.objects.filter(pk=item.pk).update(block=target, position=0)
        _renumber(target.items.order_by("position", "id"))
        _renumber(block.items.order_by("position", "id"))
    elif block.kind != straight:
        target = block
        PrescribedExercise.objects.filter(pk=nxt.pk).update(block=target, position=10_000)
        _renumber(target.items.order_by("position", "id"))
        _renumber(nxt_block.items.order_by("position", "id"))
    else:
        Block.objects.filter(workout=workout, position__gt=block.position).update(position=models.F("position") + 1)
        target = Block.objects.create(
            organization=block.organization, workout=workout, kind=Block.Kind.SUPERSET, position=block.position + 1
        )
        PrescribedExercise.objects.filter(pk=item.pk).update(block=target, position=1)
        PrescribedExercise.objects.filter(pk=nxt.pk).update(block=target, position=2)
        _renumber(block.items.order_by("position", "id"))
        _renumber(nxt_block.items.order_by("position", "id"))
    _drop_if_empty([b.pk for b in blocks])
    _renumber(Block.objects.filter(workout=workout).order_by("position", "id"))
    _touch(workout.program)
    target.refresh_from_db()
    return target


@transaction.atomic
def reorder(*, parent, ids: list[int], actor=None) -> None:
    """Put the children of `parent` (a week's workouts, a workout's blocks, a block's
    exercises) in the order of `ids`. Exercises may come from another block of the same
    program: they move into this block (drag and drop between blocks)."""
    if isinstance(parent, ProgramWeek):
        program, qs, fk = parent.program, Workout.objects.filter(week=parent), "week"
        movable = Workout.objects.filter(program=program)
    elif isinstance(parent, Workout):
        program, qs, fk = parent.program, Block.objects.filter(workout=parent), "workout"
        movable = Block.objects.filter(workout__program=program)
    elif isinstance(parent, Block):
        program, qs, fk = parent.workout.program, PrescribedExercise.objects.filter(block=parent), "block"
        movable = PrescribedExercise.objects.filter(block__workout__program=program)
    else:
        raise TrainingError(_("Nothing to reorder here."))
    _lock_program(program)
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise TrainingError(_("The order was not understood."), field="ids")
    if len(set(ids)) != len(ids):
        raise TrainingError(_("The order lists an item twice."), field="ids")
    found = {obj.pk: obj for obj in movable.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise TrainingError(_("The order names items that are not in this program."), field="ids")
    current = set(qs.values_list("pk", flat=True))
    if not current <= set(ids):
        raise TrainingError(_("The order leaves out items of this list."), field="ids")
    sources = set()
    for position, pk in enumerate(ids, start=1):
        obj = found[pk]
        updates = {"position": position}
        if getattr(obj, f"{fk}_id") != parent.pk:
            sources.add(getattr(obj, f"{fk}_id"))
            updates[fk] = parent
        type(obj).objects.filter(pk=pk).update(**updates)
    for source_pk in sources:
        _renumber(qs.model.objects.filter(**{f"{fk}_id": source_pk}).order_by("position", "id"))
    if fk == "block":
        # Dragging a block's last exercise into another block leaves nothing behind.
        _drop_if_empty(sources)
    _touch(program)


@transaction.atomic
def move(*, obj, direction: str, actor=None) -> None:
    """Move a workout, block or prescribed exercise one place up or down (the keyboard way)."""
    if isinstance(obj, Workout):
        siblings = list(Workout.objects.filter(week_id=obj.week_id).order_by("position", "id"))
        parent = obj.week
    elif isinstance(obj, Block):
        siblings = list(Block.objects.filter(workout_id=obj.workout_id).order_by("position", "id"))
        parent = obj.workout
    elif isinstance(obj, PrescribedExercise):
        siblings = list(PrescribedExercise.objects.filter(block_id=obj.block_id).order_by("position", "id"))
        parent = obj.block
    else:
        raise TrainingError(_("This cannot be moved."))
    index = next(i for i, s in enumerate(siblings) if s.pk == obj.pk)
    target = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if target is None:
        raise TrainingError(_("Move up or down."), field="direction")
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    reorder(parent=parent, ids=[s.pk for s in siblings])


def _values(item: PrescribedExercise) -> progression.Values:
    return progression.Values(
        item.sets,
        item.reps_min,
        item.reps_max,
        item.duration_seconds,
        item.distance_m,
        item.load_type,
        item.load_value,
    )


def _apply_values(item: PrescribedExercise, values: progression.Values) -> None:
    item.sets = values.sets
    item.reps_min, item.reps_max = values.reps_min, values.reps_max
    item.duration_seconds, item.distance_m = values.duration_seconds, values.distance_m
    item.load_value = values.load_value


def _progressed_values(source: PrescribedExercise, week: int, step: int) -> progression.Values:
    return progression.progressed(
        _values(source),
        kind=source.progression,
        unit=source.progression_unit,
        amount=source.progression_amount,
        step=step,
        deload=progression.is_deload_week(week, source.deload_every),
        equipment=source.exercise.equipment,
        unit_system=prescription_units(source.block),
    )


@transaction.atomic
def apply_progression(*, program: Program, weeks: int, actor=None) -> Program:
    """Write weeks 2..`weeks` from week 1 by each exercise's progression rule (the coach writes
    week 1 and the rest follows). Later weeks are replaced; deload weeks are marked."""
    program = _lock_program(program)
    if not 2 <= weeks <= MAX_WEEKS:
        raise TrainingError(_("Progress over 2 to %(n)s weeks.") % {"n": MAX_WEEKS}, field="weeks")
    first = program.weeks.order_by("position", "id").first()
    if first is None or not first.workouts.exists():
        raise TrainingError(_("Write week 1 first: add a workout with exercises."))
    program.weeks.exclude(pk=first.pk).delete()
    sources = {}
    for workout in first.workouts.prefetch_related("blocks__items"):
        for block in workout.blocks.all():
            for item in block.items.all():
                sources[(workout.position, block.position, item.position)] = item
    deload_periods = {s.deload_every for s in sources.values() if s.deload_every}
    for number in range(2, weeks + 1):
        deload = any(progression.is_deload_week(number, n) for n in deload_periods)
        week = ProgramWeek.objects.create(
            organization=program.organization, program=program, position=number, is_deload=deload
        )
        for workout in first.workouts.all():
            copy = _copy_workout(workout, week=week, program=program)
            for block in copy.blocks.all():
                for item in block.items.all():
                    source = sources[(workout.position, block.position, item.position)]
                    if source.progression == "none" and not source.deload_every:
                        continue
                    step = progression.steps_before(number, source.deload_every)
                    if source.progression == "none":
                        step = 0
                    _apply_values(item, _progressed_values(source, number, step))
                    item.progression_source = source
                    item.progression_step = step
                    item.save()
    ProgramWeek.objects.filter(pk=first.pk).update(is_deload=False)
    _touch(program)
    return program
