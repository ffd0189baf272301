"""`manage.py seed_demo` gives the demo business billing to look at, however often it runs.

The `demo` fixture is the first run (shared by the tests that look at the demo business);
each test runs the command once more and proves it adds nothing."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from accounts.models import User
from billing import selectors
from billing.models import Coupon, Invoice, Payment, Plan, Subscription
from booking.selectors import credit_balance
from clients.models import Client
from tests.shared_data import DEMO_NOW

pytestmark = pytest.mark.django_db


@freeze_time(DEMO_NOW)  # Wednesday 25 November 2026
def test_seed_demo_fills_the_revenue_overview_once(client, demo):
    org = demo
    first = dict(Invoice.objects.for_org(org).values_list("number", "issued_at"))
    call_command("seed_demo", force=True, stdout=io.StringIO())

    plans = Plan.objects.for_org(org)
    assert sorted(plans.values_list("name", "kind")) == [
        ("10 PT sessions", "package"),
        ("Monthly club", "membership"),
        ("Nutrition plan", "service"),
        ("Online coaching", "membership"),
        ("Premium coaching", "membership"),
        ("Starter membership", "membership"),
    ]
    invoices = Invoice.objects.for_org(org)
    assert dict(invoices.values_list("number", "issued_at")) == first  # nothing added or moved
    # Nine invoices of the three first demo clients, and 31 periods of twelve months' history.
    assert invoices.count() == 40 and invoices.filter(status=Invoice.Status.PAID).count() == 38
    assert invoices.overdue().count() == 1 and invoices.filter(status=Invoice.Status.OPEN).count() == 2
    assert Payment.objects.for_org(org).count() == 38
    assert Subscription.objects.for_org(org).filter(status=Subscription.Status.ACTIVE).count() == 4
    assert Subscription.objects.for_org(org).filter(status=Subscription.Status.CANCELLED).count() == 4
    # WELCOME20 and Sam's hand-paid membership in its free trial, once each (a trial bills nothing).
    assert list(Coupon.objects.for_org(org).values_list("code", "percent_off", "duration")) == [
        ("WELCOME20", Decimal("20.00"), "once")
    ]
    [trial] = Subscription.objects.for_org(org).filter(status=Subscription.Status.TRIALING)
    assert trial.client.email == "sam.lead@demo.mecto.test" and trial.collection == Subscription.Collection.MANUAL
    assert not trial.invoices.exists()

    summary = selectors.revenue_summary(organization=org)
    # Chloe and Tara's club (120 each), Nina back on the club, Maya on Premium (220).
    assert summary.mrr_minor == 58000 and summary.active_memberships == 4
    assert summary.overdue.count == 1 and summary.outstanding.count == 1
    # Paid in every one of the last twelve months.
    assert [m["net_minor"] > 0 for m in summary.months[-12:]] == [True] * 12

    chloe = Client.objects.for_org(org).get(email="client@demo.mecto.test")
    # Her membership period's 4 sessions; her packages were paid over 90 days ago and expired.
    # With booking's 10 demo credits: 2 sessions booked, and a place in the demo's Friday class.
    assert credit_balance(client=chloe) == 11

    client.force_login(User.objects.get(email="owner@demo.mecto.test"))
    page = client.get("/billing/")
    assert page.status_code == 200
    assert "£580.00" in page.content.decode()  # MRR
