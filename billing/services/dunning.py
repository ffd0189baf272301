"""Beat jobs: reminders after a failed card payment (dunning) and for expiring packages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.events import emit, register_event_type

from .. import periods
from ..models import Invoice, Notice, Purchase, Subscription
from ._common import _on_commit_task

__all__ = ["DUNNING_DAYS", "run_dunning", "EXPIRY_NOTICE_DAYS", "remind_expiring_packages"]

register_event_type("subscription.past_due", _("A membership became past due after payment reminders"))


DUNNING_DAYS = (1, 3, 7)


def _notice_once(*, organization, key: str, **fields) -> Notice | None:
    """Record a scheduled step; None when it was already taken (the step happens once)."""
    try:
        with transaction.atomic():
            return Notice.objects.create(organization=organization, key=key, **fields)
    except IntegrityError:
        return None


def run_dunning(now: datetime | None = None) -> int:
    """Beat: for each card payment that failed, remind the client on days 1, 3 and 7 (in the
    business's local time), then mark the membership past due and tell the coach. Once each."""
    from .. import tasks

    now = now or timezone.now()
    steps = 0
    failing = (
        Invoice.objects.filter(status=Invoice.Status.OPEN, payment_failed_at__isnull=False)
        .exclude(notices__kind=Notice.Kind.PAST_DUE)
        .select_related("organization", "client", "subscription")
        .order_by("payment_failed_at")
    )
    for invoice in failing:
        tz = invoice.organization.time_zone
        for day in DUNNING_DAYS:
            if now < periods.add_local_days(invoice.payment_failed_at, day, tz):
                break
            with transaction.atomic():
                notice = _notice_once(
                    organization=invoice.organization,
                    key=f"dunning:{invoice.public_id}:{day}",
                    kind=Notice.Kind.DUNNING_REMINDER,
                    client=invoice.client,
                    invoice=invoice,
                    subscription=invoice.subscription,
                    step=day,
                )
                if notice is not None:
                    steps += 1
                    _on_commit_task(tasks.send_notice, notice.pk)
                    if day == DUNNING_DAYS[-1]:
                        steps += _mark_past_due(invoice, now)
    return steps


def _mark_past_due(invoice: Invoice, now: datetime) -> int:
    from .. import tasks

    subscription = invoice.subscription
    notice = _notice_once(
        organization=invoice.organization,
        key=f"past_due:{invoice.public_id}",
        kind=Notice.Kind.PAST_DUE,
        client=invoice.client,
        invoice=invoice,
        subscription=subscription,
        step=DUNNING_DAYS[-1],
    )
    if notice is None:
        return 0
    if subscription is not None:
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status in (Subscription.Status.ACTIVE, Subscription.Status.TRIALING):
            subscription.status = Subscription.Status.PAST_DUE
            subscription.past_due_since = now
            subscription.save(update_fields=["status", "past_due_since", "updated_at"])
            emit(
                invoice.organization,
                "subscription.past_due",
                {"subscription_id": str(subscription.public_id), "invoice_id": str(invoice.public_id)},
                client=invoice.client,
            )
    _on_commit_task(tasks.send_notice, notice.pk)
    return 1


EXPIRY_NOTICE_DAYS = 7


def remind_expiring_packages(now: datetime | None = None) -> int:
    """Beat: tell clients, once, that a package with unused sessions expires within a week."""
    from booking.selectors import grants_with_remaining

    from .. import tasks

    now = now or timezone.now()
    sent = 0
    purchases = (
        Purchase.objects.filter(
            sessions__gt=0, expires_at__gt=now, expires_at__lte=now + timedelta(days=EXPIRY_NOTICE_DAYS)
        )
        .exclude(credit_source_ref="")
        .select_related("client", "organization", "plan")
    )
    for purchase in purchases:
        if Notice.objects.filter(organization=purchase.organization, key=f"expiring:{purchase.public_id}").exists():
            continue
        remaining = sum(
            max(g.remaining, 0)
            for g in grants_with_remaining(client=purchase.client, at=now).filter(source_ref=purchase.credit_source_ref)
        )
        if remaining <= 0:
            continue
        with transaction.atomic():
            notice = _notice_once(
                organization=purchase.organization,
                key=f"expiring:{purchase.public_id}",
                kind=Notice.Kind.PACKAGE_EXPIRING,
                client=purchase.client,
                purchase=purchase,
                step=remaining,
            )
            if notice is not None:
                sent += 1
                _on_commit_task(tasks.send_notice, notice.pk)
    return sent
