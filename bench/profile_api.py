"""Profile one API request path of the bench database in-process (cProfile), as bench/api.py's
server would answer it: production settings, the demo owner's or client's app session.

    python bench/profile_api.py /api/v1/booking/bookings/ [--as client] [--repeat 20] [--top 30]

Run bench/api.py once first (it builds the `bench_api` database)."""

import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--as", dest="who", default="owner", choices=["owner", "client"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each query of the request")
    args = parser.parse_args()
    import api as bench

    env = bench.environment(
        argparse.Namespace(
            database=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"),
            db_name="bench_api",
            redis="redis://127.0.0.1:6379/12",
            clients=5000,
            logs=50000,
            bookings=2000,
        )
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    password = os.environ.get("DEMO_PASSWORD", "mecto-demo-2026")
    web = Client(HTTP_HOST="127.0.0.1")
    email = f"{args.who}@demo.mecto.test"
    assert User.objects.filter(email=email).exists()
    login = web.post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": password}, content_type="application/json"
    )
    token = login.json()["meta"]["session_token"]
    headers = {"HTTP_X_SESSION_TOKEN": token}
    response = web.get(args.path, **headers)
    assert response.status_code == 200, response.content[:400]
    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(record):
        web.get(args.path, **headers)
    # Without the profiler first: wall time per request and the part of it spent in the database.
    spent = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - started)

    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        for _ in range(args.repeat):
            web.get(args.path, **headers)
    wall = (time.perf_counter() - started) * 1000 / args.repeat
    db = sum(spent) * 1000 / args.repeat
    print(f"{args.path}: {wall:.1f} ms per request in-process, of which {db:.1f} ms waiting on the database")
    if args.explain:
        explained = []

        def explain(execute, sql, params, many, context):
            if sql.lstrip().upper().startswith("SELECT"):
                with context["connection"].connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    explained.append((sql, [row[0] for row in cursor.fetchall()]))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(explain):
            web.get(args.path, **headers)
        for sql, plan in explained:
            print(sql[:300])
            print("\n".join("    " + line for line in plan))
    # As gunicorn.conf.py does before forking: the loaded project out of the collector's way.
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    started = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.repeat):
        web.get(args.path, **headers)
    profile.disable()
    elapsed = (time.perf_counter() - started) * 1000 / args.repeat
    print(f"{args.path}: {elapsed:.1f} ms per request in-process (profiled), {len(queries)} queries")
    for took, sql in queries:
        print(f"  {took * 1000:6.2f} ms  {sql[:200]}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
