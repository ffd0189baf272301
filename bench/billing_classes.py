"""Classes benchmark: a business with 20 weekly classes run by 5 coaches, a month of them
on the timetable. Prints how long generating the occurrences takes, and the p50/p95 of the
timetable and availability reads (coach page, public page, coach API, client API).

    python bench/billing_classes.py            # SQLite (a throw-away test database)
    DATABASE_URL=postgres://... python bench/billing_classes.py

It builds its own test database and drops it afterwards; nothing else is touched.
"""

import os
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
from django.test.utils import setup_test_environment  # noqa: E402

CLASSES, COACHES, WEEKS, CALLS = 20, 5, 4, 50


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _timed(func, calls: int) -> list[float]:
    out = []
    for _ in range(calls):
        t0 = time.perf_counter()
        func()
        out.append(time.perf_counter() - t0)
    return out


def bench_timetable(*, classes: int = CLASSES, coaches: int = COACHES, weeks: int = WEEKS, calls: int = CALLS) -> dict:
    """Build the business, generate `weeks` of its `classes`, then time the reads. Returns
    {"generate_s": seconds, "sessions": n, name: (p50_s, p95_s) for each read}."""
    from datetime import timedelta

    from django.test import Client as WebClient
    from django.utils import timezone
    from rest_framework.test import APIClient

    from booking import services
    from booking.models import GroupClass, Session
    from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory, UserFactory

    org = OrganizationFactory(time_zone="Europe/London")
    owner = MembershipFactory(organization=org, role="owner").user
    team = [owner] + [MembershipFactory(organization=org, role="coach").user for _ in range(coaches - 1)]
    service = services.save_service_type(
        organization=org, name="Group training", duration_minutes=45, address="Gym", capacity=12, coaches=team
    )
    rows = []
    for n in range(classes):
        coach = team[n % coaches]
        rows.append(
            GroupClass.objects.create(
                organization=org,
                service=service,
                coach=coach,
                title=f"Class {n + 1}",
                capacity=10,
                weekly_times=[{"weekday": (n // coaches) % 7, "start_time": f"{6 + n % 12:02d}:00"}],
                starts_on=timezone.localdate(),
            )
        )
    t0 = time.perf_counter()
    for group_class in rows:
        services.generate_class_sessions(group_class=group_class, weeks=weeks)
    generate_s = time.perf_counter() - t0
    sessions = list(Session.objects.filter(group_class__in=rows, status="scheduled").order_by("start_at"))
    members = [ClientFactory(organization=org) for _ in range(60)]
    for i, session in enumerate(sessions):  # every class half full, some with a waitlist
        for client in members[i % 7 : i % 7 + (5 if i % 4 else 12)]:
            services.book_class(session=session, client=client, join_waitlist=True)

    web = WebClient()
    web.force_login(owner)
    coach_api = APIClient()
    coach_api.force_authenticate(owner)
    user = UserFactory()
    ClientFactory(organization=org, user=user, email=user.email)
    client_api = APIClient()
    client_api.force_authenticate(user)
    end = (timezone.now() + timedelta(days=7 * weeks)).isoformat()
    reads = {
        "page: coach timetable": lambda: web.get("/booking/classes/"),
        "page: public classes": lambda: web.get(f"/book/{org.slug}/classes/"),
        "API: timetable": lambda: coach_api.get("/api/v1/booking/classes/"),
        "API: class sessions (month)": lambda: coach_api.get("/api/v1/booking/class-sessions/", {"end": end}),
        "API: my classes": lambda: client_api.get("/api/v1/me/classes/"),
    }
    result = {"generate_s": generate_s, "sessions": len(sessions)}
    for name, read in reads.items():
        read()  # warm
        timings = _timed(read, calls)
        result[name] = (pct(timings, 50), pct(timings, 95))
    return result


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        result = bench_timetable()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"database: {connection.vendor}")
    print(
        f"generate {CLASSES} weekly classes × {WEEKS} weeks ({COACHES} coaches): {result['sessions']} occurrences "
        f"in {result['generate_s'] * 1000:.0f} ms"
    )
    for name, value in result.items():
        if isinstance(value, tuple):
            print(f"{name}: p50 {value[0] * 1000:.1f} ms, p95 {value[1] * 1000:.1f} ms over {CALLS} calls")


if __name__ == "__main__":
    main()
