"""Today's workout, set by set: a session saved as each set is completed, resumed anywhere,
finished into a workout log (records and `workout.completed` come from `log_workout`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Exercise, PrescribedExercise, ScheduledWorkout, SessionSet, WorkoutLog, WorkoutSession
from ._common import TrainingError
from .logs import _lock_client, log_workout

__all__ = ["finish_session", "save_session_notes", "save_session_set", "start_session", "swap_in_session"]

MEASURE_LIMITS = {
    "reps": (0, 1000, gettext_lazy("reps are 0 to 1000")),
    "load_kg": (0, 1000, gettext_lazy("load is 0 to 1000 kg")),
    "duration_seconds": (0, 86400, gettext_lazy("time is 0 to 86400 seconds")),
    "distance_m": (0, 1_000_000, gettext_lazy("distance is 0 to 1,000,000 m")),
    "rpe": (1, 10, gettext_lazy("RPE is 1 to 10")),
}


def _moment(at: datetime | None) -> datetime:
    """When something was done: the device's time when it is plausible (a set saved offline and
    sent later keeps the time it was done), otherwise now."""
    now = timezone.now()
    if at is not None and timezone.is_aware(at) and now - timedelta(days=1) <= at <= now:
        return at
    return now


def _items(scheduled: ScheduledWorkout) -> dict[int, PrescribedExercise]:
    return {
        item.pk: item
        for item in PrescribedExercise.objects.filter(block__workout_id=scheduled.workout_id)
        .select_related("exercise")
        .order_by("block__position", "block_id", "position", "id")
        .prefetch_related("allowed_swaps")
    }


def _locked(session: WorkoutSession) -> WorkoutSession:
    # Lock the session: two devices saving sets of one session must not interleave a finish.
    session = WorkoutSession.objects.select_for_update().select_related("scheduled").get(pk=session.pk)
    if session.is_finished:
        raise TrainingError(_("This workout is already finished."), field="session")
    return session


@transaction.atomic
def start_session(
    *, client, scheduled: ScheduledWorkout, at: datetime | None = None, actor=None
) -> tuple[WorkoutSession, bool]:
    """Start today's workout, or resume the one already started (on any device): one open
    session per scheduled workout. Returns (session, created)."""
    if scheduled.client_id != client.pk or scheduled.organization_id != client.organization_id:
        raise TrainingError(_("This workout is not on your schedule."), field="scheduled")
    client = _lock_client(client)
    open_session = WorkoutSession.objects.filter(client=client, scheduled=scheduled, finished_at__isnull=True).first()
    if open_session is not None:
        return open_session, False
    try:
        with transaction.atomic():
            session = WorkoutSession.objects.create(
                organization=client.organization, client=client, scheduled=scheduled, started_at=_moment(at)
            )
    except IntegrityError:  # started a moment ago elsewhere
        return WorkoutSession.objects.get(client=client, scheduled=scheduled, finished_at__isnull=True), False
    return session, True


def _clean_measures(values: dict, set_number: int) -> dict:
    cleaned = {}
    for key, (low, high, message) in MEASURE_LIMITS.items():
        value = values.get(key)
        if value in (None, ""):
            cleaned[key] = None
            continue
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise TrainingError(_("Set %(n)s: %(rule)s.") % {"n": set_number, "rule": message}, field=key) from None
        if not number.is_finite() or not low <= number <= high:
            raise TrainingError(_("Set %(n)s: %(rule)s.") % {"n": set_number, "rule": message}, field=key)
        if key in ("reps", "duration_seconds", "distance_m"):
            if number != number.to_integral_value():
                raise TrainingError(_("Set %(n)s: %(rule)s.") % {"n": set_number, "rule": message}, field=key)
            number = int(number)
        else:
            number = number.quantize(Decimal("0.01") if key == "load_kg" else Decimal("0.1"))
        cleaned[key] = number
    return cleaned


@transaction.atomic
def save_session_set(
    *,
    session: WorkoutSession,
    prescribed_id: int,
    set_number: int,
    is_done: bool = True,
    reps=None,
    load_kg=None,
    duration_seconds=None,
    distance_m=None,
    rpe=None,
    notes: str = "",
    at: datetime | None = None,
    actor=None,
) -> SessionSet:
    """Save one set as completed (blank measures: done as prescribed) or as not done; saving it
    again corrects it. The exercise is the prescribed one or the client's allowed swap."""
    session = _locked(session)
    items = _items(session.scheduled)
    item = items.get(_as_int(prescribed_id))
    if item is None:
        raise TrainingError(_("This exercise is not part of the workout."), field="prescribed")
    number = _as_int(set_number)
    if number is None or not 1 <= number <= item.sets:
        raise TrainingError(
            _("%(name)s has sets 1 to %(n)s.") % {"name": item.exercise.name, "n": item.sets}, field="set_number"
        )
    notes = (notes or "").strip()
    if len(notes) > 300:
        raise TrainingError(_("Set notes are up to 300 characters."), field="notes")
    measures = _clean_measures(
        {"reps": reps, "load_kg": load_kg, "duration_seconds": duration_seconds, "distance_m": distance_m, "rpe": rpe},
        number,
    )
    exercise_id = session.swaps.get(str(item.pk)) or item.exercise_id
    row, _created = SessionSet.objects.update_or_create(
        session=session,
        prescribed=item,
        set_number=number,
        defaults={
            "organization": session.organization,
            "exercise_id": exercise_id,
            "is_done": bool(is_done),
            "notes": notes,
            "completed_at": _moment(at),
            **measures,
        },
    )
    session.save(update_fields=["updated_at"])
    return row


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def swap_in_session(*, session: WorkoutSession, prescribed_id: int, exercise_id: int, actor=None) -> WorkoutSession:
    """Do one of the coach's allowed swaps instead of the prescribed exercise (or go back to it).
    Sets already done keep the exercise they were done with."""
    session = _locked(session)
    item = _items(session.scheduled).get(_as_int(prescribed_id))
    if item is None:
        raise TrainingError(_("This exercise is not part of the workout."), field="prescribed")
    exercise_id = _as_int(exercise_id)
    allowed = {item.exercise_id} | {e.pk for e in item.allowed_swaps.all()}
    if exercise_id not in allowed:
        raise TrainingError(
            _("Your coach has not allowed this swap for %(name)s.") % {"name": item.exercise.name}, field="exercise"
        )
    if not Exercise.objects.for_org(session.organization).filter(pk=exercise_id).exists():
        raise TrainingError(_("Choose an exercise from the library."), field="exercise")
    swaps = dict(session.swaps)
    if exercise_id == item.exercise_id:
        swaps.pop(str(item.pk), None)
    else:
        swaps[str(item.pk)] = exercise_id
    session.swaps = swaps
    session.save(update_fields=["swaps", "updated_at"])
    SessionSet.objects.filter(session=session, prescribed=item, is_done=False).update(exercise_id=exercise_id)
    return session


@transaction.atomic
def save_session_notes(*, session: WorkoutSession, notes: str, actor=None) -> WorkoutSession:
    session = _locked(session)
    notes = (notes or "").strip()
    if len(notes) > 2000:
        raise TrainingError(_("Notes are up to 2000 characters."), field="notes")
    session.notes = notes
    session.save(update_fields=["notes", "updated_at"])
    return session


@transaction.atomic
def finish_session(*, session: WorkoutSession, at: datetime | None = None, actor=None) -> WorkoutLog:
    """Store the session as a workout log: every prescribed set, the ones not completed as not
    done. A finish sent twice returns the first log."""
    current = WorkoutSession.objects.select_for_update().select_related("scheduled").get(pk=session.pk)
    if current.is_finished and current.workout_log_id:
        return current.workout_log
    if current.is_finished:
        raise TrainingError(_("This workout is already finished."), field="session")
    items = _items(current.scheduled)
    saved = {(s.prescribed_id, s.set_number): s for s in SessionSet.objects.filter(session=current)}
    if not any(s.is_done for s in saved.values()):
        raise TrainingError(_("Complete at least one set before finishing."), field="sets")
    wanted = {s.exercise_id for s in saved.values()} | set(current.swaps.values())
    exercises = {e.pk: e for e in Exercise.objects.filter(pk__in=wanted)}
    sets = []
    for item in items.values():
        for number in range(1, item.sets + 1):
            row = saved.get((item.pk, number))
            if row is None:
                swapped = exercises.get(current.swaps.get(str(item.pk)))
                sets.append(
                    {
                        "exercise": swapped or item.exercise,
                        "prescribed": item,
                        "set_number": number,
                        "is_done": False,
                    }
                )
                continue
            sets.append(
                {
                    "exercise": exercises[row.exercise_id],
                    "prescribed": item,
                    "set_number": number,
                    "is_done": row.is_done,
                    "reps": row.reps,
                    "load_kg": row.load_kg,
                    "duration_seconds": row.duration_seconds,
                    "distance_m": row.distance_m,
                    "rpe": row.rpe,
                    "notes": row.notes,
                }
            )
    ended = _moment(at)
    minutes = max(1, round((ended - current.started_at).total_seconds() / 60))
    log, _created = log_workout(
        client=current.client,
        client_uuid=current.public_id,
        performed_at=current.started_at,
        sets=sets,
        scheduled=current.scheduled,
        duration_minutes=min(minutes, 1440),
        notes=current.notes,
        actor=actor,
    )
    current.finished_at = ended
    current.workout_log = log
    current.save(update_fields=["finished_at", "workout_log", "updated_at"])
    return log
