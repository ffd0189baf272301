"""Trials of memberships paid by hand (no Stripe): a free trial issues nothing until the
renewal task issues the first normal invoice at its end; a paid trial is invoiced at its
price when it starts; cancelling in the trial issues nothing; MRR leaves free trials out."""

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from billing import selectors, services
from billing.models import Invoice, Plan, Subscription
from billing.services import BillingError
from billing.tasks import renew_memberships
from booking.selectors import credit_balance

from .factories import MembershipPlanFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def trial_plan(org):
    return MembershipPlanFactory(organization=org, price_minor=12000, sessions=4, trial_days=14)


def test_a_free_trial_bills_nothing_until_the_renewal_task_issues_the_first_invoice(client_record, trial_plan):
    with freeze_time("2026-03-20 10:00"):
        sub = services.start_membership(client=client_record, plan=trial_plan)
        assert sub.status == Subscription.Status.TRIALING and sub.period_index == -1
        assert not Invoice.objects.exists()
        assert credit_balance(client=client_record) == 4  # the trial's sessions, as a period's
        assert selectors.mrr_minor(organization=client_record.organization) == 0
    # 14 local days later, across the clocks going forward: midnight BST on 3 April.
    assert sub.trial_ends_at == utc(2026, 4, 2, 23, 0)
    with freeze_time("2026-04-02 22:59"):
        assert renew_memberships() == 0
    with freeze_time("2026-04-02 23:01"):
        assert renew_memberships() == 1
        assert renew_memberships() == 0
        sub.refresh_from_db()
        assert sub.status == Subscription.Status.ACTIVE and sub.period_index == 0
        invoice = Invoice.objects.get(subscription=sub)
        assert invoice.total_minor == 12000 and invoice.status == Invoice.Status.OPEN
        assert invoice.period_start == utc(2026, 4, 2, 23, 0)
        assert selectors.mrr_minor(organization=client_record.organization) == 12000


def test_a_paid_trial_is_invoiced_at_its_price_when_it_starts(client_record, org):
    plan = services.create_plan(
        organization=org,
        name="Club",
        kind=Plan.Kind.MEMBERSHIP,
        price_minor=12000,
        interval="month",
        sessions=4,
        trial_days=7,
        trial_price_minor=1500,
    )
    with freeze_time("2026-05-04 10:00"):
        sub = services.start_membership(client=client_record, plan=plan)
        trial_invoice = Invoice.objects.get(subscription=sub)
        assert sub.status == Subscription.Status.TRIALING and sub.trial_price_minor == 1500
        assert trial_invoice.total_minor == 1500 and "trial" in trial_invoice.lines.get().description
        assert selectors.mrr_minor(organization=org) == 1500  # a paid trial counts at its price
    with freeze_time("2026-05-11 00:30"):
        assert renew_memberships() == 1
    assert list(Invoice.objects.filter(subscription=sub).order_by("id").values_list("total_minor", flat=True)) == [
        1500,
        12000,
    ]


def test_cancelling_during_the_trial_ends_it_with_the_trial_and_issues_nothing(client_record, trial_plan, org):
    trial_plan.minimum_term_periods = 3
    trial_plan.save()
    with freeze_time("2026-03-20 10:00"):
        sub = services.start_membership(client=client_record, plan=trial_plan)
        sub = services.cancel_membership(subscription=sub)
        assert sub.cancel_at == sub.trial_ends_at  # the minimum term starts after the trial
    with freeze_time("2026-04-03 10:00"):
        renew_memberships()
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CANCELLED
    assert not Invoice.objects.exists()


def test_a_paid_trial_needs_a_trial_length(org):
    with pytest.raises(BillingError) as error:
        services.create_plan(
            organization=org,
            name="Club",
            kind=Plan.Kind.MEMBERSHIP,
            price_minor=12000,
            interval="month",
            trial_price_minor=1500,
        )
    assert error.value.field == "trial_price_minor"
    assert not Plan.objects.exists()


def test_coupons_discount_the_periods_after_the_trial(client_record, trial_plan):
    services.create_coupon(organization=client_record.organization, code="WELCOME20", percent_off="20")
    with freeze_time("2026-03-20 10:00"):
        sub = services.start_membership(client=client_record, plan=trial_plan, coupon_code="welcome20")
        assert not Invoice.objects.exists()
    with freeze_time("2026-04-03 10:00"):
        renew_memberships()
    with freeze_time("2026-05-03 10:00"):
        renew_memberships()
    totals = Invoice.objects.filter(subscription=sub).order_by("period_start").values_list("total_minor", flat=True)
    assert list(totals) == [9600, 12000]
