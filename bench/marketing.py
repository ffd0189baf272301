"""Campaign benchmark: a 10,000-recipient email campaign sent through real Celery workers to a
local fake SendGrid (an HTTP server on 127.0.0.1 answering Mail Send with 202). Prints the
messages per second and the time from "send now" to the last message the provider received
(target: >= 100 messages/s).

    python bench/marketing.py                                  # SQLite, one worker
    DATABASE_URL=postgres://... python bench/marketing.py [--recipients 10000] [--workers 2]

It builds its own test database and drops it afterwards; nothing else is touched.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.test")
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


class FakeSendGrid(BaseHTTPRequestHandler):
    received: list = []
    lock = threading.Lock()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.lock:
            self.received.append(time.monotonic())
            number = len(self.received)
        self.send_response(202)
        self.send_header("X-Message-Id", f"bench{number:08d}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1 if "sqlite" in connection.vendor else 2)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args):
    from kombu import Connection

    from clients.models import Client
    from marketing import engine
    from marketing.models import MessageTemplate, Segment, SendingSettings
    from marketing.services import campaigns as services
    from mecto.celery import app
    from mecto.comms.models import Consent, OutboundMessage
    from tests.factories import OrganizationFactory

    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSendGrid)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-marketing-"))
    options = {
        "data_folder_in": str(tmp / "queue"),
        "data_folder_out": str(tmp / "queue"),
        "processed_folder": str(tmp / "processed"),
        "store_processed": False,
        "control_folder": str(tmp / "control"),
    }
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(options[key]).mkdir(parents=True, exist_ok=True)

    n = args.recipients
    org = OrganizationFactory(time_zone="Europe/London")
    Client.objects.bulk_create(
        (Client(organization=org, first_name=f"C{i}", last_name="Bench", email=f"c{i}@example.com") for i in range(n)),
        batch_size=2000,
    )
    Consent.objects.bulk_create(
        (
            Consent(organization=org, channel="email", address=f"c{i}@example.com", granted=True, method="bench")
            for i in range(n)
        ),
        batch_size=2000,
    )
    template = MessageTemplate.objects.create(
        organization=org,
        name="Bench",
        channel="email",
        subject="Hi {{ client.first_name }}",
        blocks=[{"type": "text", "text": "Hello"}],
    )
    segment = Segment.objects.create(organization=org, name="Everyone")
    campaign = services.create_campaign(
        organization=org, name="Bench", segment=segment, email_template=template, rate_per_minute=100_000
    )
    # The business's shared rate is not what is measured here: lift it out of the way.
    SendingSettings.objects.update_or_create(organization=org, defaults={"rate_per_minute": 10**9})

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="mecto.settings.dev",
        DATABASE_URL=database_url(),
        CELERY_BROKER_FOLDER=str(tmp),
        EMAIL_BACKEND="mecto.comms.sendgrid.EmailBackend",
        SENDGRID_API_KEY="SG.bench.not-real",
        SENDGRID_API_HOST=f"http://127.0.0.1:{server.server_port}",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    workers = []
    for number in range(args.workers):
        command = [sys.executable, "-m", "celery", "-A", "mecto", "worker", "--pool", "solo", "-n", f"bench{number}@%h"]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "ERROR"]
        workers.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=(tmp / "worker.log").open("ab"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    time.sleep(3)  # the workers start
    engine.schedule_batch = lambda campaign_id, countdown=0: None  # this process runs tasks eagerly
    started = time.monotonic()
    services.send_campaign_now(campaign=campaign)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Connection("filesystem://", transport_options=options) as conn:
            app.send_task("marketing.send_campaign_batch", args=[campaign.pk], connection=conn)
    try:
        deadline = started + 900
        while len(FakeSendGrid.received) < n and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
        server.shutdown()
    received = len(FakeSendGrid.received)
    elapsed = (FakeSendGrid.received[-1] - started) if received else float("nan")
    campaign.refresh_from_db()
    print(f"recipients: {n}  workers: {args.workers}  database: {connection.vendor}")
    print(f"messages received by the fake provider: {received}")
    print(f"time to the last message: {elapsed:.1f} s")
    print(f"messages per second: {received / elapsed:.1f}")
    print(f"message rows: {OutboundMessage.objects.count()}  campaign status: {campaign.status}")
    if received < n:
        print(f"worker log: {tmp / 'worker.log'}")
        sys.exit(1)


if __name__ == "__main__":
    main()
