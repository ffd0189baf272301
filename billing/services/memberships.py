"""Memberships: start, renew period by period (invoice and credits), cancel and resume."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from mecto.events import emit, register_event_type
from mecto.localization import format_date

from .. import periods
from ..errors import BillingError
from ..models import AccessGrant, Invoice, Plan, Subscription
from . import access, coupons
from ._common import _actor
from .invoices import LineInput, create_invoice
from .refunds import period_credit_source
from .settings import billing_settings

__all__ = [
    "grant_period_credits",
    "new_subscription",
    "start_membership",
    "renew_membership",
    "renew_due_memberships",
    "end_subscription",
    "earliest_cancel_at",
    "cancel_membership",
    "resume_membership",
]

logger = logging.getLogger(__name__)

register_event_type("subscription.started", gettext_lazy("A client's membership started"))
register_event_type("subscription.cancelled", gettext_lazy("A client's membership ended"))


def grant_period_credits(subscription: Subscription, start: datetime, end: datetime, actor=None) -> None:
    if not subscription.sessions_per_period:
        return
    from booking import services as booking_services

    booking_services.grant_credits(
        client=subscription.client,
        quantity=subscription.sessions_per_period,
        source_ref=period_credit_source(subscription, start),
        expires_at=end,
        reason=_("%(plan)s, period from %(start)s") % {"plan": subscription.plan.name, "start": f"{start:%Y-%m-%d}"},
        actor=_actor(actor),
    )


def _period_line(subscription: Subscription, start: datetime, end: datetime, label: str = "") -> LineInput:
    tz = subscription.organization.time_zone
    first = start.astimezone(periods.zone(tz)).date()
    last = (end.astimezone(periods.zone(tz)) - timedelta(seconds=1)).date()
    return LineInput(
        description=f"{label or subscription.plan.name} ({format_date(first)} – {format_date(last)})",
        unit_price_minor=subscription.price_minor,
        tax_rate=subscription.tax_rate,
        tax_inclusive=subscription.price_includes_tax,
        plan=subscription.plan,
    )


def _trial_line(subscription: Subscription, start: datetime, end: datetime) -> LineInput:
    label = _("%(plan)s, trial") % {"plan": subscription.plan.name}
    return replace(_period_line(subscription, start, end, label), unit_price_minor=subscription.trial_price_minor)


def _invoice_period(
    subscription: Subscription, index: int, start: datetime, end: datetime, actor=None
) -> Invoice | None:
    """The renewal invoice of one period of a membership paid by hand, once per period (-1: a
    paid trial). A live coupon takes its discount off; a period it makes free is not invoiced."""
    if index < 0:
        lines = [_trial_line(subscription, start, end)]
    else:
        lines = [_period_line(subscription, start, end)]
        redemption = coupons.membership_redemption(subscription, index)
        if redemption is not None:
            lines = coupons.discount_lines(redemption.coupon, lines)
    if all(line.unit_price_minor * line.quantity - line.discount_minor <= 0 for line in lines):
        return None
    return create_invoice(
        client=subscription.client,
        lines=lines,
        subscription=subscription,
        period=(start, end),
        source_key=f"renewal:{subscription.public_id}:{index}",
        issue=True,
        due_at=max(start, timezone.now())
        + timedelta(days=billing_settings(subscription.organization).payment_terms_days),
        actor=actor,
    )


def new_subscription(
    *, client: Client, plan: Plan, collection: str, started_at: datetime, actor=None, stripe_subscription_id: str = ""
) -> Subscription:
    """A membership row with its first period laid out (trial first, when the plan has one)."""
    tz = client.organization.time_zone
    trial_ends_at = periods.add_local_days(started_at, plan.trial_days, tz) if plan.trial_days else None
    anchor = trial_ends_at or started_at
    first_start, first_end = periods.period_bounds(anchor=anchor, interval=plan.interval, index=0, time_zone=tz)
    minimum = (
        periods.period_bounds(anchor=anchor, interval=plan.interval, index=plan.minimum_term_periods, time_zone=tz)[0]
        if plan.minimum_term_periods
        else None
    )
    subscription = Subscription(
        organization=client.organization,
        client=client,
        plan=plan,
        collection=collection,
        status=Subscription.Status.TRIALING if trial_ends_at else Subscription.Status.ACTIVE,
        price_minor=plan.price_minor,
        currency=plan.currency,
        tax_rate=plan.tax_rate,
        price_includes_tax=plan.price_includes_tax,
        interval=plan.interval,
        sessions_per_period=plan.sessions,
        started_at=started_at,
        trial_ends_at=trial_ends_at,
        trial_price_minor=plan.trial_price_minor if trial_ends_at else 0,
        anchor_at=anchor,
        period_index=-1 if trial_ends_at else 0,
        current_period_start=started_at if trial_ends_at else first_start,
        current_period_end=trial_ends_at or first_end,
        minimum_term_ends_at=minimum,
        stripe_subscription_id=stripe_subscription_id,
        created_by=_actor(actor),
    )
    subscription.save()
    emit(
        client.organization,
        "subscription.started",
        {
            "subscription_id": str(subscription.public_id),
            "plan": plan.name,
            "collection": collection,
            "trial": bool(trial_ends_at),
        },
        actor=_actor(actor),
        client=client,
    )
    return subscription


@transaction.atomic
def start_membership(*, client: Client, plan: Plan, actor=None, start_date=None, coupon_code: str = "") -> Subscription:
    """Start a membership paid by hand: the first period is invoiced (after any trial; a paid
    trial is invoiced at once) and its sessions granted at once; beat renews it at each period
    start. `coupon_code` discounts its periods for as long as the coupon lasts."""
    if plan.organization_id != client.organization_id:
        raise BillingError(_("Choose one of your plans."), field="plan")
    if not plan.is_recurring:
        raise BillingError(_("Choose a membership plan."), field="plan")
    if not plan.is_active:
        raise BillingError(_("This plan is no longer sold."), field="plan")
    tz = client.organization.time_zone
    today = periods.local_today(tz)
    start_date = start_date or today
    if start_date > today:
        raise BillingError(_("A membership starts today or on a past day."), field="start_date")
    if (today - start_date).days > 31:
        raise BillingError(_("A membership can be backdated by at most 31 days."), field="start_date")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if (
        Subscription.objects.for_org(client.organization)
        .filter(client=client, plan=plan, status__in=Subscription.LIVE_STATUSES)
        .exists()
    ):
        raise BillingError(_("%(name)s already has this membership.") % {"name": client.full_name}, field="plan")
    coupon = None
    if (coupon_code or "").strip():
        coupon = coupons.validate_coupon(
            organization=client.organization, code=coupon_code, client=client, plans=[plan], lock=True
        )
    started_at = periods.local_midnight(start_date, tz)
    subscription = new_subscription(
        client=client, plan=plan, collection=Subscription.Collection.MANUAL, started_at=started_at, actor=actor
    )
    redemption = None
    if coupon is not None:
        line = _period_line(subscription, subscription.current_period_start, subscription.current_period_end)
        redemption = coupons.redeem_coupon(
            coupon=coupon,
            client=client,
            subscription=subscription,
            amount_off_minor=coupons.gross_discount([line], coupons.discount_lines(coupon, [line])),
            actor=actor,
        )
    grant_period_credits(subscription, subscription.current_period_start, subscription.current_period_end, actor)
    access.grant_subscription_access(subscription=subscription, actor=actor)
    first_index = 0 if subscription.status == Subscription.Status.ACTIVE else -1
    if first_index == 0 or subscription.trial_price_minor:
        invoice = _invoice_period(
            subscription, first_index, subscription.current_period_start, subscription.current_period_end, actor
        )
        if redemption is not None and invoice is not None and first_index == 0:
            type(redemption).objects.filter(pk=redemption.pk).update(invoice=invoice)
    # A backdated start may already have crossed a period boundary.
    renew_membership(subscription=subscription)
    return subscription


@transaction.atomic
def renew_membership(*, subscription: Subscription, now: datetime | None = None) -> int:
    """Advance a membership paid by hand to the period containing `now`: each new period is
    invoiced and its sessions granted, exactly once. Returns the periods started."""
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "client", "organization")
        .get(pk=subscription.pk)
    )
    if subscription.collection != Subscription.Collection.MANUAL or not subscription.is_live:
        return 0
    tz = subscription.organization.time_zone
    started = 0
    while subscription.current_period_end <= now:
        if subscription.cancel_at and subscription.cancel_at <= subscription.current_period_end:
            end_subscription(subscription, at=subscription.cancel_at)
            return started
        index = subscription.period_index + 1
        start, end = periods.period_bounds(
            anchor=subscription.anchor_at, interval=subscription.interval, index=index, time_zone=tz
        )
        subscription.period_index = index
        subscription.current_period_start, subscription.current_period_end = start, end
        if subscription.status == Subscription.Status.TRIALING:
            subscription.status = Subscription.Status.ACTIVE
        subscription.save()
        _invoice_period(subscription, index, start, end)
        grant_period_credits(subscription, start, end)
        started += 1
        if started > 120:  # ten years of monthly periods: something is wrong with the data
            logger.error("Membership %s renewed more than 120 periods at once", subscription.pk)
            break
    return started


def renew_due_memberships(now: datetime | None = None) -> int:
    """Beat: start the new period of every membership paid by hand whose period ended."""
    now = now or timezone.now()
    due = Subscription.objects.filter(
        collection=Subscription.Collection.MANUAL,
        status__in=Subscription.LIVE_STATUSES,
        current_period_end__lte=now,
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        try:
            count += renew_membership(subscription=Subscription(pk=pk), now=now)
        except Exception:  # one broken membership must not stop the others
            logger.exception("Renewing membership %s failed", pk)
    return count


def end_subscription(subscription: Subscription, *, at: datetime, actor=None) -> None:
    if subscription.status == Subscription.Status.CANCELLED:
        return
    ended = subscription.cancel_at is not None and at >= subscription.cancel_at
    subscription.status = Subscription.Status.CANCELLED
    subscription.cancelled_at = at
    subscription.save()
    access.withdraw_subscription_access(
        subscription=subscription,
        reason=AccessGrant.Reason.MEMBERSHIP_ENDED if ended else AccessGrant.Reason.MEMBERSHIP_CANCELLED,
    )
    emit(
        subscription.organization,
        "subscription.cancelled",
        {"subscription_id": str(subscription.public_id), "plan": subscription.plan.name},
        actor=_actor(actor),
        client=subscription.client,
    )


def earliest_cancel_at(subscription: Subscription) -> datetime:
    """When a membership may end by the rules: the end of the current period, and never
    before the minimum term."""
    candidates = [subscription.current_period_end]
    # During a trial the client has not committed yet: it ends with the trial, nothing billed.
    if subscription.minimum_term_ends_at and subscription.status != Subscription.Status.TRIALING:
        candidates.append(subscription.minimum_term_ends_at)
    return max(candidates)


def cancel_membership(*, subscription: Subscription, actor=None, immediately: bool = False) -> Subscription:
    """End a membership at the end of its period (never inside the minimum term), or at once
    when a coach decides so. Stripe is told first for card memberships."""
    subscription = Subscription.objects.select_related("plan", "organization", "client").get(pk=subscription.pk)
    if subscription.status == Subscription.Status.CANCELLED:
        raise BillingError(_("This membership has already ended."))
    now = timezone.now()
    at = now if immediately else earliest_cancel_at(subscription)
    if subscription.collection == Subscription.Collection.STRIPE and subscription.stripe_subscription_id:
        from .. import stripe_services

        stripe_services.cancel_stripe_subscription(subscription=subscription, at=None if immediately else at)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("plan", "client")
            .get(pk=subscription.pk)
        )
        if immediately:
            end_subscription(subscription, at=now, actor=actor)
        else:
            subscription.cancel_at = at
            subscription.save(update_fields=["cancel_at", "updated_at"])
    return subscription


def resume_membership(*, subscription: Subscription, actor=None) -> Subscription:
    """Undo a scheduled cancellation before it takes effect."""
    subscription = Subscription.objects.select_related("organization").get(pk=subscription.pk)
    if not subscription.is_live or subscription.cancel_at is None:
        raise BillingError(_("This membership is not scheduled to end."))
    if subscription.collection == Subscription.Collection.STRIPE and subscription.stripe_subscription_id:
        from .. import stripe_services

        stripe_services.resume_stripe_subscription(subscription=subscription)
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(cancel_at=None, updated_at=timezone.now())
    subscription.refresh_from_db()
    return subscription
