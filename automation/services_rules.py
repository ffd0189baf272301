"""Writes about automations: create, edit (live runs keep their place), switch on and off,
delete; and the dry run (who would enter now, writing nothing)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

register_event_type("automation.webhook", gettext_lazy("An automation step called the outgoing webhooks"))

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


def _int(value, field, low=0, high=10_000, step_field="") -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise AutomationError(_("Enter a whole number."), field=field, step_field=step_field) from None
    if not low <= number <= high:
        raise AutomationError(
            _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=field,
            step_field=step_field,
        )
    return number


def _step_error(message, step_field: str) -> AutomationError:
    return AutomationError(message, field="steps", step_field=step_field)


def clean_step(organization, data: dict) -> dict:
    """Validate one step: its kind, its template (of this business, the right channel), its settings.
    Errors name the setting (`step_field`) so the builder shows them beside the input."""
    kind = data.get("kind")
    if kind not in StepKind.values:
        raise _step_error(_("Choose a kind of step."), "kind")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise _step_error(_("Step settings must be an object."), "config")
    template = data.get("template")
    if isinstance(template, int):
        template = MessageTemplate.objects.for_org(organization).filter(pk=template).first()
    if kind in (StepKind.SEND_EMAIL, StepKind.SEND_SMS):
        channel = Channel.EMAIL if kind == StepKind.SEND_EMAIL else Channel.SMS
        if template is None or template.organization_id != organization.pk or template.channel != channel:
            raise _step_error(
                _("Choose a template of your business.")
                if kind == StepKind.SEND_EMAIL
                else _("Choose a text message template of your business."),
                "template",
            )
        category = config.get("category", Category.TRANSACTIONAL)
        if category not in (Category.TRANSACTIONAL, Category.MARKETING):
            raise _step_error(_("Category: transactional or marketing."), "category")
        config = {"category": category}
    else:
        template = None
    if kind == StepKind.WAIT:
        config = {
            k: _int(config.get(k), "steps", 0, 365 if k == "days" else 10_000, step_field="amount")
            for k in ("days", "hours", "minutes")
        }
        if not any(config.values()):
            raise _step_error(_("A wait needs days, hours or minutes."), "amount")
    elif kind == StepKind.WAIT_UNTIL:
        weekdays = config.get("weekdays") or []
        if not isinstance(weekdays, list) or any(_int(d, "steps", 1, 7, step_field="weekdays") != d for d in weekdays):
            raise _step_error(_("Weekdays are 1 (Monday) to 7 (Sunday)."), "weekdays")
        at = str(config.get("time") or "")
        try:
            hour, minute = (int(x) for x in at.split(":"))
            assert 0 <= hour < 24 and 0 <= minute < 60
        except (ValueError, AssertionError):
            raise _step_error(_("Give the time as HH:MM."), "time") from None
        config = {"weekdays": weekdays, "time": f"{hour:02d}:{minute:02d}"}
    elif kind == StepKind.CREATE_TASK:
        raw = config
        title = str(config.get("title") or "").strip()[:200]
        if not title:
            raise _step_error(_("A task needs a title."), "title")
        config = {
            "title": title,
            "detail": str(config.get("detail") or "")[:1000],
            "due_in_days": _int(config.get("due_in_days", 1), "steps", 0, 365, step_field="due_in_days"),
        }
        assignee = raw.get("assignee_id")
        if assignee not in (None, ""):
            from accounts.selectors import team_members

            if (
                not isinstance(assignee, int)
                or not team_members(organization=organization).filter(user_id=assignee).exists()
            ):
                raise _step_error(_("Choose someone of your team."), "assignee")
            config["assignee_id"] = assignee
    elif kind in (StepKind.ADD_TAG, StepKind.REMOVE_TAG):
        tag = " ".join(str(config.get("tag") or "").split())[:40]
        if not tag:
            raise _step_error(_("Name the tag."), "tag")
        config = {"tag": tag}
    elif kind == StepKind.CHANGE_STATUS:
        if config.get("status") not in STATUSES:
            raise _step_error(_("Choose a status: %(s)s.") % {"s": ", ".join(STATUSES)}, "status")
        config = {"status": config["status"]}
    elif kind == StepKind.ASSIGN_PROGRAM:
        from training.models import Program

        pk = config.get("program_id")
        if (
            not isinstance(pk, int)
            or not Program.objects.for_org(organization).filter(pk=pk, is_template=True).exists()
        ):
            raise _step_error(_("Choose a program from your library."), "program")
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


DRY_RUN_DAYS = 30
INACTIVE_TRIGGER = "client.inactive"


def _dry_run_candidates(automation: Automation, now, days: int) -> list[tuple[int, dict, object]]:
    """(client id, trigger payload, when) for each trigger a client would have entered on:
    today's birthdays in each client's zone, the clients inactive now, or the trigger's events
    of the last `days` days (newest first)."""
    organization = automation.organization
    if automation.trigger == BIRTHDAY_TRIGGER:
        out = []
        clients = (
            Client.objects.for_org(organization).filter(date_of_birth__isnull=False).select_related("organization")
        )
        for client in clients.only("pk", "date_of_birth", "time_zone", "organization__time_zone").iterator(2000):
            local = now.astimezone(engine._zone(client)).date()
            if (client.date_of_birth.month, client.date_of_birth.day) == (local.month, local.day):
                out.append((client.pk, {"date": local.isoformat()}, None))
        return out
    if automation.trigger == INACTIVE_TRIGGER:
        from training.selectors import inactive_clients

        return [(row["client_id"], row, None) for row in inactive_clients(organization=organization, now=now)]
    from mecto.models import Event

    events = (
        Event.objects.for_org(organization)
        .filter(name=automation.trigger, client_id__isnull=False, created_at__gte=now - timezone.timedelta(days=days))
        .order_by("-created_at", "-id")
        .values_list("client_id", "payload", "created_at")
    )
    return list(events[:5000])


def _why_entering(automation: Automation, payload: dict, at) -> str:
    if automation.trigger == BIRTHDAY_TRIGGER:
        return _("Birthday today")
    if automation.trigger == INACTIVE_TRIGGER:
        return _("No workout for %(days)s days") % {"days": payload.get("days")}
    return _("%(event)s on %(date)s") % {"event": automation.trigger, "date": at.date().isoformat()}


def dry_run(*, automation: Automation, days: int = DRY_RUN_DAYS, limit: int = 200) -> dict:
    """Who would enter now, writing nothing. The trigger is simulated: for an event, each client
    with such an event in the last `days` days, checked against the client and event conditions
    with that event's payload; for `client.inactive`, the clients inactive now (last workout);
    for a birthday, today's birthdays in each client's zone. Then the re-entry policy.
    Returns who enters and, for every other client the trigger reached, why not."""
    now = timezone.now()
    by_client: dict[int, list] = {}
    for client_id, payload, at in _dry_run_candidates(automation, now, days):
        by_client.setdefault(client_id, []).append((payload or {}, at))
    clients = (
        Client.objects.for_org(automation.organization)
        .filter(pk__in=list(by_client)[:2000])
        .select_related("organization")
        .prefetch_related("tags")
        .order_by("last_name", "first_name", "id")
    )
    client_rules = [r for r in automation.conditions or [] if str(r.get("field", "")).startswith("client.")]
    runs = AutomationRun.objects.filter(automation=automation, client_id__in=list(by_client))
    busy = set(runs.filter(state__in=IN_PROGRESS).values_list("client_id", flat=True))
    seen = set(runs.values_list("client_id", flat=True))
    recent = set(
        runs.filter(started_at__gt=now - timezone.timedelta(days=automation.reentry_days)).values_list(
            "client_id", flat=True
        )
    )
    entering, rows, matching = [], [], 0
    for client in clients:
        triggers = by_client[client.pk]
        hit = next((t for t in triggers if engine.conditions_hold(automation.conditions, client, t[0])), None)
        if hit is None:
            if not engine.conditions_hold(client_rules, client):
                reason = _("Does not match the conditions on the client")
            else:
                reason = _("The event did not match the conditions on the event")
        else:
            matching += 1
            if client.pk in busy:
                reason = _("Already going through this automation")
            elif automation.reentry == Reentry.ONCE and client.pk in seen:
                reason = _("Already went through it (once ever)")
            elif automation.reentry == Reentry.PER_DAYS and client.pk in recent:
                reason = _("Went through it in the last %(days)s days") % {"days": automation.reentry_days}
            else:
                reason = ""
        enters = hit is not None and not reason
        if enters:
            reason = _why_entering(automation, *hit)
            if len(entering) < limit:
                entering.append(client)
        if len(rows) < limit * 2:
            rows.append({"client": client, "enters": enters, "reason": reason})
    return {
        "matching": matching,
        "count": len(entering),
        "entering": entering,
        "rows": rows,
        "not_entering": [r for r in rows if not r["enters"]],
        "reached": len(by_client),
        "days": days,
        "trigger_kind": (
            "birthday"
            if automation.trigger == BIRTHDAY_TRIGGER
            else "inactive"
            if automation.trigger == INACTIVE_TRIGGER
            else "event"
        ),
    }
