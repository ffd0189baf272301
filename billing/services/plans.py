"""Plans: packages, fixed services and memberships, kept in sync with Stripe."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from mecto.services import check_fields, full_clean, update_model

from ..errors import BillingError
from ..models import Plan
from ._common import MAX_UNIT_MINOR, _on_commit_task
from .settings import billing_settings

__all__ = ["PLAN_FIELDS", "create_plan", "update_plan", "archive_plan"]


PLAN_FIELDS = {
    "name",
    "description",
    "kind",
    "price_minor",
    "tax_rate",
    "price_includes_tax",
    "sessions",
    "validity_days",
    "interval",
    "trial_days",
    "trial_price_minor",
    "minimum_term_periods",
    "sold_online",
    "is_active",
}


def _check_plan(plan: Plan) -> None:
    plan.name = (plan.name or "").strip()
    if not plan.name:
        raise BillingError(_("Give the plan a name."), field="name")
    if plan.kind not in Plan.Kind.values:
        raise BillingError(_("Choose a package, a fixed service or a membership."), field="kind")
    if plan.price_minor is None or plan.price_minor <= 0:
        raise BillingError(_("Set a price above zero."), field="price_minor")
    if plan.price_minor > MAX_UNIT_MINOR:
        raise BillingError(_("That price is too high."), field="price_minor")
    if plan.tax_rate is None or not (Decimal(0) <= Decimal(plan.tax_rate) <= Decimal(100)):
        raise BillingError(_("The tax rate is a percentage between 0 and 100."), field="tax_rate")
    if plan.kind == Plan.Kind.MEMBERSHIP:
        if plan.interval not in Plan.Interval.values:
            raise BillingError(_("Choose weekly, monthly or yearly."), field="interval")
        plan.validity_days = None
    else:
        plan.interval = ""
        plan.trial_days = 0
        plan.trial_price_minor = 0
        plan.minimum_term_periods = 0
        if plan.kind == Plan.Kind.PACKAGE and not plan.sessions:
            raise BillingError(_("A package includes at least one session."), field="sessions")
        if plan.kind == Plan.Kind.SERVICE:
            plan.sessions = 0
    if plan.trial_days and plan.trial_days > 365:
        raise BillingError(_("A trial lasts at most 365 days."), field="trial_days")
    if plan.trial_price_minor is None or plan.trial_price_minor < 0:
        plan.trial_price_minor = 0
    if plan.trial_price_minor and not plan.trial_days:
        raise BillingError(_("A paid trial needs a trial length in days."), field="trial_price_minor")
    if plan.trial_price_minor > MAX_UNIT_MINOR:
        raise BillingError(_("That price is too high."), field="trial_price_minor")
    if plan.minimum_term_periods and plan.minimum_term_periods > 60:
        raise BillingError(_("A minimum term is at most 60 periods."), field="minimum_term_periods")
    if plan.validity_days is not None and not (1 <= plan.validity_days <= 3660):
        raise BillingError(_("Validity is between 1 and 3660 days."), field="validity_days")


def _sync_plan_later(plan: Plan) -> None:
    from .. import tasks

    if billing_settings(plan.organization).stripe_account_id:
        _on_commit_task(tasks.sync_plan, plan.pk)


@transaction.atomic
def create_plan(*, organization, actor=None, **fields) -> Plan:
    """Add a package, service or membership, priced in the business's currency."""
    check_fields(fields, PLAN_FIELDS, error=BillingError)
    plan = Plan(organization=organization, currency=organization.currency, **fields)
    _check_plan(plan)
    full_clean(plan, exclude=["organization"], error=BillingError, validate_unique=True)
    plan.save()
    _sync_plan_later(plan)
    return plan


@transaction.atomic
def update_plan(*, plan: Plan, actor=None, **fields) -> Plan:
    """Change a plan. Running memberships keep the price they signed up for."""

    def check(row: Plan, changed: list[str]) -> None:
        if "kind" in changed and (row.subscriptions.exists() or row.purchases.exists()):
            raise BillingError(_("Clients already bought this plan; create a new plan instead."), field="kind")
        _check_plan(row)

    plan, _changed = update_model(
        plan,
        fields,
        allowed=PLAN_FIELDS,
        error=BillingError,
        exclude=["organization"],
        validate_unique=True,
        before_clean=check,
    )
    _sync_plan_later(plan)
    return plan


@transaction.atomic
def archive_plan(*, plan: Plan, actor=None) -> Plan:
    """Stop selling a plan; what clients bought and running memberships stay."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.is_active = False
    plan.save(update_fields=["is_active", "updated_at"])
    _sync_plan_later(plan)
    return plan
