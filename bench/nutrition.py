"""Nutrition benchmarks: seconds to load the food database (and to re-run the load), and
p50/p95 milliseconds of typo-tolerant food search over realistic queries.

    python bench/nutrition.py            # the database of DJANGO_SETTINGS_MODULE / DATABASE_URL

Loads (or refreshes) the shared food database, which is idempotent; writes nothing else.
One function per figure; `main` prints them all.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.dev")

import django

django.setup()

from django.db import connection  # noqa: E402

from nutrition.models import Food  # noqa: E402
from nutrition.search import search_foods  # noqa: E402
from nutrition.services.foods import load_food_database  # noqa: E402

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


FIGURES = [food_load, food_search]


def main() -> None:
    print(f"database: {connection.vendor}")
    for figure in FIGURES:
        print(figure())


if __name__ == "__main__":
    main()
