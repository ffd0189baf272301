"""Reads of automations: the list with runs in progress, runs with their automation and client."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models_rules import IN_PROGRESS, Automation, AutomationRun


def automation_list(*, organization) -> QuerySet[Automation]:
    return (
        Automation.objects.for_org(organization)
        .annotate(
            runs_in_progress=Count("runs", filter=Q(runs__state__in=IN_PROGRESS), distinct=True),
            step_count=Count("steps", distinct=True),
        )
        .order_by("-is_active", "name", "id")
    )


def run_list(*, organization, automation=None, state: str | None = None) -> QuerySet[AutomationRun]:
    qs = AutomationRun.objects.for_org(organization).select_related("automation", "client", "current_step")
    if automation is not None:
        qs = qs.filter(automation=automation)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-started_at", "-id")


def run_detail(*, organization, pk) -> AutomationRun:
    return (
        AutomationRun.objects.for_org(organization)
        .select_related("automation", "client", "current_step")
        .prefetch_related("timeline__step")
        .get(pk=pk)
    )
