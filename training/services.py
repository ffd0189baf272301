"""Every write about training: the exercise library, programs, assignment, logs and records."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.localization import zone

from . import movement, progression
from .models import (
    Block,
    Exercise,
    ExerciseOverride,
    Goal,
    InactivityAlert,
    LogComment,
    PersonalRecord,
    PrescribedExercise,
    Program,
    ProgramWeek,
    ScheduledWorkout,
    SetLog,
    TrainingSettings,
    Workout,
    WorkoutLog,
)
from .video import CLIP_EXTENSIONS, CLIP_MAX_BYTES, embed_url

DATA_FILE = Path(__file__).resolve().parent / "data" / "exercises.json"


class TrainingError(DomainError):
    pass


# --- Exercise library ---------------------------------------------------------------------------
LIBRARY_FIELDS = [
    "name",
    "aliases",
    "primary_muscles",
    "secondary_muscles",
    "equipment",
    "mechanic",
    "force",
    "level",
    "category",
    "movement_pattern",
]


def library_values(record: dict) -> dict:
    """The fields of an Exercise from one record of the data set."""
    return {
        "name": record["name"].strip(),
        "aliases": movement.derive_aliases(record["name"].strip()),
        "primary_muscles": list(record.get("primaryMuscles") or []),
        "secondary_muscles": list(record.get("secondaryMuscles") or []),
        "equipment": record.get("equipment") or "",
        "mechanic": record.get("mechanic") or "",
        "force": record.get("force") or "",
        "level": record.get("level") or "beginner",
        "category": record.get("category") or "strength",
        "movement_pattern": movement.derive_movement_pattern(record),
    }


@transaction.atomic
def load_exercise_library(*, path: Path | str | None = None) -> dict[str, int]:
    """Load (or refresh) the shared exercise library from the data set; re-running updates
    changed rows and never duplicates. Returns counts of created, updated and unchanged rows."""
    records = json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    existing = {e.slug: e for e in Exercise.objects.library()}
    to_create, to_update, unchanged = [], [], 0
    seen: set[str] = set()
    for record in records:
        slug = str(record["id"])[:120]
        if slug in seen:
            continue
        seen.add(slug)
        values = library_values(record)
        exercise = existing.get(slug)
        if exercise is None:
            exercise = Exercise(slug=slug, **values)
            exercise.refresh_index()
            to_create.append(exercise)
        elif any(getattr(exercise, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(exercise, key, value)
            exercise.refresh_index()
            to_update.append(exercise)
        else:
            unchanged += 1
    Exercise.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Exercise.objects.bulk_update(
            to_update, [*LIBRARY_FIELDS, "search_text", "common_name", "muscle_index"], batch_size=500
        )
    return {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged}


EXERCISE_FIELDS = set(LIBRARY_FIELDS) | {"is_archived"}


def _clean_exercise_fields(fields: dict) -> dict:
    unknown = set(fields) - EXERCISE_FIELDS
    if unknown:
        raise TrainingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise TrainingError(_("Give the exercise a name."), field="name")
    for key in ("primary_muscles", "secondary_muscles"):
        if key in fields:
            muscles = list(dict.fromkeys(fields[key] or []))
            bad = [m for m in muscles if m not in movement.MUSCLES]
            if bad:
                raise TrainingError(_("Unknown muscle: %(m)s") % {"m": ", ".join(bad)}, field=key)
            fields[key] = muscles
    if "primary_muscles" in fields and not fields["primary_muscles"]:
        raise TrainingError(_("Choose at least one primary muscle."), field="primary_muscles")
    if "aliases" in fields:
        fields["aliases"] = [a.strip() for a in fields["aliases"] or [] if a and a.strip()][:20]
    choices = {
        "equipment": ["", *movement.EQUIPMENT],
        "mechanic": ["", *movement.MECHANICS],
        "force": ["", *movement.FORCES],
        "level": movement.LEVELS,
        "category": movement.CATEGORIES,
        "movement_pattern": movement.PATTERNS,
    }
    for key, allowed in choices.items():
        if key in fields and fields[key] not in allowed:
            raise TrainingError(_("“%(v)s” is not a valid choice.") % {"v": fields[key]}, field=key)
    return fields


def _check_name_free(organization, name: str, exclude_pk: int | None = None) -> None:
    qs = Exercise.objects.filter(organization=organization, name__iexact=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise TrainingError(_("Your library already has an exercise called %(name)s.") % {"name": name}, field="name")


@transaction.atomic
def create_exercise(*, organization, actor=None, **fields) -> Exercise:
    """Add an exercise of the business's own; its movement pattern is derived when not given."""
    fields = dict(fields)
    if not fields.get("movement_pattern"):
        fields.pop("movement_pattern", None)
    fields = _clean_exercise_fields(fields)
    if "name" not in fields:
        raise TrainingError(_("Give the exercise a name."), field="name")
    if not fields.get("primary_muscles"):
        raise TrainingError(_("Choose at least one primary muscle."), field="primary_muscles")
    _check_name_free(organization, fields["name"])
    if not fields.get("movement_pattern"):
        fields["movement_pattern"] = movement.derive_movement_pattern(
            {
                "name": fields["name"],
                "category": fields.get("category", "strength"),
                "equipment": fields.get("equipment", ""),
                "primaryMuscles": fields["primary_muscles"],
                "force": fields.get("force", ""),
            }
        )
    base = slugify(fields["name"], allow_unicode=True)[:100] or "exercise"
    slug, n = base, 1
    while Exercise.objects.filter(organization=organization, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Exercise.objects.create(
        organization=organization, slug=slug, created_by=actor if getattr(actor, "pk", None) else None, **fields
    )


@transaction.atomic
def update_exercise(*, exercise: Exercise, organization, actor=None, **fields) -> Exercise:
    """Change one of the business's own exercises; library exercises are changed through an
    override (instructions, cues, video) instead."""
    if exercise.organization_id != organization.pk:
        raise TrainingError(
            _("Library exercises are shared: add your instructions, cues and video to them instead of editing.")
        )
    fields = dict(fields)
    if "movement_pattern" in fields and not fields["movement_pattern"]:
        fields.pop("movement_pattern")
    fields = _clean_exercise_fields(fields)
    if "name" in fields:
        _check_name_free(organization, fields["name"], exclude_pk=exercise.pk)
    for key, value in fields.items():
        setattr(exercise, key, value)
    exercise.save()
    return exercise


@transaction.atomic
def save_exercise_override(
    *,
    organization,
    exercise: Exercise,
    actor=None,
    instructions: str | None = None,
    cues: str | None = None,
    video_url: str | None = None,
    video_file=None,
    remove_video_file: bool = False,
) -> ExerciseOverride:
    """Set the business's own instructions, cues and video on an exercise it can see."""
    if exercise.organization_id not in (None, organization.pk):
        raise TrainingError(_("This exercise is not in your library."))
    if video_url:
        video_url = video_url.strip()
        if embed_url(video_url) is None:
            raise TrainingError(_("Use a YouTube or Vimeo link to a single video."), field="video_url")
    if video_file is not None:
        ext = video_file.name.rsplit(".", 1)[-1].lower() if "." in video_file.name else ""
        if ext not in CLIP_EXTENSIONS:
            raise TrainingError(
                _("Upload an MP4, WebM or MOV clip (got .%(ext)s).") % {"ext": ext or "?"}, field="video_file"
            )
        if video_file.size > CLIP_MAX_BYTES:
            raise TrainingError(_("Clips can be up to 50 MB."), field="video_file")
    override, _created = ExerciseOverride.objects.select_for_update().get_or_create(
        organization=organization, exercise=exercise
    )
    if instructions is not None:
        override.instructions = instructions.strip()
    if cues is not None:
        override.cues = "\n".join(line.strip() for line in cues.splitlines() if line.strip())
    if video_url is not None:
        override.video_url = video_url
    if remove_video_file and override.video_file:
        override.video_file.delete(save=False)
        override.video_file = ""
    if video_file is not None:
        if override.video_file:
            override.video_file.delete(save=False)
        override.video_file = video_file
    override.updated_by = actor if getattr(actor, "pk", None) else None
    override.save()
    return override


# --- Programs -------------------------------------------------------------------------------------
register_event_type("program.assigned", _("A program was assigned to a client"))
register_event_type("workout.completed", _("A client completed a workout"))
register_event_type("pr.achieved", _("A client set a personal record"))
register_event_type("client.inactive", _("A client logged no workout for the business's set number of days"))

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


def _unknown(fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TrainingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


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
        item.pk = None
        item.id = None
        item.block = new_block
        item.organization_id = new_block.organization_id
        if mapping is None:
            item.progression_source = None
            item.progression_step = 0
        item.save()
        if mapping is not None:
            mapping[old_pk] = item


def _copy_workout(
    workout: Workout, *, week: ProgramWeek, program: Program, position: int | None = None, mapping: dict | None = None
) -> Workout:
    blocks = list(workout.blocks.prefetch_related("items"))
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


def _check_item_fields(organization, fields: dict, current: PrescribedExercise | None = None) -> dict:
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
    progression = merged.get("progression") or "none"
    if progression not in PrescribedExercise.Progression.values:
        raise TrainingError(_("Choose a progression."), field="progression")
    if progression != "none" and not merged.get("progression_amount"):
        raise TrainingError(_("Say how much to add each week."), field="progression_amount")
    if merged.get("progression_unit", "amount") not in PrescribedExercise.ProgressionUnit.values:
        raise TrainingError(_("Choose an amount or a percentage."), field="progression_unit")
    if progression == "load" and load_type == "none":
        raise TrainingError(_("Give a load to progress it."), field="progression")
    deload = merged.get("deload_every")
    if deload is not None and not 2 <= int(deload) <= 12:
        raise TrainingError(_("Deload every 2 to 12 weeks, or never."), field="deload_every")
    tempo = merged.get("tempo") or ""
    if tempo and not re.fullmatch(r"[0-9xX]{1,2}(-[0-9xX]{1,2}){2,3}", tempo):
        raise TrainingError(_("Write tempo as 3-1-1-0 (seconds down, pause, up, pause)."), field="tempo")
    return fields


@transaction.atomic
def add_prescribed_exercise(*, block: Block, exercise: Exercise, actor=None, **fields) -> PrescribedExercise:
    """Add an exercise to a block; defaults 3 × 10 with 90 s rest."""
    _unknown(fields, ITEM_FIELDS - {"exercise"})
    fields.setdefault("reps_type", PrescribedExercise.RepsType.FIXED)
    if fields["reps_type"] == PrescribedExercise.RepsType.FIXED:
        fields.setdefault("reps_min", 10)
    fields = _check_item_fields(block.organization, {"exercise": exercise, **fields})
    _lock_program(block.workout.program)
    _touch(block.workout.program)
    return PrescribedExercise.objects.create(
        organization=block.organization, block=block, position=block.items.count() + 1, **fields
    )


@transaction.atomic
def update_prescribed_exercise(*, item: PrescribedExercise, actor=None, **fields) -> PrescribedExercise:
    _unknown(fields, ITEM_FIELDS)
    fields = _check_item_fields(item.organization, fields, current=item)
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    _touch(item.block.workout.program)
    return item


@transaction.atomic
def delete_prescribed_exercise(*, item: PrescribedExercise, actor=None) -> None:
    block = item.block
    item.delete()
    _renumber(block.items.order_by("position", "id"))
    _touch(block.workout.program)


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


# --- Copies, templates and assignment --------------------------------------------------------------
def _copy_program(program: Program, *, actor=None, **overrides) -> Program:
    weeks = list(program.weeks.prefetch_related("workouts"))
    fields = {
        "name": program.name,
        "description": program.description,
        "goal": program.goal,
        "origin": Program.Origin.COPY,
        "source": program,
        "generation": program.generation,
        "created_by": _actor(actor),
        **overrides,
    }
    new = Program.objects.create(organization=program.organization, **fields)
    mapping: dict[int, PrescribedExercise] = {}
    for week in weeks:
        new_week = ProgramWeek.objects.create(
            organization=new.organization,
            program=new,
            position=week.position,
            is_deload=week.is_deload,
            notes=week.notes,
        )
        for workout in week.workouts.all():
            _copy_workout(workout, week=new_week, program=new, mapping=mapping)
    # Progressed weeks point at the copy's week 1, not the original's.
    for item in mapping.values():
        if item.progression_source_id is not None:
            source = mapping.get(item.progression_source_id)
            PrescribedExercise.objects.filter(pk=item.pk).update(progression_source=source)
    return new


@transaction.atomic
def save_as_template(*, program: Program, actor=None, name: str = "") -> Program:
    """Keep a copy of the program in the business's template library."""
    name = (name or "").strip() or program.name
    return _copy_program(program, actor=actor, name=name[:160], is_template=True)


@transaction.atomic
def copy_program(*, program: Program, actor=None, name: str = "") -> Program:
    """A new program from a template (or any program), to edit before assigning."""
    name = (name or "").strip() or program.name
    return _copy_program(program, actor=actor, name=name[:160], is_template=False)


def local_day_start(day: date, time_zone: str) -> datetime:
    """The first instant of `day` in `time_zone`, in UTC (DST-safe: zoneinfo gives the
    offset in force on that date, and a day that starts in a gap starts at its first
    existing instant)."""
    tz = zone(time_zone)
    local = datetime.combine(day, time(0, 0), tzinfo=tz)
    # A midnight that does not exist (the clocks jump at 00:00) round-trips to a later time.
    roundtrip = local.astimezone(UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != local.replace(tzinfo=None):
        local = roundtrip
    return local.astimezone(UTC)


def schedule_dates(program: Program, start: date) -> list[tuple[Workout, date]]:
    """Each workout of the program with its calendar date: week N, day D falls on
    start + 7(N−1) + (D−1) days."""
    pairs = []
    for workout in Workout.objects.filter(program=program).select_related("week"):
        pairs.append((workout, start + timedelta(days=7 * (workout.week.position - 1) + workout.day - 1)))
    return sorted(pairs, key=lambda p: (p[1], p[0].position, p[0].pk))


@transaction.atomic
def assign_program(*, program: Program, clients, start_date: date, actor=None) -> list[Program]:
    """Give each client their own copy of the program, its workouts scheduled from `start_date`
    on the client's calendar (their time zone). Emits `program.assigned` per client."""
    clients = list(clients)
    if not clients:
        raise TrainingError(_("Choose at least one client."), field="clients")
    if start_date is None:
        raise TrainingError(_("Choose a start date."), field="start_date")
    if not Workout.objects.filter(program=program).exists():
        raise TrainingError(_("Add at least one workout before assigning this program."))
    for client in clients:
        if client.organization_id != program.organization_id:
            raise TrainingError(_("Choose clients of your business."), field="clients")
    copies = []
    for client in clients:
        copy = _copy_program(program, actor=actor, client=client, start_date=start_date, is_template=False)
        rows = [
            ScheduledWorkout(
                organization=program.organization,
                client=client,
                program=copy,
                workout=workout,
                date=day,
                due_at=local_day_start(day, client.time_zone),
            )
            for workout, day in schedule_dates(copy, start_date)
        ]
        ScheduledWorkout.objects.bulk_create(rows)
        emit(
            program.organization,
            "program.assigned",
            {
                "program_id": copy.pk,
                "source_program_id": program.pk,
                "client_id": client.pk,
                "start_date": start_date.isoformat(),
                "workouts": len(rows),
            },
            actor=actor,
            client=client,
        )
        copies.append(copy)
    return copies


# --- Workout logs, records and comments ---------------------------------------------------------------
def _lock_client(client):
    from clients.models import Client

    # Lock the client row: two uploads of one client must not both claim the same record.
    return Client.objects.select_for_update().get(pk=client.pk)


def _best(client, exercise, kind: str, exclude_log: WorkoutLog) -> Decimal | None:
    field = "e1rm_kg" if kind == PersonalRecord.Kind.E1RM else "load_kg"
    best = (
        SetLog.objects.filter(client=client, exercise=exercise, is_done=True, **{f"{field}__isnull": False})
        .exclude(workout_log=exclude_log)
        .aggregate(best=Max(field))["best"]
    )
    return best


def _clean_set(organization, raw: dict, index: int) -> dict:
    exercise = raw.get("exercise")
    if exercise is None or not Exercise.objects.for_org(organization).filter(pk=exercise.pk).exists():
        raise TrainingError(_("Set %(n)s: choose an exercise from the library.") % {"n": index}, field="sets")
    reps = raw.get("reps")
    if reps is not None and not 0 <= int(reps) <= 1000:
        raise TrainingError(_("Set %(n)s: reps are 0 to 1000.") % {"n": index}, field="sets")
    load = raw.get("load_kg")
    if load is not None and not Decimal(0) <= Decimal(load) <= Decimal(1000):
        raise TrainingError(_("Set %(n)s: load is 0 to 1000 kg.") % {"n": index}, field="sets")
    rpe = raw.get("rpe")
    if rpe is not None and not Decimal(1) <= Decimal(rpe) <= Decimal(10):
        raise TrainingError(_("Set %(n)s: RPE is 1 to 10.") % {"n": index}, field="sets")
    return raw


@transaction.atomic
def log_workout(
    *,
    client,
    client_uuid,
    performed_at: datetime,
    sets: list[dict],
    scheduled: ScheduledWorkout | None = None,
    status: str = WorkoutLog.Status.COMPLETED,
    duration_minutes: int | None = None,
    notes: str = "",
    name: str = "",
    actor=None,
) -> tuple[WorkoutLog, bool]:
    """Store what a client did. The app's `client_uuid` makes a retried upload a no-op: the first
    log is returned with created=False. Records (`pr.achieved`) and `workout.completed` are
    emitted once, with the log."""
    organization = client.organization
    client = _lock_client(client)
    existing = WorkoutLog.objects.filter(organization=organization, client=client, client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    if status not in WorkoutLog.Status.values:
        raise TrainingError(_("Choose completed, partly done or skipped."), field="status")
    if performed_at is None:
        raise TrainingError(_("Say when the workout was done."), field="performed_at")
    if performed_at > timezone.now() + timedelta(days=1):
        raise TrainingError(_("A workout cannot be logged in the future."), field="performed_at")
    if scheduled is not None and scheduled.client_id != client.pk:
        raise TrainingError(_("This workout is not on your schedule."), field="scheduled")
    if len(sets) > 300:
        raise TrainingError(_("A workout has at most 300 sets."), field="sets")
    cleaned = [_clean_set(organization, dict(raw), i) for i, raw in enumerate(sets, start=1)]
    workout = scheduled.workout if scheduled is not None else None
    log = WorkoutLog.objects.create(
        organization=organization,
        client=client,
        client_uuid=client_uuid,
        scheduled=scheduled,
        workout=workout,
        name=(name or (workout.name if workout else ""))[:160],
        performed_at=performed_at,
        status=status,
        duration_minutes=duration_minutes,
        notes=notes or "",
    )
    prescribed_ok = {}
    if workout is not None:
        prescribed_ok = {
            p.pk: p for p in PrescribedExercise.objects.filter(block__workout=workout).select_related("exercise")
        }
    rows = []
    for i, raw in enumerate(cleaned, start=1):
        prescribed = raw.get("prescribed")
        if prescribed is not None and prescribed.pk not in prescribed_ok:
            prescribed = None
        is_done = raw.get("is_done", True)
        reps, load = raw.get("reps"), raw.get("load_kg")
        rows.append(
            SetLog(
                organization=organization,
                workout_log=log,
                client=client,
                exercise=raw["exercise"],
                prescribed=prescribed,
                set_number=raw.get("set_number") or i,
                reps=reps,
                load_kg=load,
                duration_seconds=raw.get("duration_seconds"),
                distance_m=raw.get("distance_m"),
                rpe=raw.get("rpe"),
                is_done=is_done,
                notes=(raw.get("notes") or "")[:300],
                e1rm_kg=progression.estimated_1rm(load, reps) if is_done else None,
                performed_at=performed_at,
            )
        )
    SetLog.objects.bulk_create(rows)
    _detect_records(log)
    _hold_missed_progressions(log, prescribed_ok)
    if status == WorkoutLog.Status.COMPLETED:
        emit(
            organization,
            "workout.completed",
            {
                "workout_log_id": log.pk,
                "client_id": client.pk,
                "workout_id": workout.pk if workout else None,
                "sets": sum(1 for r in rows if r.is_done),
            },
            actor=actor,
            client=client,
        )
    return log, True


def _detect_records(log: WorkoutLog) -> list[PersonalRecord]:
    """New bests of this log against everything logged before: estimated 1RM and heaviest load.
    A first-ever log of an exercise sets the baseline and is not announced as a record."""
    records = []
    by_exercise: dict[int, list[SetLog]] = {}
    for row in log.sets.filter(is_done=True).select_related("exercise"):
        by_exercise.setdefault(row.exercise_id, []).append(row)
    for rows in by_exercise.values():
        exercise = rows[0].exercise
        for kind, field in ((PersonalRecord.Kind.E1RM, "e1rm_kg"), (PersonalRecord.Kind.LOAD, "load_kg")):
            candidates = [r for r in rows if getattr(r, field)]
            if not candidates:
                continue
            top = max(candidates, key=lambda r: (getattr(r, field), -r.set_number))
            previous = _best(log.client, exercise, kind, exclude_log=log)
            if previous is None or getattr(top, field) <= previous:
                continue
            record = PersonalRecord.objects.create(
                organization=log.organization,
                client=log.client,
                exercise=exercise,
                kind=kind,
                value_kg=getattr(top, field),
                previous_kg=previous,
                set_log=top,
                reps=top.reps,
                load_kg=top.load_kg,
                achieved_at=log.performed_at,
            )
            emit(
                log.organization,
                "pr.achieved",
                {
                    "record_id": record.pk,
                    "client_id": log.client_id,
                    "exercise_id": exercise.pk,
                    "exercise": exercise.name,
                    "kind": kind,
                    "value_kg": str(record.value_kg),
                    "previous_kg": str(previous),
                },
                client=log.client,
            )
            records.append(record)
    return records


def _target_met(item: PrescribedExercise, rows: list[SetLog]) -> bool:
    done = [r for r in rows if r.is_done]
    if len(done) < item.sets:
        return False
    if item.reps_type in ("fixed", "range"):
        target = item.reps_max if item.reps_type == "range" and item.progression == "reps" else item.reps_min
        return all((r.reps or 0) >= (target or 0) for r in done[: item.sets])
    if item.reps_type == "time":
        return all((r.duration_seconds or 0) >= (item.duration_seconds or 0) for r in done[: item.sets])
    return all((r.distance_m or 0) >= (item.distance_m or 0) for r in done[: item.sets])


def _hold_missed_progressions(log: WorkoutLog, prescribed: dict[int, PrescribedExercise]) -> None:
    """A rule that waits for the target: when the client fell short, every later week of that
    exercise steps back by one, so next week repeats this week's prescription."""
    if not prescribed or log.workout is None:
        return
    sets_by_item: dict[int, list[SetLog]] = {}
    for row in log.sets.all():
        if row.prescribed_id:
            sets_by_item.setdefault(row.prescribed_id, []).append(row)
    week = log.workout.week.position
    for item in prescribed.values():
        source = item.progression_source or item
        if not source.progress_on_target or source.progression == "none":
            continue
        if _target_met(item, sets_by_item.get(item.pk, [])):
            continue
        later = PrescribedExercise.objects.filter(
            progression_source=source, block__workout__week__position__gt=week, progression_step__gt=0
        ).select_related("block__workout__week")
        for follower in later:
            follower.progression_step -= 1
            number = follower.block.workout.week.position
            _apply_values(follower, _progressed_values(source, number, follower.progression_step))
            follower.save()


@transaction.atomic
def comment_on_log(*, workout_log: WorkoutLog, author, body: str) -> LogComment:
    body = (body or "").strip()
    if not body:
        raise TrainingError(_("Write a comment first."), field="body")
    if len(body) > 4000:
        raise TrainingError(_("Comments are up to 4000 characters."), field="body")
    return LogComment.objects.create(
        organization=workout_log.organization, workout_log=workout_log, author=_actor(author), body=body
    )


# --- Generated drafts ------------------------------------------------------------------------------
@transaction.atomic
def create_program_from_plan(*, organization, plan, profile, actor=None, client=None) -> Program:
    """Save a generated plan as a draft program the coach then edits: week 1 as planned,
    the following weeks written by the same progression rules."""
    program = Program.objects.create(
        organization=organization,
        name=plan.name[:160],
        goal=plan.goal,
        origin=Program.Origin.GENERATED,
        description="\n".join(plan.reasons),
        generation={
            "profile": profile.as_dict(),
            "seed": plan.seed,
            "reasons": plan.reasons,
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
            notes=workout_plan.reason,
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
                        reason=item.reason[:300],
                    )
                    for item_position, item in enumerate(block_plan.items, start=1)
                ]
            )
    if len(plan.weeks) > 1:
        apply_progression(program=program, weeks=len(plan.weeks), actor=actor)
    return program


def generate_draft(*, organization, profile, seed: int = 0, actor=None, client=None, name: str = "") -> Program:
    """Generate a draft program for the profile (the local generator) and save it."""
    from .generator.catalogue import load_catalogue
    from .generator.engine import generate
    from .generator.preferences import learn_preferences

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


# --- Settings and inactivity ---------------------------------------------------------------------------
def training_settings(organization) -> TrainingSettings:
    """The business's training settings (defaults until someone changes them)."""
    found = TrainingSettings.objects.filter(organization=organization).first()
    return found or TrainingSettings(organization=organization)


@transaction.atomic
def update_training_settings(*, organization, actor=None, **fields) -> TrainingSettings:
    allowed = {"inactive_after_days", "llm_monthly_quota", "llm_requests_per_minute"}
    _unknown(fields, allowed)
    limits = {"inactive_after_days": (0, 365), "llm_monthly_quota": (0, 100000), "llm_requests_per_minute": (1, 600)}
    for key, value in fields.items():
        low, high = limits[key]
        if value is None or not low <= int(value) <= high:
            raise TrainingError(_("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=key)
    settings_row, _created = TrainingSettings.objects.select_for_update().get_or_create(organization=organization)
    for key, value in fields.items():
        setattr(settings_row, key, int(value))
    settings_row.save()
    return settings_row


def flag_inactive_clients(*, now: datetime | None = None) -> int:
    """Raise `client.inactive` once per spell for every active client with a program who logged
    no workout for the business's number of days (counted from their last workout, or from
    their first scheduled workout when they never logged one). Returns alerts raised."""
    from clients.models import Client

    now = now or timezone.now()
    days_by_org = dict(TrainingSettings.objects.values_list("organization_id", "inactive_after_days"))
    default_days = TrainingSettings._meta.get_field("inactive_after_days").default
    candidates = (
        Client.objects.filter(status__in=["active", "trial"], scheduled_workouts__isnull=False)
        .annotate(last_log=Max("workout_logs__performed_at"), first_due=Min("scheduled_workouts__due_at"))
        .select_related("organization")
        .distinct()
    )
    raised = 0
    for client in candidates:
        days = days_by_org.get(client.organization_id, default_days)
        if not days:
            continue
        last = client.last_log or client.first_due
        if last is None or last > now - timedelta(days=days):
            continue
        raised += _raise_inactivity(client=client, last_activity_at=last, days=(now - last).days)
    return raised


@transaction.atomic
def _raise_inactivity(*, client, last_activity_at: datetime, days: int) -> int:
    try:
        with transaction.atomic():
            InactivityAlert.objects.create(
                organization=client.organization, client=client, last_activity_at=last_activity_at, days=days
            )
    except IntegrityError:  # already raised for this spell (a rerun of the daily task)
        return 0
    emit(
        client.organization,
        "client.inactive",
        {"client_id": client.pk, "days": days, "last_activity_at": last_activity_at.isoformat()},
        client=client,
    )
    return 1
