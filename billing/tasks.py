"""Celery tasks: thin wrappers over services, notifications and the webhook sweep."""

from celery import shared_task

from . import services, stripe_services, webhooks
from .models import Plan

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="billing.renew_memberships")
def renew_memberships() -> int:
    return services.renew_due_memberships()


@shared_task(name="billing.run_dunning")
def run_dunning() -> int:
    return services.run_dunning()


@shared_task(name="billing.send_invoice_reminders")
def send_invoice_reminders() -> int:
    return services.send_scheduled_reminders()


@shared_task(name="billing.remind_expiring_packages")
def remind_expiring_packages() -> int:
    return services.remind_expiring_packages()


@shared_task(name="billing.retry_stripe_events")
def retry_stripe_events() -> int:
    return webhooks.retry_pending()


@shared_task(name="billing.sync_plan", **RETRY)
def sync_plan(plan_id: int) -> None:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return
    try:
        stripe_services.sync_plan(plan=plan)
    except services.BillingError:  # logged by the gateway; synced again before its next checkout
        pass


@shared_task(name="billing.sync_all_plans")
def sync_all_plans(organization_id: int) -> int:
    count = 0
    for plan in Plan.objects.filter(organization_id=organization_id, is_active=True):
        try:
            stripe_services.sync_plan(plan=plan)
        except services.BillingError:
            continue
        count += 1
    return count


@shared_task(name="billing.deactivate_coupon_on_stripe", **RETRY)
def deactivate_coupon_on_stripe(coupon_id: int) -> None:
    from .models import Coupon

    coupon = Coupon.objects.filter(pk=coupon_id).first()
    if coupon is None:
        return
    try:
        stripe_services.deactivate_promotion_code(coupon=coupon)
    except services.BillingError:  # logged by the gateway; the code is refused here anyway
        pass


@shared_task(name="billing.apply_access_withdrawals")
def apply_access_withdrawals() -> int:
    return services.apply_due_withdrawals()
