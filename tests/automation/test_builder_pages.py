"""The automation builder page: conditions and steps as plain posted fields (no JSON), inline
errors that save nothing, and the dry run of each kind of trigger (page and API)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from automation import engine
from automation.models import Automation, AutomationRun
from tests.automation.factories import AutomationFactory, AutomationStepFactory, EventFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MessageTemplateFactory, OrganizationFactory
from tests.training.factories import ProgramFactory, ScheduledWorkoutFactory

pytestmark = pytest.mark.django_db
NEW = reverse("automation:automation_new")


def _management(**counts) -> dict:
    """Management forms of the rule rows (cond, goal, exit) and steps: TOTAL and INITIAL."""
    out = {}
    for prefix in ("cond", "goal", "exit", "steps"):
        total, initial = counts.get(prefix, (0, 0))
        out[f"{prefix}-TOTAL_FORMS"], out[f"{prefix}-INITIAL_FORMS"] = str(total), str(initial)
    return out


def _base(**extra) -> dict:
    return {
        "name": "Welcome leads",
        "trigger": "client.created",
        "reentry": "once",
        "reentry_days": "30",
        "is_active": "on",
        **extra,
    }


def test_coach_builds_an_automation_from_plain_fields(org, coach, client):
    client.force_login(coach)
    template = MessageTemplateFactory(organization=org, name="Welcome")
    page = client.get(NEW).content.decode()
    assert 'name="cond-0-field"' in page and 'name="steps-0-email_template"' in page
    assert "Welcome" in page  # the business's templates are offered
    form = _base(
        **_management(cond=(3, 0), exit=(1, 0), steps=(3, 0)),
        **{
            "cond-0-field": "client.status",
            "cond-0-op": "eq",
            "cond-0-value": "lead",
            "cond-1-field": "client.email_consent",
            "cond-1-op": "eq",
            "cond-1-value": "true",
            "cond-2-field": "event",
            "cond-2-event_key": "service.kind",
            "cond-2-op": "in",
            "cond-2-value": "pt, group",
            "exit-0-field": "client.status",
            "exit-0-op": "eq",
            "exit-0-value": "former",
            "exit_events": ["booking.created", "client.deleted"],
            "steps-0-order": "1",
            "steps-0-kind": "send_email",
            "steps-0-email_template": str(template.pk),
            "steps-0-category": "marketing",
            "steps-1-order": "2",
            "steps-1-kind": "wait",
            "steps-1-wait_amount": "2",
            "steps-1-wait_unit": "days",
            "steps-2-order": "3",
            "steps-2-kind": "create_task",
            "steps-2-title": "Call {client}",
            "steps-2-due_in_days": "3",
        },
    )
    response = client.post(NEW, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    automation = Automation.objects.get()
    assert automation.conditions == [
        {"field": "client.status", "op": "eq", "value": "lead"},
        {"field": "client.email_consent", "op": "eq", "value": True},
        {"field": "event.service.kind", "op": "in", "value": ["pt", "group"]},
    ]
    assert automation.exit_conditions == [{"field": "client.status", "op": "eq", "value": "former"}]
    assert sorted(automation.exit_events) == ["booking.created", "client.deleted"]
    steps = list(automation.steps.order_by("order"))
    assert [(s.kind, s.config) for s in steps] == [
        ("send_email", {"category": "marketing"}),
        ("wait", {"days": 2, "hours": 0, "minutes": 0}),
        ("create_task", {"title": "Call {client}", "detail": "", "due_in_days": 3}),
    ]
    assert steps[0].template == template
    # The rules work as the engine reads them.
    lead = ClientFactory(organization=org, status="lead", email_consent=True)
    assert engine.conditions_hold(automation.conditions, lead, {"service": {"kind": "PT"}})
    assert not engine.conditions_hold(automation.conditions, lead, {"service": {"kind": "yoga"}})


def test_edit_shows_rows_and_saves_reorder_removal_and_new_kinds(org, coach, client):
    client.force_login(coach)
    program = ProgramFactory(organization=org, is_template=True, name="Base strength")
    automation = AutomationFactory(
        organization=org, conditions=[{"field": "client.status", "op": "eq", "value": "trial"}]
    )
    tag = AutomationStepFactory(organization=org, automation=automation, order=10, config={"tag": "vip"})
    wait = AutomationStepFactory(
        organization=org, automation=automation, order=20, kind="wait_until", config={"weekdays": [1], "time": "09:00"}
    )
    url = reverse("automation:automation_edit", args=[automation.pk])
    page = client.get(url).content.decode()
    assert '<option value="trial" selected>' in page  # the condition's value is a status select
    assert 'value="vip"' in page and 'value="09:00"' in page
    form = _base(
        name=automation.name,
        **_management(cond=(1, 1), steps=(3, 2)),
        **{
            "cond-0-field": "client.status",
            "cond-0-op": "ne",
            "cond-0-value": "former",
            "steps-0-id": str(tag.pk),
            "steps-0-order": "2",
            "steps-0-kind": "add_tag",
            "steps-0-tag": "vip",
            "steps-1-id": str(wait.pk),
            "steps-1-order": "1",
            "steps-1-kind": "wait_until",
            "steps-1-weekdays": ["1", "3"],
            "steps-1-at_time": "07:30",
            "steps-1-DELETE": "on",
            "steps-2-order": "1",
            "steps-2-kind": "assign_program",
            "steps-2-program": str(program.pk),
        },
    )
    assert client.post(url, form).status_code == 302
    automation.refresh_from_db()
    assert automation.conditions == [{"field": "client.status", "op": "ne", "value": "former"}]
    steps = list(automation.steps.order_by("order"))
    assert [(s.kind, s.config) for s in steps] == [
        ("assign_program", {"program_id": program.pk}),
        ("add_tag", {"tag": "vip"}),
    ]
    assert steps[1].pk == tag.pk  # kept its id: runs on it stay there
    assert automation.version == 2


def test_an_invalid_step_shows_its_error_beside_the_field_and_saves_nothing(org, coach, client):
    client.force_login(coach)
    form = _base(
        **_management(steps=(2, 0)),
        **{
            "steps-0-order": "1",
            "steps-0-kind": "add_tag",
            "steps-0-tag": "new",
            "steps-1-order": "2",
            "steps-1-kind": "send_email",
        },
    )
    response = client.post(NEW, form)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_steps-1-email_template_error"' in page and "Choose a template" in page
    assert "Nothing was saved" in page
    assert not Automation.objects.exists()
    # A bad rule value on an existing automation changes nothing either.
    automation = AutomationFactory(organization=org, name="Keep")
    bad = _base(**_management(cond=(1, 0)), **{"cond-0-field": "event.days", "cond-0-op": "gt", "cond-0-value": "lots"})
    response = client.post(reverse("automation:automation_edit", args=[automation.pk]), bad)
    assert response.status_code == 400 and 'id="id_cond-0-value_error"' in response.content.decode()
    automation.refresh_from_db()
    assert automation.name == "Keep" and automation.conditions == [] and automation.version == 1


def test_dry_run_of_an_event_trigger_uses_recent_events_and_their_payload(org, coach, client):
    automation = AutomationFactory(
        organization=org,
        trigger="booking.no_show",
        reentry="once",
        conditions=[
            {"field": "client.status", "op": "ne", "value": "former"},
            {"field": "event.kind", "op": "eq", "value": "pt"},
        ],
    )
    ann = ClientFactory(organization=org, first_name="Ann", status="active")
    bob = ClientFactory(organization=org, first_name="Bob", status="former")
    cyd = ClientFactory(organization=org, first_name="Cyd", status="active")
    dee = ClientFactory(organization=org, first_name="Dee", status="active")
    eve = ClientFactory(organization=org, first_name="Eve", status="active")
    for person, kind in ((ann, "pt"), (bob, "pt"), (cyd, "group"), (dee, "pt")):
        EventFactory(organization=org, name="booking.no_show", client_id=person.pk, payload={"kind": kind})
    old = EventFactory(organization=org, name="booking.no_show", client_id=eve.pk, payload={"kind": "pt"})
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    AutomationRun.objects.create(
        organization=org, automation=automation, client=dee, trigger_key="x", state="completed"
    )

    result = api_as(coach).get(f"/api/v1/automations/{automation.pk}/dry-run/").json()
    assert [c["name"] for c in result["clients"]] == [ann.full_name]
    reasons = {r["name"]: r["reason"] for r in result["not_entering"]}
    assert set(reasons) == {bob.full_name, cyd.full_name, dee.full_name}  # Eve's event is too old
    assert "client" in reasons[bob.full_name] and "event" in reasons[cyd.full_name]
    assert "once" in reasons[dee.full_name]
    assert result["matching"] == 2 and result["days"] == 30
    client.force_login(coach)
    page = client.get(reverse("automation:automation_dry_run", args=[automation.pk])).content.decode()
    assert "Ann" in page and "Already went through it" in page and "booking.no_show" in page
    assert not AutomationRun.objects.exclude(client=dee).exists()  # nothing written


def test_dry_run_of_inactivity_uses_the_last_workout(org, coach):
    automation = AutomationFactory(organization=org, trigger="client.inactive", reentry="always")
    idle = ClientFactory(organization=org, status="active", first_name="Idle")
    busy = ClientFactory(organization=org, status="active", first_name="Busy")
    ScheduledWorkoutFactory(organization=org, client=idle, due_at=timezone.now() - timedelta(days=30))
    ScheduledWorkoutFactory(organization=org, client=busy, due_at=timezone.now())
    result = api_as(coach).get(f"/api/v1/automations/{automation.pk}/dry-run/").json()
    assert [c["name"] for c in result["clients"]] == [idle.full_name]


@freeze_time("2026-03-10 23:30:00")
def test_dry_run_of_a_birthday_takes_todays_birthdays_in_each_zone(org, coach, client):
    automation = AutomationFactory(organization=org, trigger="date.birthday", reentry="once")
    # 23:30 UTC on 10 March is already 11 March in Auckland.
    kiwi = ClientFactory(organization=org, time_zone="Pacific/Auckland", date_of_birth=date(1990, 3, 11))
    ClientFactory(organization=org, time_zone="UTC", date_of_birth=date(1990, 3, 11))
    today = ClientFactory(organization=org, time_zone="UTC", date_of_birth=date(1985, 3, 10), status="former")
    AutomationRun.objects.create(
        organization=org, automation=automation, client=today, trigger_key="b", state="completed"
    )
    result = api_as(coach).get(f"/api/v1/automations/{automation.pk}/dry-run/").json()
    assert [c["name"] for c in result["clients"]] == [kiwi.full_name]
    assert [r["name"] for r in result["not_entering"]] == [today.full_name]
    client.force_login(coach)
    page = client.get(reverse("automation:automation_dry_run", args=[automation.pk])).content.decode()
    assert "Birthday today" in page


def test_builder_of_another_business_is_not_found(org, coach, client):
    client.force_login(coach)
    theirs = AutomationFactory(organization=OrganizationFactory())
    assert client.get(reverse("automation:automation_dry_run", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("automation:automation_edit", args=[theirs.pk]), _base()).status_code == 404


def test_a_task_step_names_its_assignee_from_the_team_only(org, coach, client):
    from tests.factories import MembershipFactory

    client.force_login(coach)
    assistant = MembershipFactory(organization=org, role="assistant").user
    outsider = MembershipFactory(role="coach").user
    form = _base(
        **_management(steps=(1, 0)),
        **{"steps-0-kind": "create_task", "steps-0-title": "Call {client}", "steps-0-assignee": str(outsider.pk)},
    )
    refused = client.post(NEW, form)
    assert refused.status_code == 400 and 'id="id_steps-0-assignee_error"' in refused.content.decode()
    form["steps-0-assignee"] = str(assistant.pk)
    assert client.post(NEW, form).status_code == 302
    automation = Automation.objects.get()
    assert automation.steps.get().config["assignee_id"] == assistant.pk
    run = engine.start_run(automation, ClientFactory(organization=org), trigger_key="t")
    task = run.timeline.exclude(task=None).get().task
    assert task.assignee == assistant and task.title.startswith("Call ")
