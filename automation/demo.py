"""Demo automations (used by `manage.py seed_demo`): "Missed session" and "Welcome a new
lead" switched on, with a few runs in their timelines. Idempotent: a second seed adds nothing."""

from __future__ import annotations

from clients.models import Client
from mecto.demo import demo_seeder

from . import engine, library
from .models_rules import Automation

LIVE = ("missed_session", "welcome_lead")


@demo_seeder(order=80)
def seed_demo_automations(*, organization, owner, clients: dict, **context) -> None:
    made = {}
    for key in LIVE:
        automation = Automation.objects.for_org(organization).filter(template_key=key).first()
        made[key] = automation or library.enable_template(organization=organization, key=key, actor=owner)
    people = sorted(clients.values(), key=lambda c: c.pk)
    leads = [c for c in people if c.status == Client.Status.LEAD][:2]
    regulars = [c for c in people if c.status == Client.Status.ACTIVE][:2]
    for client in leads:
        engine.start_run(made["welcome_lead"], client, trigger_key=f"demo:{client.pk}", context={"demo": True})
    for client in regulars:
        engine.start_run(made["missed_session"], client, trigger_key=f"demo:{client.pk}", context={"demo": True})
