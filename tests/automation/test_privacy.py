"""Automation's part of a client's data rights: the export holds each automation run (name,
state, timeline) and the coach tasks about the client; erasure removes them, and leaves
other clients' and other businesses' runs alone."""

import pytest

from automation import engine, library
from automation.models import AutomationRun, CoachTask, RunStep
from automation.privacy import export_client
from clients.services import request_erasure, run_erasure
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _business():
    org = OrganizationFactory(time_zone="Europe/London")
    coach = MembershipFactory(organization=org, role="coach").user
    people = [
        ClientFactory(organization=org, coach=coach, phone=f"+44770090{n:04d}", status="active") for n in range(2)
    ]
    automation = library.enable_template(organization=org, key="missed_session", actor=coach)
    for client in people:
        engine.start_run(automation, client, trigger_key=f"test:{client.pk}", context={"booking_id": 7})
    return org, automation, people


def test_export_holds_each_run_with_its_name_state_and_timeline():
    org, automation, (client, neighbour) = _business()

    sections = export_client(client).sections

    (run,) = sections["automation_runs"]
    assert run["automation"] == automation.name
    assert run["state"] == AutomationRun.objects.get(client=client).state
    assert run["started_at"] and run["trigger_data"] == {"booking_id": 7}
    assert run["timeline"][0]["detail"].startswith("Started")
    assert {"send_sms", "send_email", "create_task"} <= {line["kind"] for line in run["timeline"]}
    assert len(run["timeline"]) == RunStep.objects.filter(run__client=client).count() > 1
    assert {row["run__automation__name"] for row in sections["automation_timeline"]} == {automation.name}
    (task,) = sections["coach_tasks"]
    assert task["client_id"] == client.pk and task["title"]
    neighbour_run = AutomationRun.objects.get(client=neighbour)
    assert all(line["run_id"] != neighbour_run.pk for line in sections["automation_timeline"])


def test_erasure_removes_runs_timelines_and_tasks_of_the_client_only():
    org, automation, (client, neighbour) = _business()
    other_org, other_automation, (stranger, _) = _business()
    neighbour_lines = RunStep.objects.filter(run__client=neighbour).count()

    audit = run_erasure(erasure=request_erasure(client=client, grace_days=0))

    assert audit.summary["automation.AutomationRun"] == 1
    assert audit.summary["automation.RunStep"] >= 2
    assert audit.summary["automation.CoachTask"] == 1
    assert not AutomationRun.objects.filter(client_id=client.pk).exists()
    assert not CoachTask.objects.filter(client_id=client.pk).exists()
    assert RunStep.objects.filter(run__client=neighbour).count() == neighbour_lines
    assert CoachTask.objects.filter(client=neighbour).count() == 1
    assert AutomationRun.objects.filter(organization=other_org).count() == 2
    assert CoachTask.objects.filter(organization=other_org).count() == 2
