"""Coach tasks: the one function that creates them (by hand, from an automation step, or
from another app through `mecto` registries later)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.events import emit

from .models import CoachTask


def create_task(
    organization,
    *,
    title: str,
    client=None,
    assignee=None,
    due_at=None,
    detail: str = "",
    source: str = CoachTask.Source.MANUAL,
    source_key: str = "",
    actor=None,
) -> CoachTask:
    """Create a task once per `source_key` (an automation step retried makes no second task)."""
    if source_key:
        existing = CoachTask.objects.filter(organization=organization, source_key=source_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            task = CoachTask.objects.create(
                organization=organization,
                title=title[:200],
                detail=detail[:1000],
                client=client,
                assignee=assignee,
                due_at=due_at,
                source=source,
                source_key=source_key,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        return CoachTask.objects.get(organization=organization, source_key=source_key)
    emit(organization, "task.created", {"task_id": task.pk, "title": task.title}, actor=actor, client=client)
    return task


class TaskError(DomainError):
    pass


def _check_people(organization, *, client, assignee) -> None:
    from accounts.models import Membership

    if client is not None and client.organization_id != organization.pk:
        raise TaskError(_("Choose a client of this business."), field="client")
    if assignee is not None and not Membership.objects.filter(organization=organization, user=assignee).exists():
        raise TaskError(_("Choose someone on this business's team."), field="assignee")


EDITABLE = ("title", "detail", "client", "assignee", "due_at")


@transaction.atomic
def update_task(*, task: CoachTask, actor=None, **changes) -> CoachTask:
    """Change a task's title, detail, client, assignee or due time."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TaskError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if "title" in changes and not (changes["title"] or "").strip():
        raise TaskError(_("Give the task a title."), field="title")
    _check_people(task.organization, client=changes.get("client"), assignee=changes.get("assignee"))
    for name, value in changes.items():
        setattr(task, name, value.strip() if isinstance(value, str) else value)
    task.save()
    return task


@transaction.atomic
def complete_task(*, task: CoachTask, actor=None) -> CoachTask:
    """Mark done (again: nothing changes)."""
    if task.completed_at is None:
        task.completed_at = timezone.now()
        task.save(update_fields=["completed_at"])
        emit(task.organization, "task.completed", {"task_id": task.pk}, actor=actor, client=task.client)
    return task


@transaction.atomic
def reopen_task(*, task: CoachTask, actor=None) -> CoachTask:
    if task.completed_at is not None:
        task.completed_at = None
        task.save(update_fields=["completed_at"])
    return task


@transaction.atomic
def delete_task(*, task: CoachTask, actor=None) -> None:
    task.delete()


def add_task(organization, *, title: str, actor=None, **fields) -> CoachTask:
    """A task added by hand (page, API): checks what `create_task` trusts its callers with."""
    if not (title or "").strip():
        raise TaskError(_("Give the task a title."), field="title")
    _check_people(organization, client=fields.get("client"), assignee=fields.get("assignee"))
    return create_task(organization, title=title.strip(), actor=actor, **fields)


def open_tasks(*, organization, assignee=None, client=None, done: bool = False):
    """Tasks of one business (a coach's own, one client's), open or done, soonest due first."""
    rows = CoachTask.objects.for_org(organization).select_related("client", "assignee")
    rows = rows.filter(completed_at__isnull=not done)
    if assignee is not None:
        rows = rows.filter(assignee=assignee)
    if client is not None:
        rows = rows.filter(client=client)
    return rows.order_by(F("due_at").asc(nulls_last=True), "id")


def due_by_end_of_today():
    """The end of the business's today (tasks due before it are "due today or overdue")."""
    from datetime import datetime, time, timedelta

    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def due_tasks(*, organization, assignee):
    """A coach's open tasks due today or overdue, soonest first."""
    return open_tasks(organization=organization, assignee=assignee).filter(due_at__lt=due_by_end_of_today())


def due_task_count(*, organization, assignee) -> int:
    return due_tasks(organization=organization, assignee=assignee).count()


def with_sources(tasks, *, organization) -> list[CoachTask]:
    """The tasks, each with `source_label`: "Added by hand", or the automation that made it
    (one query for the whole page, read from the run in the task's `source_key`)."""
    from .models_rules import AutomationRun

    tasks = list(tasks)
    run_ids = {}
    for task in tasks:
        parts = task.source_key.split(":")
        if task.source == CoachTask.Source.AUTOMATION and len(parts) == 3 and parts[1].isdigit():
            run_ids[task.pk] = int(parts[1])
    names = {}
    if run_ids:
        names = dict(
            AutomationRun.objects.filter(organization=organization, pk__in=set(run_ids.values())).values_list(
                "pk", "automation__name"
            )
        )
    for task in tasks:
        name = names.get(run_ids.get(task.pk))
        task.source_label = _("Automation: %(name)s") % {"name": name} if name else str(task.get_source_display())
    return tasks
