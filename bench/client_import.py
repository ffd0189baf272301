"""Benchmark of a CSV client import through the pages: upload, map, start, read the progress.

Prints the seconds and rows per second for 5,000 rows (the last one refused) and fails if the
import takes longer than the budget (240 s). A throw-away test database is created and dropped:

    python bench/client_import.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mecto python bench/client_import.py [--rows 5000]
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")

BUDGET_SECONDS = 240


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"database: {connection.vendor} · rows: {args.rows:,}")
        elapsed = run(args.rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(
        f"import of {args.rows:,} rows: {elapsed:.1f} s, {args.rows / elapsed:.0f} rows/s (budget {BUDGET_SECONDS} s)"
    )
    if elapsed > BUDGET_SECONDS:
        sys.exit(f"slower than the budget of {BUDGET_SECONDS} s")


def run(count: int) -> float:
    """Upload `count` rows (the last one with a bad email), map and start them; returns the
    seconds from pressing start to the finished import. The task runs eagerly, after commit,
    as the worker would run it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from clients.models import ClientImport
    from tests.factories import MembershipFactory

    coach = MembershipFactory(role="coach").user
    rows = "\n".join(f"Client{i},Number{i},client{i}@example.com,active" for i in range(count - 1))
    text = "First name,Last name,Email,Status\n" + rows + "\nBroken,Row,not-an-email,active\n"
    browser = Client()
    browser.force_login(coach)
    response = browser.post(reverse("clients:import"), {"file": SimpleUploadedFile("big.csv", text.encode())})
    client_import = ClientImport.objects.get()
    assert response.url == reverse("clients:import_mapping", args=[client_import.pk]), response
    started = time.perf_counter()
    response = browser.post(
        reverse("clients:import_mapping", args=[client_import.pk]),
        {
            "column_0": "first_name",
            "column_1": "last_name",
            "column_2": "email",
            "column_3": "status",
            "action": "start",
        },
    )
    elapsed = time.perf_counter() - started
    assert response.url == reverse("clients:import_progress", args=[client_import.pk]), response
    client_import.refresh_from_db()
    assert client_import.created_count == count - 1 and client_import.error_count == 1, client_import.failure
    assert client_import.errors[0]["row"] == count + 1, client_import.errors[:1]
    status = browser.get(
        reverse("clients:import_progress", args=[client_import.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="import-status",
    ).content.decode()
    assert f"{count:,} of {count:,} rows" in status and "every 1s" not in status
    return elapsed


if __name__ == "__main__":
    main()
