"""Demo habits for the nutrition app (used by `manage.py seed_demo` through nutrition/demo.py)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clients.models import Client
from mecto.demo import demo_seeder


@transaction.atomic
@demo_seeder(order=25)
def seed_habits(*, organization, coach, **context) -> None:
    """A habit library of three, and two habits for the portal client with a current streak of
    six days and one miss earlier. Idempotent: nothing is added once the library exists."""
    from . import habits as rules
    from .models import HabitLog, HabitTemplate
    from .services import habits as services

    if HabitTemplate.objects.for_org(organization).exists():
        return
    water = services.create_template(
        organization=organization, name="Drink water", kind="count", goal=8, unit_label="glasses"
    )
    services.create_template(organization=organization, name="Sleep 8 hours", kind="yes_no")
    services.create_template(
        organization=organization,
        name="Walk",
        kind="number",
        quantity="plain",
        goal=Decimal("8000"),
        unit_label="steps",
        frequency="times_per_week",
        times_per_week=4,
    )
    portal_client = Client.objects.for_org(organization).filter(user__isnull=False).order_by("id").first()
    if portal_client is None:
        return
    today = rules.local_date(timezone.now(), portal_client.time_zone)
    start = today - timedelta(days=20)
    drink = services.assign_habit(client=portal_client, actor=coach, template=water, start_date=start)
    stretch = services.assign_habit(
        client=portal_client,
        actor=coach,
        name="Stretch for 10 minutes",
        kind="duration",
        goal=10,
        frequency="weekdays",
        weekdays=[1, 2, 3, 4, 5, 6],
        start_date=start,
    )
    missed = today - timedelta(days=9)
    rows = []
    for offset in range(20, 0, -1):  # up to yesterday; today is left for the client to tick
        day = today - timedelta(days=offset)
        if day != missed:
            rows.append((drink, day, Decimal("8") if offset % 3 else Decimal("9")))
        if stretch.weekdays and day.isoweekday() in stretch.weekdays and day != missed:
            rows.append((stretch, day, Decimal("12")))
    HabitLog.objects.bulk_create(
        HabitLog(
            organization=organization,
            habit=habit,
            client=portal_client,
            date=day,
            value=value,
            done=True,
            is_complete=True,
            client_uuid=uuid.uuid4(),
            completed_event_at=timezone.now(),
        )
        for habit, day, value in rows
    )
