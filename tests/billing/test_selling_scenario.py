"""Selling coaching, as a business lives it: a membership that grants a program and 8 sessions a
month with a 20 % first-month code; a client buys it (card checkout, Stripe faked at the HTTP
boundary, and separately a hand-paid request approved by the coach), gets the program and the
sessions; cancels and keeps access to the end of the paid period, then loses it; the revenue
report shows the new MRR and the churn that followed."""

from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time

from billing import reports, services
from billing.models import Invoice, PlanRequest, Subscription
from billing.models_access import AccessGrant
from billing.tasks import apply_access_withdrawals, renew_memberships
from booking.selectors import credit_balance
from tests.conftest import api_as
from tests.training.factories import WorkoutFactory
from training.models import Program, ScheduledWorkout

from . import stripe_fakes as fake
from .conftest import ACCOUNT
from .factories import MembershipPlanFactory
from .stripe_fakes import form

pytestmark = pytest.mark.django_db

JAN = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # a Monday; London is on UTC in winter


def _product(org, owner):
    """Coaching club: 100.00 a month, 8 sessions each period, grants a 2-workout program from the
    next Monday and is withdrawn at the end of the paid period; WELCOME20 takes 20 % off once."""
    workout = WorkoutFactory(organization=org, name="Day 1", week__program__is_template=True)
    WorkoutFactory(organization=org, week=workout.week, name="Day 3", day=3)
    plan = MembershipPlanFactory(
        organization=org, name="Coaching club", price_minor=10000, sessions=8, sold_online=True, tax_rate="0"
    )
    services.set_plan_access(
        plan=plan,
        actor=owner,
        grants={"program": [str(workout.program.pk)]},
        withdrawal="period_end",
        program_start="next_monday",
    )
    services.create_coupon(organization=org, actor=owner, code="WELCOME20", percent_off="20")
    return plan, workout.program


def _has_program(client_record, template) -> bool:
    """The client has their own copy of the template, with workouts on their calendar."""
    copy = Program.objects.filter(client=client_record, source=template).first()
    return copy is not None and ScheduledWorkout.objects.filter(client=client_record, program=copy).exists()


def _live_grants(client_record) -> int:
    return AccessGrant.objects.filter(client=client_record, revoked_at__isnull=True).count()


def _month(history, day: date):
    return next(m for m in history if m.month == day)


def test_hand_paid_request_with_a_code_grants_the_program_and_ends_with_the_period(
    org, owner, coach, client_record, no_stripe
):
    client_record.coach = coach
    client_record.save()
    with freeze_time(JAN):
        plan, template = _product(org, owner)
        api = api_as(client_record.user)
        # The portal's Buy, without card payments: ask for the plan, with the code.
        asked = api.post("/api/v1/me/plan-requests/", {"plan": str(plan.public_id), "coupon_code": "welcome20"})
        assert asked.status_code == 201, asked.content
        # The coach approves: the membership starts paid by hand, its first invoice discounted.
        coach_api = api_as(coach)
        plan_request = PlanRequest.objects.get()
        approved = coach_api.post(f"/api/v1/billing/plan-requests/{plan_request.pk}/approve/")
        assert approved.status_code == 200, approved.content
        first = Invoice.objects.get(subscription__client=client_record)
        assert (first.discount_minor, first.total_minor) == (2000, 8000)
        services.record_payment(
            invoice=first, amount_minor=8000, method="transfer", idempotency_key="t-1", send_receipt=False
        )
        assert _has_program(client_record, template) and _live_grants(client_record) == 1
        assert credit_balance(client=client_record) == 8
        subscription = Subscription.objects.get(client=client_record)
        period_end = subscription.current_period_end

    # February: full price (the code was once), paid; the client then cancels at period end.
    with freeze_time(period_end + timedelta(hours=1)):
        renew_memberships()
        second = Invoice.objects.filter(subscription=subscription).order_by("id").last()
        assert (second.discount_minor, second.total_minor) == (0, 10000)
        services.record_payment(
            invoice=second, amount_minor=10000, method="transfer", idempotency_key="t-2", send_receipt=False
        )
        cancelled = api.post(f"/api/v1/me/memberships/{subscription.public_id}/cancel/")
        assert cancelled.status_code == 200, cancelled.content
        subscription.refresh_from_db()
        assert subscription.cancel_at is not None
        assert _live_grants(client_record) == 1  # access lasts to the end of the paid period

    with freeze_time(subscription.cancel_at + timedelta(hours=1)):
        renew_memberships()
        apply_access_withdrawals()
        subscription.refresh_from_db()
        assert subscription.status == Subscription.Status.CANCELLED
        assert _live_grants(client_record) == 0
        # The program's workouts still to come are gone; none was logged, so none is kept.
        assert not ScheduledWorkout.objects.filter(
            client=client_record, date__gt=subscription.cancel_at.date()
        ).exists()
        # The revenue report explains it: 80.00 new in January, 20.00 expansion in February when
        # the code ran out, then the client churned in March; customer churn 100 % that month.
        history = reports.mrr_history(organization=org, months=3)
        jan, feb, mar = (_month(history, date(2026, m, 1)) for m in (1, 2, 3))
        assert (jan.new_minor, jan.closing_minor) == (8000, 8000)
        assert (feb.expansion_minor, feb.closing_minor) == (2000, 10000)
        assert (mar.churned_minor, mar.closing_minor, mar.customers_churned) == (10000, 0, 1)
        assert mar.customer_churn_rate == 100


def test_card_checkout_with_the_code_grants_the_program_once(client, org, owner, client_record, connected, stripe_api):
    with freeze_time(JAN):
        plan, template = _product(org, owner)
        plan.stripe_product_id, plan.stripe_price_id = "prod_CLUB", "price_CLUB"
        plan.stripe_price_signature = plan.stripe_signature()
        plan.save()
        api = api_as(client_record.user)
        stripe_api.customer_created()
        stripe_api.coupon_created()
        stripe_api.promotion_code_created()
        stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_test_CLUB")
        started = api.post("/api/v1/me/purchases/", {"plan": str(plan.public_id), "coupon_code": "WELCOME20"})
        assert started.status_code == 201, started.content
        sent = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
        assert sent["mode"] == "subscription" and sent["discounts[0][promotion_code]"] == "promo_TEST"
        meta = {k[len("metadata[") : -1]: v for k, v in sent.items() if k.startswith("metadata[")}

        t0 = int(JAN.timestamp())
        session = fake.checkout_session(
            mode="subscription", subscription="sub_CLUB", amount_total=8000, amount_discount=2000, metadata=meta
        )
        paid = fake.invoice(
            sub_id="sub_CLUB",
            metadata=meta,
            period_start=t0,
            period_end=t0 + 31 * 86400,
            payment_intent="pi_CLUB1",
            amount=10000,
            discount=2000,
            billing_reason="subscription_create",
        )
        events = [
            fake.event("checkout.session.completed", session, account_id=ACCOUNT, created=t0 + 5),
            fake.event("invoice.paid", paid, account_id=ACCOUNT, created=t0 + 6),
        ]
        for data in events + events:  # delivered twice: nothing is granted twice
            assert fake.post_event(client, data).status_code == 200
        invoice = Invoice.objects.get(client=client_record)
        assert (invoice.discount_minor, invoice.total_minor, invoice.status) == (2000, 8000, Invoice.Status.PAID)
        assert _has_program(client_record, template) and _live_grants(client_record) == 1
        assert credit_balance(client=client_record) == 8
        assert Subscription.objects.get(client=client_record).collection == Subscription.Collection.STRIPE
