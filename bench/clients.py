"""Benchmark of the client list API over 5,000 clients, and of the coach's inbox over 200
conversations: prints p50/p95 in milliseconds.

`figures_scenarios` adds the clients list with its "who needs me today" figures (last
active, program end, 14-day adherence, unread messages, overdue check-ins and invoices,
credits left), sorted and filtered by them, as the page and the API serve it.

Run against PostgreSQL (a throw-away test database is created and dropped):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mecto python bench/clients.py [--clients 5000] [--runs 60]
        [--inbox-threads 200] [--inbox-only]
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
    parser.add_argument("--figures-only", action="store_true", help="Only the list with its figures.")
    parser.add_argument("--inbox-threads", type=int, default=200)
    parser.add_argument("--inbox-only", action="store_true", help="only the inbox figures")
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
        if not args.figures_only and not args.inbox_only:
            report(seed_and_scenarios(args.clients), args.runs)
        if not args.inbox_only:
            report(figures_scenarios(args.clients), args.runs)
        if not args.figures_only:
            bench_inbox(args.inbox_threads, args.runs)
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


def figures_scenarios(count: int) -> list:
    """A business of `count` clients with a fortnight of scheduled workouts (about half done),
    a message each, some overdue invoices and check-ins and credit grants; the clients list
    with its figures, sorted and filtered by them (API and page)."""
    import datetime

    from django.db import connection
    from django.test import Client as PageClient
    from django.utils import timezone
    from rest_framework.test import APIClient

    from accounts.models import Membership, Organization, User
    from billing.models import Invoice
    from booking.models import CreditEntry, CreditGrant
    from clients.models import CheckIn, CheckInForm, Client, Message, Thread
    from training.models import Program, ProgramWeek, ScheduledWorkout, Workout, WorkoutLog

    now = timezone.now()
    started = time.perf_counter()
    org = Organization.objects.create(name="Figures Gym", slug="figures-gym", time_zone="Europe/London")
    owner = User.objects.create_user(email="owner@figures.test", full_name="Owner")
    Membership.objects.create(organization=org, user=owner, role="owner")
    program = Program.objects.create(organization=org, name="Two weeks", is_template=True)
    weeks = [ProgramWeek.objects.create(organization=org, program=program, position=n) for n in (1, 2)]
    workouts = [
        Workout.objects.create(organization=org, week=weeks[i // 7], program=program, name=f"Day {i}", day=i % 7 + 1)
        for i in range(14)
    ]
    clients = Client.objects.bulk_create(
        [Client(organization=org, first_name=f"Fig{i:05d}", email=f"fig{i}@bench.test") for i in range(count)],
        batch_size=1000,
    )
    scheduled = []
    for i, client in enumerate(clients):
        for k in range(6):  # every two or three days over the last fortnight
            day = now - datetime.timedelta(days=2 * k + i % 2)
            scheduled.append(
                ScheduledWorkout(
                    organization=org,
                    client=client,
                    program=program,
                    workout=workouts[(i + k) % 14],
                    date=day.date(),
                    due_at=day.replace(hour=0, minute=0, second=0, microsecond=0),
                )
            )
    scheduled = ScheduledWorkout.objects.bulk_create(scheduled, batch_size=2000)
    import uuid

    WorkoutLog.objects.bulk_create(
        [
            WorkoutLog(
                organization=org,
                client_id=s.client_id,
                scheduled=s,
                workout_id=s.workout_id,
                client_uuid=uuid.uuid4(),
                performed_at=s.due_at + datetime.timedelta(hours=18),
                status="completed",
            )
            for n, s in enumerate(scheduled)
            if (n * 7) % 10 < 5
        ],
        batch_size=2000,
    )
    threads = Thread.objects.bulk_create(
        [Thread(organization=org, client=c, last_message_at=now) for c in clients], batch_size=1000
    )
    Message.objects.bulk_create(
        [Message(organization=org, client_id=t.client_id, thread=t, from_client=True, body="Hi") for t in threads],
        batch_size=1000,
    )
    form = CheckInForm.objects.create(organization=org, name="Weekly")
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                organization=org,
                client=c,
                form=form,
                due_at=now - datetime.timedelta(days=3),
                overdue_at=now - datetime.timedelta(days=1),
            )
            for c in clients[::5]
        ],
        batch_size=1000,
    )
    Invoice.objects.bulk_create(
        [
            Invoice(
                organization=org,
                client=c,
                status="open",
                currency="GBP",
                total_minor=5000,
                due_at=now - datetime.timedelta(days=4),
            )
            for c in clients[::7]
        ],
        batch_size=1000,
    )
    grants = CreditGrant.objects.bulk_create(
        [CreditGrant(organization=org, client=c, quantity=10, source_ref=f"bench:{c.pk}") for c in clients[::2]],
        batch_size=1000,
    )
    CreditEntry.objects.bulk_create(
        [
            CreditEntry(
                organization=org, grant=g, client_id=g.client_id, kind="consume", delta=-1, idempotency_key=f"b:{g.pk}"
            )
            for g in grants
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"figures business seeded in {time.perf_counter() - started:.1f} s")
    api = APIClient()
    api.force_authenticate(owner)
    page = PageClient()
    page.force_login(owner)
    url = "/api/v1/clients/"
    return [
        ("figures: first page (API)", api, url, {"scope": "all"}),
        ("figures: by adherence (API)", api, url, {"scope": "all", "sort": "adherence"}),
        ("figures: adherence < 50% (API)", api, url, {"scope": "all", "adherence_below": 50}),
        ("figures: unread, overdue (API)", api, url, {"scope": "all", "unread": 1, "overdue_invoice": 1}),
        ("figures: fewest credits (API)", api, url, {"scope": "all", "sort": "credits"}),
        ("figures: by adherence (page)", page, "/clients/", {"scope": "all", "sort": "adherence"}),
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
        rows = len(response.data["results"]) if hasattr(response, "data") else len(response.context["page"])
        print(f"{name:32} {p50:8.1f} {p95:8.1f} {rows:6d}")


def bench_inbox(count: int, runs: int) -> None:
    """The coach's inbox with `count` conversations (each a client's question and the coach's
    answer, a third unread): the page, the API list and its filters, and the live poll."""
    from datetime import UTC, datetime, timedelta

    from django.db import connection
    from django.test import Client as PageClient
    from rest_framework.test import APIClient

    from accounts.models import Membership, Organization, User
    from clients.models import Client, Message, Thread, ThreadRead
    from mecto.models import Event

    started = time.perf_counter()
    org = Organization.objects.create(name="Inbox Gym", slug="inbox-gym", time_zone="Europe/London")
    coach = User.objects.create_user(email="inbox-coach@bench.test", full_name="Inbox Coach")
    Membership.objects.create(organization=org, user=coach, role="owner")
    users = User.objects.bulk_create([User(email=f"inbox-client{i}@bench.test") for i in range(count)])
    clients = Client.objects.bulk_create(
        [
            Client(organization=org, first_name=f"Member{i:04d}", status="active", coach=coach, user=u)
            for i, u in enumerate(users)
        ]
    )
    base = datetime.now(UTC)
    threads = Thread.objects.bulk_create(
        [
            Thread(organization=org, client=c, subject="Coaching", last_message_at=base - timedelta(hours=i))
            for i, c in enumerate(clients)
        ]
    )
    messages = []
    for i, (client, thread) in enumerate(zip(clients, threads, strict=True)):
        at = base - timedelta(hours=i)
        for k in range(5):
            from_client = k % 2 == 0
            messages.append(
                Message(
                    organization=org,
                    thread=thread,
                    client=client,
                    sender=client.user if from_client else coach,
                    from_client=from_client,
                    body=f"Message {k} about the plan",
                    created_at=at - timedelta(minutes=5 - k),
                )
            )
    # Spread over time as real conversations are (the field otherwise stamps "now" on every row).
    sent_field = Message._meta.get_field("created_at")
    sent_field.auto_now_add = False
    try:
        Message.objects.bulk_create(messages, batch_size=1000)
    finally:
        sent_field.auto_now_add = True
    ThreadRead.objects.bulk_create(
        [
            ThreadRead(organization=org, thread=t, user=coach, last_read_at=base - timedelta(hours=i, minutes=3))
            for i, t in enumerate(threads)
            if i % 3
        ]
    )
    Event.objects.bulk_create(
        [
            Event(
                organization=org, name="workout.completed", client_id=c.pk, payload={"workout": "Lower A", "sets": 12}
            )
            for c in clients
        ]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"\ninbox: {count} conversations, {len(messages)} messages · seeded in {time.perf_counter() - started:.1f} s")
    api = APIClient()
    api.force_authenticate(coach)
    page = PageClient()
    page.force_login(coach)
    page.get(f"/inbox/?thread={threads[0].public_id}")  # the open thread is read: the version settles
    etag = api.get("/api/v1/inbox/threads/")["ETag"]
    version = etag.strip('"')
    first = f"/inbox/?thread={threads[0].public_id}"
    scenarios = [
        ("inbox page", page, "/inbox/", {}, 200),
        ("inbox page, a thread open", page, first, {}, 200),
        ("live poll, nothing new", page, "/inbox/live/", {"v": version}, 204),
        ("API list (25)", api, "/api/v1/inbox/threads/", {}, 200),
        ("API list, unanswered > 24 h", api, "/api/v1/inbox/threads/", {"filter": "unanswered"}, 200),
        ("API list, unread", api, "/api/v1/inbox/threads/", {"filter": "unread"}, 200),
        ("API list, 304 unchanged", api, "/api/v1/inbox/threads/", {"HTTP_IF_NONE_MATCH": etag}, 304),
    ]
    print(f"{'scenario':32} {'p50 ms':>8} {'p95 ms':>8}")
    for name, agent, url, params, expected in scenarios:
        headers = {k: v for k, v in params.items() if k.startswith("HTTP_")}
        query = {k: v for k, v in params.items() if not k.startswith("HTTP_")}
        agent.get(url, query, **headers)  # warm up
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            response = agent.get(url, query, **headers)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == expected, (name, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
        print(f"{name:32} {statistics.median(timings):8.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
