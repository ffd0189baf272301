"""Writes about automations: create, edit (live runs keep their place), switch on and off,
delete; and the dry run (who would enter now, writing nothing)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from marketing.models import MessageTemplate
from mecto.comms.models import Category, Channel
from mecto.events import EVENT_TYPES, register_event_type

from . import engine
from .errors_rules import AutomationError
from .models_rules import (
    BIRTHDAY_TRIGGER,
    IN_PROGRESS,
    Automation,
    AutomationRun,
    AutomationStep,
    Reentry,
    RunState,
    StepKind,
)

register_event_type("automation.webhook", _("An automation step called the outgoing webhooks"))

FIELDS = (
    "name",
    "description",
    "trigger",
    "conditions",
    "goal_event",
    "goal_conditions",
    "exit_events",
    "exit_conditions",
    "reentry",
    "reentry_days",
    "is_active",
)
STATUSES = [s for s, _label in Client.Status.choices]


def trigger_choices() -> list[tuple[str, str]]:
    events = sorted(
        (name, f"{name} — {label}") for name, label in EVENT_TYPES.items() if not name.startswith("automation.")
    )
    return [(BIRTHDAY_TRIGGER, f"{BIRTHDAY_TRIGGER} — {_('The client’s birthday (their time zone)')}"), *events]


def _check_rules(rules, field: str) -> list:
    if rules in (None, ""):
        return []
    if not isinstance(rules, list) or len(rules) > 20:
        raise AutomationError(_("Give up to 20 rules as a list."), field=field)
    for rule in rules:
        if not isinstance(rule, dict) or not isinstance(rule.get("field"), str):
            raise AutomationError(_('Each rule needs a "field", an "op" and a "value".'), field=field)
        scope, _sep, name = rule["field"].partition(".")
        if scope not in ("client", "event") or not name:
            raise AutomationError(_("A field starts with client. or event."), field=field)
        if scope == "client" and name not in engine.CLIENT_FIELDS:
            raise AutomationError(
                _("Client fields: %(fields)s.") % {"fields": ", ".join(engine.CLIENT_FIELDS)}, field=field
            )
        if rule.get("op", "eq") not in engine.OPS:
            raise AutomationError(_("Operators: %(ops)s.") % {"ops": ", ".join(engine.OPS)}, field=field)
    return rules


def _check_event(name: str, field: str, *, allow_birthday=False, blank=False) -> str:
    name = (name or "").strip()
    if not name and blank:
        return ""
    if allow_birthday and name == BIRTHDAY_TRIGGER:
        return name
    if name not in EVENT_TYPES or name.startswith("automation."):
        raise AutomationError(_("Choose one of the product's events."), field=field)
    return name


def _int(value, field, low=0, high=10_000) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise AutomationError(_("Enter a whole number."), field=field) from None
    if not low <= number <= high:
        raise AutomationError(_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field)
    return number


def clean_step(organization, data: dict) -> dict:
    """Validate one step: its kind, its template (of this business, the right channel), its settings."""
    kind = data.get("kind")
    if kind not in StepKind.values:
        raise AutomationError(_("Choose a kind of step."), field="steps")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise AutomationError(_("Step settings must be an object."), field="steps")
    template = data.get("template")
    if isinstance(template, int):
        template = MessageTemplate.objects.for_org(organization).filter(pk=template).first()
    if kind in (StepKind.SEND_EMAIL, StepKind.SEND_SMS):
        channel = Channel.EMAIL if kind == StepKind.SEND_EMAIL else Channel.SMS
        if template is None or template.organization_id != organization.pk or template.channel != channel:
            raise AutomationError(
                _("Choose a %(channel)s template of your business.") % {"channel": channel}, field="steps"
            )
        category = config.get("category", Category.TRANSACTIONAL)
        if category not in (Category.TRANSACTIONAL, Category.MARKETING):
            raise AutomationError(_("Category: transactional or marketing."), field="steps")
        config = {"category": category}
    else:
        template = None
    if kind == StepKind.WAIT:
        config = {
            k: _int(config.get(k), "steps", 0, 365 if k == "days" else 10_000) for k in ("days", "hours", "minutes")
        }
        if not any(config.values()):
            raise AutomationError(_("A wait needs days, hours or minutes."), field="steps")
    elif kind == StepKind.WAIT_UNTIL:
        weekdays = config.get("weekdays") or []
        if not isinstance(weekdays, list) or any(_int(d, "steps", 1, 7) != d for d in weekdays):
            raise AutomationError(_("Weekdays are 1 (Monday) to 7 (Sunday)."), field="steps")
        at = str(config.get("time") or "")
        try:
            hour, minute = (int(x) for x in at.split(":"))
            assert 0 <= hour < 24 and 0 <= minute < 60
        except (ValueError, AssertionError):
            raise AutomationError(_("Give the time as HH:MM."), field="steps") from None
        config = {"weekdays": weekdays, "time": f"{hour:02d}:{minute:02d}"}
    elif kind == StepKind.CREATE_TASK:
        title = str(config.get("title") or "").strip()[:200]
        if not title:
            raise AutomationError(_("A task needs a title."), field="steps")
        config = {
            "title": title,
            "detail": str(config.get("detail") or "")[:1000],
            "due_in_days": _int(config.get("due_in_days", 1), "steps", 0, 365),
        }
    elif kind in (StepKind.ADD_TAG, StepKind.REMOVE_TAG):
        tag = " ".join(str(config.get("tag") or "").split())[:40]
        if not tag:
            raise AutomationError(_("Name the tag."), field="steps")
        config = {"tag": tag}
    elif kind == StepKind.CHANGE_STATUS:
        if config.get("status") not in STATUSES:
            raise AutomationError(_("Choose a status: %(s)s.") % {"s": ", ".join(STATUSES)}, field="steps")
        config = {"status": config["status"]}
    elif kind == StepKind.ASSIGN_PROGRAM:
        from training.models import Program

        pk = config.get("program_id")
        if (
            not isinstance(pk, int)
            or not Program.objects.for_org(organization).filter(pk=pk, is_template=True).exists()
        ):
            raise AutomationError(_("Choose a program from your library."), field="steps")
        config = {"program_id": pk}
    elif kind == StepKind.NOTIFY_COACH:
        config = {"subject": str(config.get("subject") or "")[:200], "text": str(config.get("text") or "")[:2000]}
    elif kind == StepKind.WEBHOOK:
        config = {"name": str(config.get("name") or "")[:80]}
    return {"id": data.get("id"), "kind": kind, "template": template, "config": config}


def _clean(organization, data: dict) -> dict:
    out = {}
    if "name" in data:
        out["name"] = str(data["name"] or "").strip()[:120]
        if not out["name"]:
            raise AutomationError(_("Name the automation."), field="name")
    if "description" in data:
        out["description"] = str(data["description"] or "")[:300]
    if "trigger" in data:
        out["trigger"] = _check_event(data["trigger"], "trigger", allow_birthday=True)
    for field in ("conditions", "goal_conditions", "exit_conditions"):
        if field in data:
            out[field] = _check_rules(data[field], field)
    if "goal_event" in data:
        out["goal_event"] = _check_event(data["goal_event"], "goal_event", blank=True)
    if "exit_events" in data:
        events = data["exit_events"] or []
        if not isinstance(events, list):
            raise AutomationError(_("Give the exit events as a list."), field="exit_events")
        out["exit_events"] = [_check_event(e, "exit_events") for e in events]
    if "reentry" in data:
        if data["reentry"] not in Reentry.values:
            raise AutomationError(_("Choose a re-entry policy."), field="reentry")
        out["reentry"] = data["reentry"]
    if "reentry_days" in data:
        out["reentry_days"] = _int(data["reentry_days"], "reentry_days", 1, 3650)
    if "is_active" in data:
        out["is_active"] = bool(data["is_active"])
    return out


def _save_steps(automation: Automation, steps: list) -> None:
    """Replace the steps: those given with an id keep it (runs on them stay there), the rest are new;
    steps left out are removed (runs on them move to the next step that exists)."""
    if len(steps) > 50:
        raise AutomationError(_("An automation has at most 50 steps."), field="steps")
    cleaned = [clean_step(automation.organization, s) for s in steps]
    existing = {s.pk: s for s in automation.steps.all()}
    keep = []
    for order, data in enumerate(cleaned, start=1):
        step = existing.get(data["id"]) if data["id"] else None
        if step is None:
            step = AutomationStep(organization=automation.organization, automation=automation)
        step.order, step.kind, step.template, step.config = order * 10, data["kind"], data["template"], data["config"]
        step.save()
        keep.append(step.pk)
    automation.steps.exclude(pk__in=keep).delete()


@transaction.atomic
def create_automation(*, organization, actor=None, steps=None, template_key: str = "", **data) -> Automation:
    fields = _clean(organization, {"name": data.get("name"), "trigger": data.get("trigger"), **data})
    automation = Automation.objects.create(
        organization=organization,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        template_key=template_key,
        **fields,
    )
    _save_steps(automation, steps or [])
    return automation


@transaction.atomic
def update_automation(*, automation: Automation, actor=None, steps=None, **data) -> Automation:
    fields = _clean(automation.organization, data)
    for name, value in fields.items():
        setattr(automation, name, value)
    if steps is not None:
        _save_steps(automation, steps)
    automation.version += 1
    automation.save()
    return automation


@transaction.atomic
def set_active(*, automation: Automation, is_active: bool, actor=None) -> Automation:
    automation.is_active = bool(is_active)
    automation.save(update_fields=["is_active", "updated_at"])
    return automation


@transaction.atomic
def delete_automation(*, automation: Automation, actor=None) -> None:
    now = timezone.now()
    for run in automation.runs.filter(state__in=IN_PROGRESS):
        engine.finish(run, RunState.EXITED, _("The automation was deleted"), now=now)
    automation.delete()


def edit_impact(automation: Automation) -> dict:
    """How many runs are in progress, and on which steps: what the edit page tells the coach."""
    runs = AutomationRun.objects.filter(automation=automation, state__in=IN_PROGRESS)
    by_step = {}
    for step_id in runs.values_list("current_step_id", flat=True):
        by_step[step_id] = by_step.get(step_id, 0) + 1
    return {"in_progress": sum(by_step.values()), "by_step": by_step}


def dry_run(*, automation: Automation, limit: int = 200) -> dict:
    """Who would enter now for a simulated trigger: clients matching the conditions (event rules
    are not checked: there is no event) whom re-entry lets in; for a birthday, today's birthdays."""
    now = timezone.now()
    clients = Client.objects.for_org(automation.organization).select_related("organization").prefetch_related("tags")
    if automation.trigger == BIRTHDAY_TRIGGER:
        clients = clients.filter(date_of_birth__isnull=False)
    client_rules = [r for r in automation.conditions or [] if str(r.get("field", "")).startswith("client.")]
    busy = set(
        AutomationRun.objects.filter(automation=automation, state__in=IN_PROGRESS).values_list("client_id", flat=True)
    )
    seen = set(AutomationRun.objects.filter(automation=automation).values_list("client_id", flat=True))
    recent = set(
        AutomationRun.objects.filter(
            automation=automation, started_at__gt=now - timezone.timedelta(days=automation.reentry_days)
        ).values_list("client_id", flat=True)
    )
    entering, matching = [], 0
    for client in clients.order_by("last_name", "first_name", "id").iterator(chunk_size=500):
        if automation.trigger == BIRTHDAY_TRIGGER:
            local = now.astimezone(engine._zone(client)).date()
            if (client.date_of_birth.month, client.date_of_birth.day) != (local.month, local.day):
                continue
        if not engine.conditions_hold(client_rules, client):
            continue
        matching += 1
        if client.pk in busy or (
            automation.reentry == Reentry.ONCE
            and client.pk in seen
            or automation.reentry == Reentry.PER_DAYS
            and client.pk in recent
        ):
            continue
        if len(entering) < limit:
            entering.append(client)
    return {"matching": matching, "entering": entering, "count": len(entering)}
