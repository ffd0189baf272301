"""Twelve months of membership history for the demo business, so the revenue report has
movements to explain: members who joined, one who moved up to a dearer plan, one who left,
one who left and came back. Every period is an ordinary invoice of a membership paid by hand,
issued at its start and paid two days later. Idempotent: each invoice is keyed by its
membership and period, and a membership that exists is left as it is."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from . import periods, services
from .models import Invoice, Plan, Subscription
from .services.memberships import end_subscription, new_subscription

PREMIUM = {
    "name": "Premium coaching",
    "kind": Plan.Kind.MEMBERSHIP,
    "price_minor": 22000,
    "interval": Plan.Interval.MONTH,
    "sessions": 8,
    "description": "Eight sessions a month, a weekly check-in call and the group classes.",
}
MAYA, LEO, NINA, JACK = (
    "maya.patel@demo.mecto.test",
    "leo.walsh@demo.mecto.test",
    "nina.okafor@demo.mecto.test",
    "jack.turner@demo.mecto.test",
)
# (key, client, plan key, months ago it started, months ago it ended or None while it runs)
HISTORY = [
    ("maya-club", MAYA, "club", 12, 5),  # moved up to Premium five months ago
    ("maya-premium", MAYA, "premium", 5, None),
    ("leo-club", LEO, "club", 10, 4),  # left four months ago
    ("nina-club-1", NINA, "club", 9, 6),  # left, then came back two months ago
    ("nina-club-2", NINA, "club", 2, None),
    ("jack-club", JACK, "club", 7, 1),
]


def _months_ago(today, months: int):
    """The same day of the month `months` ago (the 28th at the latest, so every month has it)."""
    year, month = today.year, today.month - months
    while month <= 0:
        year, month = year - 1, month + 12
    return today.replace(year=year, month=month, day=min(today.day, 28))


def seed_history(*, organization, owner, clients: dict, plans: dict, now: datetime | None = None) -> int:
    """Returns the invoices made now (none on a second run)."""
    now = now or timezone.now()
    if any(email not in clients for email in (MAYA, LEO, NINA, JACK)):
        return 0
    premium = Plan.objects.for_org(organization).filter(name=PREMIUM["name"], kind=PREMIUM["kind"]).first()
    plans = {**plans, "premium": premium or services.create_plan(organization=organization, actor=owner, **PREMIUM)}
    tz = organization.time_zone
    today = periods.local_today(tz, now)
    made = 0
    for key, email, plan_key, started, ended in HISTORY:
        client, plan = clients[email], plans[plan_key]
        if Invoice.objects.for_org(organization).filter(source_key=f"demo:{key}:0").exists():
            continue
        start_at = periods.local_midnight(_months_ago(today, started), tz)
        end_at = periods.local_midnight(_months_ago(today, ended), tz) if ended is not None else None
        subscription = new_subscription(
            client=client, plan=plan, collection=Subscription.Collection.MANUAL, started_at=start_at, actor=owner
        )
        index = 0
        while True:
            start, end = periods.period_bounds(
                anchor=subscription.anchor_at, interval=subscription.interval, index=index, time_zone=tz
            )
            if start > now or (end_at is not None and start >= end_at):
                break
            invoice = services.create_invoice(
                client=client,
                lines=[services.plan_line(plan)],
                subscription=subscription,
                period=(start, end),
                source_key=f"demo:{key}:{index}",
                issue=True,
                send_email=False,
                due_at=start + timedelta(days=14),
                actor=owner,
            )
            # Demo history only: services stamp an invoice with the moment it is issued.
            Invoice.objects.filter(pk=invoice.pk).update(issued_at=start, due_at=start + timedelta(days=14))
            paid_at = min(start + timedelta(days=2), now)
            services.record_payment(
                invoice=invoice,
                amount_minor=invoice.total_minor,
                method="transfer",
                received_at=paid_at,
                reference=f"Demo {key}",
                idempotency_key=f"demo:{key}:{index}",
                send_receipt=False,
                actor=owner,
            )
            made += 1
            subscription.period_index = index
            subscription.current_period_start, subscription.current_period_end = start, end
            index += 1
        subscription.save()
        if end_at is not None:
            end_subscription(subscription, at=end_at, actor=owner)
    return made
