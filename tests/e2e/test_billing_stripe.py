"""In the browser, with Stripe faked at the HTTP boundary (its API by `responses`, its hosted
pages by the browser's router): the owner connects Stripe, creates a package, the client
buys it through Checkout, the signed webhook arrives, and the client sees the credits."""

import re
from urllib.parse import parse_qs

import pytest
import responses
from django.test import Client as WebhookSender
from playwright.sync_api import expect

from billing.models import BillingSettings, Invoice
from booking.selectors import credit_balance
from tests.billing import stripe_fakes as fake
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONNECT_URL = "https://connect.stripe.com/setup/s/acct_E2E/onboard"
CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_e2e"


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(dashboard|portal)/"))


def _stripe_page(route, title, next_url):
    route.fulfill(
        status=200,
        content_type="text/html",
        body=f"<!doctype html><title>{title}</title><h1>{title}</h1><a href='{next_url}'>Continue</a>",
    )


def test_owner_connects_stripe_and_a_client_buys_a_package_by_card(page, live_server, screenshot_dir, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_platform"
    settings.STRIPE_WEBHOOK_SECRET = fake.WEBHOOK_SECRET
    settings.BILLING_STRIPE_MAX_RETRIES = 0
    owner = MembershipFactory(role="owner").user
    org = owner.memberships.get().organization
    client_user = UserFactory(email="sam@example.com")
    sam = ClientFactory(
        organization=org, first_name="Sam", last_name="Strong", email=client_user.email, user=client_user
    )

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        stripe = fake.StripeApi(mock)
        stripe.account_created("acct_E2E", charges_enabled=False, details_submitted=False)
        stripe.account_link(CONNECT_URL)
        stripe.account_retrieved("acct_E2E", charges_enabled=True)
        stripe.product_created("prod_E2E")
        stripe.price_created("price_E2E", unit_amount=45000)
        stripe.customer_created("cus_SAM")
        stripe.checkout_created(url=CHECKOUT_URL)
        page.route(
            "https://connect.stripe.com/**",
            lambda route: _stripe_page(
                route, "Stripe onboarding", f"{live_server.url}/billing/settings/stripe/return/"
            ),
        )
        page.route(
            "https://checkout.stripe.com/**",
            lambda route: _stripe_page(route, "Stripe Checkout", f"{live_server.url}/portal/billing/?checkout=success"),
        )

        # The owner connects the business's own Stripe account.
        _login(page, owner.email)
        page.goto("/billing/settings/")
        page.get_by_role("button", name="Connect Stripe").click()
        page.wait_for_url(CONNECT_URL)
        page.get_by_role("link", name="Continue").click()
        page.wait_for_url(re.compile(r"/billing/settings/"))
        expect(page.get_by_text("Stripe is connected: clients can pay by card.")).to_be_visible()
        page.screenshot(path=f"{screenshot_dir}/billing-stripe-connected.png", full_page=True)
        assert BillingSettings.objects.get(organization=org).stripe_account_id == "acct_E2E"

        # A package, synced to Stripe as it is created.
        page.goto("/billing/plans/new/")
        page.get_by_label("Name").fill("Starter 5-pack")
        page.get_by_label("Kind").select_option("package")
        page.get_by_label(re.compile(r"Price \(")).fill("450.00")
        page.get_by_label("Sessions included").fill("5")
        page.get_by_role("button", name="Create plan").click()
        expect(page.get_by_text("On Stripe")).to_be_visible()
        page.locator("details.account-menu summary").click()
        page.get_by_role("button", name="Log out").click()

        # The client buys it from the portal and goes through (fake) Checkout.
        _login(page, sam.email)
        page.goto("/portal/billing/")
        page.get_by_role("button", name="Buy").click()
        page.wait_for_url(CHECKOUT_URL)
        session_call = stripe.calls("POST", "/v1/checkout/sessions")[-1]
        sent = {k: v[0] for k, v in parse_qs(session_call.request.body).items()}
        assert session_call.request.headers["Stripe-Account"] == "acct_E2E"

        # Stripe signs and delivers the event while the client is on its page.
        metadata = {k[9:-1]: v for k, v in sent.items() if k.startswith("metadata[")}
        session = fake.checkout_session(
            amount_total=45000, customer="cus_SAM", metadata=metadata, payment_intent="pi_E2E"
        )
        event = fake.event("checkout.session.completed", session, account_id="acct_E2E")
        assert fake.post_event(WebhookSender(), event).status_code == 200

        page.get_by_role("link", name="Continue").click()
        page.wait_for_url(re.compile(r"/portal/billing/\?checkout=success"))
        expect(page.get_by_text("Thank you!")).to_be_visible()
        expect(page.locator('[data-figure="balance"]')).to_have_text("5")
        expect(page.get_by_role("cell", name="INV-00001")).to_be_visible()
        page.screenshot(path=f"{screenshot_dir}/billing-portal-after-checkout.png", full_page=True)

    assert Invoice.objects.get().status == "paid"
    assert credit_balance(client=sam) == 5
