"""The billing API for coaches (/api/v1/billing/...) and clients (/api/v1/me/...)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import services
from billing.models import Invoice, Plan, Subscription
from booking import services as booking_services
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

from .factories import (
    InvoiceFactory,
    MembershipPlanFactory,
    PaymentFactory,
    PlanFactory,
    PurchaseFactory,
    SubscriptionFactory,
)
from .stripe_fakes import form

pytestmark = pytest.mark.django_db


def _queries(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def _assert_flat(api, url, make, django_assert_max_num_queries):
    """The query count of a list does not grow from 10 to 100 rows."""
    make(10)
    at_ten = _queries(api, url)
    make(90)
    with django_assert_max_num_queries(at_ten):
        response = api.get(url, {"page_size": 100})
    rows = response.data["results"] if isinstance(response.data, dict) else response.data
    assert len(rows) == 100


# --- Plans --------------------------------------------------------------------------------------------
def test_coaches_manage_plans(coach_api, org):
    response = coach_api.post(
        "/api/v1/billing/plans/",
        {
            "name": "10 sessions",
            "kind": "package",
            "price_minor": 50000,
            "sessions": 10,
            "validity_days": 90,
            "tax_rate": "20.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["currency"] == org.currency and response.data["gross_minor"] == 50000
    plan_id = response.data["id"]
    response = coach_api.patch(f"/api/v1/billing/plans/{plan_id}/", {"price_minor": 45000}, format="json")
    assert response.status_code == 200 and response.data["price_minor"] == 45000
    assert coach_api.delete(f"/api/v1/billing/plans/{plan_id}/").status_code == 204
    assert Plan.objects.get(pk=plan_id).is_active is False


def test_bad_plans_get_field_errors_and_store_nothing(coach_api):
    response = coach_api.post(
        "/api/v1/billing/plans/", {"name": "Pack", "kind": "package", "price_minor": 1000, "sessions": 0}, format="json"
    )
    assert response.status_code == 400 and "sessions" in response.data["errors"]
    response = coach_api.post(
        "/api/v1/billing/plans/",
        {"name": "Club", "kind": "membership", "price_minor": 1000, "interval": "fortnight"},
        format="json",
    )
    assert response.status_code == 400 and "interval" in response.data["errors"]
    assert not Plan.objects.exists()


def test_assistants_see_no_billing(assistant, org):
    api = api_as(assistant)
    PlanFactory(organization=org)
    for url in (
        "/api/v1/billing/plans/",
        "/api/v1/billing/invoices/",
        "/api/v1/billing/revenue/",
        "/api/v1/billing/memberships/",
        "/api/v1/billing/payments/",
    ):
        assert api.get(url).status_code == 403, url


def test_only_owners_see_the_stripe_connection(owner_api, coach_api):
    response = owner_api.get("/api/v1/billing/stripe/")
    assert response.status_code == 200 and response.data["connected"] is False and response.data["available"] is True
    assert coach_api.get("/api/v1/billing/stripe/").status_code == 403
    assert coach_api.post("/api/v1/billing/stripe/onboarding/").status_code == 403


def test_owner_starts_onboarding_through_the_api(owner_api, stripe_api):
    stripe_api.account_created("acct_API", charges_enabled=False)
    stripe_api.account_link("https://connect.stripe.com/setup/s/acct_API/1")
    response = owner_api.post("/api/v1/billing/stripe/onboarding/")
    assert response.status_code == 200 and response.data["url"].startswith("https://connect.stripe.com/")


# --- Invoices and payments --------------------------------------------------------------------------------
def test_invoicing_a_plan_and_recording_a_cash_payment(coach_api, org, client_record):
    plan = PlanFactory(organization=org, price_minor=50000, sessions=10)
    response = coach_api.post("/api/v1/billing/invoices/", {"client": client_record.pk, "plan": plan.pk}, format="json")
    assert response.status_code == 201, response.data
    invoice = response.data
    assert invoice["number"] == "INV-00001" and invoice["status"] == "open" and invoice["amount_due_minor"] == 50000
    url = f"/api/v1/billing/invoices/{invoice['id']}/payments/"
    too_much = coach_api.post(url, {"amount_minor": 60000, "method": "cash"}, format="json")
    assert too_much.status_code == 400 and "amount_minor" in too_much.data["errors"]
    wrong_method = coach_api.post(url, {"amount_minor": 100, "method": "stripe"}, format="json")
    assert wrong_method.status_code == 400 and "method" in wrong_method.data["errors"]
    paid = coach_api.post(url, {"amount_minor": 50000, "method": "cash", "reference": "Receipt 12"}, format="json")
    assert paid.status_code == 201 and paid.data["status"] == "succeeded"
    detail = coach_api.get(f"/api/v1/billing/invoices/{invoice['id']}/").data
    assert detail["status"] == "paid" and detail["amount_due_minor"] == 0
    from booking.selectors import credit_balance

    assert credit_balance(client=client_record) == 10


def test_custom_charge_lines_and_drafts(coach_api, client_record):
    response = coach_api.post(
        "/api/v1/billing/invoices/",
        {
            "client": client_record.pk,
            "issue": False,
            "memo": "Thanks",
            "lines": [
                {"description": "Nutrition plan", "unit_price_minor": 1003, "tax_rate": "20", "tax_inclusive": False},
                {"description": "Bands", "unit_price_minor": 1003, "tax_rate": "20", "tax_inclusive": False},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "draft" and response.data["total_minor"] == 2408
    assert [line["tax_minor"] for line in response.data["lines"]] == [201, 201]
    issued = coach_api.post(f"/api/v1/billing/invoices/{response.data['id']}/issue/")
    assert issued.status_code == 200 and issued.data["number"] == "INV-00001"
    again = coach_api.post(f"/api/v1/billing/invoices/{response.data['id']}/issue/")
    assert again.status_code == 400
    voided = coach_api.post(f"/api/v1/billing/invoices/{response.data['id']}/void/")
    assert voided.status_code == 200 and voided.data["status"] == "void"


def test_invoice_input_errors(coach_api, client_record, org):
    both = coach_api.post(
        "/api/v1/billing/invoices/",
        {
            "client": client_record.pk,
            "plan": PlanFactory(organization=org).pk,
            "lines": [{"description": "x", "unit_price_minor": 1}],
        },
        format="json",
    )
    assert both.status_code == 400 and "lines" in both.data["errors"]
    foreign = coach_api.post(
        "/api/v1/billing/invoices/",
        {"client": ClientFactory().pk, "lines": [{"description": "x", "unit_price_minor": 1}]},
        format="json",
    )
    assert foreign.status_code == 400 and "client" in foreign.data["errors"]
    negative = coach_api.post(
        "/api/v1/billing/invoices/",
        {"client": client_record.pk, "lines": [{"description": "x", "unit_price_minor": -1}]},
        format="json",
    )
    assert negative.status_code == 400
    too_many = coach_api.post(
        "/api/v1/billing/invoices/",
        {"client": client_record.pk, "lines": [{"description": "x", "unit_price_minor": 1}] * 51},
        format="json",
    )
    assert too_many.status_code == 400 and "lines" in too_many.data["errors"]
    assert not Invoice.objects.exists()


def test_invoice_pdf_and_payment_link(coach_api, client_record, django_capture_on_commit_callbacks):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Session", unit_price_minor=4000)],
        issue=True,
        send_email=False,
    )
    response = coach_api.get(f"/api/v1/billing/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"INV-00001" in response.content
    with django_capture_on_commit_callbacks(execute=True):
        link = coach_api.post(f"/api/v1/billing/invoices/{invoice.pk}/payment-link/")
    assert link.status_code == 201 and link.data["url"].startswith("https://mecto.example/pay/")
    from django.core import mail

    assert link.data["url"] in mail.outbox[-1].body
    listed = coach_api.get("/api/v1/billing/payment-links/").data["results"]
    assert "url" not in listed[0]


def test_refund_through_the_api_issues_a_credit_note(coach_api, client_record):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Session", unit_price_minor=4000)],
        issue=True,
        send_email=False,
    )
    payment = services.record_payment(invoice=invoice, amount_minor=4000, method="cash")
    response = coach_api.post(f"/api/v1/billing/payments/{payment.pk}/refund/", {"amount_minor": 1500}, format="json")
    assert response.status_code == 201 and response.data["number"] == "CN-00001"
    over = coach_api.post(f"/api/v1/billing/payments/{payment.pk}/refund/", {"amount_minor": 5000}, format="json")
    assert over.status_code == 400 and "amount_minor" in over.data["errors"]
    notes = coach_api.get("/api/v1/billing/credit-notes/").data["results"]
    assert [n["amount_minor"] for n in notes] == [1500]
    pdf = coach_api.get(f"/api/v1/billing/credit-notes/{notes[0]['id']}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_manual_memberships_through_the_api(coach_api, client_record, org):
    plan = MembershipPlanFactory(organization=org)
    response = coach_api.post(
        "/api/v1/billing/memberships/", {"client": client_record.pk, "plan": plan.pk}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "active" and response.data["collection"] == "manual"
    cancelled = coach_api.post(f"/api/v1/billing/memberships/{response.data['id']}/cancel/", {}, format="json")
    assert cancelled.status_code == 200 and cancelled.data["cancel_at"] == response.data["current_period_end"]
    resumed = coach_api.post(f"/api/v1/billing/memberships/{response.data['id']}/resume/")
    assert resumed.status_code == 200 and resumed.data["cancel_at"] is None
    twice = coach_api.post("/api/v1/billing/memberships/", {"client": client_record.pk, "plan": plan.pk}, format="json")
    assert twice.status_code == 400


def test_plan_links_need_card_payments(coach_api, client_record, org, no_stripe):
    plan = PlanFactory(organization=org)
    response = coach_api.post(
        "/api/v1/billing/payment-links/", {"client": client_record.pk, "plan": plan.pk}, format="json"
    )
    assert response.status_code == 400 and "plan" in response.data["errors"]


def test_revenue_report(coach_api, org, client_record):
    SubscriptionFactory(organization=org, client=client_record, price_minor=12000, tax_rate=Decimal("0"))
    InvoiceFactory(organization=org, client=client_record)
    data = coach_api.get("/api/v1/billing/revenue/").data
    assert data["mrr_minor"] == 12000 and data["active_memberships"] == 1
    assert data["outstanding"] == {"count": 1, "amount_minor": 10000}
    assert len(data["months"]) == 12


@pytest.mark.parametrize(
    "url,make",
    [
        ("/api/v1/billing/plans/", lambda org, n: PlanFactory.create_batch(n, organization=org)),
        ("/api/v1/billing/invoices/", lambda org, n: InvoiceFactory.create_batch(n, organization=org)),
        ("/api/v1/billing/payments/", lambda org, n: PaymentFactory.create_batch(n, organization=org)),
        ("/api/v1/billing/memberships/", lambda org, n: SubscriptionFactory.create_batch(n, organization=org)),
    ],
)
def test_coach_lists_are_n_plus_one_free(coach_api, org, url, make, django_assert_max_num_queries):
    _assert_flat(coach_api, url, lambda n: make(org, n), django_assert_max_num_queries)


# --- The client's own -------------------------------------------------------------------------------------
@pytest.fixture
def me(client_record):
    return api_as(client_record.user)


def test_my_plans_lists_what_is_on_sale_here(me, org, coach_api):
    on_sale = PlanFactory(organization=org, name="On sale")
    PlanFactory(organization=org, name="Archived", is_active=False)
    PlanFactory(organization=org, name="In person only", sold_online=False)
    PlanFactory(name="Another business")
    response = me.get("/api/v1/me/plans/")
    assert response.status_code == 200
    assert [p["public_id"] for p in response.data] == [str(on_sale.public_id)]
    assert coach_api.get("/api/v1/me/plans/").status_code == 403


def test_my_invoices_with_pdf(me, client_record, org, django_assert_max_num_queries):
    mine = InvoiceFactory(organization=org, client=client_record)
    InvoiceFactory(organization=org, client=client_record, status="draft", number="", sequence=None)
    theirs = InvoiceFactory(organization=org)
    rows = me.get("/api/v1/me/invoices/").data["results"]
    assert [r["public_id"] for r in rows] == [str(mine.public_id)]
    pdf = me.get(rows[0]["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert me.get(f"/api/v1/me/invoices/{theirs.public_id}/pdf/").status_code == 404
    assert me.get(f"/api/v1/me/invoices/{theirs.public_id}/").status_code == 404
    _assert_flat(
        me,
        "/api/v1/me/invoices/",
        lambda n: InvoiceFactory.create_batch(n, organization=org, client=client_record),
        django_assert_max_num_queries,
    )


def test_my_credits_and_balance(me, client_record):
    booking_services.grant_credits(client=client_record, quantity=10, source_ref="a")
    booking_services.consume_credit(client=client_record, reference="booking:1")
    rows = me.get("/api/v1/me/credit-grants/").data["results"]
    assert [(r["quantity"], r["remaining"]) for r in rows] == [(10, 9)]
    assert me.get("/api/v1/me/credits/balance/").data == {"balance": 9}  # booking's ledger agrees


def test_my_memberships_and_packages(me, client_record, org):
    sub = SubscriptionFactory(organization=org, client=client_record)
    PurchaseFactory(organization=org, client=client_record)
    SubscriptionFactory(organization=org)
    memberships = me.get("/api/v1/me/memberships/").data["results"]
    assert [m["public_id"] for m in memberships] == [str(sub.public_id)]
    assert len(me.get("/api/v1/me/packages/").data["results"]) == 1
    response = me.post(f"/api/v1/me/memberships/{sub.public_id}/cancel/")
    assert response.status_code == 200 and response.data["cancel_at"] is not None
    assert Subscription.objects.get(pk=sub.pk).status == "active"


def test_starting_a_purchase_returns_the_checkout_url(me, client_record, org, connected, stripe_api):
    plan = PlanFactory(organization=org, price_minor=50000)
    stripe_api.product_created()
    stripe_api.price_created("price_P")
    stripe_api.customer_created()
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_test_app")
    response = me.post("/api/v1/me/purchases/", {"plan": str(plan.public_id)}, format="json")
    assert response.status_code == 201 and response.data == {
        "checkout_url": "https://checkout.stripe.com/c/pay/cs_test_app"
    }
    session = form(stripe_api.calls("POST", "/v1/checkout/sessions")[0])
    assert session["success_url"] == "https://mecto.example/portal/billing/?checkout=success"
    assert me.post("/api/v1/me/purchases/", {"plan": "not-a-uuid"}, format="json").status_code == 400
    other = PlanFactory()
    assert me.post("/api/v1/me/purchases/", {"plan": str(other.public_id)}, format="json").status_code == 404


def test_purchases_without_card_payments_say_so(me, org, no_stripe):
    plan = PlanFactory(organization=org)
    response = me.post("/api/v1/me/purchases/", {"plan": str(plan.public_id)}, format="json")
    assert response.status_code == 400 and "not set up" in response.data["detail"]


def test_my_billing_portal(me, connected, stripe_api):
    stripe_api.customer_created()
    stripe_api.portal_configuration_created()
    stripe_api.portal_session_created("https://billing.stripe.com/p/session/me")
    response = me.post("/api/v1/me/billing-portal/")
    assert response.status_code == 200 and response.data["url"] == "https://billing.stripe.com/p/session/me"


def test_clients_cannot_use_coach_routes(me):
    assert me.get("/api/v1/billing/invoices/").status_code == 403
    assert api_as(UserFactory()).get("/api/v1/me/invoices/").status_code == 403


def test_a_plan_invoice_can_be_kept_as_a_draft(coach_api, client_record, org):
    plan = PlanFactory(organization=org, price_minor=4500)
    response = coach_api.post(
        "/api/v1/billing/invoices/", {"client": client_record.pk, "plan": plan.pk, "issue": False}, format="json"
    )
    assert response.status_code == 201 and response.json()["status"] == "draft" and not response.json()["number"]
    bad = coach_api.post(
        "/api/v1/billing/invoices/", {"client": client_record.pk, "plan": plan.pk, "quantity": 0}, format="json"
    )
    assert bad.status_code == 400 and "quantity" in bad.json()["errors"]


def test_overdue_invoice_reminder_through_the_api_once_a_day(coach_api, client_record, org):
    from datetime import timedelta

    from django.utils import timezone

    overdue = InvoiceFactory(organization=org, client=client_record, due_at=timezone.now() - timedelta(days=1))
    url = f"/api/v1/billing/invoices/{overdue.pk}/remind/"
    assert coach_api.post(url).json() == {"sent": True}
    assert coach_api.post(url).json() == {"sent": False}
    not_due = InvoiceFactory(organization=org, client=client_record)
    refused = coach_api.post(f"/api/v1/billing/invoices/{not_due.pk}/remind/")
    assert refused.status_code == 400 and "not overdue yet" in refused.json()["detail"]
    assert coach_api.post(f"/api/v1/billing/invoices/{InvoiceFactory().pk}/remind/").status_code == 404
