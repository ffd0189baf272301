"""The back office: every billing model is in the admin, lists and opens, and the actions
go through the services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from billing import models, services
from billing.models import Invoice, StripeEvent
from tests.factories import ClientFactory, OrganizationFactory, UserFactory

from . import stripe_fakes as fake
from .conftest import ACCOUNT
from .factories import CreditNoteFactory, InvoiceFactory, PaymentLinkFactory, PurchaseFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

MODELS = [
    models.BillingSettings,
    models.Plan,
    models.Subscription,
    models.Invoice,
    models.InvoiceLine,
    models.Payment,
    models.CreditNote,
    models.Purchase,
    models.PaymentLink,
    models.StripeEvent,
    models.StripeCustomer,
]


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_billing_model_is_registered_with_lists_filters_and_search():
    for model in MODELS:
        model_admin = admin.site._registry.get(model)
        assert model_admin is not None, model
        assert model_admin.list_display and model_admin.search_fields and model_admin.list_select_related, model


def test_every_changelist_and_change_page_opens(staff, org, client_record, connected):
    SubscriptionFactory(organization=org, client=client_record)
    CreditNoteFactory(organization=org, client=client_record)
    PaymentLinkFactory(organization=org, client=client_record)
    PurchaseFactory(organization=org, client=client_record)
    invoice = InvoiceFactory(organization=org, client=client_record)
    services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="cash")
    StripeEvent.objects.create(
        event_id="evt_admin", type="account.updated", account=ACCOUNT, created=invoice.issued_at, payload={}
    )
    for model in MODELS:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert staff.get(reverse(f"{prefix}_changelist")).status_code == 200, model
        obj = model.objects.first()
        if obj is not None:
            assert staff.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200, model


def test_admin_actions_use_the_services(staff, org, client_record):
    invoice = InvoiceFactory(organization=org, client=client_record)
    staff.post(
        reverse("admin:billing_invoice_changelist"), {"action": "void_invoices", "_selected_action": [invoice.pk]}
    )
    assert Invoice.objects.get(pk=invoice.pk).status == "void"


def test_unprocessed_events_can_be_applied_again(staff, connected):
    data = fake.event("account.updated", fake.account(ACCOUNT, charges_enabled=False), account_id=ACCOUNT)
    from billing import webhooks

    event = webhooks.record(data)
    staff.post(
        reverse("admin:billing_stripeevent_changelist"), {"action": "reprocess_events", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert event.processed_at is not None
    connected.refresh_from_db()
    assert not connected.stripe_charges_enabled


def _paid(org, client_record, total=4500, **payment):
    invoice = InvoiceFactory(organization=org, client=client_record, total_minor=total, subtotal_minor=total)
    return services.record_payment(invoice=invoice, amount_minor=total, method="cash", **payment)


def test_money_is_shown_with_its_currency_and_dates_day_first(staff, org, client_record):
    payment = _paid(org, client_record, stripe_charge_id="ch_3Support")
    models.Payment.objects.filter(pk=payment.pk).update(received_at="2026-12-02T14:30:00Z")
    page = staff.get(reverse("admin:billing_payment_changelist")).content.decode()
    assert "£45.00" in page and ">4500<" not in page
    assert "2 Dec 2026, 14:30" in page and "Dec. 2" not in page
    detail = staff.get(reverse("admin:billing_payment_change", args=[payment.pk])).content.decode()
    assert "£45.00" in detail and "4500" not in detail
    plan = models.Plan.objects.create(organization=org, name="10 PT", kind="package", price_minor=4500, currency="GBP")
    detail = staff.get(reverse("admin:billing_plan_change", args=[plan.pk])).content.decode()
    assert "£45.00" in detail and "minor units" not in detail and 'name="price_minor"' not in detail
    invoice_page = staff.get(reverse("admin:billing_invoice_change", args=[payment.invoice_id])).content.decode()
    assert "£45.00" in invoice_page and ">4500<" not in invoice_page


def test_payments_list_by_business_with_the_stripe_charge_and_cannot_be_deleted(staff, org, client_record):
    payment = _paid(org, client_record, stripe_charge_id="ch_3Support")
    other_org = OrganizationFactory(name="Other Gym")
    other = _paid(other_org, ClientFactory(organization=other_org))
    url = reverse("admin:billing_payment_changelist")
    page = staff.get(url).content.decode()
    assert "ch_3Support" in page and org.name in page
    filtered = staff.get(url, {"organization__id__exact": org.pk})
    assert [p.pk for p in filtered.context["cl"].result_list] == [payment.pk]
    assert staff.get(url, {"q": "ch_3Support"}).content.decode().count("ch_3Support") >= 1
    assert staff.get(reverse("admin:billing_payment_delete", args=[payment.pk])).status_code == 403
    assert "delete_selected" not in staff.get(url).content.decode()
    assert models.Payment.objects.filter(pk__in=[payment.pk, other.pk]).count() == 2


def test_refund_action_asks_then_refunds_through_the_service(staff, org, client_record):
    payment = _paid(org, client_record)
    url = reverse("admin:billing_payment_changelist")
    ask = staff.post(url, {"action": "refund_payments", "_selected_action": [payment.pk]})
    assert ask.status_code == 200 and "£45.00" in ask.content.decode()
    wrong = staff.post(
        url, {"action": "refund_payments", "_selected_action": [payment.pk], "apply": "1", "amount": "12.345"}
    )
    assert wrong.status_code == 400 and not models.CreditNote.objects.exists()
    comma = staff.post(
        url, {"action": "refund_payments", "_selected_action": [payment.pk], "apply": "1", "amount": "10,50"}
    )
    assert comma.status_code == 400 and "such as 12.50" in comma.content.decode()
    for nonsense in ("NaN", "Infinity", "1e30"):
        response = staff.post(
            url, {"action": "refund_payments", "_selected_action": [payment.pk], "apply": "1", "amount": nonsense}
        )
        assert response.status_code == 400, nonsense
    assert not models.CreditNote.objects.exists()
    too_much = staff.post(
        url, {"action": "refund_payments", "_selected_action": [payment.pk], "apply": "1", "amount": "50"}, follow=True
    )
    assert "At most £45.00 can still be refunded" in too_much.content.decode()
    assert not models.CreditNote.objects.exists()
    done = staff.post(
        url,
        {"action": "refund_payments", "_selected_action": [payment.pk], "apply": "1", "amount": "10.50", "reason": "x"},
        follow=True,
    )
    assert "1 payment refunded; its credit note was issued and emailed." in done.content.decode()
    note = models.CreditNote.objects.get()
    assert note.amount_minor == 1050 and note.reason == "x"
    payment.refresh_from_db()
    assert payment.amount_refunded_minor == 1050


def test_credit_notes_can_be_emailed_again_and_opened_as_pdf(staff, org, client_record):
    from mecto.comms.models import OutboundMessage

    note = services.refund_payment(payment=_paid(org, client_record), amount_minor=500)
    before = OutboundMessage.objects.filter(idempotency_key__startswith=f"credit-note:{note.pk}").count()
    staff.post(
        reverse("admin:billing_creditnote_changelist"),
        {"action": "resend_credit_notes", "_selected_action": [note.pk]},
    )
    assert OutboundMessage.objects.filter(idempotency_key__startswith=f"credit-note:{note.pk}").count() == before + 1
    response = staff.get(reverse("admin:billing_creditnote_pdf", args=[note.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert staff.get(reverse("admin:billing_invoice_pdf", args=[note.invoice_id])).content.startswith(b"%PDF")


def test_overdue_invoices_are_reminded_from_the_admin_once_a_day(staff, org, client_record):
    from datetime import timedelta

    from django.utils import timezone

    from mecto.comms.models import OutboundMessage

    overdue = InvoiceFactory(organization=org, client=client_record, due_at=timezone.now() - timedelta(days=3))
    not_due = InvoiceFactory(organization=org, client=client_record)
    url = reverse("admin:billing_invoice_changelist")
    first = staff.post(url, {"action": "remind_invoices", "_selected_action": [overdue.pk, not_due.pk]}, follow=True)
    text = first.content.decode()
    assert "1 payment reminder sent." in text and "is not overdue yet" in text
    again = staff.post(url, {"action": "remind_invoices", "_selected_action": [overdue.pk]}, follow=True)
    assert "already reminded today" in again.content.decode()
    assert OutboundMessage.objects.filter(idempotency_key__startswith="overdue-reminder:").count() == 1
