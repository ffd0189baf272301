"""Operator commands."""

import io

import pytest
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from billing import services
from billing.models import Plan

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
