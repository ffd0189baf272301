"""The demo business sells a membership that grants a program and a group thread, seeded once."""

import io

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from billing.models import Plan, PlanGrant
from tests.shared_data import DEMO_NOW

pytestmark = pytest.mark.django_db


@freeze_time(DEMO_NOW)
def test_the_demo_has_a_plan_granting_a_program_and_a_group_once(demo):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    plan = Plan.objects.for_org(demo).get(name="Online coaching")
    grants = sorted(PlanGrant.objects.filter(plan=plan).values_list("kind", "label"))
    assert grants == [("group", "Online coaching members"), ("program", "Strength base")]
    assert plan.access.withdrawal == "grace" and plan.access.grace_days == 7
    assert Plan.objects.for_org(demo).filter(name="Online coaching").count() == 1
