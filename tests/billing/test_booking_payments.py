"""The booking seam with the real booking app: a booking of a paid service asks billing for a
Checkout page; the signed webhook pays it, billing invoices it and tells booking once."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from billing.models import Invoice, Payment
from billing.services import billing_settings
from booking import services as booking_services
from booking.models import Booking, BookingPayment
from tests.booking.conftest import Studio
from tests.booking.factories import ServiceTypeFactory
from tests.factories import ClientFactory

from . import stripe_fakes as fake
from .conftest import ACCOUNT
from .stripe_fakes import form

pytestmark = pytest.mark.django_db

NOW = "2026-06-01 06:00"  # Monday 07:00 in London
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def studio():
    studio = Studio()
    row = billing_settings(studio.org)
    row.stripe_account_id = ACCOUNT
    row.stripe_charges_enabled = True
    row.save()
    return studio


@freeze_time(NOW)
def test_a_paid_booking_goes_through_checkout_and_is_confirmed_once(client, studio, stripe_api):
    service = ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], price_minor=5000, payment_requirement="full", name="PT 1:1"
    )
    stripe_api.customer_created("cus_BOOK")
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_booking")
    booking = booking_services.book_from_public_page(
        service=service, coach=studio.coach, start_at=TUE_10, first_name="Bea", email="bea@example.com"
    )
    assert booking.status == Booking.Status.PENDING_PAYMENT
    assert booking.checkout_url == "https://checkout.stripe.com/c/pay/cs_booking"
    call = stripe_api.calls("POST", "/v1/checkout/sessions")[0]
    sent = form(call)
    assert call.request.headers["Stripe-Account"] == ACCOUNT
    assert sent["metadata[booking_public_id]"] == str(booking.public_id)
    assert sent["line_items[0][price_data][unit_amount]"] == "5000"
    assert sent["line_items[0][price_data][currency]"] == "gbp"

    metadata = {k[9:-1]: v for k, v in sent.items() if k.startswith("metadata[")}
    session = fake.checkout_session(amount_total=5000, customer="cus_BOOK", metadata=metadata, payment_intent="pi_B")
    event = fake.event("checkout.session.completed", session, account_id=ACCOUNT)
    for _ in range(2):
        assert fake.post_event(client, event).status_code == 200

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED and booking.payment_status == Booking.PaymentStatus.PAID
    assert booking.amount_paid_minor == 5000
    invoice = Invoice.objects.get()
    assert invoice.status == Invoice.Status.PAID and invoice.total_minor == 5000 and invoice.client == booking.client
    payment = Payment.objects.get()
    assert BookingPayment.objects.get().reference == f"payment:{payment.pk}"


@freeze_time(NOW)
def test_without_card_payments_the_booking_is_paid_at_the_session(studio, settings):
    settings.STRIPE_SECRET_KEY = ""
    service = ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], price_minor=5000, payment_requirement="full"
    )
    booking = booking_services.book_from_public_page(
        service=service, coach=studio.coach, start_at=TUE_10, first_name="Cy", email="cy@example.com"
    )
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.payment_status == Booking.PaymentStatus.PAY_AT_SESSION


@freeze_time(NOW)
def test_a_payment_for_an_unknown_booking_is_ignored(client, studio):
    bea = ClientFactory(organization=studio.org)
    metadata = {
        "organization_id": str(studio.org.pk),
        "client_id": str(bea.public_id),
        "kind": "booking",
        "booking_public_id": "2b1e6d5c-1f7e-4a0e-9a51-6f3b7c1f0a11",
    }
    session = fake.checkout_session(amount_total=5000, metadata=metadata, payment_intent="pi_X")
    fake.post_event(client, fake.event("checkout.session.completed", session, account_id=ACCOUNT))
    assert not Invoice.objects.exists()


@freeze_time(NOW)
def test_a_deposit_is_invoiced_with_the_services_tax_rate(client, studio, stripe_api):
    service = ServiceTypeFactory(
        organization=studio.org,
        coaches=[studio.coach],
        price_minor=6000,
        deposit_minor=1200,
        payment_requirement="deposit",
        tax_rate=Decimal("20"),
        name="PT 1:1",
    )
    stripe_api.customer_created("cus_DEP")
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_deposit")
    booking = booking_services.book_from_public_page(
        service=service, coach=studio.coach, start_at=TUE_10, first_name="Dee", email="dee@example.com"
    )
    sent = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
    assert sent["line_items[0][price_data][unit_amount]"] == "1200"  # the client pays the gross deposit
    metadata = {k[9:-1]: v for k, v in sent.items() if k.startswith("metadata[")}
    session = fake.checkout_session(amount_total=1200, customer="cus_DEP", metadata=metadata, payment_intent="pi_D")
    fake.post_event(client, fake.event("checkout.session.completed", session, account_id=ACCOUNT))

    booking.refresh_from_db()
    assert booking.payment_status == Booking.PaymentStatus.DEPOSIT_PAID
    invoice = Invoice.objects.get()
    line = invoice.lines.get()
    # Tax included: net = round(1200 × 100 / 120) = 1000, tax = 200.
    assert line.tax_rate == Decimal("20.00") and line.tax_inclusive
    assert (invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor) == (1000, 200, 1200)

    client.force_login(studio.coach)
    page = client.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    # The tax summary: one row for the 20% rate, net £10.00, tax £2.00, gross £12.00.
    summary = page.split('data-figure="tax-summary"', 1)[1].split("</table>", 1)[0]
    assert (
        '<tr><td>20%</td><td class="num">£10.00</td><td class="num">£2.00</td><td class="num">£12.00</td></tr>'
        in summary
    )
    pdf = client.get(f"/billing/invoices/{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@freeze_time(NOW)
def test_a_service_without_a_tax_rate_invoices_no_tax(client, studio, stripe_api):
    service = ServiceTypeFactory(
        organization=studio.org, coaches=[studio.coach], price_minor=5000, payment_requirement="full"
    )
    assert service.tax_rate == 0
    stripe_api.customer_created("cus_Z")
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_zero")
    booking_services.book_from_public_page(
        service=service, coach=studio.coach, start_at=TUE_10, first_name="Zed", email="zed@example.com"
    )
    sent = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
    metadata = {k[9:-1]: v for k, v in sent.items() if k.startswith("metadata[")}
    session = fake.checkout_session(amount_total=5000, customer="cus_Z", metadata=metadata, payment_intent="pi_Z")
    fake.post_event(client, fake.event("checkout.session.completed", session, account_id=ACCOUNT))
    invoice = Invoice.objects.get()
    assert invoice.tax_minor == 0 and invoice.lines.get().tax_rate == 0
