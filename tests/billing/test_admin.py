"""The back office: every billing model is in the admin, lists and opens, and the actions
go through the services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from billing import models, services
from billing.models import Invoice, StripeEvent
from tests.factories import UserFactory

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
