"""Liveness of every part the platform needs: database, broker, worker, beat, storage, email."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    ms: float = 0.0


def _timed(name, func) -> Check:
    start = time.perf_counter()
    try:
        ok, detail = func()
    except Exception as exc:  # a failing dependency is a result, not a crash
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return Check(name, ok, detail, round((time.perf_counter() - start) * 1000, 1))


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, f"{connection.vendor}"


def _broker():
    from mecto.celery import app

    url = app.conf.broker_url or ""
    if url.startswith("filesystem"):
        folder = Path(app.conf.broker_transport_options["data_folder_in"])
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".healthz"
        probe.write_text("ok")
        probe.unlink()
        return True, f"filesystem ({folder})"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return True, url.split("://", 1)[0]


def _heartbeat(name):
    def check():
        from mecto.models import Heartbeat

        beat = Heartbeat.objects.filter(name=name).first()
        if beat is None:
            return False, "never seen"
        age = int((timezone.now() - beat.seen_at).total_seconds())
        return beat.is_alive, f"last seen {age}s ago"

    return check


def _storage():
    name = default_storage.save("healthz/probe.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return True, type(default_storage).__name__


def _email():
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2:]
    label = ".".join(backend)
    if "sendgrid" in settings.EMAIL_BACKEND:
        return bool(settings.SENDGRID_API_KEY), "SendGrid"
    return True, label


def run_checks() -> list[Check]:
    return [
        _timed("database", _database),
        _timed("broker", _broker),
        _timed("worker", _heartbeat("worker")),
        _timed("beat", _heartbeat("beat")),
        _timed("storage", _storage),
        _timed("email", _email),
    ]
