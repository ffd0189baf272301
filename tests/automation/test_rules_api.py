"""Automations through the API and the pages: CRUD with nested steps, the ready templates,
the dry run, runs with their timeline, bad input as 400s, and N+1-free lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from automation import engine, library
from automation.models import Automation, AutomationRun, StepKind
from tests.automation.factories import AutomationFactory, AutomationRunFactory, EventFactory, RunStepFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/automations/"


def test_create_edit_and_delete_an_automation_with_steps(org, coach):
    api = api_as(coach)
    body = {
        "name": "Tag new leads",
        "trigger": "client.created",
        "conditions": [{"field": "client.status", "op": "eq", "value": "lead"}],
        "reentry": "once",
        "is_active": True,
        "steps": [
            {"kind": "wait", "config": {"days": 1}},
            {"kind": "add_tag", "config": {"tag": "new"}},
        ],
    }
    made = api.post(BASE, body, format="json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert [s["kind"] for s in data["steps"]] == ["wait", "add_tag"] and data["version"] == 1
    keep = data["steps"][1]["id"]
    changed = api.patch(
        f"{BASE}{data['id']}/", {"steps": [{"id": keep, "kind": "add_tag", "config": {"tag": "x"}}]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert [s["id"] for s in changed.json()["steps"]] == [keep] and changed.json()["version"] == 2
    assert api.delete(f"{BASE}{data['id']}/").status_code == 204
    assert not Automation.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "trigger": "nope"},
        {"name": "x", "trigger": "client.created", "steps": [{"kind": "wait", "config": {}}]},
        {"name": "x", "trigger": "client.created", "steps": [{"kind": "teleport"}]},
        {"name": "x", "trigger": "client.created", "conditions": [{"field": "client.password", "op": "eq"}]},
        {"name": "", "trigger": "client.created"},
    ],
)
def test_bad_input_is_a_400_with_a_message(org, coach, body):
    response = api_as(coach).post(BASE, body, format="json")
    assert response.status_code == 400 and response.json()
    assert not Automation.objects.exists()


def test_templates_of_another_business_are_refused(org, coach):
    from marketing.models import MessageTemplate

    theirs = MessageTemplate.objects.create(organization=OrganizationFactory(), name="x", channel="email")
    body = {"name": "x", "trigger": "client.created", "steps": [{"kind": "send_email", "template": theirs.pk}]}
    assert api_as(coach).post(BASE, body, format="json").status_code == 400


def test_ready_templates_list_enable_and_dry_run(org, coach):
    api = api_as(coach)
    listed = api.get(f"{BASE}templates/").json()
    assert {"missed_session", "welcome_lead", "birthday"} <= {t["key"] for t in listed} and len(listed) >= 8
    enabled = api.post(f"{BASE}templates/missed_session/enable/")
    assert enabled.status_code == 201 and enabled.json()["is_active"] and enabled.json()["trigger"] == "booking.no_show"
    assert api.post(f"{BASE}templates/nope/enable/").status_code == 404
    for status in ("active", "former"):  # each missed a session: the trigger's event of the last days
        EventFactory(
            organization=org, name="booking.no_show", client_id=ClientFactory(organization=org, status=status).pk
        )
    ClientFactory(organization=org, status="active")  # no event: the trigger did not reach them
    dry = api.get(f"{BASE}{enabled.json()['id']}/dry-run/").json()
    assert dry["count"] == 2 and dry["matching"] == 2  # exit rules are not entry conditions
    assert not AutomationRun.objects.exists()


def test_runs_list_filters_and_detail_has_the_timeline(org, coach):
    automation = library.enable_template(organization=org, key="missed_session")
    client = ClientFactory(organization=org)
    run = engine.start_run(automation, client, trigger_key="t1")
    api = api_as(coach)
    listed = api.get("/api/v1/automation-runs/", {"automation": automation.pk}).json()
    assert [r["id"] for r in listed["results"]] == [run.pk]
    assert api.get("/api/v1/automation-runs/", {"state": "failed"}).json()["results"] == []
    detail = api.get(f"/api/v1/automation-runs/{run.pk}/").json()
    assert detail["state"] == "completed"
    assert [t["kind"] for t in detail["timeline"] if t["kind"]] == [
        StepKind.SEND_SMS,
        StepKind.SEND_EMAIL,
        StepKind.CREATE_TASK,
    ]
    assert detail["timeline"][-1]["detail"] == "Completed"


def _queries(func):
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_lists_do_not_grow_their_queries_with_rows(org, coach, client):
    api = api_as(coach)
    client.force_login(coach)

    def pages():
        assert api.get(BASE).status_code == 200
        assert api.get("/api/v1/automation-runs/").status_code == 200
        assert client.get(reverse("automation:automations")).status_code == 200
        assert client.get(reverse("automation:automation_runs_all")).status_code == 200

    AutomationRunFactory(organization=org)
    small = _queries(pages)
    for _ in range(6):
        run = AutomationRunFactory(organization=org)
        RunStepFactory(organization=org, run=run)
        AutomationFactory(organization=org)
    assert _queries(pages) <= small


def test_pages_switch_on_edit_and_show_runs(org, coach, client):
    client.force_login(coach)
    empty = client.get(reverse("automation:automations"))
    assert "No automations yet" in empty.content.decode() and "Missed session" in empty.content.decode()
    response = client.post(reverse("automation:automation_enable", args=["missed_session"]))
    automation = Automation.objects.get()
    assert response.status_code == 302 and automation.is_active
    edit = client.get(reverse("automation:automation_edit", args=[automation.pk]))
    assert edit.status_code == 200
    run = engine.start_run(automation, ClientFactory(organization=org), trigger_key="t")
    AutomationRun.objects.filter(pk=run.pk).update(state="waiting")
    edit = client.get(reverse("automation:automation_edit", args=[automation.pk]))
    assert "1 client is going through this automation now" in edit.content.decode()
    steps = list(automation.steps.order_by("order"))
    form = {
        "name": "Missed session",
        "trigger": "booking.no_show",
        "goal_event": "booking.created",
        "reentry": "always",
        "reentry_days": "30",
        "is_active": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-0-id": str(steps[2].pk),
        "steps-0-order": "1",
        "steps-0-kind": "create_task",
        "steps-0-title": "Call {client}",
        "steps-1-order": "2",
        "steps-1-kind": "wait",
        "steps-1-wait_unit": "days",
        **{f"{p}-{k}": "0" for p in ("cond", "goal", "exit") for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    bad = client.post(reverse("automation:automation_edit", args=[automation.pk]), form)
    assert bad.status_code == 400 and "A wait needs" in bad.content.decode()
    form["steps-1-wait_amount"] = "1"
    ok = client.post(reverse("automation:automation_edit", args=[automation.pk]), form)
    assert ok.status_code == 302
    assert [s.kind for s in automation.steps.order_by("order")] == ["create_task", "wait"]
    assert client.get(reverse("automation:automation_runs", args=[automation.pk])).status_code == 200
    assert client.get(reverse("automation:automation_run", args=[run.pk])).status_code == 200
    assert client.get(reverse("automation:automation_dry_run", args=[automation.pk])).status_code == 200
    assert client.get(reverse("automation:automation_gallery")).status_code == 200
    other = AutomationFactory(organization=OrganizationFactory())
    assert client.get(reverse("automation:automation_edit", args=[other.pk])).status_code == 404
