"""Bulk data for bench/api.py on top of the demo business: 5,000 clients, 50,000 workout logs
of 12 sets, 2,000 bookings, and a history for the demo client (the app's own lists).
Run by bench/api.py with the production settings; does nothing when the data is there."""

import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Organization  # noqa: E402
from booking.models import Booking, ServiceType, Session  # noqa: E402
from clients.models import Client  # noqa: E402
from training.models import Exercise, SetLog, WorkoutLog  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "5000"))
LOGS = int(os.environ.get("BENCH_LOGS", "50000"))
SETS = int(os.environ.get("BENCH_SETS", "12"))
BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "2000"))
MINE = 200  # workout logs of the demo client, who reads /me/workout-logs/


def main() -> None:
    org = Organization.objects.get(slug="northside-strength")
    if Client.objects.filter(organization=org, email__endswith="@bench.test").count() >= CLIENTS:
        print(f"data already there: {org.name}, id {org.pk}")
        return
    started = time.perf_counter()
    rng = random.Random(2026)
    coaches = [m.user for m in Membership.objects.filter(organization=org).select_related("user")]
    statuses = [s for s, _label in Client.Status.choices]
    now = timezone.now()
    with transaction.atomic():
        clients = Client.objects.bulk_create(
            [
                Client(
                    organization=org,
                    first_name=f"First{i:05d}",
                    last_name=f"Last{(i * 7919) % CLIENTS:05d}",
                    email=f"client{i}@bench.test",
                    phone=f"+44 7700 {i:06d}",
                    status=statuses[i % len(statuses)],
                    coach=coaches[i % len(coaches)],
                    time_zone="Europe/London",
                )
                for i in range(CLIENTS)
            ],
            batch_size=2000,
        )
    print(f"clients: {len(clients)} ({time.perf_counter() - started:.0f} s)")
    exercises = list(Exercise.objects.library().filter(is_archived=False).values_list("pk", flat=True)[:400])
    demo_client = Client.objects.filter(organization=org, user__email="client@demo.mecto.test").first()
    owners = [demo_client] * MINE if demo_client else []
    owners += [clients[i % len(clients)] for i in range(LOGS)]
    for first in range(0, len(owners), 2000):
        batch = owners[first : first + 2000]
        with transaction.atomic():
            logs = WorkoutLog.objects.bulk_create(
                [
                    WorkoutLog(
                        organization=org,
                        client=client,
                        client_uuid=uuid.UUID(int=rng.getrandbits(128)),
                        name=f"Session {(first + n) % 7 + 1}",
                        performed_at=now - datetime.timedelta(hours=first + n),
                        duration_minutes=45 + (first + n) % 30,
                    )
                    for n, client in enumerate(batch)
                ]
            )
            SetLog.objects.bulk_create(
                [
                    SetLog(
                        organization=org,
                        workout_log=log,
                        client_id=log.client_id,
                        exercise_id=exercises[(log.pk + s // 3) % len(exercises)],
                        set_number=s % 3 + 1,
                        reps=8 + s % 5,
                        load_kg=40 + (log.pk + s) % 80,
                        rpe=7 + (s % 3),
                        e1rm_kg=60 + (log.pk + s) % 90,
                        performed_at=log.performed_at,
                    )
                    for log in logs
                    for s in range(SETS)
                ],
                batch_size=6000,
            )
    print(f"workout logs: {len(owners)} of {SETS} sets ({time.perf_counter() - started:.0f} s)")
    coach = coaches[0]
    service = ServiceType.objects.filter(organization=org).first() or ServiceType.objects.create(
        organization=org, name="Bench session", slug="bench-session", duration_minutes=60, currency="GBP"
    )
    start = (now - datetime.timedelta(days=60)).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        sessions = Session.objects.bulk_create(
            [
                Session(
                    organization=org,
                    coach=coach,
                    service=service,
                    start_at=start + datetime.timedelta(hours=3 * i),
                    end_at=start + datetime.timedelta(hours=3 * i, minutes=60),
                    capacity=1,
                    location_type=service.location_type or "in_person",
                )
                for i in range(BOOKINGS)
            ]
        )
        Booking.objects.bulk_create(
            [
                Booking(organization=org, session=session, client=clients[(i * 13) % len(clients)], currency="GBP")
                for i, session in enumerate(sessions)
            ]
        )
    print(f"bookings: {len(sessions)} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
