"""The Stripe webhook: signatures checked with real HMAC signing, every event stored once and
applied once, whatever the order or the number of deliveries."""

import json
import time
from datetime import UTC, datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from billing import services, webhooks
from billing.models import BillingSettings, CreditNote, Invoice, Payment, Purchase, StripeEvent, Subscription
from booking.models import CreditGrant
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
def monthly(org):
    return MembershipPlanFactory(organization=org, name="Monthly club", price_minor=12000, sessions=4)


def _meta(client_record, plan, **extra):
    return {
        "organization_id": str(client_record.organization_id),
        "client_id": str(client_record.public_id),
        "plan_id": str(plan.public_id),
        "kind": "plan",
        **extra,
    }


def _package_paid(client_record, package, **kwargs):
    session = fake.checkout_session(
        amount_total=50000, metadata=_meta(client_record, package), payment_intent="pi_PACK", **kwargs
    )
    return fake.event("checkout.session.completed", session, account_id=ACCOUNT)


# --- Signatures ---------------------------------------------------------------------------------------------
def test_missing_bad_or_stale_signatures_are_refused_and_change_nothing(client, connected, client_record, package):
    data = _package_paid(client_record, package)
    payload = json.dumps(data)
    assert fake.post_event(client, data, signature="").status_code == 400
    assert fake.post_event(client, data, secret="whsec_someone_else").status_code == 400
    assert fake.post_event(client, data, signature="t=123,v1=deadbeef").status_code == 400
    assert fake.post_event(client, data, signature="garbage").status_code == 400
    stale = fake.sign(payload, timestamp=int(time.time()) - 3600)
    assert fake.post_event(client, data, signature=stale).status_code == 400
    # A signature over another body does not carry over.
    other = fake.sign(json.dumps({**data, "id": "evt_other"}))
    assert fake.post_event(client, data, signature=other).status_code == 400
    assert not StripeEvent.objects.exists() and not Invoice.objects.exists()
    assert credit_balance(client=client_record) == 0


def test_a_signature_dated_beyond_the_tolerance_either_side_is_refused(client, connected, client_record, package):
    data = _package_paid(client_record, package)
    payload = json.dumps(data)
    now = int(time.time())
    for timestamp in (now + 3600, now + 330, now - 330):  # the tolerance is 300 s
        signature = fake.sign(payload, timestamp=timestamp)
        assert fake.post_event(client, data, signature=signature).status_code == 400, timestamp
    assert not StripeEvent.objects.exists() and not Invoice.objects.exists()
    # A clock a little ahead of ours is within the tolerance.
    assert fake.post_event(client, data, signature=fake.sign(payload, timestamp=now + 60)).status_code == 200
    assert StripeEvent.objects.filter(event_id=data["id"]).exists()


def test_a_signed_body_that_is_not_an_event_is_refused(client):
    for payload in (
        "[1, 2, 3]",
        "{not json",
        '{"id": "evt_1", "type": "x", "created": "soon", "data": {}}',
        '{"id": "evt_1", "type": "x", "created": 99999999999999999999, "data": {"object": {}}}',
    ):
        response = client.post(
            "/webhooks/stripe/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=fake.sign(payload)
        )
        assert response.status_code == 400, payload
    body = b"\xff\xfe"
    assert (
        client.post(
            "/webhooks/stripe/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=00"
        ).status_code
        == 400
    )
    assert client.get("/webhooks/stripe/").status_code == 405


def test_a_second_secret_lets_the_signing_secret_roll_over(client, settings, connected, client_record, package):
    settings.STRIPE_WEBHOOK_SECRET = f"whsec_new_one, {fake.WEBHOOK_SECRET}"
    assert fake.post_event(client, _package_paid(client_record, package)).status_code == 200
    assert fake.post_event(client, _package_paid(client_record, package), secret="whsec_new_one").status_code == 200
    assert fake.post_event(client, _package_paid(client_record, package), secret="whsec_other").status_code == 400


def test_without_a_webhook_secret_nothing_is_accepted(client, settings, connected, client_record, package):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert fake.post_event(client, _package_paid(client_record, package)).status_code == 400
    assert not StripeEvent.objects.exists()


# --- Packages --------------------------------------------------------------------------------------------
def test_a_paid_package_is_invoiced_receipted_and_credited_once(
    client, connected, client_record, package, django_capture_on_commit_callbacks
):
    data = _package_paid(client_record, package)
    with django_capture_on_commit_callbacks(execute=True):
        response = fake.post_event(client, data)
    assert response.status_code == 200
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.PAID and invoice.number == "INV-00001" and invoice.total_minor == 50000
    payment = Payment.objects.get()
    assert payment.method == Payment.Method.CARD_ONLINE and payment.stripe_payment_intent_id == "pi_PACK"
    assert credit_balance(client=client_record) == 10
    assert Purchase.objects.get().plan == package
    assert "Receipt INV-00001" in mail.outbox[-1].subject
    assert Event.objects.filter(name="payment.succeeded").count() == 1

    # Stripe retries the same event (and sends the async-success twin): nothing more happens.
    for _ in range(3):
        assert fake.post_event(client, data).status_code == 200
    twin = fake.event("checkout.session.async_payment_succeeded", data["data"]["object"], account_id=ACCOUNT)
    assert fake.post_event(client, twin).status_code == 200
    assert StripeEvent.objects.count() == 2
    assert Invoice.objects.count() == 1 and Payment.objects.count() == 1
    assert CreditGrant.objects.count() == 1 and credit_balance(client=client_record) == 10
    assert Event.objects.filter(name="payment.succeeded").count() == 1


def test_an_unpaid_checkout_waits(client, connected, client_record, package):
    fake.post_event(client, _package_paid(client_record, package, payment_status="unpaid"))
    assert not Invoice.objects.exists()
    assert StripeEvent.objects.get().outcome == "waiting: not paid yet"


def test_events_of_unknown_accounts_or_foreign_metadata_are_ignored(client, connected, client_record, package):
    data = _package_paid(client_record, package)
    data["account"] = "acct_nobody"
    assert fake.post_event(client, data).status_code == 200
    forged = _package_paid(client_record, package)
    forged["data"]["object"]["metadata"]["organization_id"] = "999999"
    assert fake.post_event(client, forged).status_code == 200
    assert not Invoice.objects.exists()
    assert set(StripeEvent.objects.values_list("outcome", flat=True)) == {
        "ignored: no business has this account",
        "ignored: metadata names another business",
    }


def test_paying_an_invoice_by_link_settles_it(client, connected, client_record, org):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Plan", unit_price_minor=9000)],
        issue=True,
        send_email=False,
    )
    link, _url = services.create_payment_link(client=client_record, invoice=invoice, send=False)
    session = fake.checkout_session(
        amount_total=9000,
        payment_intent="pi_INV",
        metadata={
            "organization_id": str(org.pk),
            "client_id": str(client_record.public_id),
            "kind": "invoice",
            "invoice_id": str(invoice.public_id),
            "payment_link_id": str(link.pk),
        },
    )
    fake.post_event(client, fake.event("checkout.session.completed", session, account_id=ACCOUNT))
    invoice.refresh_from_db()
    link.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and link.status == "paid"


# --- Memberships: any order, once ----------------------------------------------------------------------------
def _membership_events(client_record, plan, sub_id="sub_CLUB"):
    meta = _meta(client_record, plan)
    sub_created = fake.subscription(
        sub_id=sub_id, status="active", period_start=T0, period_end=T0 + MONTH, metadata=meta
    )
    first_invoice = fake.invoice(
        sub_id=sub_id,
        metadata=meta,
        period_start=T0,
        period_end=T0 + MONTH,
        payment_intent="pi_M1",
        billing_reason="subscription_create",
    )
    session = fake.checkout_session(mode="subscription", subscription=sub_id, amount_total=12000, metadata=meta)
    return [
        fake.event("checkout.session.completed", session, account_id=ACCOUNT, created=T0 + 5),
        fake.event("customer.subscription.created", sub_created, account_id=ACCOUNT, created=T0 + 1),
        fake.event("invoice.paid", first_invoice, account_id=ACCOUNT, created=T0 + 3),
    ]


def _state():
    sub = Subscription.objects.get()
    return {
        "subscriptions": Subscription.objects.count(),
        "status": sub.status,
        "period": (sub.current_period_start, sub.current_period_end),
        "invoices": list(Invoice.objects.values_list("number", "status", "total_minor")),
        "payments": Payment.objects.count(),
        "credits": CreditGrant.objects.count(),
        "started_events": Event.objects.filter(name="subscription.started").count(),
    }


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0), (2, 0, 1)])
def test_membership_signup_events_in_any_order_give_the_same_books(client, connected, client_record, monthly, order):
    events = _membership_events(client_record, monthly)
    with freeze_time(datetime.fromtimestamp(T0 + 60, tz=UTC)):
        for i in order:
            assert fake.post_event(client, events[i]).status_code == 200
        for i in order:  # and every one of them again
            fake.post_event(client, events[i])
        assert credit_balance(client=client_record) == 4
    assert _state() == {
        "subscriptions": 1,
        "status": Subscription.Status.ACTIVE,
        "period": (datetime.fromtimestamp(T0, tz=UTC), datetime.fromtimestamp(T0 + MONTH, tz=UTC)),
        "invoices": [("INV-00001", "paid", 12000)],
        "payments": 1,
        "credits": 1,
        "started_events": 1,
    }
    sub = Subscription.objects.get()
    assert sub.collection == Subscription.Collection.STRIPE and sub.stripe_subscription_id == "sub_CLUB"
    assert Payment.objects.get().stripe_payment_intent_id == "pi_M1"


def test_an_older_subscription_snapshot_never_overwrites_a_newer_one(client, connected, client_record, monthly):
    meta = _meta(client_record, monthly)
    newer = fake.subscription(
        sub_id="sub_X",
        status="active",
        period_start=T0,
        period_end=T0 + MONTH,
        metadata=meta,
        cancel_at=T0 + MONTH,
    )
    older = fake.subscription(sub_id="sub_X", status="active", period_start=T0, period_end=T0 + MONTH, metadata=meta)
    fake.post_event(client, fake.event("customer.subscription.updated", newer, account_id=ACCOUNT, created=T0 + 20))
    fake.post_event(client, fake.event("customer.subscription.updated", older, account_id=ACCOUNT, created=T0 + 10))
    sub = Subscription.objects.get()
    assert sub.cancel_at == datetime.fromtimestamp(T0 + MONTH, tz=UTC)
    assert StripeEvent.objects.order_by("received_at").last().outcome == "stale snapshot ignored"


def test_a_deleted_subscription_ends_once_and_is_not_revived(client, connected, client_record, monthly):
    meta = _meta(client_record, monthly)
    active = fake.subscription(sub_id="sub_D", status="active", period_start=T0, period_end=T0 + MONTH, metadata=meta)
    ended = fake.subscription(
        sub_id="sub_D",
        status="canceled",
        period_start=T0,
        period_end=T0 + MONTH,
        metadata=meta,
        canceled_at=T0 + 100,
        ended_at=T0 + 100,
    )
    fake.post_event(client, fake.event("customer.subscription.deleted", ended, account_id=ACCOUNT, created=T0 + 100))
    fake.post_event(client, fake.event("customer.subscription.updated", active, account_id=ACCOUNT, created=T0 + 50))
    sub = Subscription.objects.get()
    assert sub.status == Subscription.Status.CANCELLED
    assert sub.cancelled_at == datetime.fromtimestamp(T0 + 100, tz=UTC)
    assert Event.objects.filter(name="subscription.cancelled").count() == 1


def test_subscriptions_made_in_the_stripe_dashboard_are_matched_by_customer_and_price(
    client, connected, client_record, monthly
):
    from billing.models import StripeCustomer

    StripeCustomer.objects.create(
        organization=client_record.organization, client=client_record, account_id=ACCOUNT, customer_id="cus_DASH"
    )
    monthly.stripe_price_id = "price_DASH"
    monthly.save()
    obj = fake.subscription(
        sub_id="sub_DASH",
        customer="cus_DASH",
        price_id="price_DASH",
        status="trialing",
        period_start=T0,
        period_end=T0 + 7 * 86400,
        trial_end=T0 + 7 * 86400,
    )
    fake.post_event(client, fake.event("customer.subscription.created", obj, account_id=ACCOUNT, created=T0))
    sub = Subscription.objects.get()
    assert sub.client == client_record and sub.plan == monthly and sub.status == Subscription.Status.TRIALING


def test_a_renewal_failure_opens_the_invoice_and_a_later_payment_settles_it(
    client, connected, client_record, monthly, stripe_api
):
    meta = _meta(client_record, monthly)
    for event in _membership_events(client_record, monthly):
        fake.post_event(client, event)
    failed = fake.invoice(
        invoice_id="in_RENEW",
        sub_id="sub_CLUB",
        metadata=meta,
        paid=False,
        period_start=T0 + MONTH,
        period_end=T0 + 2 * MONTH,
        attempt_count=1,
    )
    failed_event = fake.event("invoice.payment_failed", failed, account_id=ACCOUNT, created=T0 + MONTH + 60)
    fake.post_event(client, failed_event)
    fake.post_event(client, failed_event)
    invoice = Invoice.objects.get(stripe_invoice_id="in_RENEW")
    assert invoice.status == Invoice.Status.OPEN and invoice.number == "INV-00002"
    assert invoice.payment_failed_at == datetime.fromtimestamp(T0 + MONTH + 60, tz=UTC)
    assert Payment.objects.filter(status=Payment.Status.FAILED).count() == 1
    assert Event.objects.filter(name="payment.failed").count() == 1
    # Stripe retries the card two days later and fails again: recorded, dunning clock unchanged.
    retry = dict(failed, attempt_count=2)
    fake.post_event(
        client, fake.event("invoice.payment_failed", retry, account_id=ACCOUNT, created=T0 + MONTH + 2 * 86400)
    )
    invoice.refresh_from_db()
    assert invoice.payment_failed_at == datetime.fromtimestamp(T0 + MONTH + 60, tz=UTC)
    assert Payment.objects.filter(status=Payment.Status.FAILED).count() == 2

    # The client updates their card; Stripe's next attempt succeeds. The payments list is not
    # in this payload, so the payment intent is looked up.
    paid = fake.invoice(
        invoice_id="in_RENEW",
        sub_id="sub_CLUB",
        metadata=meta,
        period_start=T0 + MONTH,
        period_end=T0 + 2 * MONTH,
        attempt_count=3,
        include_payments=False,
    )
    stripe_api.invoice_payments_listed("in_RENEW", "pi_RENEW")
    fake.post_event(client, fake.event("invoice.paid", paid, account_id=ACCOUNT, created=T0 + MONTH + 4 * 86400))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.get(status=Payment.Status.SUCCEEDED, invoice=invoice).stripe_payment_intent_id == "pi_RENEW"
    assert CreditGrant.objects.count() == 2  # one per paid period
    # The failure notice for an invoice already paid (delivered late) changes nothing.
    late = fake.invoice(
        invoice_id="in_RENEW",
        sub_id="sub_CLUB",
        metadata=meta,
        paid=False,
        period_start=T0 + MONTH,
        period_end=T0 + 2 * MONTH,
        attempt_count=4,
    )
    fake.post_event(client, fake.event("invoice.payment_failed", late, account_id=ACCOUNT, created=T0 + MONTH + 86400))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert Payment.objects.filter(status=Payment.Status.FAILED).count() == 2


def test_a_trial_invoice_of_zero_credits_the_trial_without_an_invoice(client, connected, client_record, org):
    plan = MembershipPlanFactory(organization=org, trial_days=7, sessions=2)
    trial = fake.invoice(
        sub_id="sub_T",
        metadata=_meta(client_record, plan),
        amount=0,
        period_start=T0,
        period_end=T0 + 7 * 86400,
        billing_reason="subscription_create",
    )
    with freeze_time(datetime.fromtimestamp(T0 + 60, tz=UTC)):
        fake.post_event(client, fake.event("invoice.paid", trial, account_id=ACCOUNT, created=T0))
        assert credit_balance(client=client_record) == 2
    assert not Invoice.objects.exists()
    assert Subscription.objects.get().status == Subscription.Status.TRIALING


# --- Refunds ------------------------------------------------------------------------------------------------
def test_refund_events_out_of_order_give_one_credit_note_per_refund(client, connected, client_record, package):
    fake.post_event(client, _package_paid(client_record, package))
    r1 = fake.refund(refund_id="re_1", amount=10000, payment_intent="pi_PACK", created=T0)
    r2 = fake.refund(refund_id="re_2", amount=20000, payment_intent="pi_PACK", created=T0 + 10)
    first = fake.event(
        "charge.refunded",
        fake.charge(charge_id="ch_1", payment_intent="pi_PACK", amount=50000, refunds=[r1]),
        account_id=ACCOUNT,
        created=T0,
    )
    second = fake.event(
        "charge.refunded",
        fake.charge(charge_id="ch_1", payment_intent="pi_PACK", amount=50000, refunds=[r2, r1]),
        account_id=ACCOUNT,
        created=T0 + 10,
    )
    for event in (second, first, second, first):
        assert fake.post_event(client, event).status_code == 200
    notes = list(CreditNote.objects.order_by("issued_at").values_list("number", "amount_minor", "stripe_refund_id"))
    assert notes == [("CN-00001", 10000, "re_1"), ("CN-00002", 20000, "re_2")]
    payment = Payment.objects.get()
    assert payment.amount_refunded_minor == 30000 and payment.stripe_charge_id == "ch_1"
    assert Event.objects.filter(name="payment.refunded").count() == 2


def test_a_refund_made_here_is_not_recorded_again_by_its_webhook(client, connected, client_record, package, stripe_api):
    fake.post_event(client, _package_paid(client_record, package))
    stripe_api.refund_created("re_HERE", 50000, "pi_PACK")
    services.refund_payment(payment=Payment.objects.get())
    refund = fake.refund(refund_id="re_HERE", amount=50000, payment_intent="pi_PACK")
    charge = fake.charge(payment_intent="pi_PACK", amount=50000, refunds=[refund])
    fake.post_event(client, fake.event("charge.refunded", charge, account_id=ACCOUNT))
    assert CreditNote.objects.count() == 1


def test_a_failing_event_is_kept_and_applied_by_the_retry_sweep(client, connected, client_record, package, stripe_api):
    fake.post_event(client, _package_paid(client_record, package))
    charge = fake.charge(charge_id="ch_2", payment_intent="pi_PACK", amount=50000, refunds=[])
    del charge["refunds"]  # not included: the handler must ask Stripe, which is down
    stripe_api.add("GET", "/v1/refunds", {"error": {"type": "api_error", "message": "down"}}, status=500)
    data = fake.event("charge.refunded", charge, account_id=ACCOUNT)
    assert fake.post_event(client, data).status_code == 200
    event = StripeEvent.objects.get(event_id=data["id"])
    assert event.processed_at is None and event.attempts == 1 and "Stripe" in event.last_error
    stripe_api.mock.replace(
        "GET",
        fake.API + "/v1/refunds",
        json={
            "object": "list",
            "data": [fake.refund(refund_id="re_S", amount=5000, payment_intent="pi_PACK")],
            "has_more": False,
        },
    )
    StripeEvent.objects.filter(pk=event.pk).update(received_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert webhooks.retry_pending() == 1
    event.refresh_from_db()
    assert event.processed_at is not None and CreditNote.objects.get().stripe_refund_id == "re_S"


# --- Connect -------------------------------------------------------------------------------------------------
def test_account_updated_records_the_newest_status(client, connected):
    restricted = fake.event(
        "account.updated", fake.account(ACCOUNT, charges_enabled=False), account_id=ACCOUNT, created=T0 + 20
    )
    enabled = fake.event("account.updated", fake.account(ACCOUNT, charges_enabled=True), account_id=ACCOUNT, created=T0)
    fake.post_event(client, restricted)
    fake.post_event(client, enabled)  # older: ignored
    row = BillingSettings.objects.get()
    assert not row.stripe_charges_enabled
    assert row.stripe_synced_at == datetime.fromtimestamp(T0 + 20, tz=UTC)
