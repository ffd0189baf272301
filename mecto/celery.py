"""The Celery application: configured from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import beat_init, before_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mecto.settings.dev")

app = Celery("mecto")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_process = {"is_beat": False}


@beat_init.connect
def _mark_beat_process(sender=None, **kwargs):
    _process["is_beat"] = True


@before_task_publish.connect
def _record_beat_heartbeat(sender=None, **kwargs):
    """Beat publishes the heartbeat task; publishing it proves beat is alive."""
    if sender == "mecto.heartbeat" and _process["is_beat"]:
        from mecto.models import Heartbeat

        Heartbeat.record(Heartbeat.BEAT)


def add_periodic_task(name: str, task: str, schedule, **options) -> None:
    """Apps register their beat entries in AppConfig.ready(); beat (DatabaseScheduler)
    syncs them into django-celery-beat's tables, where operators can pause or retime them."""
    app.conf.beat_schedule = {**(app.conf.beat_schedule or {}), name: {"task": task, "schedule": schedule, **options}}
