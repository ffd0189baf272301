"""Data-rights benchmark: builds two years of data for one client (daily food logs, three
workouts a week with their sets, weekly check-ins and measurements, 100 messages, 50 small
photos) and prints how long the export takes (the goal is under a minute).

    python bench/privacy.py                              # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/privacy.py

It builds a throw-away test database (and media folder) and drops them afterwards.
"""

import datetime
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")

import django

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

DAYS = 730


def build_two_years():
    from clients.models import CheckIn, Message, ProgressEntry
    from nutrition.models import FoodLogEntry
    from tests.clients.factories import (
        CheckInFactory,
        CheckInFormFactory,
        MessageFactory,
        MetricFactory,
        ProgressEntryFactory,
        ProgressPhotoFactory,
        ThreadFactory,
    )
    from tests.factories import ClientFactory, OrganizationFactory
    from tests.nutrition.factories import FoodLogEntryFactory
    from tests.training.factories import ExerciseFactory, SetLogFactory, WorkoutLogFactory
    from training.models import SetLog, WorkoutLog

    org = OrganizationFactory()
    client = ClientFactory(organization=org, first_name="Bench", last_name="Client", email="bench@example.com")
    start = timezone.now() - datetime.timedelta(days=DAYS)
    today = timezone.localdate()
    FoodLogEntry.objects.bulk_create(
        [
            FoodLogEntryFactory.build(client=client, organization=org, date=today - datetime.timedelta(days=d), meal=m)
            for d in range(DAYS)
            for m in ("breakfast", "lunch", "dinner")
        ]
    )
    exercises = [ExerciseFactory(organization=org) for _ in range(6)]
    logs = WorkoutLog.objects.bulk_create(
        [
            WorkoutLogFactory.build(organization=org, client=client, performed_at=start + datetime.timedelta(days=d))
            for d in range(DAYS)
            if d % 7 in (0, 2, 4)
        ]
    )
    SetLog.objects.bulk_create(
        [
            SetLogFactory.build(
                organization=org, client=client, workout_log=log, exercise=exercise, performed_at=log.performed_at
            )
            for log in logs
            for exercise in exercises[:5]
            for _ in range(3)
        ]
    )
    form = CheckInFormFactory(organization=org)
    CheckIn.objects.bulk_create(
        [CheckInFactory.build(organization=org, client=client, form=form) for _ in range(DAYS // 7)]
    )
    metric = MetricFactory(organization=org)
    ProgressEntry.objects.bulk_create(
        [ProgressEntryFactory.build(organization=org, client=client, metric=metric) for _ in range(DAYS // 7)]
    )
    thread = ThreadFactory(organization=org, client=client)
    Message.objects.bulk_create(
        [MessageFactory.build(organization=org, client=client, thread=thread) for _ in range(100)]
    )
    for _ in range(50):
        ProgressPhotoFactory(organization=org, client=client)
    return client


def main() -> None:
    setup_test_environment()
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-privacy-")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from clients.models import DataExport
        from clients.services import build_export

        print(f"database: {connection.vendor}")
        began = time.perf_counter()
        client = build_two_years()
        print(f"built two years of data in {time.perf_counter() - began:.1f} s")
        export = DataExport.objects.create(organization=client.organization, client=client)
        began = time.perf_counter()
        export = build_export(export_id=export.pk)
        seconds = time.perf_counter() - began
        print(f"export: {export.status}, {export.size_bytes / 1_000_000:.1f} MB, {seconds:.1f} s (goal ≤ 60 s)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
