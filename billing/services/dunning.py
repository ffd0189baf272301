"""Beat jobs: reminders after a failed card payment (dunning) and for expiring packages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto import comms
from mecto.events import emit, register_event_type

from .. import notifications, periods
from ..errors import BillingError
from ..models import AccessGrant, Invoice, Purchase, Subscription
from . import access

__all__ = ["DUNNING_DAYS", "run_dunning", "send_payment_reminder", "EXPIRY_NOTICE_DAYS", "remind_expiring_packages"]

register_event_type("subscription.past_due", gettext_lazy("A membership became past due after payment reminders"))


DUNNING_DAYS = (1, 3, 7)


def run_dunning(now: datetime | None = None) -> int:
    """Beat: for each card payment that failed, remind the client on days 1, 3 and 7 (in the
    business's local time), then mark the membership past due and tell the coach. Once each:
    each reminder is a message with its own key, and the invoice keeps when it went past due."""
    now = now or timezone.now()
    steps = 0
    failing = (
        Invoice.objects.filter(status=Invoice.Status.OPEN, payment_failed_at__isnull=False, past_due_at__isnull=True)
        .select_related("organization", "client", "subscription")
        .order_by("payment_failed_at")
    )
    for invoice in failing:
        tz = invoice.organization.time_zone
        for day in DUNNING_DAYS:
            if now < periods.add_local_days(invoice.payment_failed_at, day, tz):
                break
            with transaction.atomic():
                if notifications.queue_dunning_reminder(invoice, day).is_new:
                    steps += 1
                if day == DUNNING_DAYS[-1]:
                    steps += _mark_past_due(invoice, now)
    return steps


def _mark_past_due(invoice: Invoice, now: datetime) -> int:
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("organization", "client").get(pk=invoice.pk)
    )
    if invoice.past_due_at is not None:
        return 0
    invoice.past_due_at = now
    invoice.save(update_fields=["past_due_at", "updated_at"])
    subscription = invoice.subscription
    if subscription is not None:
        subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if subscription.status in (Subscription.Status.ACTIVE, Subscription.Status.TRIALING):
            subscription.status = Subscription.Status.PAST_DUE
            subscription.past_due_since = now
            subscription.save(update_fields=["status", "past_due_since", "updated_at"])
            access.withdraw_subscription_access(subscription=subscription, reason=AccessGrant.Reason.PAST_DUE, now=now)
            emit(
                invoice.organization,
                "subscription.past_due",
                {"subscription_id": str(subscription.public_id), "invoice_id": str(invoice.public_id)},
                client=invoice.client,
            )
    notifications.queue_past_due_notice(invoice)
    return 1


@transaction.atomic
def send_payment_reminder(*, invoice: Invoice, actor=None, now: datetime | None = None) -> bool:
    """Email the client a reminder of an overdue invoice (with a fresh pay link), at most
    once a day (the business's day): True when one was queued, False when today's was
    already sent. The message is composed when sent, so an invoice paid meanwhile gets none."""
    now = now or timezone.now()
    invoice = Invoice.objects.select_related("organization", "client").get(pk=invoice.pk)
    if invoice.status != Invoice.Status.OPEN:
        raise BillingError(_("Only an open invoice can be reminded."))
    if invoice.due_at is None or invoice.due_at >= now:
        raise BillingError(_("%(number)s is not overdue yet.") % {"number": invoice.number})
    if invoice.client is None or not invoice.client.email:
        raise BillingError(_("The client of %(number)s has no email address.") % {"number": invoice.number})
    day = periods.local_today(invoice.organization.time_zone, now)
    sent = notifications.queue_payment_reminder(invoice, day).is_new
    if sent:
        from .reminders import record_manual_reminder

        record_manual_reminder(invoice, now)
    return sent


EXPIRY_NOTICE_DAYS = 7


def remind_expiring_packages(now: datetime | None = None) -> int:
    """Beat: tell clients, once, that a package with unused sessions expires within a week."""
    from booking.selectors import grants_with_remaining

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
        if comms.is_queued(notifications.expiry_key(purchase)):
            continue
        remaining = sum(
            max(g.remaining, 0)
            for g in grants_with_remaining(client=purchase.client, at=now).filter(source_ref=purchase.credit_source_ref)
        )
        if remaining <= 0:
            continue
        with transaction.atomic():
            if notifications.queue_package_expiring(purchase, remaining).is_new:
                sent += 1
    return sent
