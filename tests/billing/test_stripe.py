"""Stripe Connect onboarding, plan sync, customers, Checkout, the customer portal,
cancellations and refunds, with Stripe's HTTP API faked by `responses`."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from billing import services, stripe_services
from billing.models import BillingSettings, Payment, Plan, StripeCustomer
from billing.services import BillingError
from mecto import payments
from tests.conftest import api_as

from .conftest import ACCOUNT
from .factories import MembershipPlanFactory, PlanFactory, SubscriptionFactory
from .stripe_fakes import form

pytestmark = pytest.mark.django_db


def _account_header(call) -> str:
    return call.request.headers.get("Stripe-Account", "")


# --- Connect -----------------------------------------------------------------------------------------
def test_owner_connects_stripe_through_an_account_link(client, owner, org, stripe_api):
    stripe_api.account_created("acct_NEW", charges_enabled=False, details_submitted=False)
    stripe_api.account_link("https://connect.stripe.com/setup/s/acct_NEW/xyz")
    client.force_login(owner)
    response = client.post("/billing/settings/stripe/")
    assert response.status_code == 302 and response["Location"] == "https://connect.stripe.com/setup/s/acct_NEW/xyz"
    row = BillingSettings.objects.get(organization=org)
    assert row.stripe_account_id == "acct_NEW" and not row.stripe_charges_enabled
    sent = form(stripe_api.calls("POST", "/v1/accounts")[0])
    assert sent["type"] == "standard" and sent["metadata[organization_id]"] == str(org.pk)
    link = form(stripe_api.calls("POST", "/v1/account_links")[0])
    assert link["account"] == "acct_NEW" and link["type"] == "account_onboarding"
    assert link["return_url"] == "https://mecto.example/billing/settings/stripe/return/"
    assert link["refresh_url"] == "https://mecto.example/billing/settings/stripe/refresh/"
    # Continuing onboarding makes a new link for the same account, never a second account.
    stripe_api.account_link()
    client.post("/billing/settings/stripe/")
    assert len(stripe_api.calls("POST", "/v1/accounts")) == 1


def test_returning_from_onboarding_records_the_status_and_syncs_plans(
    client, owner, org, stripe_api, django_capture_on_commit_callbacks
):
    row = services.billing_settings(org)
    row.stripe_account_id = "acct_NEW"
    row.save()
    PlanFactory(organization=org, price_minor=50000)
    stripe_api.account_retrieved("acct_NEW", charges_enabled=True)
    stripe_api.product_created("prod_A")
    stripe_api.price_created("price_A", unit_amount=50000)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/billing/settings/stripe/return/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.stripe_charges_enabled and row.takes_card_payments
    plan = Plan.objects.get()
    assert (plan.stripe_product_id, plan.stripe_price_id) == ("prod_A", "price_A")


def test_coaches_and_assistants_cannot_connect_stripe(client, coach, assistant):
    for user in (coach, assistant):
        client.force_login(user)
        assert client.post("/billing/settings/stripe/").status_code == 403


def test_disconnecting_keeps_the_books_and_stops_card_payments(org, connected):
    plan = PlanFactory(organization=org, stripe_product_id="prod_1", stripe_price_id="price_1")
    stripe_services.disconnect_stripe(organization=org)
    connected.refresh_from_db()
    plan.refresh_from_db()
    assert connected.stripe_account_id == "" and not connected.takes_card_payments
    assert plan.stripe_price_id == ""


# --- Plans → products and prices ----------------------------------------------------------------------
def test_plans_sync_to_products_and_prices_on_the_connected_account(
    org, connected, stripe_api, django_capture_on_commit_callbacks
):
    stripe_api.product_created("prod_M")
    stripe_api.price_created("price_M1", unit_amount=14400, recurring={"interval": "month"})
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.create_plan(
            organization=org,
            name="Monthly club",
            kind="membership",
            price_minor=12000,
            interval="month",
            tax_rate="20",
            price_includes_tax=False,
            sessions=4,
        )
    product = stripe_api.calls("POST", "/v1/products")[0]
    price = stripe_api.calls("POST", "/v1/prices")[0]
    assert _account_header(product) == ACCOUNT and _account_header(price) == ACCOUNT
    assert form(product)["name"] == "Monthly club" and form(product)["metadata[plan_id]"] == str(plan.public_id)
    sent = form(price)
    assert sent["unit_amount"] == "14400" and sent["currency"] == "gbp" and sent["recurring[interval]"] == "month"
    assert sent["product"] == "prod_M"

    # A new price is a new Stripe price; the old one is archived. A name change needs no price.
    stripe_api.product_updated("prod_M")
    stripe_api.price_created("price_M2", unit_amount=18000)
    stripe_api.price_updated("price_M1")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_plan(plan=plan, price_minor=15000)
    plan.refresh_from_db()
    assert plan.stripe_price_id == "price_M2"
    assert form(stripe_api.calls("POST", "/v1/prices/price_M1")[0]) == {"active": "false"}
    with django_capture_on_commit_callbacks(execute=True):
        services.update_plan(plan=plan, name="Club")
    assert len(stripe_api.calls("POST", "/v1/prices")) == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.archive_plan(plan=plan)
    assert form(stripe_api.calls("POST", "/v1/products/prod_M")[-1])["active"] == "false"


def test_a_stripe_outage_while_syncing_does_not_stop_the_plan(
    org, connected, stripe_api, django_capture_on_commit_callbacks
):
    stripe_api.add("POST", "/v1/products", {"error": {"type": "api_error", "message": "boom"}}, status=500)
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.create_plan(organization=org, name="Pack", kind="package", price_minor=1000, sessions=1)
    assert Plan.objects.get(pk=plan.pk).stripe_price_id == ""


# --- Checkout --------------------------------------------------------------------------------------------
def test_buying_a_package_opens_checkout_with_one_customer_per_client(org, connected, client_record, stripe_api):
    plan = PlanFactory(organization=org, stripe_product_id="prod_P", stripe_price_id="price_P", price_minor=50000)
    plan.stripe_price_signature = plan.stripe_signature()
    plan.save()
    stripe_api.customer_created("cus_CHLOE")
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_test_1")
    url = stripe_services.checkout_for_plan(
        client=client_record, plan=plan, success_url="https://mecto.example/ok", cancel_url="https://mecto.example/no"
    )
    assert url == "https://checkout.stripe.com/c/pay/cs_test_1"
    customer = form(stripe_api.calls("POST", "/v1/customers")[0])
    assert customer["email"] == client_record.email and customer["metadata[client_id]"] == str(client_record.public_id)
    session_call = stripe_api.calls("POST", "/v1/checkout/sessions")[0]
    assert _account_header(session_call) == ACCOUNT
    session = form(session_call)
    assert session["mode"] == "payment" and session["customer"] == "cus_CHLOE"
    assert session["line_items[0][price]"] == "price_P" and session["line_items[0][quantity]"] == "1"
    assert session["metadata[kind]"] == "plan" and session["metadata[plan_id]"] == str(plan.public_id)
    assert session["metadata[client_id]"] == str(client_record.public_id)
    assert session["payment_intent_data[metadata][plan_id]"] == str(plan.public_id)
    assert session["success_url"] == "https://mecto.example/ok"

    stripe_api.checkout_created()
    stripe_services.checkout_for_plan(
        client=client_record, plan=plan, success_url="https://x/", cancel_url="https://x/"
    )
    assert len(stripe_api.calls("POST", "/v1/customers")) == 1
    assert StripeCustomer.objects.get(client=client_record).customer_id == "cus_CHLOE"


def test_signing_up_to_a_membership_with_a_trial_opens_subscription_checkout(org, connected, client_record, stripe_api):
    plan = MembershipPlanFactory(organization=org, trial_days=7)
    stripe_api.product_created("prod_M")
    stripe_api.price_created("price_M")
    stripe_api.customer_created()
    stripe_api.checkout_created()
    stripe_services.checkout_for_plan(
        client=client_record, plan=plan, success_url="https://x/", cancel_url="https://x/"
    )
    session = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
    assert session["mode"] == "subscription" and session["line_items[0][price]"] == "price_M"
    assert session["subscription_data[trial_period_days]"] == "7"
    assert session["subscription_data[metadata][plan_id]"] == str(plan.public_id)


def test_checkout_needs_a_connected_account_that_takes_payments(org, client_record, stripe_api, no_stripe):
    plan = PlanFactory(organization=org)
    with pytest.raises(BillingError, match="not set up"):
        stripe_services.checkout_for_plan(client=client_record, plan=plan, success_url="x", cancel_url="x")


def test_checkout_refuses_a_plan_of_another_business_or_a_second_membership(org, connected, client_record):
    with pytest.raises(BillingError):
        stripe_services.checkout_for_plan(client=client_record, plan=PlanFactory(), success_url="x", cancel_url="x")
    sub = SubscriptionFactory(organization=org, client=client_record)
    with pytest.raises(BillingError, match="already"):
        stripe_services.checkout_for_plan(client=client_record, plan=sub.plan, success_url="x", cancel_url="x")


def test_stripe_errors_become_messages_and_store_nothing(org, connected, client_record, stripe_api):
    plan = PlanFactory(organization=org)
    stripe_api.add(
        "POST",
        "/v1/products",
        {"error": {"type": "invalid_request_error", "message": "Your account cannot currently make live charges."}},
        status=400,
    )
    with pytest.raises(BillingError, match="Stripe"):
        stripe_services.checkout_for_plan(client=client_record, plan=plan, success_url="x", cancel_url="x")
    assert not StripeCustomer.objects.exists()


def test_checkout_for_an_open_invoice_charges_what_is_due(org, connected, client_record, stripe_api):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Plan", unit_price_minor=9000)],
        issue=True,
        send_email=False,
    )
    services.record_payment(invoice=invoice, amount_minor=4000, method="cash")
    stripe_api.customer_created()
    stripe_api.checkout_created()
    stripe_services.checkout_for_invoice(invoice=invoice, success_url="https://x/", cancel_url="https://x/")
    session = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
    assert session["line_items[0][price_data][unit_amount]"] == "5000"
    assert session["metadata[invoice_id]"] == str(invoice.public_id)


# --- The booking seam ------------------------------------------------------------------------------------
def test_booking_seam_returns_none_without_card_payments(org, client_record):
    booking = SimpleNamespace(public_id="b-1", organization=org, client=client_record)
    url = payments.booking_checkout_url(
        booking=booking, amount_minor=4000, currency="GBP", success_url="https://x/", cancel_url="https://x/"
    )
    assert url is None


def test_booking_seam_opens_checkout_with_the_booking_in_the_metadata(org, connected, client_record, stripe_api):
    class Booking(SimpleNamespace):
        def __str__(self):
            return "PT session, Mon 4 May 10:00"

    booking = Booking(public_id="8d1f6f3c-0b61-4a55-9d43-2c0b1b3b9e11", organization=org, client=client_record)
    stripe_api.customer_created()
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_booking")
    url = payments.booking_checkout_url(
        booking=booking, amount_minor=4000, currency="GBP", success_url="https://x/ok", cancel_url="https://x/no"
    )
    assert url == "https://checkout.stripe.com/c/pay/cs_booking"
    session = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
    assert session["metadata[booking_public_id]"] == booking.public_id
    assert session["metadata[kind]"] == "booking"
    assert session["line_items[0][price_data][product_data][name]"] == "PT session, Mon 4 May 10:00"
    assert session["line_items[0][price_data][unit_amount]"] == "4000"


# --- Customer portal, cancellation, refunds ------------------------------------------------------------------
def test_customer_portal_lets_clients_manage_cards_but_not_cancel(org, connected, client_record, stripe_api):
    stripe_api.customer_created()
    stripe_api.portal_configuration_created("bpc_1")
    stripe_api.portal_session_created("https://billing.stripe.com/p/session/abc")
    url = stripe_services.customer_portal_url(client=client_record, return_url="https://mecto.example/portal/billing/")
    assert url == "https://billing.stripe.com/p/session/abc"
    config = form(stripe_api.calls("POST", "/v1/billing_portal/configurations")[0])
    assert config["features[subscription_cancel][enabled]"] == "false"
    assert config["features[payment_method_update][enabled]"] == "true"
    assert form(stripe_api.calls("POST", "/v1/billing_portal/sessions")[0])["configuration"] == "bpc_1"
    stripe_api.portal_session_created()
    stripe_services.customer_portal_url(client=client_record, return_url="https://x/")
    assert len(stripe_api.calls("POST", "/v1/billing_portal/configurations")) == 1


def test_cancelling_a_card_membership_tells_stripe(org, connected, client_record, stripe_api):
    sub = SubscriptionFactory(
        organization=org, client=client_record, collection="stripe", stripe_subscription_id="sub_1"
    )
    stripe_api.subscription_updated("sub_1")
    sub = services.cancel_membership(subscription=sub)
    assert form(stripe_api.calls("POST", "/v1/subscriptions/sub_1")[0]) == {
        "cancel_at": str(int(sub.cancel_at.timestamp()))
    }
    stripe_api.subscription_cancelled("sub_1")
    services.cancel_membership(subscription=sub, immediately=True)
    assert len(stripe_api.calls("DELETE", "/v1/subscriptions/sub_1")) == 1


def test_refunding_a_card_payment_goes_through_stripe_once(org, connected, client_record, stripe_api, owner):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Pack", unit_price_minor=50000)],
        issue=True,
        send_email=False,
    )
    payment = services.record_payment(
        invoice=invoice,
        amount_minor=50000,
        method=Payment.Method.CARD_ONLINE,
        stripe_payment_intent_id="pi_1",
        received_at=timezone.now(),
    )
    stripe_api.refund_created("re_1", 20000, "pi_1")
    note = services.refund_payment(payment=payment, amount_minor=20000, reason="Injury", actor=owner)
    call = stripe_api.calls("POST", "/v1/refunds")[0]
    assert form(call)["payment_intent"] == "pi_1" and form(call)["amount"] == "20000"
    assert (
        _account_header(call) == ACCOUNT and call.request.headers["Idempotency-Key"] == f"refund:{payment.pk}:0:20000"
    )
    assert note.stripe_refund_id == "re_1" and note.amount_minor == 20000


def test_refund_api_is_for_managers_only(org, connected, assistant):
    payment = services.record_payment(
        invoice=services.create_invoice(
            client=SubscriptionFactory(organization=org).client,
            lines=[services.LineInput(description="x", unit_price_minor=100)],
            issue=True,
            send_email=False,
        ),
        amount_minor=100,
        method="cash",
    )
    response = api_as(assistant).post(f"/api/v1/billing/payments/{payment.pk}/refund/", {}, format="json")
    assert response.status_code == 403
