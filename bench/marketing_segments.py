"""Benchmark of segment counts over 50,000 clients: prints p50/p95 in milliseconds per segment.

Builds one business with 50,000 clients (bulk_create) and their tags, consents, workout logs,
scheduled workouts, credit grants, memberships, bookings, habits and check-ins, then counts
representative segments (target: < 200 ms each on PostgreSQL). A throw-away test database
(`test_<name>`) is created and dropped:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mecto_bench_segments python bench/marketing_segments.py

`--keep` leaves the seeded database in place and `--reuse` counts over it without seeding again
(seeding takes minutes); `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of each segment's count.
Drop a kept database with `dropdb --if-exists test_<name>`.

`run_segment_bench(clients=..., runs=...)` returns the figures for bench/marketing.py to print.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mecto_bench_segments")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")

TARGET_MS = 200


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def seed(count: int):
    """One business with `count` clients and enough related rows for every rule to bite."""
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from billing.models import Plan, Subscription
    from booking.models import Booking, CreditEntry, CreditGrant, ServiceType, Session
    from clients.models import Client, ClientTag, Tag
    from clients.models_checkins import CheckIn, CheckInForm
    from mecto.comms.models import Consent
    from nutrition.models import Habit, HabitLog
    from training.models import Program, ProgramWeek, ScheduledWorkout, Workout, WorkoutLog

    rng = random.Random(14)
    now = timezone.now()
    today = now.date()
    org = Organization.objects.create(name="Bench Gym", slug="bench-gym", time_zone="Europe/London", currency="GBP")
    coaches = [User.objects.create_user(email=f"coach{i}@bench.test", full_name=f"Coach {i}") for i in range(10)]
    for i, coach in enumerate(coaches):
        Membership.objects.create(organization=org, user=coach, role="owner" if i == 0 else "coach")
    tags = [Tag.objects.create(organization=org, name=n) for n in ("online", "hybrid", "vip", "marathon", "rehab")]
    statuses = ["lead", "trial", "active", "active", "active", "paused", "former"]
    clients = Client.objects.bulk_create(
        [
            Client(
                organization=org,
                first_name=f"Client{i}",
                last_name="Bench",
                email=f"client{i}@bench.test",
                phone=f"+4477009{i:05d}",
                status=rng.choice(statuses),
                coach=rng.choice(coaches) if i % 5 else None,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )
    ClientTag.objects.bulk_create(
        [ClientTag(organization=org, client=c, tag=t) for c in clients for t in rng.sample(tags, rng.randint(0, 2))],
        batch_size=5000,
    )
    Consent.objects.bulk_create(
        [
            Consent(
                organization=org,
                channel=channel,
                address=c.email if channel == "email" else c.phone,
                granted=rng.random() < 0.8,
                method="bench",
                client_id=c.pk,
                recorded_at=now - timedelta(days=rng.randint(1, 400)),
            )
            for c in clients
            for channel in ("email", "sms")
            if rng.random() < 0.6
        ],
        batch_size=5000,
    )
    WorkoutLog.objects.bulk_create(
        [
            WorkoutLog(
                organization=org,
                client=c,
                client_uuid=uuid.uuid4(),
                name="Session",
                performed_at=now - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 23)),
            )
            for c in clients
            for _ in range(rng.choice((0, 0, 1, 2, 4)))
        ],
        batch_size=5000,
    )
    program = Program.objects.create(organization=org, name="Bench program", is_template=True)
    week = ProgramWeek.objects.create(organization=org, program=program, position=1)
    workouts = [
        Workout.objects.create(organization=org, program=program, week=week, name=f"Day {d}", position=d)
        for d in range(3)
    ]
    ScheduledWorkout.objects.bulk_create(
        [
            ScheduledWorkout(
                organization=org,
                client=c,
                program=program,
                workout=w,
                date=today + timedelta(days=rng.randint(-30, 30)),
                due_at=now,
            )
            for c in clients[: count // 2]
            for w in workouts
        ],
        batch_size=5000,
    )
    grants = CreditGrant.objects.bulk_create(
        [
            CreditGrant(
                organization=org,
                client=c,
                quantity=10,
                expires_at=now + timedelta(days=rng.randint(-10, 90)),
                source_ref=f"bench:{c.pk}",
            )
            for c in clients[::3]
        ],
        batch_size=5000,
    )
    CreditEntry.objects.bulk_create(
        [
            CreditEntry(
                organization=org,
                client_id=g.client_id,
                grant=g,
                kind="consume",
                delta=-1,
                reference=f"bench:{g.pk}:{n}",
                idempotency_key=f"bench:{g.pk}:{n}",
            )
            for g in grants
            for n in range(rng.randint(0, 10))
        ],
        batch_size=5000,
    )
    plan = Plan.objects.create(
        organization=org, name="Monthly", kind="membership", price_minor=12000, currency="GBP", interval="month"
    )
    Subscription.objects.bulk_create(
        [
            Subscription(
                organization=org,
                client=c,
                plan=plan,
                status=rng.choice(["active", "active", "trialing", "past_due", "cancelled"]),
                collection="manual",
                price_minor=12000,
                currency="GBP",
                interval="month",
                started_at=now - timedelta(days=60),
                anchor_at=now - timedelta(days=60),
                current_period_start=now - timedelta(days=10),
                current_period_end=now + timedelta(days=20),
            )
            for c in clients[::2]
        ],
        batch_size=5000,
    )
    service = ServiceType.objects.create(
        organization=org, name="PT", slug="pt", duration_minutes=60, currency="GBP", location_type="in_person"
    )
    booked = clients[::4]
    sessions = Session.objects.bulk_create(
        [
            Session(
                organization=org,
                coach=coaches[i % len(coaches)],
                service=service,
                start_at=now - timedelta(days=60) + timedelta(minutes=7 * i),
                end_at=now - timedelta(days=60) + timedelta(minutes=7 * i + 60),
                location_type="in_person",
            )
            for i in range(len(booked))
        ],
        batch_size=5000,
    )
    Booking.objects.bulk_create(
        [
            Booking(organization=org, session=s, client=c, currency="GBP", status="confirmed")
            for s, c in zip(sessions, booked, strict=True)
        ],
        batch_size=5000,
    )
    # Booked when: spread over the last 60 days.
    for offset in range(0, 60, 5):
        Booking.objects.filter(organization=org, session__start_at__gte=now - timedelta(days=60 - offset)).update(
            created_at=now - timedelta(days=60 - offset)
        )
    habit_clients = clients[::5]
    habits = Habit.objects.bulk_create(
        [
            Habit(organization=org, client=c, name="Water", frequency="daily", start_date=today - timedelta(days=60))
            for c in habit_clients
        ],
        batch_size=5000,
    )
    HabitLog.objects.bulk_create(
        [
            HabitLog(
                organization=org,
                habit=h,
                client_id=h.client_id,
                date=today - timedelta(days=d),
                done=True,
                is_complete=True,
            )
            for h in habits
            for d in range(1, 29)
            if rng.random() < 0.6
        ],
        batch_size=5000,
    )
    form = CheckInForm.objects.create(organization=org, name="Weekly")
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                organization=org,
                client=c,
                form=form,
                due_at=now - timedelta(days=7 * w + 1),
                overdue_at=now - timedelta(days=7 * w),
                submitted_at=(now - timedelta(days=7 * w)) if rng.random() < 0.7 else None,
                status="submitted",
            )
            for c in clients[::6]
            for w in range(4)
        ],
        batch_size=5000,
    )
    return org, tags, coaches


def scenarios(tags, coaches) -> dict:
    vip, online = tags[2].pk, tags[0].pk
    return {
        "active + email consent": (
            [{"field": "status", "op": "is", "value": "active"}, {"field": "email_consent", "op": "granted"}],
            "all",
        ),
        "tag any + coach + not booked 14 d": (
            [
                {"field": "tags", "op": "has_any", "value": [vip, online]},
                {"field": "coach", "op": "is", "value": coaches[1].pk},
                {"field": "booked", "op": "not_within", "value": 14},
            ],
            "all",
        ),
        "inactive 14 d with program + credits >= 3": (
            [
                {"field": "last_active", "op": "not_within", "value": 14},
                {"field": "program", "op": "assigned"},
                {"field": "credits", "op": "gte", "value": 3},
            ],
            "all",
        ),
        "membership past due or cancelled (any)": (
            [
                {"field": "membership", "op": "is", "value": "past_due"},
                {"field": "membership", "op": "is", "value": "cancelled"},
            ],
            "any",
        ),
        "habit <= 50 % or check-in <= 50 % (28 d, any)": (
            [
                {"field": "habit_adherence", "op": "lte", "value": {"percent": 50, "days": 28}},
                {"field": "checkin_adherence", "op": "lte", "value": {"percent": 50, "days": 28}},
            ],
            "any",
        ),
        "every field (all)": (
            [
                {"field": "status", "op": "is_not", "value": "former"},
                {"field": "tags", "op": "has_none", "value": [tags[4].pk]},
                {"field": "created", "op": "within", "value": 365},
                {"field": "last_active", "op": "within", "value": 60},
                {"field": "program", "op": "assigned"},
                {"field": "credits", "op": "gte", "value": 0},
                {"field": "membership", "op": "is", "value": "active"},
                {"field": "booked", "op": "within", "value": 60},
                {"field": "sms_consent", "op": "granted"},
            ],
            "all",
        ),
    }


def seeded():
    """The business a previous run seeded (with --keep), or None."""
    from accounts.models import Organization, User
    from clients.models import Tag

    org = Organization.objects.filter(slug="bench-gym").first()
    if org is None:
        return None
    names = ("online", "hybrid", "vip", "marathon", "rehab")
    by_name = {t.name: t for t in Tag.objects.filter(organization=org, name__in=names)}
    coaches = [User.objects.get(email=f"coach{i}@bench.test") for i in range(10)]
    return org, [by_name[n] for n in names], coaches


def explain(queryset) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the exact SQL the queryset's count() runs (PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        queryset.count()
    sql = captured.captured_queries[-1]["sql"]
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def run_segment_bench(
    *, clients: int = 50_000, runs: int = 20, out=print, reuse: bool = False, show_plans: bool = False
) -> dict:
    """Seed (in the current database) and time segment counts; returns {name: (count, p50, p95)}.

    `reuse` counts over a business seeded before, when there is one; `show_plans` prints each plan."""
    from django.db import connection

    from marketing import segments

    found = seeded() if reuse else None
    if found:
        org, tags, coaches = found
        from clients.models import Client

        out(f"reusing the seeded business: {Client.objects.filter(organization=org).count():,} clients")
    else:
        started = time.perf_counter()
        org, tags, coaches = seed(clients)
        out(f"seeded {clients:,} clients and their rows in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results = {}
    for name, (rules, match) in scenarios(tags, coaches).items():
        rules = segments.validate_rules(org, rules, match)
        timings, total = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            total = segments.evaluate(org, rules, match, validated=True).count()
            timings.append((time.perf_counter() - t0) * 1000)
        p50, p95 = statistics.median(timings), pct(timings, 95)
        results[name] = (total, p50, p95)
        flag = "ok" if p95 < TARGET_MS else f"OVER {TARGET_MS} ms"
        out(f"  {name:<48} {total:>7,} clients   p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {flag}")
        if show_plans:
            out(explain(segments.evaluate(org, rules, match, validated=True)))
            out("")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for a later --reuse")
    parser.add_argument("--reuse", action="store_true", help="count over the database a --keep run left")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of each count")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # With --reuse the database is kept as it is (migrations still apply), otherwise made afresh.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse)
    try:
        print(f"database: {connection.vendor} · clients: {args.clients:,} · runs per segment: {args.runs}")
        if connection.vendor != "postgresql":
            print("note: set DATABASE_URL to a PostgreSQL server for the reference figures")
        run_segment_bench(clients=args.clients, runs=args.runs, reuse=args.reuse, show_plans=args.explain)
    finally:
        if args.keep:
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
