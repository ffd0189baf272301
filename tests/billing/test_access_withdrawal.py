"""What a plan granted is withdrawn when the membership ends, is cancelled, refunded in full or
goes past due: at once, at the end of the paid period, or after a grace period (beat, hourly,
idempotent). Only what the grant made is undone; what a coach assigned by hand stays."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from billing import services
from billing.models import Subscription
from billing.models_access import AccessGrant
from billing.tasks import apply_access_withdrawals
from clients.models import CheckInSchedule, GroupMember
from clients.services import add_group_members
from mecto.comms.models import OutboundMessage
from mecto.models import Event
from nutrition.models import Habit, MealPlan
from tests.training.factories import WorkoutLogFactory
from training.models import Program, ScheduledWorkout
from training.services import assign_program

from .access_fixtures import *  # noqa: F403  (the fixtures)
from .access_fixtures import grants_of, pay_package
from .factories import MembershipPlanFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def _live(client_record) -> int:
    return AccessGrant.objects.filter(client=client_record, revoked_at__isnull=True).count()


def _set_rule(plan, owner, library, **rule):
    services.set_plan_access(plan=plan, actor=owner, grants=grants_of(library, sections=["nutrition"]), **rule)


def test_cancelling_at_once_withdraws_everything_the_plan_gave_and_keeps_the_logs(client_record, club, library):
    with freeze_time("2026-05-01 09:00"):
        subscription = services.start_membership(client=client_record, plan=club)
    program = Program.objects.get(client=client_record)
    first = ScheduledWorkout.objects.filter(program=program).order_by("date").first()
    WorkoutLogFactory(organization=club.organization, client=client_record, scheduled=first, workout=first.workout)
    with freeze_time("2026-05-01 10:00"):
        services.cancel_membership(subscription=subscription, immediately=True)
    assert _live(client_record) == 0
    grants = AccessGrant.objects.filter(client=client_record)
    assert {g.revoke_reason for g in grants} == {AccessGrant.Reason.MEMBERSHIP_CANCELLED}
    # The program keeps what was logged; what was still to come is gone.
    assert list(ScheduledWorkout.objects.filter(program=program)) == [first]
    assert MealPlan.objects.get(client=client_record).status == MealPlan.Status.ENDED
    assert Habit.objects.get(client=client_record).end_date == date(2026, 5, 1)
    assert not CheckInSchedule.objects.filter(client=client_record, is_active=True).exists()
    assert not GroupMember.objects.filter(client=client_record).exists()
    assert Event.objects.filter(name="access.revoked").count() == 6
    payload = Event.objects.filter(name="access.revoked").first().payload
    assert payload["reason"] == "membership_cancelled" and payload["client_id"] == str(client_record.public_id)
    assert OutboundMessage.objects.filter(idempotency_key__startswith="access-revoked:").count() == 1
    # A beat run afterwards finds nothing left to do.
    assert apply_access_withdrawals() == 0
    assert Event.objects.filter(name="access.revoked").count() == 6


def test_at_period_end_access_lasts_until_the_paid_period_is_over(client_record, club, owner, library):
    _set_rule(club, owner, library, withdrawal="period_end")
    with freeze_time("2026-05-01 09:00"):
        subscription = services.start_membership(client=client_record, plan=club)
    subscription.refresh_from_db()
    end = subscription.current_period_end
    with freeze_time("2026-05-10 09:00"):
        services.cancel_membership(subscription=subscription, immediately=True)
    assert _live(client_record) == 6
    assert set(AccessGrant.objects.values_list("revoke_after", flat=True)) == {end}
    with freeze_time(end - timedelta(minutes=1)):
        assert apply_access_withdrawals() == 0
    assert GroupMember.objects.filter(client=client_record).exists()
    with freeze_time(end + timedelta(minutes=5)):
        assert apply_access_withdrawals() == 6
        assert apply_access_withdrawals() == 0  # run twice: nothing more
    assert _live(client_record) == 0
    assert Event.objects.filter(name="access.revoked").count() == 6
    assert OutboundMessage.objects.filter(idempotency_key__startswith="access-revoked:").count() == 1


def test_a_membership_that_reaches_its_scheduled_end_withdraws_as_ended(client_record, club):
    with freeze_time("2026-05-01 09:00"):
        subscription = services.start_membership(client=client_record, plan=club)
        services.cancel_membership(subscription=subscription)
    subscription.refresh_from_db()
    with freeze_time(subscription.cancel_at + timedelta(hours=1)):
        services.renew_membership(subscription=subscription)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED
    assert set(AccessGrant.objects.values_list("revoke_reason", flat=True)) == {"membership_ended"}
    assert _live(client_record) == 0


def test_a_grace_period_counts_local_days_across_the_clock_change(client_record, club, owner, library):
    """Cancelled on Friday 27 March 2026 at 10:00 in London (GMT); 7 days later is 3 April
    10:00 BST, which is 09:00 UTC."""
    _set_rule(club, owner, library, withdrawal="grace", grace_days=7)
    client_record.time_zone = "Europe/London"
    client_record.save()
    with freeze_time("2026-03-20 10:00"):
        subscription = services.start_membership(client=client_record, plan=club)
    with freeze_time("2026-03-27 10:00"):
        services.cancel_membership(subscription=subscription, immediately=True)
    due = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
    assert set(AccessGrant.objects.values_list("revoke_after", flat=True)) == {due}
    with freeze_time(due - timedelta(seconds=1)):
        assert apply_access_withdrawals() == 0
    with freeze_time(due):
        assert apply_access_withdrawals() == 6
    assert _live(client_record) == 0


def test_running_out_of_payment_reminders_withdraws_and_paying_again_grants_back(
    org, client_record, owner, library, django_capture_on_commit_callbacks
):
    plan = MembershipPlanFactory(organization=org, sessions=0)
    services.set_plan_access(plan=plan, actor=owner, grants=grants_of(library, "group"), withdrawal="immediately")
    sub = SubscriptionFactory(
        organization=org, client=client_record, plan=plan, collection="stripe", stripe_subscription_id="sub_F"
    )
    services.grant_subscription_access(subscription=sub)
    assert GroupMember.objects.filter(client=client_record).exists()
    failed_at = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)
    with freeze_time(failed_at):
        invoice = services.create_invoice(
            client=client_record, subscription=sub, lines=[services.plan_line(plan)], issue=True, send_email=False
        )
        services.record_failed_payment(invoice=invoice, amount_minor=invoice.total_minor, idempotency_key="f1")
    with freeze_time("2026-04-03 09:00"):
        services.run_dunning()
        services.run_dunning()
    assert AccessGrant.objects.get().revoke_reason == AccessGrant.Reason.PAST_DUE
    assert not GroupMember.objects.filter(client=client_record).exists()
    with freeze_time("2026-04-04 09:00"):
        services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="transfer")
    assert GroupMember.objects.filter(client=client_record).exists()
    assert AccessGrant.objects.live().get().grant_reason == AccessGrant.Reason.MEMBERSHIP_PAID


def test_paying_before_the_grace_period_ends_calls_the_withdrawal_off(org, client_record, owner, library):
    plan = MembershipPlanFactory(organization=org, sessions=0)
    services.set_plan_access(
        plan=plan, actor=owner, grants=grants_of(library, "group"), withdrawal="grace", grace_days=3
    )
    sub = SubscriptionFactory(organization=org, client=client_record, plan=plan)
    services.grant_subscription_access(subscription=sub)
    services.withdraw_subscription_access(subscription=sub, reason="past_due")
    assert AccessGrant.objects.get().revoke_after is not None
    services.grant_subscription_access(subscription=sub, reason="membership_paid")
    grant = AccessGrant.objects.get()
    assert grant.revoke_after is None and grant.revoked_at is None
    with freeze_time(timezone.now() + timedelta(days=10)):
        assert apply_access_withdrawals() == 0


def test_a_full_refund_withdraws_a_package_and_a_part_refund_does_not(client_record, package):
    invoice = pay_package(client_record, package)
    payment = invoice.payments.get()
    services.refund_payment(payment=payment, amount_minor=1000)
    assert _live(client_record) == 6
    services.refund_payment(payment=payment)
    assert _live(client_record) == 0
    assert set(AccessGrant.objects.values_list("revoke_reason", flat=True)) == {"refunded"}
    # Fulfilling the refunded invoice again does not give it back.
    services.fulfil_invoice(invoice=invoice)
    assert _live(client_record) == 0


def test_what_the_coach_assigned_by_hand_survives_the_withdrawal(client_record, club, library, owner):
    program = library["program"]
    group = library["group"]
    with freeze_time("2026-04-28 09:00"):
        by_hand = assign_program(program=program, clients=[client_record], start_date=date(2026, 4, 28), actor=owner)[0]
        add_group_members(group=group, clients=[client_record], actor=owner)
    with freeze_time("2026-05-01 09:00"):
        subscription = services.start_membership(client=client_record, plan=club)
    hand_workouts = ScheduledWorkout.objects.filter(program=by_hand).count()
    with freeze_time("2026-05-01 10:00"):
        services.cancel_membership(subscription=subscription, immediately=True)
    assert ScheduledWorkout.objects.filter(program=by_hand).count() == hand_workouts == 2
    assert GroupMember.objects.filter(client=client_record, group=group).exists()
    assert AccessGrant.objects.get(kind="group").granted_object_id == ""


def test_a_group_two_plans_grant_stays_while_one_is_still_live(org, client_record, owner, library):
    one = MembershipPlanFactory(organization=org, sessions=0)
    two = MembershipPlanFactory(organization=org, sessions=0)
    for plan in (one, two):
        services.set_plan_access(plan=plan, actor=owner, grants=grants_of(library, "group"), withdrawal="immediately")
    first = SubscriptionFactory(organization=org, client=client_record, plan=one)
    second = SubscriptionFactory(organization=org, client=client_record, plan=two)
    services.grant_subscription_access(subscription=first)
    services.grant_subscription_access(subscription=second)
    services.withdraw_subscription_access(subscription=first, reason="membership_cancelled")
    assert GroupMember.objects.filter(client=client_record).exists()
    services.withdraw_subscription_access(subscription=second, reason="membership_cancelled")
    assert not GroupMember.objects.filter(client=client_record).exists()
