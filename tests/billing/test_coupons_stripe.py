"""Coupons on card payments: the coupon and its promotion code made on the business's
connected account, passed to Checkout as a discount; the webhooks then give our invoices the
discount before tax, so totals and the tax summary match what Stripe charged."""

import pytest
from django.test import Client as HttpClient

from billing import services, stripe_services
from billing.models import Coupon, CouponRedemption, Invoice, Payment
from billing.services import BillingError
from mecto.models import Event
from tests.conftest import api_as

from . import stripe_fakes as fake
from .conftest import ACCOUNT
from .factories import MembershipPlanFactory, PlanFactory
from .stripe_fakes import form

pytestmark = pytest.mark.django_db
T0 = 1777600000
MONTH = 30 * 86400


def _synced(plan):
    plan.stripe_product_id, plan.stripe_price_id = f"prod_{plan.pk}", f"price_{plan.pk}"
    plan.stripe_price_signature = plan.stripe_signature()
    plan.save()
    return plan


@pytest.fixture
def package(org):
    return _synced(PlanFactory(organization=org, name="10 sessions", price_minor=50000, tax_rate="20"))


@pytest.fixture
def monthly(org):
    return _synced(MembershipPlanFactory(organization=org, name="Monthly club", price_minor=12000))


def _meta(client_record, plan, coupon=None):
    meta = {
        "organization_id": str(client_record.organization_id),
        "client_id": str(client_record.public_id),
        "plan_id": str(plan.public_id),
        "kind": "plan",
    }
    if coupon is not None:
        meta["coupon_id"] = str(coupon.public_id)
    return meta


def test_checkout_with_a_code_creates_the_promotion_code_on_the_connected_account_once(
    org, connected, client_record, package, stripe_api
):
    coupon = services.create_coupon(organization=org, code="WELCOME20", percent_off="20", plans=[package])
    stripe_api.customer_created("cus_CHLOE")
    stripe_api.coupon_created("coupon_W")
    stripe_api.promotion_code_created("promo_W")
    stripe_api.checkout_created()
    stripe_services.checkout_for_plan(
        client=client_record, plan=package, success_url="https://x/", cancel_url="https://x/", coupon_code="welcome20"
    )
    [coupon_call] = stripe_api.calls("POST", "/v1/coupons")
    assert coupon_call.request.headers["Stripe-Account"] == ACCOUNT
    sent = form(coupon_call)
    assert sent["percent_off"] == "20.0" and sent["duration"] == "once" and sent["name"] == "WELCOME20"
    assert sent["applies_to[products][0]"] == package.stripe_product_id
    promotion = form(stripe_api.calls("POST", "/v1/promotion_codes")[0])
    assert promotion["promotion[type]"] == "coupon" and promotion["promotion[coupon]"] == "coupon_W"
    assert promotion["code"] == "WELCOME20"
    session = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
    assert session["discounts[0][promotion_code]"] == "promo_W"
    assert session["metadata[coupon_id]"] == str(coupon.public_id)

    stripe_api.checkout_created()
    stripe_services.checkout_for_plan(
        client=client_record, plan=package, success_url="https://x/", cancel_url="https://x/", coupon_code="WELCOME20"
    )
    assert len(stripe_api.calls("POST", "/v1/promotion_codes")) == 1  # made once
    assert Coupon.objects.get().stripe_promotion_code_id == "promo_W"


def test_a_fixed_amount_coupon_goes_to_stripe_in_the_currency_for_n_months(
    org, connected, client_record, monthly, stripe_api
):
    services.create_coupon(
        organization=org, code="TENOFF", amount_off_minor=1000, duration="repeating", duration_periods=3
    )
    stripe_api.customer_created()
    stripe_api.coupon_created()
    stripe_api.promotion_code_created(code="TENOFF")
    stripe_api.checkout_created()
    stripe_services.checkout_for_plan(
        client=client_record, plan=monthly, success_url="https://x/", cancel_url="https://x/", coupon_code="tenoff"
    )
    sent = form(stripe_api.calls("POST", "/v1/coupons")[0])
    assert sent["amount_off"] == "1000" and sent["currency"] == org.currency.lower()
    assert sent["duration"] == "repeating" and sent["duration_in_months"] == "3"
    assert form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])["mode"] == "subscription"


def test_a_bad_code_at_checkout_calls_stripe_for_nothing(org, connected, client_record, package, stripe_api):
    with pytest.raises(BillingError) as error:
        stripe_services.checkout_for_plan(
            client=client_record, plan=package, success_url="https://x/", cancel_url="https://x/", coupon_code="NOPE"
        )
    assert error.value.field == "coupon_code"
    assert not stripe_api.mock.calls


def test_a_discounted_package_checkout_gives_an_invoice_with_the_discount_before_tax(
    client, connected, client_record, package
):
    coupon = services.create_coupon(organization=client_record.organization, code="WELCOME20", percent_off="20")
    session = fake.checkout_session(
        amount_total=40000,
        amount_discount=10000,
        promotion_code="promo_W",
        metadata=_meta(client_record, package, coupon),
        payment_intent="pi_DISC",
    )
    data = fake.event("checkout.session.completed", session, account_id=ACCOUNT)
    assert fake.post_event(client, data).status_code == 200
    invoice = Invoice.objects.get()
    line = invoice.lines.get()
    assert (line.unit_price_minor, line.discount_minor) == (50000, 10000)
    # Tax on the discounted price: 400.00 incl. 20 % is 333.33 + 66.67.
    assert (invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor) == (33333, 6667, 40000)
    assert [(r.net, r.tax, r.total) for r in invoice.tax_summary] == [(33333, 6667, 40000)]
    assert invoice.status == Invoice.Status.PAID and Payment.objects.get().amount_minor == 40000
    redemption = CouponRedemption.objects.get()
    assert redemption.source == "stripe" and redemption.invoice == invoice and redemption.amount_off_minor == 10000
    assert Coupon.objects.get().times_redeemed == 1
    assert Event.objects.filter(name="coupon.redeemed").count() == 1
    # Stripe delivers it again: still one invoice and one use.
    assert fake.post_event(client, data).status_code == 200
    twin = fake.event("checkout.session.async_payment_succeeded", session, account_id=ACCOUNT)
    assert fake.post_event(client, twin).status_code == 200
    assert Invoice.objects.count() == 1 and CouponRedemption.objects.count() == 1


def test_a_discounted_membership_invoice_from_stripe_shows_the_discount(client, connected, client_record, monthly):
    coupon = services.create_coupon(organization=client_record.organization, code="WELCOME20", percent_off="20")
    meta = _meta(client_record, monthly, coupon)
    session = fake.checkout_session(
        mode="subscription", subscription="sub_D", amount_total=9600, amount_discount=2400, metadata=meta
    )
    paid = fake.invoice(
        sub_id="sub_D",
        metadata=meta,
        period_start=T0,
        period_end=T0 + MONTH,
        payment_intent="pi_D1",
        amount=12000,
        discount=2400,
        billing_reason="subscription_create",
    )
    for event in (
        fake.event("checkout.session.completed", session, account_id=ACCOUNT, created=T0 + 5),
        fake.event("invoice.paid", paid, account_id=ACCOUNT, created=T0 + 6),
    ):
        assert fake.post_event(client, event).status_code == 200
    invoice = Invoice.objects.get()
    line = invoice.lines.get()
    assert (line.unit_price_minor, line.discount_minor, line.total_minor) == (12000, 2400, 9600)
    assert invoice.total_minor == 9600 and invoice.status == Invoice.Status.PAID
    redemption = CouponRedemption.objects.get()
    assert redemption.subscription.stripe_subscription_id == "sub_D"


def test_clients_check_a_code_and_buy_with_it_through_the_api(org, connected, client_record, package, stripe_api):
    services.create_coupon(organization=org, code="WELCOME20", percent_off="20")
    api = api_as(client_record.user)
    quote = api.post(
        "/api/v1/me/purchases/quote/", {"plan": str(package.public_id), "coupon_code": "welcome20"}, format="json"
    )
    assert quote.status_code == 200, quote.content
    assert quote.json()["price_minor"] == 50000 and quote.json()["discount_minor"] == 10000
    assert quote.json()["total_minor"] == 40000 and quote.json()["code"] == "WELCOME20"

    bad = api.post("/api/v1/me/purchases/", {"plan": str(package.public_id), "coupon_code": "nope"}, format="json")
    assert bad.status_code == 400 and "coupon_code" in bad.json()["errors"]
    assert not stripe_api.mock.calls

    stripe_api.customer_created()
    stripe_api.coupon_created()
    stripe_api.promotion_code_created()
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_test_C")
    ok = api.post("/api/v1/me/purchases/", {"plan": str(package.public_id), "coupon_code": "welcome20"}, format="json")
    assert ok.status_code == 201 and ok.json()["checkout_url"] == "https://checkout.stripe.com/c/pay/cs_test_C"
    assert form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])["discounts[0][promotion_code]"] == "promo_TEST"


def test_the_portal_shows_the_discounted_price_and_a_bad_code_beside_the_field(
    org, connected, client_record, package, stripe_api
):
    services.create_coupon(organization=org, code="WELCOME20", percent_off="20")
    browser = HttpClient()
    browser.force_login(client_record.user)
    url = f"/portal/billing/plans/{package.public_id}/buy/"
    checked = browser.post(url, {"coupon_code": "welcome20", "check_code": "1"})
    assert checked.status_code == 200
    page = checked.content.decode()
    assert 'data-figure="quote"' in page and "400.00" in page and "500.00" in page
    bad = browser.post(url, {"coupon_code": "nope"})
    assert bad.status_code == 400
    assert "There is no code NOPE" in bad.content.decode() and 'aria-invalid="true"' in bad.content.decode()
    assert not stripe_api.mock.calls


def test_a_free_code_at_checkout_gives_the_package_though_stripe_charged_nothing(
    client, connected, client_record, package
):
    from booking.selectors import credit_balance

    package.sessions = 10
    package.save()
    coupon = services.create_coupon(organization=client_record.organization, code="ONUS", percent_off="100")
    session = fake.checkout_session(
        amount_total=0,
        amount_discount=50000,
        promotion_code="promo_F",
        payment_status="no_payment_required",
        metadata=_meta(client_record, package, coupon),
    )
    data = fake.event("checkout.session.completed", session, account_id=ACCOUNT)
    assert fake.post_event(client, data).status_code == 200
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.PAID and invoice.total_minor == 0 and invoice.discount_minor == 50000
    assert not Payment.objects.exists()  # nothing was charged, so no payment is recorded
    assert credit_balance(client=client_record) == 10
    assert fake.post_event(client, data).status_code == 200  # a replay gives nothing more
    assert Invoice.objects.count() == 1 and credit_balance(client=client_record) == 10
