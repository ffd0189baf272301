"""Training benchmarks: mean milliseconds per generated program over 100 random intakes, and
p50/p95 milliseconds of typo-tolerant exercise search.

    python bench/training.py            # the database of DJANGO_SETTINGS_MODULE / DATABASE_URL

Loads the exercise library first when it is empty (idempotent); writes nothing else.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.dev")

import django

django.setup()

from django.db import connection  # noqa: E402

from training.generator.catalogue import from_exercise  # noqa: E402
from training.generator.engine import generate  # noqa: E402
from training.generator.profile import EQUIPMENT, EXPERIENCE, GOALS, INJURIES, profile_from_answers  # noqa: E402
from training.generator.validator import validate  # noqa: E402
from training.models import Exercise  # noqa: E402
from training.search import rank  # noqa: E402
from training.services import load_exercise_library  # noqa: E402

QUERIES = [
    "bench press",
    "benhc pres",
    "dedlift",
    "romanain deadlift",
    "sqaut",
    "goblet sqat",
    "pulups",
    "lat puldown",
    "overhead pres",
    "db row",
    "kettlebell swing",
    "farmers walk",
    "plank",
    "leg curl",
    "hip thrust",
    "face pul",
    "tricep pushdown",
    "biceps curl",
    "lunges",
    "calf raise",
]


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    if not Exercise.objects.library().exists():
        load_exercise_library()
    catalogue = [from_exercise(e) for e in Exercise.objects.library().filter(is_archived=False).order_by("pk")]
    rng = random.Random(2026)
    timings, violations = [], 0
    for n in range(100):
        profile = profile_from_answers(
            {
                "goal": rng.choice(GOALS),
                "experience": rng.choice(EXPERIENCE),
                "days_per_week": rng.randint(2, 6),
                "session_minutes": rng.choice([30, 45, 60, 75, 90]),
                "equipment": rng.sample(EQUIPMENT, rng.randint(1, 6)),
                "injuries": rng.sample(INJURIES, rng.choice([0, 0, 1, 2])),
            }
        )
        started = time.perf_counter()
        plan = generate(profile, catalogue, seed=n)
        timings.append((time.perf_counter() - started) * 1000)
        violations += len(validate(plan, profile, catalogue)[0])
    searches = []
    for _round in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            list(rank(Exercise.objects.library(), query)[:25])
            searches.append((time.perf_counter() - started) * 1000)
    print(f"database: {connection.vendor}; exercises: {len(catalogue)}")
    print(
        f"program generation: mean {statistics.mean(timings):.1f} ms over {len(timings)} intakes "
        f"(p95 {percentile(timings, 0.95):.1f} ms); validator violations: {violations}"
    )
    print(
        f"exercise search: p50 {percentile(searches, 0.5):.1f} ms, p95 {percentile(searches, 0.95):.1f} ms "
        f"over {len(searches)} queries"
    )


if __name__ == "__main__":
    main()
