"""API speed against a bare DRF reference, in one run: requests/s, p50 and p99 at 20
connections, and the server CPU per request, for the lists a coach and the client app hit.

    python bench/api.py [--duration 8] [--rounds 3] [--connections 20] [--only clients]

What it does, all on loopback:
- creates (or reuses, --fresh drops it) the PostgreSQL database `bench_api` on DATABASE_URL's
  server (default postgres://postgres@127.0.0.1:5432), migrates it with the production
  settings, loads the reference data and the demo business, then bulk data
  (bench/api_seed.py: 5,000 clients, 50,000 workout logs of 12 sets, 2,000 bookings);
- starts Mecto under gunicorn with the production settings (DEBUG off, Redis cache on
  REDIS_URL, default redis://127.0.0.1:6379/12; throttles on with a rate the load cannot
  reach) and the bare reference (bench/bare/: Django + DRF defaults over the same tables, no
  tenancy, permissions or throttling), each with 2 sync workers and the repository's
  gunicorn.conf.py settings; Mecto is called with the demo owner's or demo client's app
  session token (X-Session-Token), as the mobile app calls it;
- loads each endpoint with wrk (Debian package `wrk`: -t2 -c20, --latency) for --duration
  seconds, the two systems interleaved round by round, and reads the CPU time of the gunicorn
  workers, PostgreSQL backends and Redis from /proc before and after each load;
- prints the median over rounds per endpoint and Mecto ÷ bare for requests/s and CPU.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")

# label, Mecto path, bare path (None: no reference), who calls it
ENDPOINTS = [
    ("exercises", "/api/v1/exercises/", "/exercises/", "owner"),
    ("exercises?q=bench", "/api/v1/exercises/?q=bench", "/exercises/?q=bench", "owner"),
    ("exercises/{id}", "/api/v1/exercises/{exercise}/", "/exercises/{exercise}/", "owner"),
    ("clients", "/api/v1/clients/", "/clients/?org={org}", "owner"),
    ("clients?page_size=100", "/api/v1/clients/?page_size=100", "/clients/?org={org}&page_size=100", "owner"),
    ("workout-logs", "/api/v1/workout-logs/", "/workout-logs/?org={org}", "owner"),
    ("booking/bookings", "/api/v1/booking/bookings/", "/bookings/?org={org}", "owner"),
    ("me", "/api/v1/me/", None, "owner"),
    ("me/workouts", "/api/v1/me/workouts/", None, "client"),
    ("me/workout-logs", "/api/v1/me/workout-logs/", None, "client"),
    ("me/progress", "/api/v1/me/progress/", None, "client"),
    ("me/threads", "/api/v1/me/threads/", None, "client"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env, **kwargs):
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if result.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def environment(args) -> dict:
    server = args.database.rstrip("/").rsplit("/", 1)[0] if args.database.count("/") > 2 else args.database
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="mecto.settings.production",
        DATABASE_URL=f"{server}/{args.db_name}",
        REDIS_URL=args.redis,
        DJANGO_SECRET_KEY="bench-" + "x" * 60,
        FIELD_ENCRYPTION_KEYS="mTp0x5fJ3m0cJxGmYq0d4m9mJm3lqv2rX2uJcH1QvVY=",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        API_THROTTLE_USER="100000000/minute",
        API_THROTTLE_ANON="100000000/minute",
        BENCH_CLIENTS=str(args.clients),
        BENCH_LOGS=str(args.logs),
        BENCH_BOOKINGS=str(args.bookings),
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare(args, env) -> None:
    server_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", server_url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{args.db_name}'"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists and args.fresh:
        subprocess.run(["psql", server_url, "-qc", f'DROP DATABASE "{args.db_name}" WITH (FORCE)'], check=True)
        exists = ""
    if not exists:
        subprocess.run(["psql", server_url, "-qc", f'CREATE DATABASE "{args.db_name}"'], check=True)
    started = time.perf_counter()
    run([PY, "manage.py", "migrate", "--noinput"], env)
    if not exists:
        run([PY, "manage.py", "load_reference_data"], env)
        run([PY, "manage.py", "seed_demo", "--force"], env)
    print(run([PY, "bench/api_seed.py"], env).strip())
    # Fresh statistics for the planner (autovacuum would get there later), the same for both systems.
    subprocess.run(["psql", env["DATABASE_URL"], "-qc", "VACUUM ANALYZE"], check=True)
    if not (ROOT / "var" / "staticfiles" / "staticfiles.json").exists():
        run([PY, "manage.py", "collectstatic", "--noinput"], env)
    print(f"database ready in {time.perf_counter() - started:.0f} s")


class Server:
    def __init__(self, name, app, env, port, extra=(), workers=2):
        self.name, self.port = name, port
        cmd = [
            str(Path(PY).parent / "gunicorn"),
            app,
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            *extra,
        ]
        self.log = open(Path(tempfile.gettempdir()) / f"mecto-bench-{name}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=self.log, stderr=self.log, start_new_session=True)

    def wait(self, path):
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.5)
        sys.exit(f"{self.name} did not start; see {self.log.name}")

    def workers(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


def cpu_of(pids) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) * TICK_MS
    return found


def service_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-f", "postgres|redis-server"], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def login(port, email, password) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_allauth/app/v1/auth/login",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["meta"]["session_token"]


LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load(server, path, headers, args) -> dict:
    url = f"http://127.0.0.1:{server.port}{path}"
    pids = server.workers() + service_pids()
    before = cpu_of(pids)
    cmd = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True).stdout
    after = cpu_of(pids + service_pids())
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    latency = {p: float(v) * UNITS_MS[u] for p, v, u in LATENCY.findall(out)}
    cpu = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency.get("50", 0.0),
        "p99": latency.get("99", 0.0),
        "cpu": cpu / max(requests, 1),
        "bad": int(errors.group(1)) if errors else 0,
        "socket": socket_errors.group(1) if socket_errors else "",
    }


def check(port, path, headers) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        sys.exit(f"{path} answered {exc.code}: {exc.read()[:500]!r}")
    if not body.startswith(b"{") and not body.startswith(b"["):
        sys.exit(f"{path} did not answer JSON")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db-name", default="bench_api")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--logs", type=int, default=50000)
    parser.add_argument("--bookings", type=int, default=2000)
    parser.add_argument("--only", default="", help="comma-separated labels (substrings) to run")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of Mecto")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class of Mecto (sync, gthread)")
    parser.add_argument("--threads", type=int, default=1, help="threads per Mecto worker (gthread)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    env = environment(args)
    prepare(args, env)
    subprocess.run(["redis-cli", "-u", args.redis, "flushdb"], capture_output=True)
    bare_env = dict(env, DJANGO_SETTINGS_MODULE="bare.settings", PYTHONPATH=str(ROOT / "bench"))
    mecto_workers = ["--worker-class", args.worker_class, "--threads", str(args.threads)]
    mecto = Server("mecto", "mecto.wsgi:application", env, free_port(), mecto_workers, workers=args.workers)
    bare = Server("bare", "bare.wsgi:application", bare_env, free_port(), ["--worker-class", "sync", "--threads", "1"])
    try:
        mecto.wait("/healthz")
        bare.wait("/exercises/")
        ids = json.loads(
            run(
                [
                    PY,
                    "-c",
                    "import django, json; django.setup(); from accounts.models import Organization; "
                    "from training.models import Exercise; "
                    "o = Organization.objects.get(slug='northside-strength'); "
                    "e = Exercise.objects.library().filter(is_archived=False, name__icontains='bench')"
                    ".order_by('pk').first(); "
                    "print(json.dumps({'org': o.pk, 'exercise': e.pk}))",
                ],
                env,
            )
        )
        password = os.environ.get("DEMO_PASSWORD", "mecto-demo-2026")
        tokens = {
            "owner": login(mecto.port, "owner@demo.mecto.test", password),
            "client": login(mecto.port, "client@demo.mecto.test", password),
        }
        chosen = [e for e in ENDPOINTS if not args.only or any(o in e[0] for o in args.only.split(","))]
        for _label, path, bare_path, who in chosen:
            check(mecto.port, path.format(**ids), {"X-Session-Token": tokens[who]})
            if bare_path:
                check(bare.port, bare_path.format(**ids), {})
        figures: dict[tuple[str, str], list[dict]] = {}
        print(
            f"wrk -t2 -c{args.connections} -d{args.duration}s, {args.rounds} rounds, interleaved; "
            f"Mecto: {args.workers} {args.worker_class} gunicorn workers × {args.threads} threads, "
            f"bare: 2 sync workers; CPU = workers + PostgreSQL + Redis per request"
        )
        for n in range(args.rounds):
            for label, path, bare_path, who in chosen:
                runs = [("mecto", mecto, path, {"X-Session-Token": tokens[who]})]
                if bare_path:
                    runs.append(("bare", bare, bare_path, {}))
                if n % 2:
                    runs.reverse()
                for system, server, url, headers in runs:
                    result = load(server, url.format(**ids), headers, args)
                    figures.setdefault((label, system), []).append(result)
                    if result["bad"] or result["socket"]:
                        print(f"  ! {system} {label}: {result['bad']} non-2xx, socket errors: {result['socket']}")
            print(f"round {n + 1} of {args.rounds} done")
        report(chosen, figures)
    finally:
        mecto.stop()
        bare.stop()


def median(rows, key):
    return statistics.median(row[key] for row in rows)


def report(chosen, figures) -> None:
    head = f"{'endpoint (page of 25)':<24} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} │ "
    head += f"{'bare':>7} {'p50':>6} {'p99':>6} {'CPU':>6} │ {'÷ bare':>6} {'CPU ×':>6}"
    print()
    print(head)
    print("─" * len(head))
    for label, _path, bare_path, _who in chosen:
        m = figures[(label, "mecto")]
        line = (
            f"{label:<24} {median(m, 'rps'):>7.0f} {median(m, 'p50'):>7.1f} {median(m, 'p99'):>7.1f} "
            f"{median(m, 'cpu'):>7.1f} │ "
        )
        if bare_path:
            b = figures[(label, "bare")]
            line += (
                f"{median(b, 'rps'):>7.0f} {median(b, 'p50'):>6.1f} {median(b, 'p99'):>6.1f} "
                f"{median(b, 'cpu'):>6.1f} │ "
                f"{median(m, 'rps') / median(b, 'rps'):>5.2f}× {median(m, 'cpu') / median(b, 'cpu'):>5.2f}×"
            )
        else:
            line += f"{'—':>7} {'':>6} {'':>6} {'':>6} │"
        print(line)
    print("÷ bare: Mecto's requests/s over the bare reference's (target ≥ 0.5×); CPU ×: Mecto's server CPU per")
    print("request over the reference's (target ≤ 2×). Medians over the rounds.")


if __name__ == "__main__":
    main()
