"""Copies and templates of programs, and assigning a program to clients."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type
from mecto.localization import zone

from ..models import PrescribedExercise, Program, ProgramWeek, ScheduledWorkout, Workout
from ._common import TrainingError, _actor, local_day_start, schedule_dates
from .programs import _copy_workout

__all__ = ["save_as_template", "copy_program", "assign_program", "end_program"]

register_event_type("program.assigned", gettext_lazy("A program was assigned to a client"))
register_event_type("program.ended", gettext_lazy("A client's program was ended"))


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


@transaction.atomic
def end_program(*, program: Program, actor=None, reason: str = "") -> int:
    """End a client's program from today (their calendar): the workouts still to come are taken
    off it; past ones and everything logged stay. Returns the workouts removed."""
    if program.client_id is None:
        raise TrainingError(_("Only a client's own program can be ended."))
    client = program.client
    today = timezone.now().astimezone(zone(client.time_zone)).date()
    upcoming = ScheduledWorkout.objects.filter(program=program, date__gte=today).filter(
        logs__isnull=True, sessions__isnull=True
    )
    removed, _rows = upcoming.delete()
    removed = _rows.get(ScheduledWorkout._meta.label, 0)
    emit(
        program.organization,
        "program.ended",
        {"program_id": program.pk, "client_id": client.pk, "removed_workouts": removed, "reason": reason},
        actor=_actor(actor),
        client=client,
    )
    return removed
