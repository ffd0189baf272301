"""Refunds take back the session credits they paid for: unused ones only, in the refunded
share (rounded down), exactly once however often a refund is delivered."""

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from billing import services
from billing.models import Payment
from booking import services as booking_services
from booking.models import CreditEntry, CreditGrant
from booking.selectors import credit_balance
from mecto.models import Event

from . import stripe_fakes as fake
from .conftest import ACCOUNT
from .factories import MembershipPlanFactory, PlanFactory

pytestmark = pytest.mark.django_db

T0 = 1777600000  # 2026-05-01 01:46:40 UTC
MONTH = 30 * 86400


@pytest.fixture
def package(org):
    return PlanFactory(organization=org, name="10 sessions", price_minor=50000, sessions=10, validity_days=90)


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


def _sell_cash(client_record, plan):
    invoice = services.sell_plan(client=client_record, plan=plan, send_email=False)
    payment = services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="cash")
    return invoice, payment


def _revoked(client_record) -> int:
    entries = CreditEntry.objects.filter(client=client_record, kind=CreditEntry.Kind.REVOKE)
    return -sum(entries.values_list("delta", flat=True))


def _card_package_paid(client, client_record, package):
    metadata = {
        "organization_id": str(client_record.organization_id),
        "client_id": str(client_record.public_id),
        "plan_id": str(package.public_id),
        "kind": "plan",
    }
    session = fake.checkout_session(amount_total=50000, metadata=metadata, payment_intent="pi_PACK")
    assert fake.post_event(client, fake.event("checkout.session.completed", session, account_id=ACCOUNT)).status_code
    assert credit_balance(client=client_record) == 10


def test_full_refund_webhook_revokes_every_unused_credit_once_even_when_replayed(
    client, connected, client_record, package
):
    _card_package_paid(client, client_record, package)
    refund = fake.refund(refund_id="re_ALL", amount=50000, payment_intent="pi_PACK")
    data = fake.event(
        "charge.refunded",
        fake.charge(charge_id="ch_1", payment_intent="pi_PACK", amount=50000, refunds=[refund]),
        account_id=ACCOUNT,
    )
    for _ in range(3):  # Stripe delivers again; the same body is also resent under new event ids
        assert fake.post_event(client, data).status_code == 200
        assert fake.post_event(client, {**data, "id": fake.new_id("evt")}).status_code == 200
    assert credit_balance(client=client_record) == 0
    assert _revoked(client_record) == 10
    assert CreditEntry.objects.filter(kind=CreditEntry.Kind.REVOKE).count() == 1
    assert CreditGrant.objects.get().refunded_quantity == 10
    assert Event.objects.filter(name="credits.revoked").count() == 1
    assert Event.objects.filter(name="payment.refunded").count() == 1
    event = Event.objects.get(name="credits.revoked")
    assert event.payload["quantity"] == 10 and event.payload["reference"] == "credit_note:CN-00001"


def test_partial_refunds_revoke_the_refunded_share_rounded_down_and_add_up(client_record, package, no_stripe):
    invoice, payment = _sell_cash(client_record, package)
    services.refund_payment(payment=payment, amount_minor=12500)  # 25% of 10 credits = 2.5 → 2
    assert credit_balance(client=client_record) == 8 and _revoked(client_record) == 2
    services.refund_payment(payment=payment, amount_minor=12500)  # 50% in all = 5 → 3 more
    assert credit_balance(client=client_record) == 5 and _revoked(client_record) == 5
    services.refund_payment(payment=payment, amount_minor=100)  # 50.2% = 5.02 → nothing more
    assert credit_balance(client=client_record) == 5
    services.refund_payment(payment=payment)  # the rest: all of them
    assert credit_balance(client=client_record) == 0 and _revoked(client_record) == 10
    assert Event.objects.filter(name="credits.revoked").count() == 3  # the 0.02 credit refund revoked nothing


def test_only_unused_credits_are_revoked_and_the_balance_never_goes_below_zero(client_record, package, no_stripe):
    invoice, payment = _sell_cash(client_record, package)
    for n in range(8):
        booking_services.consume_credit(client=client_record, reference=f"booking:{n}")
    services.refund_payment(payment=payment, amount_minor=25000)  # half: 5 to revoke, 2 unused
    assert _revoked(client_record) == 2 and credit_balance(client=client_record) == 0
    services.refund_payment(payment=payment)
    assert _revoked(client_record) == 2 and credit_balance(client=client_record) == 0
    grant = CreditGrant.objects.get()
    assert grant.refunded_quantity == 10
    # A booking cancelled in time gives its credit back; the purchase was refunded, so it is revoked.
    booking_services.return_credit(client=client_record, reference="booking:0")
    assert credit_balance(client=client_record) == 0 and _revoked(client_record) == 3
    with pytest.raises(booking_services.BookingError):
        booking_services.consume_credit(client=client_record, reference="booking:99")


def test_a_refund_leaves_other_purchases_credits_alone(client_record, package, no_stripe):
    _sell_cash(client_record, package)
    invoice, payment = _sell_cash(client_record, package)
    booking_services.grant_credits(client=client_record, quantity=1, source_ref="goodwill")
    services.refund_payment(payment=payment)
    assert credit_balance(client=client_record) == 11


def test_coach_refund_through_the_api_revokes_credits(coach_api, client_record, package):
    invoice, payment = _sell_cash(client_record, package)
    response = coach_api.post(f"/api/v1/billing/payments/{payment.pk}/refund/", {"amount_minor": 50000}, format="json")
    assert response.status_code == 201, response.data
    assert credit_balance(client=client_record) == 0


def test_coach_refund_from_the_invoice_page_revokes_credits(as_coach, client_record, package):
    invoice, payment = _sell_cash(client_record, package)
    response = as_coach.post(
        f"/billing/invoices/{invoice.pk}/",
        {
            "action": "refund",
            "payment": payment.pk,
            f"refund{payment.pk}-amount_minor": "250.00",
            f"refund{payment.pk}-reason": "Moved away",
        },
    )
    assert response.status_code == 302
    assert credit_balance(client=client_record) == 5


def test_membership_refund_revokes_that_periods_unused_sessions(client_record, org, no_stripe):
    plan = MembershipPlanFactory(organization=org, price_minor=12000, sessions=4)
    subscription = services.start_membership(client=client_record, plan=plan)
    invoice = subscription.invoices.get()
    payment = services.record_payment(invoice=invoice, amount_minor=12000, method="cash")
    booking_services.consume_credit(client=client_record, reference="booking:1")
    services.refund_payment(payment=payment)
    assert credit_balance(client=client_record) == 0 and _revoked(client_record) == 3


def test_card_membership_refund_revokes_the_period_once(client, connected, client_record, org):
    plan = MembershipPlanFactory(organization=org, name="Monthly club", price_minor=12000, sessions=4)
    metadata = {
        "organization_id": str(client_record.organization_id),
        "client_id": str(client_record.public_id),
        "plan_id": str(plan.public_id),
        "kind": "plan",
    }
    paid = fake.invoice(
        sub_id="sub_M", metadata=metadata, period_start=T0, period_end=T0 + MONTH, payment_intent="pi_MEM"
    )
    with freeze_time(datetime.fromtimestamp(T0 + 60, tz=UTC)):
        fake.post_event(client, fake.event("invoice.paid", paid, account_id=ACCOUNT, created=T0))
        assert credit_balance(client=client_record) == 4
        refund = fake.refund(refund_id="re_M", amount=6000, payment_intent="pi_MEM")
        data = fake.event(
            "charge.refunded",
            fake.charge(charge_id="ch_M", payment_intent="pi_MEM", amount=12000, refunds=[refund]),
            account_id=ACCOUNT,
        )
        fake.post_event(client, data)
        fake.post_event(client, data)
        assert Payment.objects.get(stripe_payment_intent_id="pi_MEM").amount_refunded_minor == 6000
        assert credit_balance(client=client_record) == 2
    assert Event.objects.filter(name="credits.revoked").count() == 1
