"""Killing a real worker process mid-send and starting another delivers every message
exactly once: the rows say how far each send got, the sweep finishes the rest, and the
provider (here the idempotent file backend) is never handed a message twice.

An `engine` test: on SQLite the worker is a second process writing the same file (WAL)."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from kombu import Connection

from mecto import comms
from mecto.celery import app
from mecto.comms.models import OutboundMessage
from tests.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.engine]
ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Broker:
    """Redis when the suite runs on it, else the embedded filesystem broker in tmp; one
    queue of this test's own, so nothing else consumes it."""

    def __init__(self, tmp_path: Path):
        self.queue = f"comms-test-{uuid.uuid4().hex[:8]}"
        self.folder = tmp_path / "broker"
        if settings.REDIS_URL:
            self.url, self.options = settings.REDIS_URL, {}
        else:
            self.url = "filesystem://"
            self.options = {
                "data_folder_in": str(self.folder / "queue"),
                "data_folder_out": str(self.folder / "queue"),
                "processed_folder": str(self.folder / "processed"),
                "store_processed": False,
                "control_folder": str(self.folder / "control"),
            }
            for key in ("data_folder_in", "processed_folder", "control_folder"):
                Path(self.options[key]).mkdir(parents=True, exist_ok=True)

    def send(self, task: str, *args) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the test process itself runs tasks eagerly
            with Connection(self.url, transport_options=self.options) as conn:
                app.send_task(task, args=list(args), queue=self.queue, connection=conn)

    def env(self, email_log: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
        env.update(
            DJANGO_SETTINGS_MODULE="mecto.settings.dev",
            DATABASE_URL=_database_url(),
            EMAIL_BACKEND="tests.platform.slow_email.SlowFileBackend",
            EMAIL_FILE_PATH=str(email_log),
            COMMS_SENDING_STALE_AFTER="2",
            COMMS_LOST_TASK_AFTER="2",
            PYTHONPATH=str(ROOT),
            LOG_LEVEL="WARNING",
        )
        if settings.REDIS_URL:
            env["REDIS_URL"] = settings.REDIS_URL
        else:
            env["CELERY_BROKER_FOLDER"] = str(self.folder)
        return env


def _start_worker(broker: Broker, email_log: Path, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "mecto", "worker", "--pool", "solo", "-Q", broker.queue]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=broker.env(email_log),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _lines(email_log: Path) -> list[dict]:
    if not email_log.exists():
        return []
    return [json.loads(line) for line in email_log.read_text().splitlines() if line.strip()]


def _wait(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out waiting for {what}; worker log:\n{log.read_text()[-3000:] if log.exists() else ''}")


def test_killing_the_worker_mid_send_delivers_every_message_exactly_once(tmp_path, monkeypatch):
    broker = Broker(tmp_path)
    email_log, worker_log = tmp_path / "email.log", tmp_path / "worker.log"
    published = []
    # The test process runs Celery eagerly; here each committed row goes to a real broker.
    monkeypatch.setattr("mecto.comms.outbox.enqueue", lambda message_id, send_after=None: published.append(message_id))
    org = OrganizationFactory(name="Northside Strength")
    with transaction.atomic():
        keys = [f"worker-test:{n}" for n in range(12)]
        for n, key in enumerate(keys):
            comms.queue_email(
                organization=org,
                to=f"client{n}@example.com",
                topic="account",
                key=key,
                subject=f"Hello {n}",
                text="Hi",
            )
    assert len(published) == 12 and OutboundMessage.objects.filter(status="queued").count() == 12
    for message_id in published:
        broker.send("mecto.deliver_message", message_id)

    first = _start_worker(broker, email_log, worker_log)
    try:
        _wait(lambda: len(_lines(email_log)) >= 3, 120, "the first sends", worker_log)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # no warning, no clean-up: mid-send
        first.wait(timeout=30)
    left = OutboundMessage.objects.exclude(status="sent")
    assert left.exists(), "the worker was killed after it had finished: nothing was interrupted"
    assert len(_lines(email_log)) < 12

    second = _start_worker(broker, email_log, worker_log)
    try:
        time.sleep(2.5)  # older than COMMS_SENDING_STALE_AFTER: the dead worker's row is stale
        broker.send("mecto.sweep_messages")
        _wait(
            lambda: OutboundMessage.objects.filter(status="sent").count() == 12,
            120,
            "every message to be sent",
            worker_log,
        )
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait(timeout=10)
    sent = Counter(line["idempotency_key"] for line in _lines(email_log))
    assert sent == Counter(dict.fromkeys(keys, 1))  # each message once: none lost, none twice
    for message in OutboundMessage.objects.all():
        assert message.provider_id == next(
            line["id"] for line in _lines(email_log) if line["idempotency_key"] == message.idempotency_key
        )
