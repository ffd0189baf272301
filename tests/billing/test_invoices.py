"""Invoices, manual payments, fulfilment and refunds through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from billing import services
from billing.models import CreditNote, Invoice, Payment, Purchase
from billing.services import BillingError, LineInput
from booking.selectors import credit_balance
from mecto.localization import format_money
from mecto.models import Event
from tests.factories import ClientFactory, OrganizationFactory

from .factories import MembershipPlanFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _charge(client, amount=5000, rate="20", inclusive=False, **kwargs):
    return services.create_invoice(
        client=client,
        lines=[
            LineInput(description="Nutrition plan", unit_price_minor=amount, tax_rate=rate, tax_inclusive=inclusive)
        ],
        **kwargs,
    )


def test_custom_charge_has_lines_tax_and_totals(client_record):
    invoice = services.create_invoice(
        client=client_record,
        lines=[
            LineInput(description="Nutrition plan", unit_price_minor=1003, tax_rate="20", tax_inclusive=False),
            LineInput(
                description="Resistance bands", unit_price_minor=1003, quantity=1, tax_rate="20", tax_inclusive=False
            ),
        ],
        memo="Thanks!",
    )
    assert invoice.status == Invoice.Status.DRAFT and invoice.number == ""
    assert (invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor) == (2006, 402, 2408)
    assert [line.tax_minor for line in invoice.lines.all()] == [201, 201]
    assert invoice.currency == client_record.organization.currency


def test_issuing_numbers_in_sequence_emails_the_pdf_and_emits_the_event(
    client_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _charge(client_record, issue=True)
        second = _charge(client_record, issue=True)
    assert (first.number, second.number) == ("INV-00001", "INV-00002")
    assert first.status == Invoice.Status.OPEN and first.due_at > first.issued_at
    assert Event.objects.filter(name="invoice.issued").count() == 2
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == [client_record.email] and "INV-00001" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name == "INV-00001.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")
    first.refresh_from_db()
    assert first.emailed_at is not None


def test_numbering_is_per_business_and_uses_its_prefix(client_record):
    services.update_billing_settings(organization=client_record.organization, invoice_prefix="nsl")
    other = ClientFactory(organization=OrganizationFactory())
    assert _charge(client_record, issue=True, send_email=False).number == "NSL-00001"
    assert _charge(other, issue=True, send_email=False).number == "INV-00001"


def test_a_failed_issue_gives_its_number_back(client_record):
    empty = services.create_invoice(
        client=client_record, lines=[LineInput(description="Free session", unit_price_minor=0)]
    )
    with pytest.raises(BillingError):
        services.issue_invoice(invoice=empty)
    assert _charge(client_record, issue=True, send_email=False).number == "INV-00001"


@pytest.mark.parametrize(
    "line",
    [
        LineInput(description="", unit_price_minor=100),
        LineInput(description="x" * 201, unit_price_minor=100),
        LineInput(description="Ok", unit_price_minor=-5),
        LineInput(description="Ok", unit_price_minor=100, quantity=0),
        LineInput(description="Ok", unit_price_minor=100, tax_rate="101"),
        LineInput(description="Ok", unit_price_minor=100, tax_rate="1.234"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_stored(client_record, line):
    with pytest.raises(BillingError):
        services.create_invoice(client=client_record, lines=[line])
    assert not Invoice.objects.exists()


def test_manual_payments_settle_the_invoice_and_grant_package_credits_once(
    client_record, coach, django_capture_on_commit_callbacks
):
    plan = PlanFactory(organization=client_record.organization, sessions=10, validity_days=90, price_minor=50000)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.sell_plan(client=client_record, plan=plan, actor=coach)
    assert invoice.total_minor == 50000 and invoice.status == Invoice.Status.OPEN
    services.record_payment(invoice=invoice, amount_minor=20000, method="cash", actor=coach)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN and invoice.amount_due_minor == 30000
    assert credit_balance(client=client_record) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.record_payment(
            invoice=invoice, amount_minor=30000, method="transfer", reference="BACS 991", actor=coach
        )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid_at is not None
    assert credit_balance(client=client_record) == 10
    purchase = Purchase.objects.get(invoice=invoice)
    assert purchase.sessions == 10 and purchase.expires_at.date() == (invoice.paid_at + timedelta(days=90)).date()
    services.fulfil_invoice(invoice=invoice)  # a retry grants nothing twice
    assert credit_balance(client=client_record) == 10
    assert Event.objects.filter(name="payment.succeeded").count() == 2
    assert Event.objects.filter(name="invoice.paid").count() == 1
    assert "Receipt INV-00001" in mail.outbox[-1].subject


def test_payment_rules(client_record, coach):
    invoice = _charge(client_record, issue=True, send_email=False)
    due = invoice.total_minor
    for amount, method in [(0, "cash"), (due + 1, "cash"), (100, "bitcoin")]:
        with pytest.raises(BillingError):
            services.record_payment(invoice=invoice, amount_minor=amount, method=method, actor=coach)
    with pytest.raises(BillingError):
        services.record_payment(
            invoice=invoice, amount_minor=100, method="cash", received_at=timezone.now() + timedelta(days=1)
        )
    draft = _charge(client_record)
    with pytest.raises(BillingError, match="Issue the invoice"):
        services.record_payment(invoice=draft, amount_minor=100, method="cash")
    assert not Payment.objects.exists()


def test_idempotency_key_records_a_payment_once(client_record):
    invoice = _charge(client_record, issue=True, send_email=False)
    a = services.record_payment(invoice=invoice, amount_minor=1000, method="cash", idempotency_key="k1")
    b = services.record_payment(invoice=invoice, amount_minor=1000, method="cash", idempotency_key="k1")
    assert a.pk == b.pk and Payment.objects.count() == 1


def test_void_keeps_the_number_and_refuses_paid_invoices(client_record):
    invoice = _charge(client_record, issue=True, send_email=False)
    services.void_invoice(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.VOID and invoice.number == "INV-00001"
    assert _charge(client_record, issue=True, send_email=False).number == "INV-00002"
    paid = _charge(client_record, issue=True, send_email=False)
    services.record_payment(invoice=paid, amount_minor=paid.total_minor, method="cash")
    with pytest.raises(BillingError, match="refund"):
        services.void_invoice(invoice=paid)
    with pytest.raises(BillingError):
        services.record_payment(invoice=invoice, amount_minor=100, method="cash")


def test_cash_refund_issues_numbered_credit_notes_with_their_tax_share(
    client_record, owner, django_capture_on_commit_callbacks
):
    invoice = _charge(client_record, amount=6000, rate="20", inclusive=True, issue=True, send_email=False)
    payment = services.record_payment(invoice=invoice, amount_minor=6000, method="cash")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.refund_payment(payment=payment, amount_minor=3000, reason="Missed sessions", actor=owner)
    second = services.refund_payment(payment=payment)  # the rest
    assert (first.number, second.number) == ("CN-00001", "CN-00002")
    assert (first.amount_minor, first.tax_minor) == (3000, 500)
    assert second.amount_minor == 3000
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.amount_refunded_minor == 6000 and invoice.amount_refunded_minor == 6000
    assert invoice.display_status == "Refunded"
    with pytest.raises(BillingError):
        services.refund_payment(payment=payment, amount_minor=1)
    assert Event.objects.filter(name="payment.refunded").count() == 2
    assert "CN-00001" in mail.outbox[-1].subject
    assert mail.outbox[-1].attachments[0][0] == "CN-00001.pdf"


def test_selling_a_membership_plan_or_another_business_plan_is_refused(client_record):
    with pytest.raises(BillingError):
        services.sell_plan(client=client_record, plan=MembershipPlanFactory(organization=client_record.organization))
    with pytest.raises(BillingError):
        services.sell_plan(client=client_record, plan=PlanFactory())
    archived = PlanFactory(organization=client_record.organization, is_active=False)
    with pytest.raises(BillingError):
        services.sell_plan(client=client_record, plan=archived)
    assert not Invoice.objects.exists()


def test_source_key_makes_an_invoice_once(client_record):
    a = _charge(client_record, source_key="renewal:x:1", issue=True, send_email=False)
    b = _charge(client_record, source_key="renewal:x:1", issue=True, send_email=False)
    assert a.pk == b.pk and Invoice.objects.count() == 1


def test_plan_validation(org):
    with pytest.raises(BillingError) as exc:
        services.create_plan(organization=org, name="Pack", kind="package", price_minor=1000, sessions=0)
    assert exc.value.field == "sessions"
    with pytest.raises(BillingError) as exc:
        services.create_plan(organization=org, name="Club", kind="membership", price_minor=1000, interval="")
    assert exc.value.field == "interval"
    with pytest.raises(BillingError):
        services.create_plan(organization=org, name="  ", kind="service", price_minor=1000)
    plan = services.create_plan(
        organization=org,
        name="Club",
        kind="membership",
        price_minor=4999,
        interval="month",
        tax_rate=Decimal("20"),
        price_includes_tax=False,
        sessions=8,
        trial_days=7,
        minimum_term_periods=3,
    )
    assert plan.currency == org.currency and plan.gross_minor == 5999
    assert plan.price_display == f"{format_money(5999, org.currency)} / monthly" == "£59.99 / monthly"
    assert CreditNote.objects.count() == 0


def test_deleting_a_client_keeps_their_invoices_in_the_books(client_record, owner_api):
    invoice = _charge(client_record, issue=True, send_email=False)
    payment = services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="cash")
    services.refund_payment(payment=payment, amount_minor=100)
    name, email = client_record.full_name, client_record.email
    assert owner_api.delete(f"/api/v1/clients/{client_record.pk}/").status_code == 204
    invoice.refresh_from_db()
    assert invoice.client is None and (invoice.bill_to_name, invoice.bill_to_email) == (name, email)
    assert invoice.number == "INV-00001" and Payment.objects.get().client is None
    from billing import pdf, selectors

    detail = selectors.invoice_detail_queryset(organization=invoice.organization).get(pk=invoice.pk)
    assert pdf.invoice_pdf(detail).startswith(b"%PDF")
    # The next invoice still takes the next number.
    assert _charge(ClientFactory(organization=invoice.organization), issue=True, send_email=False).number == "INV-00002"
