"""Billing benchmarks on a production-like database: prints p50/p95 in milliseconds.

    python bench/billing.py [--runs 30] [--fresh] [--only revenue] [--clients 2000] [--years 3]

What it does:
- creates (or reuses; --fresh drops it) the PostgreSQL database `bench_billing` on DATABASE_URL's
  server (default postgres://postgres@127.0.0.1:5432), migrates it with the production settings
  (DEBUG off, Redis cache on REDIS_URL, default redis://127.0.0.1:6379/12), and builds once a
  business of --clients clients over --years years: memberships (monthly, weekly, yearly; with
  free trials, upgrades, downgrades, cancellations and returns) invoiced period by period and
  paid, partial refunds, sessions paid at booking and package credits used on sessions, and a
  commission rate per coach; then VACUUM ANALYZE;
- answers each path in-process through Django's full request stack as the business's owner
  (sessions, tenancy, permissions, templates, the compressed static manifest) --runs times and
  prints p50 / p95 and the number of SQL queries per request.

Sections (`SECTIONS`): `revenue` (the revenue reports page and API) and `timetable` (the class
timetable and availability, `bench/billing_classes.py` in its own process). A section is a function
`(args, context) -> None` that builds what it needs once and prints its figures; add a new one
to `SECTIONS` and `--only` picks it.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DB_NAME = "bench_billing"
ORG_SLUG = "bench-billing"
OWNER_EMAIL = "owner@bench-billing.test"


# --- Database ------------------------------------------------------------------------------------------
def prepare(args) -> dict:
    """The environment of the production settings on `bench_billing`, migrated."""
    import api as bench_api

    env = bench_api.environment(
        argparse.Namespace(
            database=args.database, db_name=DB_NAME, redis=args.redis, clients=args.clients, logs=0, bookings=0
        )
    )
    server_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", server_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists and args.fresh:
        subprocess.run(["psql", server_url, "-qc", f'DROP DATABASE "{DB_NAME}" WITH (FORCE)'], check=True)
        exists = ""
    if not exists:
        subprocess.run(["psql", server_url, "-qc", f'CREATE DATABASE "{DB_NAME}"'], check=True)
    bench_api.run([sys.executable, "manage.py", "migrate", "--noinput"], env)
    if not (ROOT / "var" / "staticfiles" / "staticfiles.json").exists():
        bench_api.run([sys.executable, "manage.py", "collectstatic", "--noinput"], env)
    os.environ.update(env)
    return env


def timed(label: str, call, runs: int) -> None:
    from django.db import connection

    call()  # warm: templates, caches, connection
    queries = []
    # Counted by a wrapper: the request's start clears Django's own query log.
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        response = call()
    assert response.status_code == 200, (label, response.status_code, response.content[:300])
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    print(f"  {label:<44} p50 {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   {len(queries):3d} queries")


# --- Section: revenue reports --------------------------------------------------------------------------
def seed_revenue(args) -> None:
    """A business of `args.clients` clients with `args.years` years of billing, built once."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from billing import periods
    from billing.models import (
        CoachCommission,
        CreditNote,
        Invoice,
        InvoiceLine,
        Payment,
        Plan,
        Purchase,
        Subscription,
    )
    from booking.models import Booking, BookingPayment, CreditEntry, CreditGrant, ServiceType, Session
    from clients.models import Client

    if Organization.objects.filter(slug=ORG_SLUG).exists():
        print("business already built (use --fresh to rebuild)")
        return
    started = time.perf_counter()
    rng = random.Random(7)
    tz = "Europe/London"
    now = timezone.now()
    first_month = periods.shift_months(periods.month_start(now, tz), -12 * args.years, tz)
    months = [periods.shift_months(first_month, i, tz) for i in range(12 * args.years + 1)]

    with transaction.atomic():
        org = Organization.objects.create(name="Bench Billing", slug=ORG_SLUG, time_zone=tz, currency="GBP")
        owner = User.objects.create_user(email=OWNER_EMAIL, full_name="Owner", password="bench-billing-2026")
        Membership.objects.create(organization=org, user=owner, role="owner")
        coaches = [owner] + [
            User.objects.create_user(email=f"coach{i}@bench-billing.test", full_name=f"Coach {i}") for i in range(6)
        ]
        for coach in coaches[1:]:
            Membership.objects.create(organization=org, user=coach, role="coach")
        CoachCommission.objects.bulk_create(
            [CoachCommission(organization=org, coach=c, rate=5 + 2.5 * i) for i, c in enumerate(coaches)]
        )
        plans = {
            "basic": Plan.objects.create(
                organization=org, name="Basic", kind="membership", price_minor=8000, currency="GBP", interval="month"
            ),
            "plus": Plan.objects.create(
                organization=org, name="Plus", kind="membership", price_minor=12000, currency="GBP", interval="month"
            ),
            "weekly": Plan.objects.create(
                organization=org, name="Weekly", kind="membership", price_minor=2500, currency="GBP", interval="week"
            ),
            "yearly": Plan.objects.create(
                organization=org, name="Yearly", kind="membership", price_minor=100000, currency="GBP", interval="year"
            ),
        }
        package = Plan.objects.create(
            organization=org, name="10 sessions", kind="package", price_minor=45000, currency="GBP", sessions=10
        )
        clients = Client.objects.bulk_create(
            [
                Client(
                    organization=org,
                    first_name=f"Client{i:05d}",
                    email=f"client{i}@bench-billing.test",
                    status="active",
                    coach=coaches[i % len(coaches)],
                )
                for i in range(args.clients)
            ],
            batch_size=1000,
        )

        # Memberships: a start month, a run, maybe a return; upgrades, downgrades, discounts and trials.
        subs, periods_of = [], []
        for client in clients:
            start = rng.randrange(0, len(months) - 2)
            runs = [(start, min(len(months) - 1, start + rng.randint(2, 30)))]
            if runs[0][1] < len(months) - 4 and rng.random() < 0.3:
                back = rng.randint(runs[0][1] + 1, len(months) - 2)
                runs.append((back, len(months) - 1))
            kind = rng.choices(["basic", "plus", "weekly", "yearly"], weights=[50, 30, 10, 10])[0]
            for first, last in runs:
                plan = plans[kind]
                sub = Subscription(
                    organization=org,
                    client=client,
                    plan=plan,
                    status="active" if last == len(months) - 1 else "cancelled",
                    collection="manual",
                    price_minor=plan.price_minor,
                    currency="GBP",
                    interval=plan.interval,
                    started_at=months[first],
                    anchor_at=months[first],
                    current_period_start=months[max(first, last - 1)],
                    current_period_end=months[last],
                    cancelled_at=None if last == len(months) - 1 else months[last],
                )
                subs.append(sub)
                periods_of.append((first, last, rng.random() < 0.1, rng.random() < 0.1, rng.random() < 0.15))
        subs = Subscription.objects.bulk_create(subs, batch_size=1000)

        invoices, amounts = [], []
        for sub, (first, last, upgrade, trial, discount) in zip(subs, periods_of, strict=True):
            if sub.interval == "year":
                bounds = [(months[m], months[min(m + 12, len(months) - 1)]) for m in range(first, last, 12)]
            elif sub.interval == "week":
                bounds, cursor = [], months[first]
                while cursor < months[last]:
                    bounds.append((cursor, cursor + timedelta(days=7)))
                    cursor += timedelta(days=7)
            else:
                bounds = [(months[m], months[m + 1]) for m in range(first, last)]
            for k, (start, end) in enumerate(bounds):
                amount = sub.price_minor
                if trial and k == 0:
                    amount = 0
                elif discount and k < 3:
                    amount = sub.price_minor // 2
                elif upgrade and k > len(bounds) // 2:
                    amount = sub.price_minor + 4000
                status = "open" if start > now - timedelta(days=20) and k % 3 == 0 else "paid"
                invoices.append(
                    Invoice(
                        organization=org,
                        client_id=sub.client_id,
                        subscription=sub,
                        status=status,
                        currency="GBP",
                        subtotal_minor=round(amount / 1.2),
                        tax_minor=amount - round(amount / 1.2),
                        total_minor=amount,
                        amount_paid_minor=amount if status == "paid" else 0,
                        period_start=start,
                        period_end=end,
                        issued_at=start,
                        due_at=start + timedelta(days=14),
                        paid_at=start + timedelta(days=rng.randint(0, 10)) if status == "paid" else None,
                    )
                )
                amounts.append(sub.plan_id)
        # Sessions paid at booking: one invoice, payment and booking payment each.
        services = [
            ServiceType.objects.create(
                organization=org, name=name, slug=name.lower().replace(" ", "-").replace(":", ""), price_minor=price
            )
            for name, price in (("PT 1:1", 5000), ("Assessment", 7500))
        ]
        booked = []
        for n in range(args.clients // 2):
            when = months[0] + timedelta(hours=1 + n * 13)
            if when >= now:
                break
            service = services[n % 2]
            booked.append((when, service, coaches[n % len(coaches)], clients[rng.randrange(len(clients))]))
            invoices.append(
                Invoice(
                    organization=org,
                    client=booked[-1][3],
                    status="paid",
                    currency="GBP",
                    subtotal_minor=round(service.price_minor / 1.2),
                    tax_minor=service.price_minor - round(service.price_minor / 1.2),
                    total_minor=service.price_minor,
                    amount_paid_minor=service.price_minor,
                    issued_at=when,
                    paid_at=when,
                )
            )
            amounts.append(None)
        # Packages bought: their invoices, purchases and credit grants.
        bought = []
        for n in range(args.clients // 5):
            when = months[0] + timedelta(hours=5 + n * 61)
            if when >= now:
                break
            bought.append((when, clients[rng.randrange(len(clients))]))
            invoices.append(
                Invoice(
                    organization=org,
                    client=bought[-1][1],
                    status="paid",
                    currency="GBP",
                    subtotal_minor=37500,
                    tax_minor=7500,
                    total_minor=45000,
                    amount_paid_minor=45000,
                    issued_at=when,
                    paid_at=when,
                )
            )
            amounts.append(package.pk)
        for sequence, invoice in enumerate(invoices, start=1):
            invoice.sequence, invoice.number = sequence, f"INV-{sequence:06d}"
            invoice.bill_to_name = "Bench client"
        invoices = Invoice.objects.bulk_create(invoices, batch_size=2000)
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(
                    organization=org,
                    invoice=inv,
                    description="Membership" if inv.subscription_id else "Session",
                    unit_price_minor=inv.total_minor,
                    tax_rate=20,
                    net_minor=inv.subtotal_minor,
                    tax_minor=inv.tax_minor,
                    total_minor=inv.total_minor,
                    plan_id=plan_id,
                )
                for inv, plan_id in zip(invoices, amounts, strict=True)
            ],
            batch_size=2000,
        )
        payments = Payment.objects.bulk_create(
            [
                Payment(
                    organization=org,
                    invoice=inv,
                    client_id=inv.client_id,
                    method="cash" if i % 3 else "transfer",
                    amount_minor=inv.total_minor,
                    currency="GBP",
                    received_at=inv.paid_at,
                )
                for i, inv in enumerate(invoices)
                if inv.status == "paid" and inv.total_minor
            ],
            batch_size=2000,
        )
        by_invoice = {p.invoice_id: p for p in payments}
        refunded = [p for p in payments if rng.random() < 0.02]
        CreditNote.objects.bulk_create(
            [
                CreditNote(
                    organization=org,
                    invoice_id=p.invoice_id,
                    payment=p,
                    client_id=p.client_id,
                    sequence=n,
                    number=f"CN-{n:05d}",
                    amount_minor=p.amount_minor // 2,
                    tax_minor=(p.amount_minor // 2) // 6,
                    currency="GBP",
                    issued_at=p.received_at + timedelta(days=3),
                )
                for n, p in enumerate(refunded, start=1)
            ],
            batch_size=2000,
        )
        session_invoices = [inv for inv in invoices if not inv.subscription_id and inv.total_minor != 45000]
        sessions = Session.objects.bulk_create(
            [
                Session(organization=org, coach=coach, service=service, start_at=when, end_at=when + timedelta(hours=1))
                for when, service, coach, _client in booked
            ],
            batch_size=2000,
        )
        bookings = Booking.objects.bulk_create(
            [
                Booking(
                    organization=org,
                    session=session,
                    client=client,
                    price_minor=service.price_minor,
                    currency="GBP",
                    payment_status="paid",
                    amount_paid_minor=service.price_minor,
                )
                for session, (_when, service, _coach, client) in zip(sessions, booked, strict=True)
            ],
            batch_size=2000,
        )
        BookingPayment.objects.bulk_create(
            [
                BookingPayment(
                    organization=org,
                    booking=booking,
                    amount_minor=booking.price_minor,
                    reference=f"payment:{by_invoice[inv.pk].pk}",
                )
                for booking, inv in zip(bookings, session_invoices, strict=True)
            ],
            batch_size=2000,
        )
        package_invoices = [inv for inv in invoices if inv.total_minor == 45000 and not inv.subscription_id]
        purchases = Purchase.objects.bulk_create(
            [
                Purchase(
                    organization=org,
                    client_id=inv.client_id,
                    plan=package,
                    invoice=inv,
                    sessions=10,
                    credit_source_ref=f"billing:invoice:{inv.public_id}:plan:{package.pk}",
                )
                for inv in package_invoices
            ],
            batch_size=2000,
        )
        grants = CreditGrant.objects.bulk_create(
            [
                CreditGrant(organization=org, client_id=p.client_id, quantity=10, source_ref=p.credit_source_ref)
                for p in purchases
            ],
            batch_size=2000,
        )
        credit_sessions, credit_rows = [], []
        for g, (when, _client) in zip(grants, bought, strict=True):
            for k in range(6):
                start = when + timedelta(days=3 * k + 1, minutes=17)
                if start >= now:
                    break
                credit_sessions.append(
                    Session(
                        organization=org,
                        coach=coaches[(g.pk + k) % len(coaches)],
                        service=services[0],
                        start_at=start,
                        end_at=start + timedelta(hours=1),
                    )
                )
                credit_rows.append((g, start))
        credit_sessions = Session.objects.bulk_create(credit_sessions, batch_size=2000)
        credit_bookings = Booking.objects.bulk_create(
            [
                Booking(organization=org, session=s, client_id=g.client_id, payment_status="credit")
                for s, (g, _start) in zip(credit_sessions, credit_rows, strict=True)
            ],
            batch_size=2000,
        )
        entries = CreditEntry.objects.bulk_create(
            [
                CreditEntry(
                    organization=org,
                    grant=g,
                    client_id=g.client_id,
                    booking=b,
                    kind="consume",
                    delta=-1,
                    reference=f"booking:{b.pk}",
                    idempotency_key=f"consume:{b.pk}",
                )
                for b, (g, _start) in zip(credit_bookings, credit_rows, strict=True)
            ],
            batch_size=2000,
        )
        for entry, (_g, start) in zip(entries, credit_rows, strict=True):
            entry.created_at = start
        CreditEntry.objects.bulk_update(entries, ["created_at"], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built in {time.perf_counter() - started:.0f} s: {len(clients)} clients, {len(subs)} memberships, "
        f"{len(invoices)} invoices, {len(payments)} payments, {len(refunded)} credit notes, "
        f"{len(bookings)} paid sessions, {len(entries)} package credits used"
    )


def bench_revenue(args, context) -> None:
    from django.test import Client as WebClient

    from accounts.models import User

    seed_revenue(args)
    web = WebClient(HTTP_HOST="127.0.0.1")
    web.force_login(User.objects.get(email=OWNER_EMAIL))
    today = datetime.now(UTC).date()
    year = f"from={today.replace(day=1) - timedelta(days=335):%Y-%m-01}&to={today:%Y-%m-%d}"
    print(f"revenue reports · {args.clients} clients · {args.years} years · {args.runs} runs each")
    for label, path in [
        ("page /billing/reports/ (12 months)", "/billing/reports/"),
        ("page /billing/reports/?months=36", "/billing/reports/?months=36"),
        ("page /billing/reports/commission/", "/billing/reports/commission/"),
        ("API reports/mrr/?months=12", "/api/v1/billing/reports/mrr/?months=12"),
        ("API reports/mrr/?months=36", "/api/v1/billing/reports/mrr/?months=36"),
        ("API reports/metrics/", "/api/v1/billing/reports/metrics/"),
        ("API reports/revenue-by/?group=plan", f"/api/v1/billing/reports/revenue-by/?group=plan&{year}"),
        ("API reports/revenue-by/?group=coach", f"/api/v1/billing/reports/revenue-by/?group=coach&{year}"),
        ("API reports/revenue-by/?group=service", f"/api/v1/billing/reports/revenue-by/?group=service&{year}"),
        ("API reports/cash-accrual/ (12 months)", f"/api/v1/billing/reports/cash-accrual/?{year}"),
        ("API reports/commission/ (12 months)", f"/api/v1/billing/reports/commission/?{year}"),
        ("CSV reports/mrr.csv?months=36", "/billing/reports/mrr.csv?months=36"),
    ]:
        timed(label, lambda path=path: web.get(path, secure=True), args.runs)


def bench_timetable(args, context) -> None:
    """The class timetable: `bench/billing_classes.py` in its own process, on a throw-away
    test database of the same server (it builds 20 weekly classes of 5 coaches, a month of
    occurrences, and times generation and the timetable and availability reads)."""
    from urllib.parse import urlsplit, urlunsplit

    server = urlsplit(args.database)
    env = {**os.environ, "DATABASE_URL": urlunsplit(server._replace(path="/bench_classes"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    print("class timetable · 20 weekly classes · 5 coaches · a month of occurrences")
    subprocess.run([sys.executable, str(Path(__file__).with_name("billing_classes.py"))], env=env, check=True)


# Each part adds itself here: name -> function(args, context).
SECTIONS = {"revenue": bench_revenue, "timetable": bench_timetable}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    args = parser.parse_args()

    # 1. The database, migrated with the production settings.
    context = {"env": prepare(args)}
    import django

    django.setup()
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} · settings: production")
    # 2. Each section builds what it needs (once) and prints its figures.
    for name in args.only or list(SECTIONS):
        SECTIONS[name](args, context)


if __name__ == "__main__":
    main()
