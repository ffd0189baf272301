"""A real worker sending a 2,000-recipient campaign, killed with SIGKILL twice mid-send and
started again: every recipient gets exactly one message (none lost, none twice).

The worker runs the real tasks (campaign batches, message delivery) against this test's
database, on a broker of the test's own (the filesystem transport in tmp); the email
backend is the sending mechanism's file backend (tests/marketing/counting_email.py), one
line per email handed over."""

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from kombu import Connection

from clients.models import Client
from marketing import engine
from marketing.models import Campaign, CampaignRecipient, SendingSettings
from marketing.services import campaigns as svc
from mecto.celery import app
from mecto.comms.models import Consent, OutboundMessage

from .campaign_helpers import business, email_template

# Runs once, on the CI engine (PostgreSQL): the worker-process path is the same on SQLite.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
ROOT = Path(settings.BASE_DIR)
RECIPIENTS = 2000


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """Start, kill and restart `celery worker` processes on a private broker."""

    def __init__(self, tmp_path: Path):
        self.folder = tmp_path / "broker"
        self.email_log = tmp_path / "email.log"
        self.log = tmp_path / "worker.log"
        self.options = {
            "data_folder_in": str(self.folder / "queue"),
            "data_folder_out": str(self.folder / "queue"),
            "processed_folder": str(self.folder / "processed"),
            "store_processed": False,
            "control_folder": str(self.folder / "control"),
        }
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            Path(self.options[key]).mkdir(parents=True, exist_ok=True)
        self.process = None

    def send(self, task: str, *args) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the test process itself runs tasks eagerly
            with Connection("filesystem://", transport_options=self.options) as conn:
                app.send_task(task, args=list(args), connection=conn)

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
        env.update(
            DJANGO_SETTINGS_MODULE="mecto.settings.dev",
            DATABASE_URL=_database_url(),
            CELERY_BROKER_FOLDER=str(self.folder),
            EMAIL_BACKEND="tests.marketing.counting_email.CountingFileBackend",
            EMAIL_FILE_PATH=str(self.email_log),
            COMMS_SENDING_STALE_AFTER="2",
            COMMS_LOST_TASK_AFTER="2",
            MARKETING_BATCH_STALE_AFTER="2",
            PYTHONPATH=str(ROOT),
            LOG_LEVEL="WARNING",
        )
        command = [sys.executable, "-m", "celery", "-A", "mecto", "worker", "--pool", "solo"]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, sig=signal.SIGKILL) -> None:
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def lines(self) -> list[dict]:
        if not self.email_log.exists():
            return []
        return [json.loads(line) for line in self.email_log.read_text().splitlines() if line.strip()]

    def wait(self, predicate, timeout: float, what: str, *, nudge=None) -> None:
        deadline, last_nudge = time.monotonic() + timeout, time.monotonic()
        while time.monotonic() < deadline:
            if predicate():
                return
            if nudge and time.monotonic() - last_nudge > 2.5:
                nudge()
                last_nudge = time.monotonic()
            time.sleep(0.1)
        pytest.fail(f"Timed out waiting for {what}; worker log:\n{self.log.read_text()[-3000:]}")


def test_killing_the_worker_twice_mid_campaign_sends_every_recipient_exactly_once(tmp_path, monkeypatch):
    worker = Worker(tmp_path)
    # In this process tasks would run eagerly: publish to the worker's broker instead.
    monkeypatch.setattr(engine, "schedule_batch", lambda campaign_id, countdown=0: None)
    org, segment, _ = business(0)
    Client.objects.bulk_create(
        Client(organization=org, first_name=f"Client{n}", last_name="Test", email=f"c{n}@example.com")
        for n in range(RECIPIENTS)
    )
    # Marketing goes only to recorded consent: every recipient gave it.
    Consent.objects.bulk_create(
        Consent(organization=org, channel="email", address=f"c{n}@example.com", granted=True, method="intake form")
        for n in range(RECIPIENTS)
    )
    with transaction.atomic():
        campaign = svc.create_campaign(
            organization=org, name="Big", segment=segment, email_template=email_template(org), rate_per_minute=100_000
        )
    svc.send_campaign_now(campaign=campaign)
    # The business's shared rate is not what is measured here: lift it out of the way.
    SendingSettings.objects.update_or_create(organization=org, defaults={"rate_per_minute": 10**9})
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == RECIPIENTS
    worker.send("marketing.send_campaign_batch", campaign.pk)

    def sent():
        return len(worker.lines())

    def nudge():  # what beat does every minute: restart a lost batch, re-send lost messages
        worker.send("marketing.release_due_campaigns")
        worker.send("mecto.sweep_messages")

    worker.start()
    try:
        worker.wait(lambda: sent() >= 100, 180, "the first sends")
        worker.kill()
        first = sent()
        worker.start()
        worker.wait(lambda: sent() >= first + 300, 180, "sends after the first restart", nudge=nudge)
        worker.kill()
        assert sent() < RECIPIENTS, "the worker finished before it was killed: nothing was interrupted"
        worker.start()
        worker.wait(
            lambda: OutboundMessage.objects.filter(status="sent").count() == RECIPIENTS,
            900,  # a few minutes on a busy 2-core machine
            "every message",
            nudge=nudge,
        )
        worker.wait(
            lambda: Campaign.objects.get(pk=campaign.pk).status == "sent", 30, "the campaign to finish", nudge=nudge
        )
    finally:
        worker.kill(signal.SIGTERM)

    keys = Counter(line["idempotency_key"] for line in worker.lines())
    expected = {
        f"campaign:{campaign.pk}:{pk}:email"
        for pk in Client.objects.filter(organization=org).values_list("pk", flat=True)
    }
    assert set(keys) == expected  # none lost
    assert max(keys.values()) == 1  # none handed to the provider twice
    assert OutboundMessage.objects.count() == RECIPIENTS  # one row per recipient + channel
    assert Counter(tuple(line["to"]) for line in worker.lines()).most_common(1)[0][1] == 1
