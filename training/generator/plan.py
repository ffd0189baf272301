"""A program as plain data: what the generator writes and what the validator reads.

`expand` writes weeks 2..N with the same progression arithmetic the builder uses, and
`plan_from_program` reads a saved Program (a coach's or a generated one) back into a plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from training import progression

from .catalogue import CatalogueExercise


@dataclass
class ItemPlan:
    exercise: CatalogueExercise
    sets: int
    reps_type: str = "range"
    reps_min: int | None = None
    reps_max: int | None = None
    duration_seconds: int | None = None
    distance_m: int | None = None
    load_type: str = "none"
    load_value: Decimal | None = None
    rest_seconds: int = 90
    tempo: str = ""
    progression: str = "none"
    progression_unit: str = "amount"
    progression_amount: Decimal | None = None
    deload_every: int | None = None
    reason: str = ""
    role: str = ""


@dataclass
class BlockPlan:
    kind: str
    items: list[ItemPlan]
    rounds: int = 1
    rest_seconds: int = 0


@dataclass
class WorkoutPlan:
    name: str
    day: int
    blocks: list[BlockPlan]
    reason: str = ""

    @property
    def items(self) -> list[ItemPlan]:
        return [i for b in self.blocks for i in b.items]


@dataclass
class WeekPlan:
    position: int
    workouts: list[WorkoutPlan]
    is_deload: bool = False


@dataclass
class ProgramPlan:
    name: str
    goal: str
    weeks: list[WeekPlan]
    reasons: list[str] = field(default_factory=list)
    seed: int = 0


# --- Duration --------------------------------------------------------------------------------
SECONDS_PER_REP = 3
SETUP_SECONDS = 15
CIRCUIT_TRANSITION_SECONDS = 15
WARMUP_SECONDS = 5 * 60


def work_seconds(item: ItemPlan) -> int:
    """The time under work of one set: reps × 3 s (or × the tempo's seconds), a time, or a
    distance at about 3 m/s; plus 15 s to set up."""
    if item.duration_seconds:
        work = item.duration_seconds
    elif item.distance_m:
        work = item.distance_m / 3
    else:
        reps = item.reps_max or item.reps_min or 10
        per_rep = SECONDS_PER_REP
        if item.tempo:
            try:
                per_rep = max(1, sum(int(p) for p in item.tempo.replace("x", "1").replace("X", "1").split("-")))
            except ValueError:
                per_rep = SECONDS_PER_REP
        work = reps * per_rep
    return int(work) + SETUP_SECONDS


def block_seconds(block: BlockPlan) -> int:
    if not block.items:
        return 0
    if block.kind == "straight":
        return sum(i.sets * (work_seconds(i) + i.rest_seconds) for i in block.items)
    if block.kind == "superset":
        rounds = max(i.sets for i in block.items)
        rest = block.rest_seconds or max(i.rest_seconds for i in block.items)
        return rounds * (sum(work_seconds(i) for i in block.items) + rest)
    rounds = max(1, block.rounds)
    per_round = sum(work_seconds(i) + CIRCUIT_TRANSITION_SECONDS for i in block.items)
    return rounds * (per_round + block.rest_seconds)


def workout_minutes(workout: WorkoutPlan) -> float:
    """Estimated minutes of a session: a 5-minute warm-up plus every block."""
    return (WARMUP_SECONDS + sum(block_seconds(b) for b in workout.blocks)) / 60


# --- Progression ----------------------------------------------------------------------------------
def _values(item: ItemPlan) -> progression.Values:
    return progression.Values(
        item.sets,
        item.reps_min,
        item.reps_max,
        item.duration_seconds,
        item.distance_m,
        item.load_type,
        item.load_value,
    )


def progress_item(item: ItemPlan, week: int) -> ItemPlan:
    if item.progression == "none" and not item.deload_every:
        return replace(item)
    step = progression.steps_before(week, item.deload_every) if item.progression != "none" else 0
    values = progression.progressed(
        _values(item),
        kind=item.progression,
        unit=item.progression_unit,
        amount=item.progression_amount,
        step=step,
        deload=progression.is_deload_week(week, item.deload_every),
    )
    return replace(
        item,
        sets=values.sets,
        reps_min=values.reps_min,
        reps_max=values.reps_max,
        duration_seconds=values.duration_seconds,
        distance_m=values.distance_m,
        load_value=values.load_value,
    )


def expand(first: WeekPlan, weeks: int) -> list[WeekPlan]:
    """Week 1 and the weeks its progression rules write after it."""
    periods = {i.deload_every for w in first.workouts for i in w.items if i.deload_every}
    out = [first]
    for number in range(2, weeks + 1):
        workouts = [
            WorkoutPlan(
                w.name,
                w.day,
                [
                    BlockPlan(b.kind, [progress_item(i, number) for i in b.items], b.rounds, b.rest_seconds)
                    for b in w.blocks
                ],
                w.reason,
            )
            for w in first.workouts
        ]
        out.append(WeekPlan(number, workouts, is_deload=any(progression.is_deload_week(number, p) for p in periods)))
    return out


# --- Reading a saved program ---------------------------------------------------------------------
def plan_from_program(program) -> ProgramPlan:
    """A saved Program (with its weeks, workouts, blocks and exercises) as a plan."""
    from training.selectors import program_tree

    from .catalogue import from_exercise

    weeks = []
    for week in program_tree(program=program):
        workouts = []
        for workout in week.workouts.all():
            blocks = []
            for block in workout.blocks.all():
                items = [
                    ItemPlan(
                        exercise=from_exercise(item.exercise),
                        sets=item.sets,
                        reps_type=item.reps_type,
                        reps_min=item.reps_min,
                        reps_max=item.reps_max,
                        duration_seconds=item.duration_seconds,
                        distance_m=item.distance_m,
                        load_type=item.load_type,
                        load_value=item.load_value,
                        rest_seconds=item.rest_seconds,
                        tempo=item.tempo,
                        progression=item.progression,
                        progression_unit=item.progression_unit,
                        progression_amount=item.progression_amount,
                        deload_every=item.deload_every,
                        reason=item.reason,
                    )
                    for item in block.items.all()
                ]
                blocks.append(BlockPlan(block.kind, items, block.rounds, block.rest_seconds))
            workouts.append(WorkoutPlan(workout.name, workout.day, blocks))
        weeks.append(WeekPlan(week.position, workouts, week.is_deload))
    return ProgramPlan(program.name, program.goal, weeks)
