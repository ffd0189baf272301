"""Shared set-up of the access tests: a business with a program, a meal plan, a habit, a
check-in form and a group, and plans that grant them."""

import pytest

from billing import services
from billing.models_access import AccessKind
from tests.clients.factories import CheckInFormFactory, GroupFactory
from tests.nutrition.factories import HabitTemplateFactory, MealPlanFactory
from tests.training.factories import WorkoutFactory

from .factories import MembershipPlanFactory, PlanFactory


@pytest.fixture
def library(org):
    """One of each thing a plan can grant, in `org`."""
    workout = WorkoutFactory(organization=org, name="Day 1", week__program__is_template=True)
    WorkoutFactory(organization=org, week=workout.week, name="Day 3", day=3)
    return {
        "program": workout.program,
        "meal_plan": MealPlanFactory(organization=org, name="Lean gain"),
        "habit": HabitTemplateFactory(organization=org, name="Drink water"),
        "checkin": CheckInFormFactory(organization=org, name="Weekly check-in"),
        "group": GroupFactory(organization=org, name="Spring cohort"),
    }


def grants_of(library, *kinds, sections=()) -> dict:
    kinds = kinds or ("program", "meal_plan", "habit", "checkin", "group")
    grants = {kind: [str(library[kind].pk)] for kind in kinds}
    if sections:
        grants[AccessKind.SECTION] = list(sections)
    return grants


@pytest.fixture
def package(org, library, owner):
    plan = PlanFactory(organization=org, name="Starter pack", price_minor=50000, sessions=5, validity_days=90)
    services.set_plan_access(plan=plan, actor=owner, grants=grants_of(library, sections=["nutrition"]))
    return plan


@pytest.fixture
def club(org, library, owner):
    """A monthly membership granting everything, withdrawn at once."""
    plan = MembershipPlanFactory(organization=org, name="Coaching club", price_minor=12000, sessions=0)
    services.set_plan_access(
        plan=plan, actor=owner, grants=grants_of(library, sections=["nutrition"]), withdrawal="immediately"
    )
    return plan


def pay_package(client_record, plan, key="cash-1"):
    invoice = services.sell_plan(client=client_record, plan=plan, send_email=False)
    services.record_payment(
        invoice=invoice, amount_minor=invoice.total_minor, method="cash", idempotency_key=key, send_receipt=False
    )
    invoice.refresh_from_db()
    return invoice
