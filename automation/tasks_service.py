"""Coach tasks: the one function that creates them (by hand, from an automation step, or
from another app through `mecto` registries later)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

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
