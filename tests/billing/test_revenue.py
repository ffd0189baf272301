"""The revenue report: MRR, memberships, new and churned this month, revenue by local month."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from billing import selectors, services
from billing.models import Subscription

from .factories import InvoiceFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_mrr_counts_paying_memberships_normalised_to_a_month(org):
    SubscriptionFactory(organization=org, price_minor=12000, interval="month")
    SubscriptionFactory(organization=org, price_minor=3000, interval="week")  # 3000 * 52 / 12 = 13000
    SubscriptionFactory(organization=org, price_minor=120000, interval="year")  # 10000
    SubscriptionFactory(organization=org, price_minor=5000, tax_rate=Decimal("20"), price_includes_tax=False)  # 6000
    SubscriptionFactory(organization=org, price_minor=9999, status=Subscription.Status.PAST_DUE)
    SubscriptionFactory(organization=org, price_minor=7777, status=Subscription.Status.TRIALING)
    SubscriptionFactory(organization=org, price_minor=8888, status=Subscription.Status.CANCELLED)
    SubscriptionFactory(price_minor=50000)  # another business
    assert selectors.mrr_minor(organization=org) == 12000 + 13000 + 10000 + 6000 + 9999


def test_new_and_churned_this_month_in_local_time(org):
    # London: April starts at 23:00 UTC on 31 March.
    SubscriptionFactory(organization=org, started_at=utc(2026, 3, 31, 22, 30))  # 23:30 BST 31 March
    SubscriptionFactory(organization=org, started_at=utc(2026, 3, 31, 23, 30))  # 00:30 BST 1 April
    SubscriptionFactory(organization=org, started_at=utc(2026, 1, 1), status="cancelled", cancelled_at=utc(2026, 4, 2))
    SubscriptionFactory(organization=org, started_at=utc(2026, 1, 1), status="cancelled", cancelled_at=utc(2026, 3, 20))
    summary = selectors.revenue_summary(organization=org, now=utc(2026, 4, 15, 12))
    assert (summary.new_this_month, summary.churned_this_month) == (1, 1)
    assert summary.active_memberships == 2


def test_revenue_by_month_nets_refunds_and_uses_local_months(org, client_record):
    with freeze_time("2026-03-31 23:30"):  # 00:30 on 1 April in London
        invoice = InvoiceFactory(organization=org, client=client_record, total_minor=10000)
        payment = services.record_payment(invoice=invoice, amount_minor=10000, method="cash")
    with freeze_time("2026-03-31 22:30"):  # 23:30 on 31 March
        march = InvoiceFactory(organization=org, client=client_record, total_minor=5000, subtotal_minor=5000)
        services.record_payment(invoice=march, amount_minor=5000, method="cash")
    with freeze_time("2026-05-02 10:00"):
        services.refund_payment(payment=payment, amount_minor=2500)
        months = selectors.revenue_by_month(organization=org, months=3)
    assert [(m["month"].isoformat(), m["received_minor"], m["refunded_minor"], m["net_minor"]) for m in months] == [
        ("2026-03-01", 5000, 0, 5000),
        ("2026-04-01", 10000, 0, 10000),
        ("2026-05-01", 0, 2500, -2500),
    ]


def test_outstanding_and_overdue(org):
    with freeze_time("2026-06-10 12:00"):
        InvoiceFactory(organization=org, due_at=utc(2026, 6, 1), total_minor=3000)
        InvoiceFactory(organization=org, due_at=utc(2026, 6, 20), total_minor=7000)
        InvoiceFactory(organization=org, status="paid", due_at=utc(2026, 6, 1))
        summary = selectors.revenue_summary(organization=org)
    assert (summary.overdue.count, summary.overdue.amount_minor) == (1, 3000)
    assert (summary.outstanding.count, summary.outstanding.amount_minor) == (1, 7000)
