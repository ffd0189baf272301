"""What each kind of automation step does. Each is idempotent per run and step: the
message key and task source key are `automation-run:{run}:{step}`, and the timeline row
is unique per run and step, so a step retried after a crash does nothing twice."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from clients import services as client_services
from marketing.sending import send_to_client
from mecto import comms
from mecto.comms.models import Category, Channel
from mecto.events import emit
from training import services as training_services
from training.models import Program

from .errors_rules import AutomationError
from .handlers import _client_coaches
from .models import CoachTask
from .models_rules import RunStep, StepKind
from .tasks_service import create_task


def step_key(run, step) -> str:
    return f"automation-run:{run.pk}:{step.pk}"


def _done(run, step, detail, *, now, **extra):
    from .engine import _note

    return _note(run, f"step:{step.pk}", detail, step=step, outcome=RunStep.Outcome.DONE, now=now, **extra)


def _skipped(run, step, detail, *, now):
    from .engine import _note

    return _note(run, f"step:{step.pk}", detail, step=step, outcome=RunStep.Outcome.SKIPPED, now=now)


def _send(run, step, client, channel, now):
    template = step.template
    if template is None:
        raise AutomationError(_("This step has no template."), field="template")
    category = step.config.get("category") or Category.TRANSACTIONAL
    topic = step.config.get("topic") or "automations"
    message = send_to_client(
        run.organization,
        client,
        template,
        channel=channel,
        key=step_key(run, step),
        topic=topic,
        category=category,
        extra={"automation": run.automation.name},
    )
    if message is None:
        return _skipped(run, step, _("No address for this channel: skipped"), now=now)
    return _done(run, step, _("Queued %(template)s") % {"template": template.name}, now=now, message_id=message.pk)


def perform(run, step, client, *, now) -> None:
    config = step.config or {}
    kind = step.kind
    if kind == StepKind.SEND_EMAIL:
        _send(run, step, client, Channel.EMAIL, now)
    elif kind == StepKind.SEND_SMS:
        _send(run, step, client, Channel.SMS, now)
    elif kind == StepKind.CREATE_TASK:
        coaches = _client_coaches(client)
        task = create_task(
            run.organization,
            title=(config.get("title") or _("Follow up with {client}")).replace("{client}", client.full_name),
            client=client,
            assignee=_assignee(run, config) or (client.coach if client.coach_id else (coaches[0] if coaches else None)),
            due_at=now + timedelta(days=int(config.get("due_in_days") or 1)),
            detail=config.get("detail") or run.automation.name,
            source=CoachTask.Source.AUTOMATION,
            source_key=step_key(run, step),
        )
        _done(run, step, _("Task: %(title)s") % {"title": task.title}, now=now, task=task)
    elif kind in (StepKind.ADD_TAG, StepKind.REMOVE_TAG):
        name = str(config.get("tag") or "").strip()
        client._prefetched_objects_cache = {}  # a tag an earlier step added is read fresh
        names = list(client.tags.values_list("name", flat=True))
        if kind == StepKind.ADD_TAG and name.lower() not in [n.lower() for n in names]:
            names.append(name)
        elif kind == StepKind.REMOVE_TAG:
            names = [n for n in names if n.lower() != name.lower()]
        client_services.set_client_tags(client=client, tags=names)
        client._prefetched_objects_cache = {}  # conditions after this step see the new tags
        verb = _("Tag added: %(tag)s") if kind == StepKind.ADD_TAG else _("Tag removed: %(tag)s")
        _done(run, step, verb % {"tag": name}, now=now)
    elif kind == StepKind.CHANGE_STATUS:
        status = config.get("status")
        if client.status != status:
            client_services.change_status(client=client, status=status, note=run.automation.name)
        _done(run, step, _("Status: %(status)s") % {"status": status}, now=now)
    elif kind == StepKind.ASSIGN_PROGRAM:
        program = (
            Program.objects.for_org(run.organization).filter(pk=config.get("program_id"), is_template=True).first()
        )
        if program is None:
            raise AutomationError(_("The program of this step no longer exists."), field="config")
        if not _already_done(run, step):
            local_day = now.astimezone(_zone_of(client)).date()
            training_services.assign_program(program=program, clients=[client], start_date=local_day)
        _done(run, step, _("Program assigned: %(name)s") % {"name": program.name}, now=now)
    elif kind == StepKind.NOTIFY_COACH:
        coaches = [c for c in _client_coaches(client) if c.email]
        subject = (
            (config.get("subject") or _("{automation}: {client}"))
            .replace("{automation}", run.automation.name)
            .replace("{client}", client.full_name)
        )
        for coach in coaches:
            comms.queue_email(
                organization=run.organization,
                to=coach.email,
                topic="automations",
                key=f"{step_key(run, step)}:{coach.pk}",
                category=Category.TRANSACTIONAL,
                subject=subject,
                text=config.get("text") or subject,
            )
        _done(run, step, _("Coach emailed (%(count)s)") % {"count": len(coaches)}, now=now)
    elif kind == StepKind.WEBHOOK:
        emit(
            run.organization,
            "automation.webhook",
            {
                "name": config.get("name") or run.automation.name,
                "automation_id": run.automation_id,
                "run_id": run.pk,
                "step_id": step.pk,
                "client_id": client.pk,
                "trigger": run.context,
            },
            client=client,
        )
        _done(run, step, _("Webhook event emitted"), now=now)
    else:
        raise AutomationError(_("Unknown step kind."), field="kind")


def _assignee(run, config):
    """The team member the step names, if they are still in the business; else the client's coach."""
    if not config.get("assignee_id"):
        return None
    from accounts.selectors import team_members

    member = team_members(organization=run.organization).filter(user_id=config["assignee_id"]).first()
    return member.user if member else None


def _already_done(run, step) -> bool:
    return RunStep.objects.filter(run=run, key=f"step:{step.pk}").exists()


def _zone_of(client):
    from .engine import _zone

    return _zone(client)
