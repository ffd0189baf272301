"""Coupon limits under concurrency: clients redeeming one code at the same moment on parallel
connections never go past its total or per-client limit (run on PostgreSQL, where the
coupon's row lock is what holds the limit; SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connections

from billing import services
from billing.errors import BillingError
from billing.models import Coupon, CouponRedemption, Invoice
from tests.factories import ClientFactory, OrganizationFactory

from .factories import PlanFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine, pytest.mark.xdist_group("races")]
WORKERS = 8


def _in_threads(target, count=WORKERS):
    barrier = threading.Barrier(count)
    refused, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=10)
            target(i)
        except BillingError as exc:
            refused.append(exc)
        except Exception as exc:  # reported below, so a failure in a thread fails the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return refused, errors


def test_max_redemptions_hold_when_clients_redeem_at_once():
    org = OrganizationFactory()
    plan = PlanFactory(organization=org)
    clients = [ClientFactory(organization=org) for _ in range(WORKERS)]
    services.create_coupon(organization=org, code="FIRST3", percent_off="50", max_redemptions=3)

    refused, errors = _in_threads(
        lambda i: services.sell_plan(client=clients[i], plan=plan, coupon_code="first3", issue=False)
    )
    assert errors == []
    assert len(refused) == WORKERS - 3 and all("used up" in exc.message for exc in refused)
    assert CouponRedemption.objects.filter(coupon__organization=org).count() == 3
    assert Coupon.objects.get(organization=org).times_redeemed == 3
    # A refused code changed nothing: only the three discounted invoices exist.
    assert Invoice.objects.filter(organization=org).count() == 3


def test_one_client_redeeming_twice_at_once_gets_one_use():
    org = OrganizationFactory()
    plan = PlanFactory(organization=org)
    client = ClientFactory(organization=org)
    services.create_coupon(organization=org, code="ONCEEACH", percent_off="10", per_client_limit=1)

    refused, errors = _in_threads(
        lambda i: services.sell_plan(client=client, plan=plan, coupon_code="onceeach", issue=False), count=4
    )
    assert errors == [] and len(refused) == 3
    assert CouponRedemption.objects.filter(client=client).count() == 1
