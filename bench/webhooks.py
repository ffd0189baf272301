"""Webhook benchmark: 5,000 events through the real worker to a local receiver that verifies
every Standard Webhooks signature; prints deliveries per second and the p95 delay from
emit to delivery.

    python bench/webhooks.py                 # 5,000 events (BENCH_EVENTS to change)

It uses its own SQLite file (or DATABASE_URL), Redis db 7 on 127.0.0.1 as the broker
(BENCH_REDIS_URL), starts `celery worker` as a subprocess and stops it at the end. The
receiver listens on 127.0.0.1, so WEBHOOKS_ALLOW_LOOPBACK is switched on for this run only.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="mecto-bench-webhooks-"))
ENV = {
    "DJANGO_SETTINGS_MODULE": "mecto.settings.dev",
    "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{TMP / 'bench.sqlite3'}",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),
    "WEBHOOKS_ALLOW_LOOPBACK": "1",
    "WEBHOOKS_ALLOW_HTTP": "1",
    "DJANGO_DEBUG": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
N = int(os.environ.get("BENCH_EVENTS", "5000"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from standardwebhooks import Webhook  # noqa: E402

arrivals: list[tuple[float, float]] = []  # (received at, emitted at) per verified message
bad: list[str] = []
seen: set[str] = set()
lock = threading.Lock()
SECRET = {"value": ""}


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        try:
            payload = Webhook(SECRET["value"]).verify(body, dict(self.headers.items()))
        except Exception as exc:  # a wrong signature is counted, answered 400 and retried
            with lock:
                bad.append(str(exc))
            self.send_response(400)
            self.end_headers()
            return
        now = time.time()
        emitted = datetime.fromisoformat(payload["timestamp"]).timestamp()
        with lock:
            if self.headers["webhook-id"] not in seen:
                seen.add(self.headers["webhook-id"])
                arrivals.append((now, emitted))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    from django.db import transaction

    from integrations import services_webhooks
    from integrations.models import WebhookDelivery
    from mecto.celery import app
    from mecto.events import emit
    from tests.factories import MembershipFactory, OrganizationFactory

    call_command("migrate", verbosity=0)
    app.connection_for_write().default_channel.client.flushdb()  # this bench's own Redis db
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role="owner").user
    endpoint = services_webhooks.create_endpoint(
        organization=org, actor=owner, url=f"http://127.0.0.1:{server.server_port}/hook", event_types=["client.created"]
    )
    SECRET["value"] = endpoint.secret
    log = (TMP / "worker.log").open("ab")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mecto",
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            "8",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(3)
        started = time.time()
        for n in range(N):
            with transaction.atomic():
                emit(org, "client.created", {"client_id": n})
        emitted_in = time.time() - started
        deadline = time.time() + max(300, N / 5)
        while len(arrivals) < N and time.time() < deadline and worker.poll() is None:
            time.sleep(0.2)
        elapsed = (max(a for a, _ in arrivals) - started) if arrivals else float("nan")
    finally:
        worker.terminate()
        worker.wait(30)
        server.shutdown()
    delays = [received - emitted for received, emitted in arrivals]
    delivered = WebhookDelivery.objects.filter(status="delivered").count()
    print(f"events emitted: {N} in {emitted_in:.1f} s")
    print(f"delivered and verified: {len(arrivals)} (rows marked delivered: {delivered}); bad signatures: {len(bad)}")
    if delays:
        print(f"deliveries per second: {len(arrivals) / elapsed:.1f}")
        print(
            f"delay emit → delivery: p50 {statistics.median(delays) * 1000:.0f} ms, p95 {pct(delays, 95) * 1000:.0f} ms"
        )
    if len(arrivals) < N:
        print(f"missing {N - len(arrivals)}; worker log: {TMP / 'worker.log'}")
        sys.exit(1)


if __name__ == "__main__":
    main()
