"""Demo content for the training app (used by `manage.py seed_demo`): a template with a
superset and progression, assigned to the demo client with three weeks of logged workouts
(records, charts, a coach's comment), and a draft generated from another client's intake."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from mecto.demo import demo_seeder
from mecto.localization import zone

from . import selectors, services
from .generator.api import intake_answers_for, profile_from_intake
from .generator.profile import ProfileError
from .models import Exercise, Program

TEMPLATE_NAME = "Strength base"


def _exercise(slug: str) -> Exercise | None:
    return Exercise.objects.library().filter(slug=slug).first()


def _build_template(organization, coach) -> Program:
    program = services.create_program(
        organization=organization,
        actor=coach,
        name=TEMPLATE_NAME,
        goal="strength",
        description="Two full-body days: a main lift, a superset, and trunk work. Week 4 is a deload.",
    )
    week = program.weeks.get()
    day_a = services.add_workout(week=week, name="Day A · Squat and press", day=1)
    day_b = services.add_workout(week=week, name="Day B · Hinge and pull", day=4)
    plan = [
        (
            day_a,
            "straight",
            [
                (
                    "Barbell_Full_Squat",
                    {
                        "sets": 5,
                        "reps_min": 5,
                        "load_type": "kg",
                        "load_value": Decimal("60"),
                        "rest_seconds": 180,
                        "progression": "load",
                        "progression_amount": Decimal("2.5"),
                        "deload_every": 4,
                        "progress_on_target": True,
                    },
                )
            ],
        ),
        (
            day_a,
            "superset",
            [
                (
                    "Dumbbell_Bench_Press",
                    {
                        "reps_type": "range",
                        "reps_min": 8,
                        "reps_max": 12,
                        "load_type": "rir",
                        "load_value": Decimal("2"),
                        "rest_seconds": 90,
                        "deload_every": 4,
                    },
                ),
                (
                    "One-Arm_Dumbbell_Row",
                    {
                        "reps_type": "range",
                        "reps_min": 8,
                        "reps_max": 12,
                        "load_type": "rir",
                        "load_value": Decimal("2"),
                        "rest_seconds": 90,
                        "deload_every": 4,
                    },
                ),
            ],
        ),
        (
            day_a,
            "straight",
            [
                (
                    "Plank",
                    {
                        "sets": 3,
                        "reps_type": "time",
                        "duration_seconds": 40,
                        "rest_seconds": 45,
                        "progression": "reps",
                        "progression_amount": Decimal("5"),
                    },
                )
            ],
        ),
        (
            day_b,
            "straight",
            [
                (
                    "Romanian_Deadlift",
                    {
                        "sets": 4,
                        "reps_min": 6,
                        "load_type": "kg",
                        "load_value": Decimal("70"),
                        "rest_seconds": 150,
                        "progression": "load",
                        "progression_amount": Decimal("2.5"),
                        "deload_every": 4,
                    },
                )
            ],
        ),
        (
            day_b,
            "superset",
            [
                (
                    "Standing_Military_Press",
                    {
                        "reps_type": "range",
                        "reps_min": 6,
                        "reps_max": 8,
                        "load_type": "rpe",
                        "load_value": Decimal("7.5"),
                        "rest_seconds": 120,
                        "deload_every": 4,
                    },
                ),
                (
                    "Pullups",
                    {"reps_type": "range", "reps_min": 5, "reps_max": 8, "rest_seconds": 120, "deload_every": 4},
                ),
            ],
        ),
    ]
    for workout, kind, items in plan:
        block = services.add_block(workout=workout, kind=kind, rest_seconds=90 if kind == "superset" else 0)
        for slug, fields in items:
            exercise = _exercise(slug)
            if exercise is not None:
                services.add_prescribed_exercise(block=block, exercise=exercise, actor=coach, **fields)
    services.apply_progression(program=program, weeks=4, actor=coach)
    return services.save_as_template(program=program, actor=coach, name=TEMPLATE_NAME)


def _log_past_workouts(client, copy: Program) -> None:
    """Log every scheduled workout already due, loads rising a little each week."""
    tz = zone(client.time_zone)
    today = selectors.client_today(client)
    for scheduled in selectors.scheduled_workouts(client=client, end=today - timedelta(days=1)):
        sets = []
        for block in scheduled.workout.blocks.all():
            for item in block.items.all():
                for number in range(1, item.sets + 1):
                    load = None
                    if item.load_type == "kg" and item.load_value:
                        load = item.load_value
                    elif item.load_type in ("rir", "rpe"):
                        load = Decimal(20 + 2 * scheduled.workout.week.position)
                    sets.append(
                        {
                            "exercise": item.exercise,
                            "prescribed": item,
                            "set_number": number,
                            "reps": item.reps_max or item.reps_min,
                            "duration_seconds": item.duration_seconds,
                            "load_kg": load,
                            "rpe": Decimal("8"),
                        }
                    )
        performed = datetime.combine(scheduled.date, time(18, 30), tzinfo=tz)
        services.log_workout(
            client=client,
            client_uuid=uuid.uuid5(uuid.NAMESPACE_URL, f"mecto-demo:{scheduled.public_id}"),
            performed_at=performed,
            sets=sets,
            scheduled=scheduled,
            duration_minutes=55,
            notes="Felt strong today." if scheduled.workout.week.position > 1 else "",
        )


@transaction.atomic
@demo_seeder(order=20)
def seed_training_demo(*, organization, coach, **context) -> None:
    """Idempotent: nothing is added once the demo template exists."""
    if not Exercise.objects.library().exists():
        services.load_exercise_library()
    if Program.objects.for_org(organization).filter(name=TEMPLATE_NAME).exists():
        return
    template = _build_template(organization, coach)
    clients = list(Client.objects.for_org(organization).order_by("id"))
    portal_client = next((c for c in clients if c.user_id), None)
    if portal_client is not None:
        today = timezone.now().astimezone(zone(portal_client.time_zone)).date()
        start = today - timedelta(days=today.weekday() + 14)  # the Monday two weeks ago
        (copy,) = services.assign_program(program=template, clients=[portal_client], start_date=start, actor=coach)
        _log_past_workouts(portal_client, copy)
        latest = selectors.workout_logs(organization=organization, client=portal_client).first()
        if latest is not None:
            services.comment_on_log(workout_log=latest, author=coach, body="Great depth on the squats — keep it up!")
    for client in clients:
        if client == portal_client:
            continue
        answers = intake_answers_for(client)
        if not answers:
            continue
        try:
            profile = profile_from_intake(answers)
        except ProfileError:
            continue
        services.generate_draft(
            organization=organization,
            profile=profile,
            seed=1,
            actor=coach,
            client=client,
            name=f"Draft for {client.full_name}",
        )
        break
