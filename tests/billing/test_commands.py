"""Operator commands."""

import io

import pytest
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from billing import selectors, services
from billing.models import Invoice, Plan

from .factories import MembershipPlanFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_run_billing_jobs_renews_due_memberships(client_record, org):
    with freeze_time("2026-03-01 10:00"):
        services.start_membership(client=client_record, plan=MembershipPlanFactory(organization=org))
    out = io.StringIO()
    with freeze_time("2026-04-01 10:00"):
        call_command("run_billing_jobs", stdout=out)
    assert "Membership periods started: 1" in out.getvalue()


def test_sync_stripe_plans(org, connected, stripe_api):
    PlanFactory(organization=org)
    stripe_api.product_created("prod_C")
    stripe_api.price_created("price_C")
    out = io.StringIO()
    call_command("sync_stripe_plans", organization=org.slug, stdout=out)
    assert "Plans synced: 1; failed: 0" in out.getvalue()
    assert Plan.objects.get().stripe_price_id == "price_C"
    with pytest.raises(CommandError):
        call_command("sync_stripe_plans", organization="nobody")


def test_seed_billing_demo_fills_a_demo_business_seeded_without_billing(settings, monkeypatch):
    from django.utils.module_loading import autodiscover_modules

    from mecto import demo

    settings.DEBUG = True
    autodiscover_modules("demo")
    monkeypatch.setattr(demo, "_seeders", [(o, f) for o, f in demo._seeders if f.__module__ != "billing.demo"])
    call_command("seed_demo", stdout=io.StringIO())
    assert not Plan.objects.exists()
    out = io.StringIO()
    call_command("seed_billing_demo", stdout=out)
    assert "Billing demo data added" in out.getvalue()
    org = Plan.objects.first().organization
    summary = selectors.revenue_summary(organization=org)
    assert sum(1 for m in summary.months if m["net_minor"]) >= 4
    counts = (Plan.objects.filter(organization=org).count(), Invoice.objects.filter(organization=org).count())
    assert counts[0] == 6 and counts[1] >= 40  # with the access plan and twelve months of history
    out = io.StringIO()
    call_command("seed_billing_demo", stdout=out)  # a second run changes nothing
    assert "nothing to do" in out.getvalue()
    assert (Plan.objects.filter(organization=org).count(), Invoice.objects.filter(organization=org).count()) == counts
