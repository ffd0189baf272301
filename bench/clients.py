"""Benchmark of the client list API over 5,000 clients: prints p50/p95 in milliseconds.

Run against PostgreSQL (a throw-away test database is created and dropped):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mecto python bench/clients.py [--clients 5000] [--runs 60]
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        engine = connection.vendor
        print(f"database: {engine} · clients: {args.clients} · runs per scenario: {args.runs}")
        if engine != "postgresql":
            print("note: set DATABASE_URL to a PostgreSQL server for the reference figures")
        settings.ALLOWED_HOSTS = ["*"]
        scenarios = seed_and_scenarios(args.clients)
        report(scenarios, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def seed_and_scenarios(count: int) -> list:
    from rest_framework.test import APIClient

    from accounts.models import Membership, Organization, User
    from clients.models import Client, ClientTag, Tag

    org = Organization.objects.create(name="Bench Gym", slug="bench-gym", time_zone="Europe/London")
    coaches = [User.objects.create_user(email=f"coach{i}@bench.test", full_name=f"Coach {i}") for i in range(5)]
    for i, coach in enumerate(coaches):
        Membership.objects.create(organization=org, user=coach, role="owner" if i == 0 else "coach")
    tags = [Tag.objects.create(organization=org, name=name) for name in ("online", "hybrid", "vip", "marathon")]
    statuses = [s for s, _label in Client.Status.choices]
    started = time.perf_counter()
    clients = Client.objects.bulk_create(
        [
            Client(
                organization=org,
                first_name=f"First{i:05d}",
                last_name=f"Last{(i * 7919) % count:05d}",
                email=f"client{i}@bench.test",
                phone=f"+44 7700 {i:06d}",
                status=statuses[i % len(statuses)],
                coach=coaches[i % len(coaches)],
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    ClientTag.objects.bulk_create(
        [ClientTag(organization=org, client=c, tag=tags[i % len(tags)]) for i, c in enumerate(clients)],
        batch_size=1000,
    )
    # A second business of the same size, so scoping has real work to do.
    other = Organization.objects.create(name="Other Gym", slug="other-gym")
    Client.objects.bulk_create(
        [Client(organization=other, first_name=f"Other{i}", email=f"other{i}@bench.test") for i in range(count)],
        batch_size=1000,
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    api = APIClient()
    api.force_authenticate(coaches[0])
    url = "/api/v1/clients/"
    return [
        ("first page (25)", api, url, {}),
        ("100 per page", api, url, {"page_size": 100}),
        ("page 150 of 200", api, url, {"page": 150}),
        ("search 'last01'", api, url, {"q": "last01"}),
        ("status=active", api, url, {"status": "active"}),
        ("tag filter", api, url, {"tag": tags[2].pk}),
        ("coach filter, newest first", api, url, {"coach": coaches[1].pk, "sort": "-created"}),
    ]


def report(scenarios, runs: int) -> None:
    print(f"{'scenario':32} {'p50 ms':>8} {'p95 ms':>8} {'rows':>6}")
    for name, api, url, params in scenarios:
        timings = []
        api.get(url, params)  # warm up
        for _ in range(runs):
            started = time.perf_counter()
            response = api.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
        print(f"{name:32} {p50:8.1f} {p95:8.1f} {len(response.data['results']):6d}")


if __name__ == "__main__":
    main()
