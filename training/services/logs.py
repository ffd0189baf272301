"""Workout logs: sets, personal records, held progressions and comments."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type

from .. import progression
from ..models import Exercise, LogComment, PersonalRecord, PrescribedExercise, ScheduledWorkout, SetLog, WorkoutLog
from ._common import TrainingError, _actor
from .programs import _apply_values, _progressed_values

__all__ = ["log_workout", "comment_on_log"]

register_event_type("workout.completed", gettext_lazy("A client completed a workout"))
register_event_type("pr.achieved", gettext_lazy("A client set a personal record"))


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


MEASURES = ("reps", "load_kg", "duration_seconds", "distance_m")


def _fill_from_prescription(raw: dict, item: PrescribedExercise) -> bool:
    """A set marked done with fields left blank was done as prescribed: take the blanks from the
    prescription. Returns whether anything was filled in."""
    P = PrescribedExercise
    prescribed = {
        "reps": item.reps_min if item.reps_type in (P.RepsType.FIXED, P.RepsType.RANGE) else None,
        "duration_seconds": item.duration_seconds if item.reps_type == P.RepsType.TIME else None,
        "distance_m": item.distance_m if item.reps_type == P.RepsType.DISTANCE else None,
        "load_kg": item.load_value if item.load_type == P.LoadType.KG else None,
        "rpe": item.load_value if item.load_type == P.LoadType.RPE else None,
    }
    filled = False
    for key, value in prescribed.items():
        if raw.get(key) is None and value is not None:
            raw[key] = value
            filled = True
    return filled


def _status_for(status: str | None, rows: list[dict], prescribed: dict[int, PrescribedExercise]) -> str:
    """The log's status, checked against the sets: a workout counts as completed only when every
    prescribed set is done. Without a status it is worked out from the sets."""
    expected: dict[int, int] = {}
    for item in prescribed.values():
        expected[item.exercise_id] = expected.get(item.exercise_id, 0) + (item.sets or 1)
    done: dict[int, int] = {}
    for row in rows:
        if row["is_done"]:
            done[row["exercise"].pk] = done.get(row["exercise"].pk, 0) + 1
    any_done = bool(done)
    due = sum(expected.values())
    covered = sum(min(done.get(pk, 0), n) for pk, n in expected.items())
    Status = WorkoutLog.Status
    if status is None:
        if not any_done:
            raise TrainingError(
                _("No set is marked as done: tick the sets you did, or say the workout was skipped."), field="status"
            )
        return Status.COMPLETED if covered == due else Status.PARTIAL
    if status == Status.COMPLETED and covered < due:
        raise TrainingError(
            _("%(done)s of %(due)s prescribed sets are marked as done: tick the sets you did, or choose “Partly done”.")
            % {"done": covered, "due": due},
            field="status",
        )
    if status == Status.PARTIAL and due and not any_done:
        raise TrainingError(_("No set is marked as done: tick the sets you did, or choose “Skipped”."), field="status")
    if status == Status.SKIPPED and any_done:
        raise TrainingError(
            _("Some sets are marked as done: choose “Completed” or “Partly done”, or untick them."), field="status"
        )
    return status


@transaction.atomic
def log_workout(
    *,
    client,
    client_uuid,
    performed_at: datetime,
    sets: list[dict],
    scheduled: ScheduledWorkout | None = None,
    status: str | None = None,
    duration_minutes: int | None = None,
    notes: str = "",
    name: str = "",
    actor=None,
) -> tuple[WorkoutLog, bool]:
    """Store what a client did. The app's `client_uuid` makes a retried upload a no-op: the first
    log is returned with created=False. A set marked done with blank fields was done as
    prescribed; the status (worked out from the sets when not given) must agree with the sets.
    Records (`pr.achieved`) and `workout.completed` are emitted once, with the log."""
    organization = client.organization
    client = _lock_client(client)
    existing = WorkoutLog.objects.filter(organization=organization, client=client, client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    if status is not None and status not in WorkoutLog.Status.values:
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
    prescribed_ok = {}
    if workout is not None:
        prescribed_ok = {
            p.pk: p for p in PrescribedExercise.objects.filter(block__workout=workout).select_related("exercise")
        }
    for i, raw in enumerate(cleaned, start=1):
        prescribed = raw.get("prescribed")
        raw["prescribed"] = prescribed = prescribed_ok.get(prescribed.pk) if prescribed is not None else None
        raw["is_done"] = is_done = raw.get("is_done", True) is not False
        raw["from_prescription"] = False
        if is_done and prescribed is None and all(raw.get(key) is None for key in MEASURES):
            raise TrainingError(
                _("Set %(n)s: say what was done (reps, load, time or distance), or mark it as not done.") % {"n": i},
                field="sets",
            )
        if is_done and prescribed is not None:
            raw["from_prescription"] = _fill_from_prescription(raw, prescribed)
    status = _status_for(status, cleaned, prescribed_ok)
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
    rows = []
    for i, raw in enumerate(cleaned, start=1):
        is_done = raw["is_done"]
        reps, load = raw.get("reps"), raw.get("load_kg")
        rows.append(
            SetLog(
                organization=organization,
                workout_log=log,
                client=client,
                exercise=raw["exercise"],
                prescribed=raw["prescribed"],
                set_number=raw.get("set_number") or i,
                reps=reps,
                load_kg=load,
                duration_seconds=raw.get("duration_seconds"),
                distance_m=raw.get("distance_m"),
                rpe=raw.get("rpe"),
                is_done=is_done,
                from_prescription=raw["from_prescription"],
                notes=(raw.get("notes") or "")[:300],
                e1rm_kg=progression.estimated_1rm(load, reps) if is_done else None,
                performed_at=performed_at,
            )
        )
    SetLog.objects.bulk_create(rows)
    new_records = _detect_records(log)
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
                "workout": workout.name if workout else "",
                "records": len(new_records),
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
