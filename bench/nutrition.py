"""Nutrition benchmark: ms to compute a week of adherence for a client with 500 food logs.

    python bench/nutrition.py            # SQLite (a throw-away test database)
    DATABASE_URL=postgres://... python bench/nutrition.py

It builds its own test database and drops it afterwards; nothing else is touched.
(The food load and search timings join this file in `main()` beside this one.)
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")

import warnings

import django

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

LOGS = 500
RUNS = 50


def week_adherence_bench() -> dict:
    """A client in training/rest mode with 500 entries over ten weeks: p50 and p95 ms of one
    week's adherence, and its query count."""
    import datetime
    import uuid
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Organization
    from clients.models import Client
    from nutrition import selectors
    from nutrition.models import FoodLogEntry, NutritionSettings, NutritionTarget

    org = Organization.objects.create(name="Bench nutrition", slug=f"bench-nutrition-{uuid.uuid4().hex[:6]}")
    client = Client.objects.create(organization=org, first_name="Bench", time_zone="Europe/London")
    NutritionSettings.objects.create(
        organization=org, client=client, target_mode="training_rest", training_weekdays=[1, 3, 5]
    )
    for kind, kcal in (("training", 2600), ("rest", 2100)):
        NutritionTarget.objects.create(
            organization=org,
            client=client,
            day_kind=kind,
            energy_kcal=kcal,
            protein_g=140,
            carbohydrate_g=250,
            fat_g=70,
        )
    monday = datetime.date(2026, 3, 2)
    now = timezone.now()
    FoodLogEntry.objects.bulk_create(
        FoodLogEntry(
            organization=org,
            client=client,
            client_entry_id=uuid.uuid4(),
            date=monday + datetime.timedelta(days=i % 70),
            meal="lunch",
            kind="quick",
            name="Bench",
            energy_kcal=Decimal(350),
            protein_g=Decimal(20),
            carbohydrate_g=Decimal(40),
            fat_g=Decimal(10),
            logged_at=now,
        )
        for i in range(LOGS)
    )
    timings = []
    for run in range(RUNS):
        start = monday + datetime.timedelta(days=7 * (run % 10))
        began = time.perf_counter()
        selectors.week_adherence(client=client, start=start, today=start + datetime.timedelta(days=7)).rate  # noqa: B018
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        selectors.week_adherence(client=client, start=monday)
    timings.sort()
    return {
        "logs": LOGS,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "queries": len(queries),
    }


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result = week_adherence_bench()
        print(
            f"week adherence ({result['logs']} logs, {connection.vendor}): "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} queries"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
