"""What automation keeps about a client (the automations they went through, each run's
timeline, and the coach tasks and alerts about them), for their export and erasure.
Registered with mecto.privacy in AppConfig.ready()."""

from __future__ import annotations

from mecto.privacy import Export, delete_rows, plain, rows, section


def export_client(client) -> Export:
    from .models import CoachTask
    from .models_rules import AutomationRun, RunStep

    export = Export()
    runs = list(
        AutomationRun.objects.filter(client=client)
        .select_related("automation")
        .prefetch_related("timeline")
        .order_by("started_at", "id")
    )
    export.sections["automation_runs"] = [
        {
            "id": run.pk,
            "automation": run.automation.name,
            "state": run.state,
            "started_at": plain(run.started_at),
            "finished_at": plain(run.finished_at),
            "next_step_at": plain(run.next_run_at),
            "last_error": run.last_error,
            "trigger_data": run.context,
            "timeline": [
                {"at": plain(line.at), "kind": line.kind, "outcome": line.outcome, "detail": line.detail}
                for line in run.timeline.all()
            ],
        }
        for run in runs
    ]
    export.sections["automation_timeline"] = rows(
        RunStep.objects.filter(run__client=client).order_by("run_id", "at", "id"),
        exclude=("organization", "key", "step", "task"),
        related=("run__automation__name",),
    )
    section(
        export,
        "coach_tasks",
        CoachTask.objects.filter(client=client).order_by("created_at", "id"),
        exclude=("organization", "source_key"),
    )
    return export


def erase_client(client, *, request=None) -> dict[str, int]:
    """Runs (their timelines with them), tasks and alerts about the client go. The events
    that started the runs carry ids only and stay with the outbox."""
    from .models import CoachAlert, CoachTask
    from .models_rules import AutomationRun, RunStep

    return delete_rows(
        {},
        RunStep.objects.filter(run__client=client),
        AutomationRun.objects.filter(client=client),
        CoachTask.objects.filter(client=client),
        CoachAlert.objects.filter(client=client),
    )
