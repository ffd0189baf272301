"""The automation engine: events start runs, beat advances them.

- `handle_event` (subscribed to every event) ends running runs whose goal or exit the event
  meets, then starts a run of each active automation the event triggers for a client who
  matches its conditions and its re-entry policy. A run is unique per automation and
  trigger key (`event:{id}`), so a replayed event starts nothing twice.
- `advance_due_runs` (beat, every minute) moves runs whose `next_run_at` has come.
- Every step is idempotent: its timeline row is unique per run and step, its message key
  and task source key are `automation-run:{run}:{step}`.
- Waits are computed in the client's time zone: "1 day" keeps the wall-clock time across a
  DST change, "until Monday 09:00" means 09:00 where the client lives.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client
from mecto.events import subscribe

from .models_rules import (
    BIRTHDAY_TRIGGER,
    IN_PROGRESS,
    Automation,
    AutomationRun,
    AutomationStep,
    Reentry,
    RunState,
    RunStep,
    StepKind,
)

logger = logging.getLogger(__name__)
MAX_STEPS_PER_ADVANCE = 50
OPS = ("eq", "ne", "in", "not_in", "contains", "not_contains", "gt", "lt", "exists", "not_exists")
CLIENT_FIELDS = ("status", "tags", "coach", "source", "email", "phone", "email_consent", "sms_consent", "time_zone")


# --- Conditions ---------------------------------------------------------------------------------------
def _client_value(client: Client, name: str):
    if name == "tags":
        return [t.name.lower() for t in client.tags.all()]
    if name == "coach":
        return client.coach_id
    return getattr(client, name, None)


def _lookup(field: str, client: Client | None, payload: dict):
    scope, _sep, name = str(field).partition(".")
    if scope == "client":
        return _client_value(client, name) if client is not None and name in CLIENT_FIELDS else None
    if scope == "event":
        value = payload
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value
    return None


def _norm(value):
    return value.lower() if isinstance(value, str) else value


def _matches(rule: dict, client: Client | None, payload: dict) -> bool:
    actual = _lookup(rule.get("field", ""), client, payload)
    op, expected = rule.get("op", "eq"), rule.get("value")
    if op == "exists":
        return actual not in (None, "", [])
    if op == "not_exists":
        return actual in (None, "", [])
    if isinstance(actual, list):
        items = [_norm(v) for v in (expected if isinstance(expected, list) else [expected])]
        has = any(i in actual for i in items)
        return {"contains": has, "in": has, "eq": has, "not_contains": not has, "not_in": not has, "ne": not has}.get(
            op, False
        )
    if op in ("in", "not_in"):
        options = [_norm(str(v)) for v in (expected if isinstance(expected, list) else [expected])]
        found = _norm(str(actual)) in options
        return found if op == "in" else not found
    if op in ("gt", "lt"):
        try:
            a, b = float(actual), float(expected)
        except (TypeError, ValueError):
            return False
        return a > b if op == "gt" else a < b
    same = _norm(str(actual)) == _norm(str(expected)) if actual is not None else expected is None
    if op == "contains":
        return actual is not None and _norm(str(expected)) in _norm(str(actual))
    if op == "not_contains":
        return actual is None or _norm(str(expected)) not in _norm(str(actual))
    return same if op == "eq" else not same


def conditions_hold(rules, client: Client | None, payload: dict | None = None) -> bool:
    """Every rule holds (an empty list always does)."""
    return all(_matches(rule, client, payload or {}) for rule in rules or [])


def any_condition_holds(rules, client: Client | None, payload: dict | None = None) -> bool:
    return any(_matches(rule, client, payload or {}) for rule in rules or [])


# --- Time ---------------------------------------------------------------------------------------------
def _zone(client: Client) -> ZoneInfo:
    try:
        return ZoneInfo(client.time_zone or client.organization.time_zone or "UTC")
    except Exception:  # a zone removed from tzdata: fall back rather than stop the run
        return ZoneInfo("UTC")


def _localize(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone`; a time skipped by a DST change moves forward past the gap."""
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(ZoneInfo("UTC")).astimezone(zone)


def wait_end(config: dict, now: datetime, zone: ZoneInfo) -> datetime:
    """`now` plus days (calendar days in the client's zone: same wall-clock time), hours, minutes."""
    days = int(config.get("days") or 0)
    local = now.astimezone(zone)
    wall = local.replace(tzinfo=None) + timedelta(days=days)
    moved = _localize(wall, zone) if days else local
    elapsed = timedelta(hours=int(config.get("hours") or 0), minutes=int(config.get("minutes") or 0))
    return (moved.astimezone(UTC) + elapsed).astimezone(zone)  # hours are elapsed time, not wall-clock


def wait_until_end(config: dict, now: datetime, zone: ZoneInfo) -> datetime:
    """The next `weekdays` (ISO 1 = Monday; any day when empty) at `time` local, after `now`."""
    weekdays = [int(d) for d in config.get("weekdays") or []] or list(range(1, 8))
    hour, minute = (int(x) for x in str(config.get("time") or "09:00").split(":")[:2])
    local = now.astimezone(zone)
    for offset in range(0, 15):
        day = local.date() + timedelta(days=offset)
        if day.isoweekday() not in weekdays:
            continue
        at = _localize(datetime.combine(day, time(hour, minute)), zone)
        if at > now:
            return at
    return now


# --- Starting runs ------------------------------------------------------------------------------------
def _reentry_allows(automation: Automation, client: Client, now: datetime) -> bool:
    previous = AutomationRun.objects.filter(automation=automation, client=client)
    if automation.reentry == Reentry.ONCE:
        return not previous.exists()
    if previous.filter(state__in=IN_PROGRESS).exists():
        return False  # one run at a time per client, whatever the policy
    if automation.reentry == Reentry.PER_DAYS:
        return not previous.filter(started_at__gt=now - timedelta(days=automation.reentry_days)).exists()
    return True


def _first_step(automation: Automation) -> AutomationStep | None:
    return automation.steps.order_by("order", "id").first()


def start_run(automation: Automation, client: Client, *, trigger_key: str, event=None, context=None, now=None):
    """Start a run unless the client has one for this trigger or re-entry forbids it."""
    now = now or timezone.now()
    if AutomationRun.objects.filter(automation=automation, trigger_key=trigger_key).exists():
        return None
    if not _reentry_allows(automation, client, now):
        return None
    first = _first_step(automation)
    try:
        with transaction.atomic():
            run = AutomationRun.objects.create(
                organization=automation.organization,
                automation=automation,
                client=client,
                event=event,
                trigger_key=trigger_key,
                context=context or {},
                current_step=first,
                position=first.order if first else 0,
                next_run_at=now,
                version=automation.version,
                started_at=now,
            )
            _note(run, "start", _("Started by %(trigger)s") % {"trigger": automation.trigger}, now=now)
    except IntegrityError:
        return None
    advance_run(run, now=now)
    return run


def _client_of(event) -> Client | None:
    client_id = event.client_id or (event.payload or {}).get("client_id")
    if not client_id:
        return None
    return (
        Client.objects.for_org(event.organization)
        .select_related("organization")
        .prefetch_related("tags")
        .filter(pk=client_id)
        .first()
    )


@subscribe("*", name="automation.engine")
def handle_event(event) -> None:
    if event.name.startswith("automation."):
        return  # what automations emit never triggers automations: no loops
    client = _client_of(event)
    if client is None:
        return
    now = timezone.now()
    payload = event.payload or {}
    for run in (
        AutomationRun.objects.filter(organization=event.organization, client=client, state__in=IN_PROGRESS)
        .select_related("automation")
        .order_by("id")
    ):
        automation = run.automation
        if automation.goal_event == event.name and conditions_hold(automation.goal_conditions, client, payload):
            finish(run, RunState.GOAL_MET, _("Goal met: %(event)s") % {"event": event.name}, now=now)
            continue
        if event.name in (automation.exit_events or []) or any_condition_holds(
            automation.exit_conditions, client, payload
        ):
            finish(run, RunState.EXITED, _("Exited on %(event)s") % {"event": event.name}, now=now)
    automations = Automation.objects.for_org(event.organization).filter(is_active=True, trigger=event.name)
    for automation in automations.order_by("id"):
        if conditions_hold(automation.conditions, client, payload):
            start_run(automation, client, trigger_key=f"event:{event.pk}", event=event, context=payload, now=now)


def scan_birthdays(now: datetime | None = None) -> int:
    """Start birthday automations for clients whose birthday it is where they live (run hourly)."""
    now = now or timezone.now()
    started = 0
    days = {(now + timedelta(days=d)).date() for d in (-1, 0, 1)}
    for automation in Automation.objects.filter(is_active=True, trigger=BIRTHDAY_TRIGGER).select_related(
        "organization"
    ):
        clients = Client.objects.for_org(automation.organization).filter(date_of_birth__isnull=False)
        from django.db.models import Q

        match = Q()
        for day in days:
            match |= Q(date_of_birth__month=day.month, date_of_birth__day=day.day)
        for client in clients.filter(match).select_related("organization").prefetch_related("tags"):
            local = now.astimezone(_zone(client)).date()
            born = client.date_of_birth
            if (born.month, born.day) != (local.month, local.day) or not conditions_hold(automation.conditions, client):
                continue
            key = f"birthday:{client.pk}:{local.year}"
            if start_run(automation, client, trigger_key=key, context={"date": local.isoformat()}, now=now):
                started += 1
    return started


# --- Advancing runs -----------------------------------------------------------------------------------
def _note(run, key, detail, *, step=None, outcome=RunStep.Outcome.INFO, now=None, **extra) -> RunStep:
    row, _created = RunStep.objects.get_or_create(
        run=run,
        key=key,
        defaults={
            "organization_id": run.organization_id,
            "step": step,
            "kind": step.kind if step else "",
            "outcome": outcome,
            "detail": str(detail)[:300],
            "at": now or timezone.now(),
            **extra,
        },
    )
    return row


def finish(run: AutomationRun, state: str, detail: str, *, now=None) -> None:
    now = now or timezone.now()
    run.state = state
    run.finished_at = now
    run.next_run_at = None
    run.save(update_fields=["state", "finished_at", "next_run_at"])
    _note(run, f"end:{state}", detail, now=now)


def _next_step(run: AutomationRun, after: AutomationStep | None) -> AutomationStep | None:
    steps = AutomationStep.objects.filter(automation_id=run.automation_id).order_by("order", "id")
    if after is None:
        return steps.filter(order__gte=run.position).first()
    return steps.filter(order__gt=after.order).first() or steps.filter(order=after.order, id__gt=after.id).first()


def _move_to(run: AutomationRun, step: AutomationStep | None, now) -> bool:
    """Go on to `step`; past the last step the run is completed (returns False)."""
    if step is None:
        finish(run, RunState.COMPLETED, _("Completed"), now=now)
        return False
    run.current_step = step
    run.position = step.order
    run.state = RunState.RUNNING
    run.next_run_at = now
    return True


def advance_run(run: AutomationRun, *, now: datetime | None = None) -> AutomationRun:
    """Do every step that is due now; stop at a wait, the end, or a failure."""
    from . import steps_rules as step_actions

    now = now or timezone.now()
    client = Client.objects.select_related("organization").prefetch_related("tags").get(pk=run.client_id)
    automation = run.automation
    for _i in range(MAX_STEPS_PER_ADVANCE):
        if run.state not in IN_PROGRESS or (run.next_run_at and run.next_run_at > now):
            break
        if any_condition_holds(automation.exit_conditions, client, run.context):
            finish(run, RunState.EXITED, _("Exited: an exit condition holds"), now=now)
            break
        step = run.current_step
        if step is None:
            step = _next_step(run, None)  # the step it was on was removed: the next that exists
            if step is None:
                finish(run, RunState.COMPLETED, _("Completed"), now=now)
                break
            _move_to(run, step, now)
        elif run.state == RunState.WAITING:  # a wait that is over
            _note(run, f"step:{step.pk}", _("Wait over"), step=step, outcome=RunStep.Outcome.DONE, now=now)
            if not _move_to(run, _next_step(run, step), now):
                break
            continue
        if step.kind in (StepKind.WAIT, StepKind.WAIT_UNTIL):
            zone = _zone(client)
            until = (wait_end if step.kind == StepKind.WAIT else wait_until_end)(step.config, now, zone)
            run.state = RunState.WAITING
            run.next_run_at = until
            run.position = step.order
            run.save(update_fields=["state", "next_run_at", "position", "current_step"])
            _note(
                run,
                f"wait:{step.pk}",
                _("Waiting until %(at)s") % {"at": until.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")},
                step=step,
                outcome=RunStep.Outcome.WAITING,
                now=now,
            )
            return run
        try:
            with transaction.atomic():
                step_actions.perform(run, step, client, now=now)
        except Exception as exc:  # a step that cannot be done: the run stops and says why
            logger.exception("Automation run %s failed at step %s", run.pk, step.pk)
            run.last_error = str(exc)[:500]
            run.save(update_fields=["last_error"])
            _note(run, f"step:{step.pk}", str(exc), step=step, outcome=RunStep.Outcome.FAILED, now=now)
            finish(run, RunState.FAILED, _("Stopped: a step failed"), now=now)
            return run
        if not _move_to(run, _next_step(run, step), now):
            break
    if run.state in IN_PROGRESS:
        run.save(update_fields=["state", "next_run_at", "position", "current_step"])
    return run


def advance_due_runs(now: datetime | None = None, limit: int = 500) -> int:
    """Advance runs whose time has come (beat, every minute); each in its own transaction."""
    now = now or timezone.now()
    ids = list(
        AutomationRun.objects.filter(state__in=IN_PROGRESS, next_run_at__lte=now)
        .order_by("next_run_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            qs = AutomationRun.objects.filter(pk=pk, state__in=IN_PROGRESS, next_run_at__lte=now)
            if connection.vendor == "postgresql":
                qs = qs.select_for_update(skip_locked=True, of=("self",))
            run = qs.select_related("automation").first()
            if run is None:
                continue  # another worker has it, or it moved on
            advance_run(run, now=now)
            done += 1
    return done
