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
