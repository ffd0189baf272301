"""Demo automations (used by `manage.py seed_demo`): "Missed session" and "Welcome a new
lead" switched on, with runs in different states (completed, waiting, goal met). Idempotent:
runs are keyed by client, so a second seed adds nothing."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.demo import demo_seeder

from . import engine, library
from .models_rules import Automation, RunState

LIVE = ("missed_session", "welcome_lead")

# (automation, client email, started days ago, what happened since)
RUNS = [
    ("welcome_lead", "sam.lead@demo.mecto.test", 4, "completed"),  # the wait is over: follow-up and task done
    ("welcome_lead", "omar.hassan@demo.mecto.test", 1, "waiting"),  # waiting to send the follow-up
    ("welcome_lead", "priya.shah@demo.mecto.test", 6, "goal_met"),  # booked a first session
    ("missed_session", "client@demo.mecto.test", 9, "completed"),
    ("missed_session", "maya.patel@demo.mecto.test", 2, "completed"),
]


@demo_seeder(order=80)
@transaction.atomic
def seed_demo_automations(*, organization, owner, clients: dict, **context) -> None:
    made = {}
    for key in LIVE:
        automation = Automation.objects.for_org(organization).filter(template_key=key).first()
        made[key] = automation or library.enable_template(organization=organization, key=key, actor=owner)
    now = timezone.now()
    for key, email, days_ago, outcome in RUNS:
        client = clients.get(email)
        if client is None:
            continue
        started = now - timedelta(days=days_ago)
        run = engine.start_run(made[key], client, trigger_key=f"demo:{client.pk}", context={"demo": True}, now=started)
        if run is None:  # seeded before
            continue
        if outcome == "completed" and run.state == RunState.WAITING:
            engine.advance_run(run, now=run.next_run_at)
        elif outcome == "goal_met" and run.state == RunState.WAITING:
            engine.finish(run, RunState.GOAL_MET, _("Goal met: booked a session"), now=started + timedelta(days=1))
