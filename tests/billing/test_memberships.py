"""Memberships paid by hand: invoiced and credited at each period start (beat), in the
business's local time, exactly once; trials, minimum terms and cancellation."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from billing import services
from billing.models import Invoice, Subscription
from billing.services import BillingError
from billing.tasks import renew_memberships
from booking.models import CreditGrant
from booking.selectors import credit_balance
from mecto.models import Event

from .factories import MembershipPlanFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def monthly(org):
    return MembershipPlanFactory(organization=org, price_minor=12000, sessions=4)


def test_start_invoices_the_first_period_and_credits_its_sessions(client_record, monthly, coach):
    with freeze_time("2026-03-01 10:00"):
        sub = services.start_membership(client=client_record, plan=monthly, actor=coach)
        assert sub.status == Subscription.Status.ACTIVE and sub.collection == Subscription.Collection.MANUAL
        # Midnight in London; the period ends at midnight BST on 1 April (23:00 UTC).
        assert sub.current_period_start == utc(2026, 3, 1, 0, 0)
        assert sub.current_period_end == utc(2026, 3, 31, 23, 0)
        invoice = Invoice.objects.get(subscription=sub)
        assert invoice.number == "INV-00001" and invoice.total_minor == 12000
        assert (invoice.period_start, invoice.period_end) == (sub.current_period_start, sub.current_period_end)
        assert "1 Mar 2026 – 31 Mar 2026" in invoice.lines.get().description
        assert credit_balance(client=client_record) == 4
        assert CreditGrant.objects.get(client=client_record).expires_at == sub.current_period_end
        assert Event.objects.filter(name="subscription.started").count() == 1


def test_renewal_happens_at_the_local_period_start_across_dst_exactly_once(client_record, monthly):
    with freeze_time("2026-03-01 10:00"):
        sub = services.start_membership(client=client_record, plan=monthly)
    with freeze_time("2026-03-31 22:30"):  # 23:30 GMT would be wrong: it is 23:30 BST, still March
        assert renew_memberships() == 0
    with freeze_time("2026-03-31 23:05"):  # 00:05 on 1 April in London
        assert renew_memberships() == 1
        assert renew_memberships() == 0
        sub.refresh_from_db()
        assert sub.current_period_start == utc(2026, 3, 31, 23, 0)
        assert sub.current_period_end == utc(2026, 4, 30, 23, 0)
        assert credit_balance(client=client_record) == 4  # March's credits expired with March
    invoices = list(Invoice.objects.filter(subscription=sub).order_by("sequence"))
    assert [i.number for i in invoices] == ["INV-00001", "INV-00002"]
    assert invoices[1].period_start == utc(2026, 3, 31, 23, 0)
    assert CreditGrant.objects.filter(client=client_record).count() == 2


def test_month_ends_follow_the_anchor_not_the_previous_period(client_record, org):
    plan = MembershipPlanFactory(organization=org)
    with freeze_time("2026-01-31 12:00"):
        sub = services.start_membership(client=client_record, plan=plan)
    for moment in ("2026-02-28 00:30", "2026-03-31 00:30"):
        with freeze_time(moment):
            renew_memberships()
    sub.refresh_from_db()
    assert sub.current_period_start == utc(2026, 3, 30, 23, 0)  # 31 March 00:00 BST
    starts = list(Invoice.objects.filter(subscription=sub).order_by("sequence").values_list("period_start", flat=True))
    assert [s.date() for s in starts] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 30)]


def test_a_trial_is_free_then_the_first_period_is_invoiced(client_record, org):
    plan = MembershipPlanFactory(organization=org, trial_days=14, sessions=2)
    with freeze_time("2026-05-04 09:00"):
        sub = services.start_membership(client=client_record, plan=plan)
        assert sub.status == Subscription.Status.TRIALING
        assert not Invoice.objects.exists()
        assert credit_balance(client=client_record) == 2
        assert sub.current_period_end == utc(2026, 5, 17, 23, 0)
    with freeze_time("2026-05-18 06:00"):
        renew_memberships()
        sub.refresh_from_db()
        assert sub.status == Subscription.Status.ACTIVE
        invoice = Invoice.objects.get(subscription=sub)
        assert invoice.period_start == utc(2026, 5, 17, 23, 0) and invoice.period_end == utc(2026, 6, 17, 23, 0)


def test_cancelling_waits_for_the_minimum_term_then_ends_once(client_record, org):
    plan = MembershipPlanFactory(organization=org, minimum_term_periods=3)
    with freeze_time("2026-01-10 12:00"):
        sub = services.start_membership(client=client_record, plan=plan)
        sub = services.cancel_membership(subscription=sub, actor=client_record.user)
        assert sub.cancel_at == utc(2026, 4, 9, 23, 0)  # three months: 10 April 00:00 BST
        assert sub.status == Subscription.Status.ACTIVE
    for moment in ("2026-02-10 01:00", "2026-03-10 01:00", "2026-04-10 01:00", "2026-05-10 01:00"):
        with freeze_time(moment):
            renew_memberships()
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CANCELLED and sub.cancelled_at == utc(2026, 4, 9, 23, 0)
    assert Invoice.objects.filter(subscription=sub).count() == 3
    assert Event.objects.filter(name="subscription.cancelled").count() == 1
    with pytest.raises(BillingError):
        services.cancel_membership(subscription=sub)


def test_resume_undoes_a_scheduled_cancellation(client_record, monthly):
    sub = services.start_membership(client=client_record, plan=monthly)
    services.cancel_membership(subscription=sub)
    sub = services.resume_membership(subscription=sub)
    assert sub.cancel_at is None
    with pytest.raises(BillingError):
        services.resume_membership(subscription=sub)


def test_a_coach_can_end_a_membership_at_once(client_record, monthly, coach):
    sub = services.start_membership(client=client_record, plan=monthly)
    services.cancel_membership(subscription=sub, actor=coach, immediately=True)
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CANCELLED
    assert renew_memberships() == 0


def test_a_backdated_start_catches_up_weekly_periods(client_record, org):
    plan = MembershipPlanFactory(organization=org, interval="week", price_minor=3000, sessions=1)
    with freeze_time("2026-03-05 12:00"):
        sub = services.start_membership(client=client_record, plan=plan, start_date=date(2026, 2, 25))
    assert sub.period_index == 0
    sub.refresh_from_db()
    assert sub.period_index == 1
    assert Invoice.objects.filter(subscription=sub).count() == 2
    assert credit_balance(client=client_record, at=utc(2026, 3, 5, 12)) == 1


def test_membership_rules(client_record, monthly, org):
    with freeze_time("2026-03-05 12:00"):
        with pytest.raises(BillingError):
            services.start_membership(client=client_record, plan=monthly, start_date=date(2026, 3, 6))
        with pytest.raises(BillingError):
            services.start_membership(client=client_record, plan=monthly, start_date=date(2026, 1, 1))
        services.start_membership(client=client_record, plan=monthly)
        with pytest.raises(BillingError, match="already has"):
            services.start_membership(client=client_record, plan=monthly)
    assert Subscription.objects.count() == 1


def test_renewal_invoices_are_emailed(client_record, monthly, django_capture_on_commit_callbacks):
    with freeze_time("2026-03-01 10:00"), django_capture_on_commit_callbacks(execute=True):
        services.start_membership(client=client_record, plan=monthly)
    with freeze_time("2026-04-01 08:00"), django_capture_on_commit_callbacks(execute=True):
        renew_memberships()
    assert [m.subject.split(" from")[0] for m in mail.outbox] == ["Invoice INV-00001", "Invoice INV-00002"]
