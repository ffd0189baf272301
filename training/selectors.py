"""Reads about training, with their joins applied."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from mecto.localization import zone

from .models import (
    Block,
    Exercise,
    ExerciseOverride,
    LogComment,
    PersonalRecord,
    PrescribedExercise,
    Program,
    ProgramWeek,
    ScheduledWorkout,
    SetLog,
    SetVideo,
    Workout,
    WorkoutLog,
)

# A logged set's form-check videos, with what their cards print (poster, replies).
SET_VIDEOS = Prefetch(
    "videos",
    queryset=SetVideo.objects.select_related("video").prefetch_related("video__replies").order_by("created_at", "id"),
)

# Whose a program is on "mine" (mecto.scope): the coach wrote it, or it is one of their clients'.
PROGRAM_OWNERS = ("created_by", "client__coach")


def program_list(*, organization, templates: bool | None = None, search: str = "", client=None) -> QuerySet[Program]:
    """Programs of the business with their counts; `templates` narrows to templates or not,
    `client` to one client's assigned programs (None: the library, not clients' copies)."""
    qs = Program.objects.for_org(organization).select_related("client", "created_by")
    qs = qs.filter(client=client) if client is not None else qs.filter(client__isnull=True)
    if templates is not None:
        qs = qs.filter(is_template=templates)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.annotate(
        week_count=Count("weeks", distinct=True), workout_count=Count("workouts", distinct=True)
    ).order_by("-updated_at", "-id")


def items_queryset() -> QuerySet[PrescribedExercise]:
    return PrescribedExercise.objects.select_related("exercise").order_by("position", "id")


def program_tree(*, program: Program) -> list[ProgramWeek]:
    """Weeks → workouts → blocks → prescribed exercises (with their exercise), in order."""
    return list(
        ProgramWeek.objects.filter(program=program)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "workouts",
                queryset=Workout.objects.order_by("day", "position", "id").prefetch_related(
                    Prefetch(
                        "blocks",
                        queryset=Block.objects.order_by("position", "id").prefetch_related(
                            Prefetch("items", queryset=items_queryset())
                        ),
                    )
                ),
            )
        )
    )


def workout_tree(*, workout_ids) -> QuerySet[Workout]:
    return Workout.objects.filter(pk__in=workout_ids).prefetch_related(
        Prefetch(
            "blocks",
            queryset=Block.objects.order_by("position", "id").prefetch_related(
                Prefetch("items", queryset=items_queryset())
            ),
        )
    )


def overrides_for(*, organization, exercise_ids) -> dict[int, ExerciseOverride]:
    return {
        o.exercise_id: o for o in ExerciseOverride.objects.for_org(organization).filter(exercise_id__in=exercise_ids)
    }


def client_today(client) -> date:
    return timezone.now().astimezone(zone(client.time_zone)).date()


def scheduled_workouts(*, client, start: date | None = None, end: date | None = None) -> QuerySet[ScheduledWorkout]:
    """A client's scheduled workouts between two dates of their calendar, with their prescription."""
    qs = (
        ScheduledWorkout.objects.for_org(client.organization)
        .filter(client=client)
        .select_related("workout__week", "program")
        .prefetch_related(
            Prefetch(
                "workout__blocks",
                queryset=Block.objects.order_by("position", "id").prefetch_related(
                    Prefetch("items", queryset=items_queryset())
                ),
            ),
            Prefetch("logs", queryset=WorkoutLog.objects.only("id", "scheduled_id", "status", "performed_at")),
        )
        .order_by("date", "workout__position", "id")
    )
    if start is not None:
        qs = qs.filter(date__gte=start)
    if end is not None:
        qs = qs.filter(date__lte=end)
    return qs


def calendar_workouts(*, organization, start: date, end: date, coach_id: int | None = None) -> list:
    """Assigned workouts dated between `start` and `end` for the coach's calendar (one query)."""
    from django.urls import reverse

    from mecto.schedule import CalendarWorkout

    qs = (
        ScheduledWorkout.objects.for_org(organization)
        .filter(date__gte=start, date__lte=end)
        .select_related("workout", "client")
        .order_by("date", "client__first_name", "workout__position", "id")
    )
    if coach_id:
        qs = qs.filter(client__coach_id=coach_id)
    return [
        CalendarWorkout(
            date=item.date,
            title=item.workout.name,
            client_id=item.client_id,
            client_name=item.client.full_name,
            coach_id=item.client.coach_id,
            url=reverse("training:client", args=[item.client_id]),
            id=str(item.public_id),
        )
        for item in qs[:500]
    ]


def workout_logs(*, organization, client=None) -> QuerySet[WorkoutLog]:
    qs = (
        WorkoutLog.objects.for_org(organization)
        .select_related("client", "workout", "scheduled")
        .prefetch_related(
            Prefetch(
                "sets",
                queryset=SetLog.objects.select_related("exercise")
                .prefetch_related(SET_VIDEOS)
                .order_by("set_number", "id"),
            ),
            Prefetch("comments", queryset=LogComment.objects.select_related("author").order_by("created_at", "id")),
        )
        .order_by("-performed_at", "-id")
    )
    if client is not None:
        qs = qs.filter(client=client)
    return qs


# The API prints ids for the client, the workout and the exercise of a set, the exercise's
# name and the scheduled workout's public id: load those columns only (an exercise row carries
# JSON columns; 25 logs of 12 sets built 300 of them to print a name).
SET_LOG_API_FIELDS = (
    "id",
    "workout_log_id",
    "exercise_id",
    "exercise__id",
    "exercise__name",
    "prescribed_id",
    "set_number",
    "reps",
    "load_kg",
    "duration_seconds",
    "distance_m",
    "rpe",
    "is_done",
    "from_prescription",
    "notes",
    "e1rm_kg",
)


def workout_logs_for_api(*, organization, client=None) -> QuerySet[WorkoutLog]:
    """`workout_logs` for the API's lists: the same rows and order, only the columns printed."""
    qs = (
        WorkoutLog.objects.for_org(organization)
        .select_related("scheduled")
        .only(
            "id",
            "organization_id",
            "client_id",
            "client_uuid",
            "scheduled_id",
            "scheduled__id",
            "scheduled__public_id",
            "workout_id",
            "name",
            "performed_at",
            "status",
            "duration_minutes",
            "notes",
            "created_at",
        )
        .prefetch_related(
            Prefetch(
                "sets",
                queryset=SetLog.objects.select_related("exercise")
                .only(*SET_LOG_API_FIELDS)
                .prefetch_related(SET_VIDEOS)
                .order_by("set_number", "id"),
            ),
            Prefetch(
                "comments",
                queryset=LogComment.objects.select_related("author")
                .only(
                    "id",
                    "workout_log_id",
                    "author_id",
                    "author__id",
                    "author__full_name",
                    "author__email",
                    "body",
                    "created_at",
                )
                .order_by("created_at", "id"),
            ),
        )
        .order_by("-performed_at", "-id")
    )
    if client is not None:
        qs = qs.filter(client=client)
    return qs


def personal_records(*, organization, client=None) -> QuerySet[PersonalRecord]:
    qs = (
        PersonalRecord.objects.for_org(organization)
        .select_related("exercise", "client")
        .order_by("-achieved_at", "-id")
    )
    if client is not None:
        qs = qs.filter(client=client)
    return qs


def current_bests(*, client, limit: int = 12) -> list[PersonalRecord]:
    """The client's standing records: the latest record of each exercise and kind."""
    seen, bests = set(), []
    for record in personal_records(organization=client.organization, client=client)[:200]:
        key = (record.exercise_id, record.kind)
        if key not in seen:
            seen.add(key)
            bests.append(record)
        if len(bests) == limit:
            break
    return bests


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_volume(*, client, weeks: int = 8, today: date | None = None) -> dict:
    """Hard sets per primary muscle per week (Monday-based, client's calendar): a set counts
    once for each primary muscle of its exercise."""
    today = today or client_today(client)
    first = week_start(today) - timedelta(weeks=weeks - 1)
    tz = zone(client.time_zone)
    since = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    rows = (
        SetLog.objects.for_org(client.organization)
        .filter(client=client, is_done=True, performed_at__gte=since)
        .values_list("performed_at", "exercise__primary_muscles")
    )
    labels = [first + timedelta(weeks=i) for i in range(weeks)]
    volume: dict[str, dict[date, int]] = defaultdict(lambda: dict.fromkeys(labels, 0))
    for performed_at, muscles in rows:
        key = week_start(performed_at.astimezone(tz).date())
        for muscle in muscles or []:
            if key in volume[muscle]:
                volume[muscle][key] += 1
    return {"weeks": labels, "muscles": {m: [v[w] for w in labels] for m, v in sorted(volume.items())}}


def adherence(*, client, weeks: int = 8, today: date | None = None) -> dict:
    """Scheduled workouts due so far versus those really done, per week and overall: a workout
    counts when a log of it is completed or partly done with at least one set done (or, for a
    workout with no exercises, when it is logged as done)."""
    today = today or client_today(client)
    first = week_start(today) - timedelta(weeks=weeks - 1)
    done_statuses = [WorkoutLog.Status.COMPLETED, WorkoutLog.Status.PARTIAL]
    logs = WorkoutLog.objects.filter(scheduled=OuterRef("pk"), status__in=done_statuses)
    scheduled = (
        ScheduledWorkout.objects.for_org(client.organization)
        .filter(client=client, date__gte=first, date__lte=today)
        .annotate(
            with_sets=Exists(logs.filter(sets__is_done=True)),
            logged=Exists(logs),
            has_items=Exists(PrescribedExercise.objects.filter(block__workout=OuterRef("workout"))),
        )
        .values_list("pk", "workout_id", "date", "with_sets", "logged", "has_items")
    )
    labels = [first + timedelta(weeks=i) for i in range(weeks)]
    per_week = {w: [0, 0] for w in labels}
    due = []
    for pk, workout_id, day, with_sets, logged, has_items in scheduled:
        due.append((pk, workout_id))
        bucket = per_week[week_start(day)]
        bucket[0] += 1
        bucket[1] += 1 if (with_sets or (logged and not has_items)) else 0
    total = sum(v[0] for v in per_week.values())
    completed = sum(v[1] for v in per_week.values())
    sets_due, sets_done = _prescribed_sets_done(due, done_statuses)
    return {
        "weeks": labels,
        "scheduled": [per_week[w][0] for w in labels],
        "completed": [per_week[w][1] for w in labels],
        "total_scheduled": total,
        "total_completed": completed,
        "rate": round(100 * completed / total) if total else None,
        "sets_prescribed": sets_due,
        "sets_done": sets_done,
        "set_rate": round(100 * sets_done / sets_due) if sets_due else None,
    }


def _prescribed_sets_done(due: list[tuple[int, int]], statuses: list[str]) -> tuple[int, int]:
    """Prescribed sets of the due workouts, and how many of them were logged as done, exercise
    by exercise (more sets than prescribed, or a second log of the workout, add nothing)."""
    workout_of = dict(due)
    prescribed: dict[tuple[int, int], int] = defaultdict(int)  # (workout, exercise) -> sets
    for workout_id, exercise_id, n in PrescribedExercise.objects.filter(
        block__workout_id__in=set(workout_of.values())
    ).values_list("block__workout_id", "exercise_id", "sets"):
        prescribed[(workout_id, exercise_id)] += n
    done = (
        SetLog.objects.filter(
            workout_log__scheduled_id__in=list(workout_of), workout_log__status__in=statuses, is_done=True
        )
        .values_list("workout_log__scheduled_id", "exercise_id")
        .annotate(n=Count("id"))
    )
    per_workout: dict[int, int] = defaultdict(int)
    for (workout_id, _exercise_id), n in prescribed.items():
        per_workout[workout_id] += n
    sets_due = sum(per_workout[workout_id] for workout_id in workout_of.values())
    sets_done = sum(min(n, prescribed.get((workout_of[sid], eid), 0)) for sid, eid, n in done)
    return sets_due, sets_done


def e1rm_history(*, client, limit_exercises: int = 4) -> dict:
    """The best estimated 1RM per day for the client's most-logged exercises."""
    top = (
        SetLog.objects.for_org(client.organization)
        .filter(client=client, e1rm_kg__isnull=False)
        .values("exercise")
        .annotate(n=Count("id"))
        .order_by("-n", "exercise")[:limit_exercises]
    )
    ids = [row["exercise"] for row in top]
    names = dict(Exercise.objects.filter(pk__in=ids).values_list("pk", "name"))
    tz = zone(client.time_zone)
    series: dict[int, dict[date, float]] = {pk: {} for pk in ids}
    for exercise_id, performed_at, e1rm in (
        SetLog.objects.for_org(client.organization)
        .filter(client=client, exercise_id__in=ids, e1rm_kg__isnull=False)
        .values_list("exercise_id", "performed_at", "e1rm_kg")
        .order_by("performed_at")
    ):
        day = performed_at.astimezone(tz).date()
        series[exercise_id][day] = max(series[exercise_id].get(day, 0), float(e1rm))
    return {
        "series": [
            {"exercise": names.get(pk, ""), "points": [{"date": d.isoformat(), "e1rm": v} for d, v in pts.items()]}
            for pk, pts in series.items()
        ]
    }


def inactive_clients(*, organization, now: datetime | None = None) -> list[dict]:
    """Clients the daily inactivity check would flag now (the same rule as `flag_inactive_clients`):
    active or trial, with a program, no workout logged for the business's number of days."""
    from django.db.models import Max, Min

    from clients.models import Client

    from .models import TrainingSettings

    now = now or timezone.now()
    found = TrainingSettings.objects.filter(organization=organization).first()
    days = found.inactive_after_days if found else TrainingSettings._meta.get_field("inactive_after_days").default
    if not days:
        return []
    candidates = (
        Client.objects.for_org(organization)
        .filter(status__in=["active", "trial"], scheduled_workouts__isnull=False)
        .annotate(last_log=Max("workout_logs__performed_at"), first_due=Min("scheduled_workouts__due_at"))
        .distinct()
        .values_list("pk", "last_log", "first_due")
    )
    out = []
    for pk, last_log, first_due in candidates:
        last = last_log or first_due
        if last is not None and last <= now - timedelta(days=days):
            out.append({"client_id": pk, "days": (now - last).days, "last_activity_at": last.isoformat()})
    return out


# --- Today's workout, set by set ----------------------------------------------------------------------
def last_time(*, client, exercise_ids) -> dict[int, dict[int, SetLog]]:
    """What the client did the last time they logged each exercise: {exercise: {set number: set}},
    the done sets of their latest log that has the exercise (two queries, however many exercises)."""
    from django.db.models import Subquery

    ids = set(exercise_ids)
    if not ids:
        return {}
    latest = (
        SetLog.objects.filter(client=client, exercise=OuterRef("pk"), is_done=True)
        .order_by("-performed_at", "-workout_log_id")
        .values("workout_log_id")[:1]
    )
    pairs = {
        (pk, log_id)
        for pk, log_id in Exercise.objects.filter(pk__in=ids)
        .annotate(last_log=Subquery(latest))
        .values_list("pk", "last_log")
        if log_id
    }
    found: dict[int, dict[int, SetLog]] = defaultdict(dict)
    rows = SetLog.objects.filter(
        client=client, is_done=True, exercise_id__in=ids, workout_log_id__in={log for _pk, log in pairs}
    ).order_by("set_number", "id")
    for row in rows:
        if (row.exercise_id, row.workout_log_id) in pairs:
            found[row.exercise_id].setdefault(row.set_number, row)
    return dict(found)


def open_session(*, client, scheduled):
    from .models import WorkoutSession

    return WorkoutSession.objects.filter(client=client, scheduled=scheduled, finished_at__isnull=True).first()


def latest_session(*, client, scheduled):
    """The open session of a scheduled workout, else its last finished one, else None."""
    from .models import WorkoutSession

    found = open_session(client=client, scheduled=scheduled)
    if found is not None:
        return found
    return (
        WorkoutSession.objects.filter(client=client, scheduled=scheduled, finished_at__isnull=False)
        .select_related("workout_log")
        .order_by("-finished_at", "-id")
        .first()
    )


def session_screen(*, client, scheduled, session=None) -> list[dict]:
    """Today's workout as the logging screen shows it: each prescribed exercise (or the client's
    swap) with its allowed swaps, and each set with what was saved and what was done last time.
    The query count does not depend on the number of exercises or sets."""
    from .labels import workout_labels
    from .models import SessionSet

    blocks = list(
        Block.objects.filter(workout_id=scheduled.workout_id)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=items_queryset().prefetch_related(
                    Prefetch("allowed_swaps", queryset=Exercise.objects.order_by("name", "id"))
                ),
            )
        )
    )
    labels = workout_labels(blocks)
    items = [item for block in blocks for item in block.items.all()]
    swaps = dict(session.swaps) if session is not None else {}
    saved = {}
    if session is not None:
        saved = {
            (s.prescribed_id, s.set_number): s
            for s in SessionSet.objects.filter(session=session).select_related("exercise")
        }
    choices = {e.pk: e for item in items for e in item.allowed_swaps.all()}
    for item in items:
        choices.setdefault(item.exercise_id, item.exercise)
    wanted = {int(pk) for pk in swaps.values()}
    history = last_time(
        client=client,
        exercise_ids={item.exercise_id for item in items} | wanted | {s.exercise_id for s in saved.values()},
    )
    rows = []
    for item in items:
        exercise = choices.get(swaps.get(str(item.pk)), item.exercise)
        sets = []
        for number in range(1, item.sets + 1):
            row = saved.get((item.pk, number))
            done_with = row.exercise if row is not None else exercise
            sets.append({"number": number, "saved": row, "last": history.get(done_with.pk, {}).get(number)})
        rows.append(
            {
                "item": item,
                "label": labels.get(item.pk, ""),
                "exercise": exercise,
                "is_swapped": exercise.pk != item.exercise_id,
                "has_history": exercise.pk in history,
                "swap_choices": [item.exercise, *item.allowed_swaps.all()] if item.allowed_swaps.all() else [],
                "sets": sets,
            }
        )
    return rows


def session_summary(*, session) -> dict:
    """The finish screen: volume (reps × load of the done sets, in kg), duration, sets done and
    the records this session set."""
    log = session.workout_log
    if log is None:
        return {}
    sets = list(log.sets.filter(is_done=True))
    volume = sum(((s.load_kg or 0) * (s.reps or 0) for s in sets), start=0)
    records = list(
        PersonalRecord.objects.filter(set_log__workout_log=log).select_related("exercise").order_by("exercise__name")
    )
    return {
        "log": log,
        "volume_kg": volume,
        "duration_minutes": log.duration_minutes,
        "sets_done": len(sets),
        "records": records,
    }


def with_media(*, organization, exercises: list) -> list:
    """Each exercise with the business's media read in one query: `media_thumb` (its image's
    thumbnail, or a YouTube link's still) and `media_kind` ("image", "video" or None)."""
    from django.urls import reverse

    from .video import thumbnail_url

    overrides = {
        o.exercise_id: o
        for o in ExerciseOverride.objects.for_org(organization)
        .filter(exercise__in=[e.pk for e in exercises])
        .only("id", "exercise_id", "video_url", "video_file", "image", "thumbnail")
    }
    for exercise in exercises:
        override = overrides.get(exercise.pk)
        exercise.media_thumb, exercise.media_kind = None, None
        if override is None:
            continue
        if override.thumbnail:
            exercise.media_thumb = reverse("training:exercise_image", args=[exercise.pk, "thumb"])
        elif override.video_url:
            exercise.media_thumb = thumbnail_url(override.video_url)
        if override.image:
            exercise.media_kind = "image"
        if override.video_url or override.video_file:
            exercise.media_kind = "video"
    return exercises
