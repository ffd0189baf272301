"""Nutrition benchmarks, one function per figure; `main` prints them all:

- seconds to load the food database into an empty database, and to re-run the load;
- p50/p95 ms of typo-tolerant food search over realistic queries;
- ms to compute a week of adherence for a client with 500 food logs.

    python bench/nutrition.py                            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/nutrition.py

It builds a throw-away test database and drops it afterwards; nothing else is touched.
"""

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")

import django

warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from nutrition.models import Food  # noqa: E402
from nutrition.search import search_foods  # noqa: E402
from nutrition.services.foods import load_food_database  # noqa: E402

LOGS = 500
RUNS = 50

# What coaches and clients type, typos and British spellings included.
QUERIES = [
    "chiken brest",
    "chicken breast",
    "bananna",
    "banana",
    "eggs",
    "egg whites",
    "milk",
    "semi skimmed milk",
    "greek yoghurt",
    "yogurt",
    "oats",
    "porridge",
    "brown rice",
    "whole wheat bread",
    "pasta",
    "sweet potatoe",
    "potatoes",
    "brocoli",
    "spinach",
    "avocado",
    "olive oil",
    "butter",
    "peanut butter",
    "almonds",
    "cheddar cheese",
    "cottage chese",
    "salmon",
    "tuna",
    "beef mince",
    "apple",
    "blueberies",
    "hummus",
]


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def food_load() -> str:
    """Seconds to load the food database (a first load when it is empty), then to re-run it."""
    empty = not Food.objects.library().exists()
    started = time.perf_counter()
    counts = load_food_database()
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = load_food_database()
    second = time.perf_counter() - started
    kind = "first load" if empty else "refresh"
    return (
        f"food load: {kind} {first:.1f} s ({counts['created']} created, {counts['updated']} updated, "
        f"{counts['portions_created']} portions created); re-run {second:.1f} s ({again['unchanged']} unchanged)"
    )


def food_search(rounds: int = 5) -> str:
    """p50/p95 milliseconds of search_foods (25 results with their portions) over QUERIES."""
    from accounts.models import Organization

    organization = Organization.objects.order_by("pk").first() or Organization(pk=0)
    search_foods(organization=organization, query="warm up")  # builds the cached vocabulary once
    timings = []
    for _round in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search_foods(organization=organization, query=query, limit=25)
            timings.append((time.perf_counter() - started) * 1000)
    return (
        f"food search: p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms "
        f"over {len(timings)} queries ({len(QUERIES)} distinct)"
    )


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


def week_adherence() -> str:
    result = week_adherence_bench()
    return (
        f"week adherence ({result['logs']} logs): "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} queries"
    )


FIGURES = [food_load, food_search, week_adherence]


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"database: {connection.vendor}")
        for figure in FIGURES:
            print(figure())
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
