"""The automation engine: triggers, conditions, waits (with a DST change), goals, exits,
re-entry policies, idempotent replays, editing live automations, dry runs, and the missed
session flow end to end through booking's service."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from automation import engine, library
from automation import services_rules as services
from automation.errors_rules import AutomationError
from automation.models import Automation, AutomationRun, CoachTask, RunState, RunStep, StepKind
from booking import services as booking_services
from clients import services as client_services
from marketing.models import MessageTemplate
from mecto.comms.models import OutboundMessage
from mecto.events import dispatch, emit
from mecto.models import Event
from tests.booking.conftest import Studio
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganizationFactory(time_zone="Europe/London")


def _email(org, name="Hello"):
    return MessageTemplate.objects.create(
        organization=org,
        name=name,
        channel="email",
        subject="Hi {{ client.first_name }}",
        blocks=[{"type": "text", "text": "Hello"}],
    )


def _fire(org, name, client, **payload):
    """Emit an event and run its handlers, as the worker does after commit."""
    event = emit(org, name, {"client_id": client.pk, **payload}, client=client)
    dispatch(event.pk)
    return event


def _automation(org, trigger="client.created", steps=None, **fields):
    fields.setdefault("is_active", True)
    return services.create_automation(organization=org, name="Test", trigger=trigger, steps=steps or [], **fields)


def test_an_event_starts_a_run_of_matching_active_automations_only(org):
    template = _email(org)
    on = _automation(
        org,
        steps=[{"kind": StepKind.SEND_EMAIL, "template": template, "config": {}}],
        conditions=[{"field": "client.status", "op": "eq", "value": "lead"}],
    )
    _automation(org, steps=[], is_active=False)
    lead = ClientFactory(organization=org, status="lead")
    active = ClientFactory(organization=org, status="active")
    _fire(org, "client.created", lead)
    _fire(org, "client.created", active)
    [run] = AutomationRun.objects.all()
    assert run.automation == on and run.client == lead and run.state == RunState.COMPLETED
    message = OutboundMessage.objects.get(client_id=lead.pk)
    assert message.idempotency_key.endswith(f"automation-run:{run.pk}:{on.steps.get().pk}") or "automation-run" in (
        message.idempotency_key
    )
    assert list(run.timeline.values_list("outcome", flat=True)) == ["info", "done", "info"]


def test_event_payload_and_tag_conditions(org):
    auto = _automation(
        org,
        trigger="booking.no_show",
        conditions=[
            {"field": "event.credit", "op": "eq", "value": "forfeited"},
            {"field": "client.tags", "op": "contains", "value": "VIP"},
        ],
    )
    client = ClientFactory(organization=org)
    _fire(org, "booking.no_show", client, credit="forfeited")
    assert not AutomationRun.objects.exists()
    client_services.set_client_tags(client=client, tags=["vip"])
    _fire(org, "booking.no_show", client)
    assert not AutomationRun.objects.exists()
    _fire(org, "booking.no_show", client, credit="forfeited")
    assert AutomationRun.objects.get().automation == auto


def test_a_replayed_event_starts_nothing_twice(org):
    auto = _automation(org, steps=[{"kind": StepKind.ADD_TAG, "config": {"tag": "new"}}])
    client = ClientFactory(organization=org)
    event = _fire(org, "client.created", client)
    engine.handle_event(Event.objects.get(pk=event.pk))  # the handler run again by hand
    assert AutomationRun.objects.filter(automation=auto).count() == 1
    assert RunStep.objects.filter(kind=StepKind.ADD_TAG).count() == 1


def test_a_wait_then_the_beat_sends_the_next_step(org):
    template = _email(org)
    auto = _automation(
        org,
        steps=[
            {"kind": StepKind.WAIT, "config": {"days": 2}},
            {"kind": StepKind.SEND_EMAIL, "template": template, "config": {"category": "marketing"}},
        ],
    )
    client = ClientFactory(organization=org, time_zone="Europe/London")
    with freeze_time("2026-06-01 08:00"):
        _fire(org, "client.created", client)
        run = AutomationRun.objects.get(automation=auto)
        assert run.state == RunState.WAITING and run.next_run_at == datetime(2026, 6, 3, 8, 0, tzinfo=UTC)
        assert engine.advance_due_runs() == 0
    with freeze_time("2026-06-03 08:00:30"):
        assert engine.advance_due_runs() == 1
        engine.advance_due_runs()
    run.refresh_from_db()
    assert run.state == RunState.COMPLETED
    assert OutboundMessage.objects.filter(client_id=client.pk).count() == 1


def test_a_day_wait_keeps_the_local_time_across_a_dst_change():
    zone = ZoneInfo("Europe/London")
    start = datetime(2026, 3, 28, 9, 0, tzinfo=zone)  # the clocks go forward on 29 March
    end = engine.wait_end({"days": 1}, start.astimezone(UTC), zone)
    assert end.astimezone(zone).hour == 9 and end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)
    hours = engine.wait_end({"hours": 24}, start.astimezone(UTC), zone)
    assert hours.astimezone(zone).hour == 10


def test_wait_until_monday_nine_is_nine_where_the_client_lives_across_dst(org):
    auto = _automation(
        org,
        steps=[
            {"kind": StepKind.WAIT_UNTIL, "config": {"weekdays": [1], "time": "09:00"}},
            {"kind": StepKind.ADD_TAG, "config": {"tag": "nudged"}},
        ],
    )
    client = ClientFactory(organization=org, time_zone="America/New_York")
    with freeze_time("2026-03-06 15:00"):  # Friday; US clocks go forward on Sunday 8 March
        _fire(org, "client.created", client)
    run = AutomationRun.objects.get(automation=auto)
    # Monday 9 March 09:00 EDT = 13:00 UTC (it was 14:00 UTC before the change)
    assert run.next_run_at == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    with freeze_time("2026-03-09 12:59"):
        assert engine.advance_due_runs() == 0
    with freeze_time("2026-03-09 13:00"):
        assert engine.advance_due_runs() == 1
    assert [t.name for t in client.tags.all()] == ["nudged"]


def test_the_goal_ends_a_run_early_and_exit_conditions_stop_it(org):
    auto = _automation(
        org,
        trigger="booking.no_show",
        goal_event="booking.created",
        exit_conditions=[{"field": "client.status", "op": "eq", "value": "former"}],
        steps=[{"kind": StepKind.WAIT, "config": {"days": 3}}, {"kind": StepKind.ADD_TAG, "config": {"tag": "x"}}],
    )
    booked = ClientFactory(organization=org)
    leaving = ClientFactory(organization=org)
    with freeze_time("2026-06-01 08:00"):
        _fire(org, "booking.no_show", booked)
        _fire(org, "booking.no_show", leaving)
        _fire(org, "booking.created", booked)
        client_services.change_status(client=leaving, status="former")
        dispatch(Event.objects.filter(name="client.status_changed").latest("id").pk)
    states = dict(AutomationRun.objects.filter(automation=auto).values_list("client_id", "state"))
    assert states == {booked.pk: RunState.GOAL_MET, leaving.pk: RunState.EXITED}
    with freeze_time("2026-06-05 08:00"):
        assert engine.advance_due_runs() == 0
    assert not RunStep.objects.filter(kind=StepKind.ADD_TAG).exists()


@pytest.mark.parametrize(
    ("policy", "days", "second", "third"),
    [("once", 30, 1, 1), ("per_days", 10, 1, 2), ("always", 30, 2, 3)],
)
def test_reentry_policies(org, policy, days, second, third):
    auto = _automation(
        org, reentry=policy, reentry_days=days, steps=[{"kind": StepKind.ADD_TAG, "config": {"tag": "t"}}]
    )
    client = ClientFactory(organization=org)
    with freeze_time("2026-06-01"):
        _fire(org, "client.created", client)
    with freeze_time("2026-06-03"):
        _fire(org, "client.created", client)
        assert AutomationRun.objects.filter(automation=auto).count() == second
    with freeze_time("2026-06-20"):
        _fire(org, "client.created", client)
        assert AutomationRun.objects.filter(automation=auto).count() == third


def test_one_run_at_a_time_even_for_every_time(org):
    auto = _automation(org, reentry="always", steps=[{"kind": StepKind.WAIT, "config": {"days": 1}}])
    client = ClientFactory(organization=org)
    _fire(org, "client.created", client)
    _fire(org, "client.created", client)
    assert AutomationRun.objects.filter(automation=auto).count() == 1


def test_editing_a_live_automation_keeps_runs_on_their_step_and_moves_them_past_removed_ones(org):
    auto = _automation(
        org,
        steps=[
            {"kind": StepKind.WAIT, "config": {"days": 1}},
            {"kind": StepKind.ADD_TAG, "config": {"tag": "a"}},
            {"kind": StepKind.ADD_TAG, "config": {"tag": "b"}},
        ],
    )
    wait, tag_a, tag_b = auto.steps.order_by("order")
    client = ClientFactory(organization=org)
    with freeze_time("2026-06-01 08:00"):
        _fire(org, "client.created", client)
    assert services.edit_impact(auto) == {"in_progress": 1, "by_step": {wait.pk: 1}}
    # the coach removes the wait and tag "a", adds "c" first: the run moves to the next existing step
    services.update_automation(
        automation=auto,
        steps=[
            {"kind": StepKind.ADD_TAG, "config": {"tag": "c"}},
            {"id": tag_b.pk, "kind": StepKind.ADD_TAG, "config": {"tag": "b"}},
        ],
    )
    auto.refresh_from_db()
    assert auto.version == 2
    run = AutomationRun.objects.get()
    assert run.current_step is None and run.version == 1
    with freeze_time("2026-06-02 08:00"):
        engine.advance_due_runs()
    run.refresh_from_db()
    assert run.state == RunState.COMPLETED
    # it was on step 1 (order 10); the next existing step from there is "c" at order 10, then "b"
    assert sorted(t.name for t in client.tags.all()) == ["b", "c"]


def test_dry_run_lists_who_would_enter_and_writes_nothing(org):
    auto = _automation(
        org, reentry="once", conditions=[{"field": "client.status", "op": "eq", "value": "lead"}], is_active=False
    )
    leads = [ClientFactory(organization=org, status="lead") for _ in range(3)]
    active = ClientFactory(organization=org, status="active")
    theirs = ClientFactory(organization=OrganizationFactory(), status="lead")
    for person in (*leads, active, theirs):  # the trigger happened to each (in their own business)
        Event.objects.create(organization=person.organization, name=auto.trigger, client_id=person.pk)
    AutomationRun.objects.create(
        organization=org, automation=auto, client=leads[0], trigger_key="x", state=RunState.COMPLETED
    )
    result = services.dry_run(automation=auto)
    assert result["matching"] == 3 and {c.pk for c in result["entering"]} == {leads[1].pk, leads[2].pk}
    assert AutomationRun.objects.count() == 1


def test_birthday_scan_starts_once_per_year_in_the_clients_zone(org):
    auto = library.enable_template(organization=org, key="birthday")
    ClientFactory(organization=org, time_zone="Pacific/Auckland", date_of_birth=datetime(1990, 6, 2).date())
    with freeze_time("2026-06-01 10:00"):  # 22:00 on 1 June in Auckland: not yet
        assert engine.scan_birthdays() == 0
    with freeze_time("2026-06-01 13:00"):  # 01:00 on 2 June in Auckland
        assert engine.scan_birthdays() == 1
        assert engine.scan_birthdays() == 0
    run = AutomationRun.objects.get(automation=auto)
    assert run.state == RunState.WAITING
    assert run.next_run_at == datetime(2026, 6, 1, 21, 0, tzinfo=UTC)  # 09:00 NZST


def test_bad_steps_are_refused_with_a_clear_message(org):
    other = _email(OrganizationFactory())
    with pytest.raises(AutomationError, match="template"):
        _automation(org, steps=[{"kind": StepKind.SEND_EMAIL, "template": other, "config": {}}])
    with pytest.raises(AutomationError, match="HH:MM"):
        _automation(org, steps=[{"kind": StepKind.WAIT_UNTIL, "config": {"time": "25:00"}}])
    with pytest.raises(AutomationError):
        _automation(org, trigger="no.such.event")
    assert not Automation.objects.exists()


def test_every_ready_template_switches_on_with_its_messages():
    org = OrganizationFactory()
    assert len(library.recipes()) >= 8
    for recipe in library.recipes():
        auto = library.enable_template(organization=org, key=recipe.key)
        assert auto.is_active and auto.steps.count() == len(recipe.steps)
    assert MessageTemplate.objects.filter(organization=org).count() >= 8


def test_missed_session_end_to_end(run_on_commit):
    studio = Studio()
    MembershipFactory(organization=studio.org, role="coach")
    library.enable_template(organization=studio.org, key="missed_session")
    client = ClientFactory(organization=studio.org, coach=studio.coach, phone="+447700900123")
    start = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    with freeze_time("2026-06-01 06:00"):
        booking = run_on_commit(
            booking_services.book_session, service=studio.service, coach=studio.coach, client=client, start_at=start
        )
    with freeze_time("2026-06-01 10:30"):
        run_on_commit(booking_services.mark_attendance, booking=booking, attendance="no_show", actor=studio.coach)
    run = AutomationRun.objects.get(client=client)
    assert run.state == RunState.COMPLETED
    channels = sorted(OutboundMessage.objects.filter(client_id=client.pk).values_list("channel", flat=True))
    assert "sms" in channels and "email" in channels
    task = CoachTask.objects.get(client=client)
    assert task.assignee == studio.coach and task.source == CoachTask.Source.AUTOMATION
    assert run.timeline.filter(task=task).exists()
    assert run.timeline.filter(message_id__isnull=False).count() == 2
