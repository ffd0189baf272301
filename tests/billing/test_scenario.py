"""The whole story, as a business and a client live it, through pages and signed webhooks:
connect Stripe, create a 10-session package and a monthly membership, the client buys the
package through Checkout and uses a credit, signs up to the membership, a renewal fails,
dunning runs, and the revenue page shows it all."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client as Browser
from freezegun import freeze_time

from billing.models import BillingSettings, Invoice, Plan, Subscription
from billing.tasks import run_dunning
from booking import services as booking_services
from booking.selectors import credit_balance

from . import stripe_fakes as fake
from .stripe_fakes import form

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _metadata(call) -> dict:
    """The metadata our checkout request gave Stripe, which Stripe hands back in its events."""
    return {k[len("metadata[") : -1]: v for k, v in form(call).items() if k.startswith("metadata[")}


def test_a_business_sells_online_and_chases_a_failed_renewal(
    org, owner, coach, client_record, stripe_api, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    business, chloe, webhook = Browser(), Browser(), Browser()
    business.force_login(owner)
    chloe.force_login(client_record.user)
    client_record.coach = coach
    client_record.save()

    with freeze_time(START) as clock:
        # 1. The owner connects Stripe; Stripe reports the account ready by webhook.
        stripe_api.account_created("acct_NSL", charges_enabled=False, details_submitted=False)
        stripe_api.account_link()
        assert business.post("/billing/settings/stripe/").status_code == 302
        ready = fake.event("account.updated", fake.account("acct_NSL"), account_id="acct_NSL")
        with cap(execute=True):
            assert fake.post_event(webhook, ready).status_code == 200
        assert BillingSettings.objects.get(organization=org).takes_card_payments

        # 2. A 10-session package and a monthly membership, synced to Stripe as they are made.
        stripe_api.product_created("prod_PACK")
        stripe_api.price_created("price_PACK", unit_amount=50000)
        with cap(execute=True):
            business.post(
                "/billing/plans/new/",
                {
                    "name": "10 sessions",
                    "kind": "package",
                    "price_minor": "500.00",
                    "tax_rate": "0",
                    "sessions": 10,
                    "validity_days": 90,
                    "trial_days": 0,
                    "minimum_term_periods": 0,
                    "sold_online": "on",
                    "price_includes_tax": "on",
                },
            )
        stripe_api.mock.replace("POST", fake.API + "/v1/products", json={"id": "prod_CLUB", "object": "product"})
        stripe_api.mock.replace("POST", fake.API + "/v1/prices", json={"id": "price_CLUB", "object": "price"})
        with cap(execute=True):
            business.post(
                "/billing/plans/new/",
                {
                    "name": "Monthly club",
                    "kind": "membership",
                    "price_minor": "120.00",
                    "tax_rate": "0",
                    "sessions": 4,
                    "interval": "month",
                    "trial_days": 0,
                    "minimum_term_periods": 0,
                    "sold_online": "on",
                    "price_includes_tax": "on",
                },
            )
        package, club = Plan.objects.get(name="10 sessions"), Plan.objects.get(name="Monthly club")
        assert (package.stripe_price_id, club.stripe_price_id) == ("price_PACK", "price_CLUB")

        # 3. Chloe buys the package from her portal; Stripe's signed event arrives.
        stripe_api.customer_created("cus_CHLOE")
        stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_pack")
        response = chloe.post(f"/portal/billing/plans/{package.public_id}/buy/")
        assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_pack"
        metadata = _metadata(stripe_api.calls("POST", "/v1/checkout/sessions")[-1])
        session = fake.checkout_session(
            amount_total=50000, customer="cus_CHLOE", metadata=metadata, payment_intent="pi_PACK"
        )
        with cap(execute=True):
            fake.post_event(webhook, fake.event("checkout.session.completed", session, account_id="acct_NSL"))
        assert credit_balance(client=client_record) == 10
        assert mail.outbox[-1].subject.startswith("Receipt INV-00001")

        # 4. She books a session with a credit.
        booking_services.consume_credit(client=client_record, reference="booking:first-session")
        assert credit_balance(client=client_record) == 9

        # 5. She signs up to the club; Stripe sends checkout, subscription and invoice events.
        stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_club")
        chloe.post(f"/portal/billing/plans/{club.public_id}/buy/")
        call = stripe_api.calls("POST", "/v1/checkout/sessions")[-1]
        assert form(call)["mode"] == "subscription"
        metadata = _metadata(call)
        t0 = int(START.timestamp())
        month = 31 * 86400
        events = [
            fake.event(
                "checkout.session.completed",
                fake.checkout_session(
                    mode="subscription", subscription="sub_CLUB", customer="cus_CHLOE", metadata=metadata
                ),
                account_id="acct_NSL",
            ),
            fake.event(
                "customer.subscription.created",
                fake.subscription(
                    sub_id="sub_CLUB",
                    customer="cus_CHLOE",
                    price_id="price_CLUB",
                    period_start=t0,
                    period_end=t0 + month,
                    metadata=metadata,
                ),
                account_id="acct_NSL",
            ),
            fake.event(
                "invoice.paid",
                fake.invoice(
                    sub_id="sub_CLUB",
                    customer="cus_CHLOE",
                    metadata=metadata,
                    period_start=t0,
                    period_end=t0 + month,
                    payment_intent="pi_CLUB1",
                    billing_reason="subscription_create",
                ),
                account_id="acct_NSL",
            ),
        ]
        with cap(execute=True):
            for event in events:
                fake.post_event(webhook, event)
        sub = Subscription.objects.get()
        assert sub.status == Subscription.Status.ACTIVE and sub.collection == Subscription.Collection.STRIPE
        assert credit_balance(client=client_record) == 13

        # 6. A month later the renewal fails; Stripe tells us.
        clock.move_to(START + timedelta(days=31, hours=1))
        failed = fake.invoice(
            invoice_id="in_RENEW",
            sub_id="sub_CLUB",
            customer="cus_CHLOE",
            metadata=metadata,
            paid=False,
            period_start=t0 + month,
            period_end=t0 + 2 * month,
        )
        with cap(execute=True):
            fake.post_event(webhook, fake.event("invoice.payment_failed", failed, account_id="acct_NSL"))
        renewal = Invoice.objects.get(stripe_invoice_id="in_RENEW")
        assert renewal.status == Invoice.Status.OPEN

        # 7. Dunning: days 1, 3 and 7, then past due and the coach is told.
        for day in (1, 3, 7):
            clock.move_to(renewal.payment_failed_at + timedelta(days=day, hours=1))
            with cap(execute=True):
                run_dunning()
        sub.refresh_from_db()
        assert sub.status == Subscription.Status.PAST_DUE
        assert len([m for m in mail.outbox if "payment for INV-00003 failed" in m.subject]) == 3
        assert any(m.to == [coach.email] and "past due" in m.subject for m in mail.outbox)

        # 8. The revenue page shows it all.
        page = business.get("/billing/").content.decode()
        assert 'data-figure="mrr">£120.00' in page  # past due still counts until it ends
        assert 'data-figure="overdue">£120.00' in page
        assert "INV-00003" in page
        assert "1 past due" in page
        months = business.get("/billing/revenue.csv").content.decode().splitlines()
        assert months[-2].startswith("2026-03,GBP,620.00,0.00,620.00,2")
