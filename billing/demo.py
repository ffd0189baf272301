"""Billing for the demo business (`manage.py seed_demo`): plans, five months of invoices and
payments, one open and one overdue invoice, two memberships paid by hand, and twelve months
of membership history (`demo_history`), so the revenue overview and report are not empty.
Safe to run again: every invoice and payment is keyed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mecto.demo import demo_seeder

from . import periods, services
from .demo_history import seed_history
from .models import Coupon, Invoice, Plan, Subscription

PLANS = {
    "package": {
        "name": "10 PT sessions",
        "kind": Plan.Kind.PACKAGE,
        "price_minor": 50000,
        "sessions": 10,
        "validity_days": 90,
        "description": "Ten one-to-one sessions, valid for three months.",
    },
    "nutrition": {
        "name": "Nutrition plan",
        "kind": Plan.Kind.SERVICE,
        "price_minor": 8000,
        "tax_rate": "20",
        "validity_days": 30,
        "description": "A four-week meal plan with a check-in call.",
    },
    "club": {
        "name": "Monthly club",
        "kind": Plan.Kind.MEMBERSHIP,
        "price_minor": 12000,
        "interval": Plan.Interval.MONTH,
        "sessions": 4,
        "minimum_term_periods": 3,
        "description": "Four sessions a month and the group classes.",
    },
    "starter": {
        "name": "Starter membership",
        "kind": Plan.Kind.MEMBERSHIP,
        "price_minor": 6000,
        "interval": Plan.Interval.MONTH,
        "sessions": 2,
        "trial_days": 14,
        "description": "Two sessions a month; the first two weeks are free.",
    },
}
COUPON = {"code": "WELCOME20", "percent_off": "20", "duration": "once", "description": "20 % off the first payment"}
CHLOE, SAM, TARA = "client@demo.mecto.test", "sam.lead@demo.mecto.test", "tara.trial@demo.mecto.test"
# (key, client, plan or None for a custom line, days ago issued, how it was paid or "" for unpaid, days to pay)
INVOICES = [
    ("chloe-package-1", CHLOE, "package", 150, "transfer", 2),
    ("chloe-nutrition", CHLOE, "nutrition", 120, "card_terminal", 0),
    ("chloe-package-2", CHLOE, "package", 95, "transfer", 3),
    ("sam-assessment", SAM, None, 62, "cash", 0),
    ("sam-package", SAM, "package", 40, "", 14),  # overdue: due 26 days ago
    ("tara-nutrition", TARA, "nutrition", 33, "transfer", 1),
    ("tara-package", TARA, "package", 2, "", 14),  # open: due in 12 days
]
# (client, days ago the membership started)
MEMBERSHIPS = [(CHLOE, 20), (TARA, 8)]


def _backdate(invoice: Invoice, issued_at: datetime, due_at: datetime) -> None:
    # Demo history only: services stamp an invoice with the moment it is issued.
    Invoice.objects.filter(pk=invoice.pk).update(issued_at=issued_at, due_at=due_at)


def _plans(organization, owner) -> dict[str, Plan]:
    plans = {}
    for key, fields in PLANS.items():
        plan = Plan.objects.for_org(organization).filter(name=fields["name"], kind=fields["kind"]).first()
        plans[key] = plan or services.create_plan(organization=organization, actor=owner, **fields)
    return plans


@demo_seeder(order=40)
@transaction.atomic
def seed_demo_billing(*, organization, owner, clients: dict, now: datetime | None = None, **context) -> int:
    """Runs after the calendar (booking spends the demo credits first). `clients` maps email to
    Client. Returns the invoices made now (none on a second run)."""
    now = now or timezone.now()
    if any(email not in clients for email in (CHLOE, SAM, TARA)):
        return 0
    row = services.billing_settings(organization)
    if not row.invoice_footer:
        services.update_billing_settings(
            organization=organization,
            invoice_prefix="NSL",
            invoice_footer="Thank you for training with us.",
        )
    if not row.bank_account_number:
        services.update_billing_settings(
            organization=organization,
            bank_account_holder="Northside Strength Ltd",
            bank_account_number="12345678",
            bank_code="12-34-56",
        )
    plans = _plans(organization, owner)
    made = Invoice.objects.for_org(organization).count()
    for key, email, plan_key, days_ago, method, days_to_pay in INVOICES:
        issued_at = now - timedelta(days=days_ago)
        if plan_key:
            lines = [services.plan_line(plans[plan_key])]
        else:
            lines = [services.LineInput(description="Strength assessment", unit_price_minor=6000)]
        existed = Invoice.objects.for_org(organization).filter(source_key=f"demo:{key}").exists()
        invoice = services.create_invoice(
            client=clients[email],
            lines=lines,
            actor=owner,
            source_key=f"demo:{key}",
            issue=True,
            send_email=False,
            due_at=issued_at + timedelta(days=14),
        )
        if not existed:
            _backdate(invoice, issued_at, issued_at + timedelta(days=14))
        if method:
            services.record_payment(
                invoice=invoice,
                amount_minor=invoice.total_minor,
                method=method,
                received_at=issued_at + timedelta(days=days_to_pay),
                reference=f"Demo {key}",
                idempotency_key=f"demo:{key}",
                send_receipt=False,
                actor=owner,
            )
    for email, days_ago in MEMBERSHIPS:
        client = clients[email]
        subscription = (
            Subscription.objects.for_org(organization)
            .filter(client=client, plan=plans["club"], status__in=Subscription.LIVE_STATUSES)
            .first()
        )
        started_now = subscription is None
        if started_now:
            start_date = periods.local_today(organization.time_zone) - timedelta(days=days_ago)
            subscription = services.start_membership(
                client=client, plan=plans["club"], actor=owner, start_date=start_date
            )
        first = subscription.invoices.filter(source_key=f"renewal:{subscription.public_id}:0").first()
        if first is not None:
            if started_now:
                _backdate(first, subscription.started_at, subscription.started_at + timedelta(days=14))
            if first.status == Invoice.Status.OPEN:
                services.record_payment(
                    invoice=first,
                    amount_minor=first.amount_due_minor,
                    method="transfer",
                    received_at=min(subscription.started_at + timedelta(hours=10), now),
                    reference="Demo membership",
                    idempotency_key=f"demo:membership:{subscription.public_id}",
                    send_receipt=False,
                    actor=owner,
                )
    _coupon_and_trial(organization, owner, plans, clients[SAM])
    seed_history(organization=organization, owner=owner, clients=clients, plans=plans, now=now)
    return Invoice.objects.for_org(organization).count() - made


def _coupon_and_trial(organization, owner, plans: dict[str, Plan], client) -> None:
    """WELCOME20 (20 % off the first payment) and a hand-paid membership in its free trial."""
    if not Coupon.objects.for_org(organization).filter(code=COUPON["code"]).exists():
        services.create_coupon(organization=organization, actor=owner, **COUPON)
    live = Subscription.objects.for_org(organization).filter(
        client=client, plan=plans["starter"], status__in=Subscription.LIVE_STATUSES
    )
    if not live.exists():
        services.start_membership(client=client, plan=plans["starter"], actor=owner)


ACCESS_PLAN = {
    "name": "Online coaching",
    "kind": Plan.Kind.MEMBERSHIP,
    "price_minor": 6000,
    "interval": Plan.Interval.MONTH,
    "sessions": 0,
    "description": "Your own training program and the members' group thread, adjusted every month.",
}
ACCESS_GROUP = "Online coaching members"
ACCESS_PROGRAM = "Strength base"  # the training demo's template (in the library)


@demo_seeder(order=45)
@transaction.atomic
def seed_demo_access(*, organization, owner, **context) -> int:
    """A membership that grants a program and a group thread, so "What it grants" and the
    access ledger have something to show. Safe to run again. Returns the plans made now."""
    from clients.models import Group
    from clients.services import create_group
    from training.models import Program

    program = (
        Program.objects.for_org(organization).library().templates().filter(name=ACCESS_PROGRAM).order_by("pk").first()
    )
    if program is None:
        return 0
    group = Group.objects.for_org(organization).filter(name=ACCESS_GROUP).first()
    if group is None:
        group = create_group(organization=organization, name=ACCESS_GROUP, actor=owner)
    plan = Plan.objects.for_org(organization).filter(name=ACCESS_PLAN["name"], kind=ACCESS_PLAN["kind"]).first()
    made = plan is None
    if made:
        plan = services.create_plan(organization=organization, actor=owner, **ACCESS_PLAN)
    services.set_plan_access(
        plan=plan,
        actor=owner,
        grants={"program": [str(program.pk)], "group": [str(group.pk)]},
        withdrawal="grace",
        grace_days=7,
        program_start="next_monday",
    )
    return int(made)


def remove_demo_books(*, organization, client_ids) -> int:
    """The demo clients' invoices, payments and credit notes: the books keep a real client's
    (anonymised) when they go, but sample figures would only muddle the real ones."""
    from .models import CreditNote, Invoice, Payment, Purchase

    invoices = Invoice.objects.for_org(organization).filter(client_id__in=client_ids)
    CreditNote.objects.for_org(organization).filter(invoice__in=invoices).delete()
    Purchase.objects.for_org(organization).filter(invoice__in=invoices).delete()
    Payment.objects.for_org(organization).filter(invoice__in=invoices).delete()
    deleted, _ = invoices.delete()
    return deleted
