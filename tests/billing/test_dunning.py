"""Dunning and reminders run by beat, with frozen time: reminders on days 1, 3 and 7 after
a failed card payment (local time, across a DST change), then past due and the coach told;
expiring packages; each step exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from billing import services
from billing.models import Subscription
from billing.tasks import remind_expiring_packages, run_dunning
from booking import services as booking_services
from mecto.comms.models import OutboundMessage
from mecto.models import Event
from tests.factories import MembershipFactory

from .factories import PlanFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(org, client_record, django_capture_on_commit_callbacks):
    """A card membership whose renewal failed on Friday 27 March 2026, 10:00 in London (GMT)."""
    coach = MembershipFactory(organization=org, role="coach").user
    client_record.coach = coach
    client_record.save()
    sub = SubscriptionFactory(
        organization=org, client=client_record, collection="stripe", stripe_subscription_id="sub_F"
    )
    failed_at = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)
    with freeze_time(failed_at):
        invoice = services.create_invoice(
            client=client_record, subscription=sub, lines=[services.plan_line(sub.plan)], issue=True, send_email=False
        )
        services.record_failed_payment(
            invoice=invoice, amount_minor=invoice.total_minor, idempotency_key="f1", failed_at=failed_at
        )
    return sub, invoice, coach


def _run(moment, capture):
    with freeze_time(moment), capture(execute=True):
        return run_dunning()


def _reminders():
    return [m for m in mail.outbox if "payment for" in m.subject]


def test_reminders_on_days_1_3_and_7_then_past_due_and_the_coach_is_told(
    failing, client_record, django_capture_on_commit_callbacks
):
    sub, invoice, coach = failing
    cap = django_capture_on_commit_callbacks
    assert _run("2026-03-28 09:59", cap) == 0
    assert _run("2026-03-28 10:00", cap) == 1  # day 1
    assert _run("2026-03-28 18:00", cap) == 0
    # Day 3 is 30 March 10:00 in London, which is 09:00 UTC after the clocks went forward.
    assert _run("2026-03-30 08:59", cap) == 0
    assert _run("2026-03-30 09:00", cap) == 1
    assert _run("2026-04-02 12:00", cap) == 0
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.ACTIVE
    assert _run("2026-04-03 09:00", cap) == 2  # day 7 reminder, then past due
    assert _run("2026-04-10 09:00", cap) == 0
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.PAST_DUE
    assert sub.past_due_since == datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
    reminders = _reminders()
    assert [m.to for m in reminders] == [[client_record.email]] * 3
    assert reminders[-1].subject.startswith("Final reminder")
    coach_mail = [m for m in mail.outbox if m.to == [coach.email]]
    assert len(coach_mail) == 1 and "past due" in coach_mail[0].subject
    assert invoice.number in coach_mail[0].body
    keys = sorted(OutboundMessage.objects.filter(topic="billing").values_list("idempotency_key", flat=True))
    assert keys == [
        f"dunning:{invoice.public_id}:1",
        f"dunning:{invoice.public_id}:3",
        f"dunning:{invoice.public_id}:7",
        f"past_due:{invoice.public_id}:{coach.pk}",
    ]
    invoice.refresh_from_db()
    assert invoice.past_due_at == datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
    assert Event.objects.filter(name="subscription.past_due").count() == 1


def test_a_late_beat_catches_up_without_repeating(failing, django_capture_on_commit_callbacks):
    assert _run("2026-04-05 12:00", django_capture_on_commit_callbacks) == 4
    assert _run("2026-04-05 13:00", django_capture_on_commit_callbacks) == 0
    assert len(_reminders()) == 3


def test_paying_stops_dunning(failing, django_capture_on_commit_callbacks):
    sub, invoice, _coach = failing
    _run("2026-03-28 10:00", django_capture_on_commit_callbacks)
    services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="transfer")
    assert _run("2026-04-10 10:00", django_capture_on_commit_callbacks) == 0
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.ACTIVE and len(_reminders()) == 1


def test_without_a_coach_everyone_who_manages_billing_is_told(
    org, failing, client_record, owner, assistant, django_capture_on_commit_callbacks
):
    client_record.coach = None
    client_record.save()
    _run("2026-04-03 10:00", django_capture_on_commit_callbacks)
    told = {address for m in mail.outbox if "past due" in m.subject for address in m.to}
    assert owner.email in told and failing[2].email in told and assistant.email not in told


def test_expiring_packages_are_reminded_once_when_sessions_are_left(
    org, client_record, django_capture_on_commit_callbacks
):
    plan = PlanFactory(organization=org, sessions=5, validity_days=30)
    with freeze_time("2026-06-01 12:00"):
        invoice = services.sell_plan(client=client_record, plan=plan, send_email=False)
        services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="cash", send_receipt=False)
        booking_services.consume_credit(client=client_record, reference="booking:1")
    with freeze_time("2026-06-20 12:00"), django_capture_on_commit_callbacks(execute=True):
        assert remind_expiring_packages() == 0  # 11 days left
    with freeze_time("2026-06-25 12:00"), django_capture_on_commit_callbacks(execute=True):
        assert remind_expiring_packages() == 1
        assert remind_expiring_packages() == 0
    message = mail.outbox[-1]
    assert message.to == [client_record.email] and "4 sessions of" in message.body and "1 Jul 2026" in message.body


def test_used_up_or_expired_packages_are_not_reminded(org, client_record):
    plan = PlanFactory(organization=org, sessions=1, validity_days=10)
    with freeze_time("2026-06-01 12:00"):
        invoice = services.sell_plan(client=client_record, plan=plan, send_email=False)
        services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="cash", send_receipt=False)
        booking_services.consume_credit(client=client_record, reference="booking:1")
    with freeze_time("2026-06-08 12:00"):
        assert remind_expiring_packages() == 0
    with freeze_time(datetime(2026, 6, 1, 12, tzinfo=UTC) + timedelta(days=11)):
        assert remind_expiring_packages() == 0
