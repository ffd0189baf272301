"""Billing pages: coaches (overview, plans, invoices, memberships, links, settings), the
client portal, public payment links and the CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing import services
from billing.models import Invoice, Payment, PaymentLink, Plan, Subscription
from booking.selectors import credit_balance
from tests.factories import ClientFactory

from .factories import InvoiceFactory, MembershipPlanFactory, PaymentLinkFactory, PlanFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

COACH_PAGES = [
    "/billing/",
    "/billing/plans/",
    "/billing/plans/new/",
    "/billing/invoices/",
    "/billing/invoices/new/",
    "/billing/invoices/sell/",
    "/billing/memberships/",
    "/billing/memberships/new/",
    "/billing/links/",
]


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def as_owner(client, owner):
    client.force_login(owner)
    return client


def test_every_coach_page_renders(as_coach, org, client_record):
    PlanFactory(organization=org)
    InvoiceFactory(organization=org, client=client_record)
    for url in COACH_PAGES:
        response = as_coach.get(url)
        assert response.status_code == 200, url
    assert as_coach.get("/billing/settings/").status_code == 403  # owners only


def test_assistants_see_no_billing(client, assistant, org):
    client.force_login(assistant)
    for url in [*COACH_PAGES, "/billing/settings/", "/billing/revenue.csv"]:
        assert client.get(url).status_code == 403, url
    assert 'href="/billing/"' not in client.get("/dashboard/").content.decode()


def test_billing_is_in_the_coach_navigation_and_dashboard(as_coach, org):
    page = as_coach.get("/dashboard/?scope=all").content.decode()
    assert 'href="/billing/"' in page and "Monthly recurring revenue" in page
    InvoiceFactory(organization=org, due_at=timezone.now() - timedelta(days=2))
    assert "Overdue invoices" in as_coach.get("/dashboard/?scope=all").content.decode()


def test_a_coachs_dashboard_counts_only_their_own_clients_overdue_invoices(as_coach, coach, org):
    InvoiceFactory(organization=org, due_at=timezone.now() - timedelta(days=2))  # nobody's client
    page = as_coach.get("/dashboard/").content.decode()
    assert "Overdue invoices" not in page and "Monthly recurring revenue" not in page
    mine = ClientFactory(organization=org, coach=coach)
    InvoiceFactory(organization=org, client=mine, due_at=timezone.now() - timedelta(days=2))
    assert "1 invoice is past its due date." in as_coach.get("/dashboard/").content.decode()


def test_empty_states_say_what_to_do_next(as_coach):
    assert "Create your first plan" in as_coach.get("/billing/").content.decode()
    assert "No invoices yet" in as_coach.get("/billing/invoices/").content.decode()
    assert "No memberships yet" in as_coach.get("/billing/memberships/").content.decode()


def test_creating_a_package_and_a_membership_through_the_form(as_coach, org):
    response = as_coach.post(
        "/billing/plans/new/",
        {
            "name": "10 sessions",
            "kind": "package",
            "price_minor": "500.00",
            "tax_rate": "0",
            "sessions": "10",
            "validity_days": "90",
            "interval": "",
            "trial_days": "0",
            "minimum_term_periods": "0",
            "sold_online": "on",
            "price_includes_tax": "on",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(name="10 sessions")
    assert plan.price_minor == 50000 and plan.sessions == 10
    bad = as_coach.post(
        "/billing/plans/new/",
        {
            "name": "Club",
            "kind": "membership",
            "price_minor": "49.999",
            "tax_rate": "0",
            "sessions": "4",
            "interval": "",
            "trial_days": "0",
            "minimum_term_periods": "0",
        },
    )
    assert bad.status_code == 400 and "has-error" in bad.content.decode()
    no_interval = as_coach.post(
        "/billing/plans/new/",
        {
            "name": "Club",
            "kind": "membership",
            "price_minor": "49.99",
            "tax_rate": "0",
            "sessions": "4",
            "interval": "",
            "trial_days": "0",
            "minimum_term_periods": "0",
        },
    )
    assert no_interval.status_code == 400 and "Choose weekly, monthly or yearly." in no_interval.content.decode()
    edit = as_coach.get(f"/billing/plans/{plan.pk}/")
    assert 'value="500.00"' in edit.content.decode()
    assert Plan.objects.count() == 1


def test_invoice_a_package_then_record_a_cash_payment(as_coach, org, client_record, django_capture_on_commit_callbacks):
    plan = PlanFactory(organization=org, price_minor=50000, sessions=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coach.post(
            "/billing/invoices/sell/",
            {"client": client_record.pk, "plan": plan.pk, "quantity": "1", "issue_now": "on"},
        )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/billing/invoices/{invoice.pk}/"
    assert mail.outbox[-1].subject.startswith("Invoice INV-00001")
    page = as_coach.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert "Record a payment" in page and "£500.00" in page
    too_much = as_coach.post(
        f"/billing/invoices/{invoice.pk}/",
        {
            "action": "record_payment",
            "amount_minor": "600.00",
            "method": "cash",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert too_much.status_code == 400 and "still due" in too_much.content.decode()
    response = as_coach.post(
        f"/billing/invoices/{invoice.pk}/",
        {
            "action": "record_payment",
            "amount_minor": "500.00",
            "method": "cash",
            "reference": "Receipt 7",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and credit_balance(client=client_record) == 10


def _lines(*rows, total=None):
    data = {"lines-TOTAL_FORMS": str(total if total is not None else len(rows)), "lines-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"lines-{i}-{key}": value for key, value in row.items()})
    return data


def test_custom_charge_form(as_coach, client_record):
    response = as_coach.post(
        "/billing/invoices/new/",
        {
            "client": client_record.pk,
            **_lines(
                {"description": "Nutrition plan", "quantity": "1", "price": "80.00", "tax_rate": "20"},
                {"description": "Bands", "quantity": "2", "price": "5.50", "tax_rate": "20"},
            ),
            "tax_inclusive": "on",
            "issue_now": "on",
        },
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and invoice.total_minor == 9100 and invoice.lines.count() == 2
    missing = as_coach.post(
        "/billing/invoices/new/", {"client": client_record.pk, **_lines({"description": "", "price": "5"})}
    )
    assert missing.status_code == 400 and Invoice.objects.count() == 1


def test_custom_charge_takes_any_number_of_lines_and_removed_ones_are_left_out(as_coach, client_record):
    rows = [{"description": f"Item {n}", "quantity": "1", "price": "10.00", "tax_rate": "0"} for n in range(7)]
    rows[3]["DELETE"] = "on"
    rows.append({"description": "", "quantity": "1", "price": "", "tax_rate": "0"})  # a blank row added, unused
    response = as_coach.post("/billing/invoices/new/", {"client": client_record.pk, **_lines(*rows)})
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and invoice.status == "draft"
    assert [line.description for line in invoice.lines.all()] == [f"Item {n}" for n in (0, 1, 2, 4, 5, 6)]
    too_many = [{"description": "x", "price": "1"}] * 51
    response = as_coach.post("/billing/invoices/new/", {"client": client_record.pk, **_lines(*too_many)})
    assert response.status_code == 400 and Invoice.objects.count() == 1


def test_adding_a_line_without_javascript_keeps_what_was_typed(as_coach, client_record):
    response = as_coach.post(
        "/billing/invoices/new/",
        {
            "client": client_record.pk,
            "memo": "Thanks!",
            "add_line": "1",
            **_lines(
                {"description": "Nutrition plan", "quantity": "1", "price": "80.00", "tax_rate": "20"},
                {"description": "Gone", "quantity": "1", "price": "1.00", "DELETE": "on"},
            ),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Invoice.objects.exists()
    assert 'name="lines-TOTAL_FORMS" value="2"' in page
    assert 'value="Nutrition plan"' in page and 'value="80.00"' in page and "Gone" not in page
    assert 'name="lines-1-description"' in page and 'value="Thanks!"' in page
    assert "errorlist" not in page
    fresh = as_coach.get("/billing/invoices/new/").content.decode()
    assert 'name="lines-TOTAL_FORMS" value="1"' in fresh and "Add a line" in fresh and "__prefix__" in fresh


def test_invoicing_a_package_saves_a_draft_to_check_before_it_is_emailed(
    as_coach, org, client_record, django_capture_on_commit_callbacks
):
    plan = PlanFactory(organization=org, price_minor=50000, sessions=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coach.post(
            "/billing/invoices/sell/", {"client": client_record.pk, "plan": plan.pk, "quantity": "2"}
        )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and invoice.status == "draft" and not invoice.number and not mail.outbox
    page = as_coach.get(response["Location"]).content.decode()
    assert "This is a draft" in page and "Preview the PDF" in page and "£1,000.00" in page
    assert as_coach.get(f"/billing/invoices/{invoice.pk}/pdf/").content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        as_coach.post(f"/billing/invoices/{invoice.pk}/", {"action": "issue"})
    invoice.refresh_from_db()
    assert invoice.number == "INV-00001" and mail.outbox[-1].subject.startswith("Invoice INV-00001")


def test_overdue_list_sends_a_reminder_once_a_day(as_coach, org, client_record, django_capture_on_commit_callbacks):
    invoice = InvoiceFactory(organization=org, client=client_record, due_at=timezone.now() - timedelta(days=2))
    listing = as_coach.get("/billing/invoices/?status=overdue").content.decode()
    assert "Send reminder" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coach.post(f"/billing/invoices/{invoice.pk}/", {"action": "remind", "next": "overdue"})
    assert response.status_code == 302 and response["Location"] == "/billing/invoices/?status=overdue"
    assert mail.outbox[-1].subject == f"Reminder: invoice {invoice.number} is overdue"
    assert mail.outbox[-1].to == [client_record.email]
    with django_capture_on_commit_callbacks(execute=True):
        again = as_coach.post(f"/billing/invoices/{invoice.pk}/", {"action": "remind"}, follow=True)
    assert "already reminded today" in again.content.decode() and len(mail.outbox) == 1
    not_due = InvoiceFactory(organization=org, client=client_record)
    refused = as_coach.post(f"/billing/invoices/{not_due.pk}/", {"action": "remind"}, follow=True)
    assert "is not overdue yet" in refused.content.decode() and len(mail.outbox) == 1


def test_refund_void_and_payment_link_from_the_invoice_page(
    as_coach, client_record, django_capture_on_commit_callbacks
):
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Plan", unit_price_minor=6000)],
        issue=True,
        send_email=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coach.post(f"/billing/invoices/{invoice.pk}/", {"action": "send_link", "message": "Thanks!"})
    assert response.status_code == 302
    assert "/pay/" in mail.outbox[-1].body and "Thanks!" in mail.outbox[-1].body
    page = as_coach.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert "https://mecto.example/pay/" in page  # shown once, to copy
    assert "https://mecto.example/pay/" not in as_coach.get(f"/billing/invoices/{invoice.pk}/").content.decode()

    payment = services.record_payment(invoice=invoice, amount_minor=6000, method="transfer")
    response = as_coach.post(
        f"/billing/invoices/{invoice.pk}/",
        {
            "action": "refund",
            "payment": payment.pk,
            f"refund{payment.pk}-amount_minor": "20.00",
            f"refund{payment.pk}-reason": "Missed session",
        },
    )
    assert response.status_code == 302
    assert Payment.objects.get().amount_refunded_minor == 2000
    assert "CN-00001" in as_coach.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    void = as_coach.post(f"/billing/invoices/{invoice.pk}/", {"action": "void"}, follow=True)
    assert "refund the payment instead" in void.content.decode()


def test_assistant_cannot_act_on_an_invoice(client, assistant, org):
    invoice = InvoiceFactory(organization=org)
    client.force_login(assistant)
    assert client.post(f"/billing/invoices/{invoice.pk}/", {"action": "void"}).status_code == 403
    assert Invoice.objects.get().status == "open"


def test_another_business_invoice_is_not_found(as_coach):
    other = InvoiceFactory()
    assert as_coach.get(f"/billing/invoices/{other.pk}/").status_code == 404
    assert as_coach.get(f"/billing/invoices/{other.pk}/pdf/").status_code == 404


def test_start_and_end_a_membership_from_the_pages(as_coach, org, client_record):
    plan = MembershipPlanFactory(organization=org)
    response = as_coach.post(
        "/billing/memberships/new/",
        {"client": client_record.pk, "plan": plan.pk, "start_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    sub = Subscription.objects.get()
    as_coach.post(f"/billing/memberships/{sub.pk}/", {"action": "cancel"})
    sub.refresh_from_db()
    assert sub.cancel_at == sub.current_period_end
    as_coach.post(f"/billing/memberships/{sub.pk}/", {"action": "cancel_now"})
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CANCELLED


def test_overview_shows_the_figures_and_the_chart(as_coach, org, client_record):
    SubscriptionFactory(organization=org, client=client_record, price_minor=12000)
    InvoiceFactory(organization=org, client=client_record, due_at=timezone.now() - timedelta(days=1))
    page = as_coach.get("/billing/").content.decode()
    assert 'data-figure="mrr">£120.00' in page
    assert 'data-figure="overdue">£100.00' in page
    assert 'id="revenue-data"' in page and "chart.umd.js" in page and "revenue.js" in page


def test_csv_exports(as_coach, org, client_record):
    invoice = InvoiceFactory(organization=org, client=client_record)
    services.record_payment(invoice=invoice, amount_minor=10000, method="cash")
    months = list(csv.reader(io.StringIO(as_coach.get("/billing/revenue.csv").content.decode())))
    assert months[0] == ["month", "currency", "received", "refunded", "net", "payments"]
    assert months[-1][2:] == ["100.00", "0.00", "100.00", "1"] and len(months) == 25
    invoices = list(csv.reader(io.StringIO(as_coach.get("/billing/revenue.csv?report=invoices").content.decode())))
    assert invoices[1][0] == invoice.number and invoices[1][2] == "paid"
    assert as_coach.get("/billing/revenue.csv?report=nope").status_code == 400


def test_csv_cells_never_start_a_formula(as_coach, org):
    from tests.factories import ClientFactory

    InvoiceFactory(organization=org, client=ClientFactory(organization=org, first_name="=HYPERLINK(1)", last_name=""))
    rows = list(csv.reader(io.StringIO(as_coach.get("/billing/revenue.csv?report=invoices").content.decode())))
    assert rows[1][1] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    "url,make",
    [
        ("/billing/invoices/", lambda org, n: InvoiceFactory.create_batch(n, organization=org)),
        ("/billing/memberships/", lambda org, n: SubscriptionFactory.create_batch(n, organization=org)),
        ("/billing/plans/", lambda org, n: PlanFactory.create_batch(n, organization=org)),
        ("/billing/links/", lambda org, n: PaymentLinkFactory.create_batch(n, organization=org)),
    ],
)
def test_list_pages_are_n_plus_one_free(as_coach, org, url, make, django_assert_max_num_queries):
    make(org, 10)
    with CaptureQueriesContext(connection) as ctx:
        assert as_coach.get(url).status_code == 200
    make(org, 90)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert as_coach.get(url).status_code == 200


# --- Settings ----------------------------------------------------------------------------------------------
def test_owner_changes_invoice_settings(as_owner, org):
    response = as_owner.post(
        "/billing/settings/",
        {
            "invoice_prefix": "nsl",
            "credit_note_prefix": "CR",
            "payment_terms_days": "7",
            "invoice_footer": "Bank: 12-34-56 12345678",
        },
    )
    assert response.status_code == 302
    row = services.billing_settings(org)
    assert (row.invoice_prefix, row.payment_terms_days) == ("NSL", 7)
    bad = as_owner.post(
        "/billing/settings/", {"invoice_prefix": "in v!", "credit_note_prefix": "CR", "payment_terms_days": "7"}
    )
    assert bad.status_code == 400


def test_business_address_and_vat_number_are_on_the_invoice_pages(as_owner, org, client_record, no_stripe):
    settings_form = {"invoice_prefix": "INV", "credit_note_prefix": "CN", "payment_terms_days": "14"}
    bad = as_owner.post("/billing/settings/", {**settings_form, "tax_number": "GB<123>"})
    assert bad.status_code == 400 and not services.billing_settings(org).tax_number
    too_long = as_owner.post("/billing/settings/", {**settings_form, "business_address": "\n".join("abcdefg")})
    assert too_long.status_code == 400 and "at most 6 lines" in too_long.content.decode()
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Nutrition plan", unit_price_minor=12000, tax_rate="20")],
        issue=True,
        send_email=False,
    )
    assert (
        "add your business address and VAT / tax number"
        in as_owner.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    )
    response = as_owner.post(
        "/billing/settings/",
        {**settings_form, "business_address": " 1 High Street \n\nLondon N1 1AA", "tax_number": "gb 123 4567 89"},
    )
    assert response.status_code == 302
    row = services.billing_settings(org)
    assert (row.business_address, row.tax_number) == ("1 High Street\nLondon N1 1AA", "GB 123 4567 89")
    page = as_owner.get(f"/billing/invoices/{invoice.pk}/").content.decode()
    assert "1 High Street<br>London N1 1AA<br>VAT / tax number: GB 123 4567 89" in page
    assert "add your business address" not in page
    _link, url = services.create_payment_link(client=client_record, invoice=invoice, send=False)
    assert "VAT / tax number: GB 123 4567 89" in as_owner.get(url.replace("https://mecto.example", "")).content.decode()


def test_settings_explain_when_card_payments_are_off(as_owner, no_stripe):
    assert "Card payments are not set up on this platform" in as_owner.get("/billing/settings/").content.decode()


# --- Public payment links -----------------------------------------------------------------------------------
def test_a_payment_link_without_card_payments_shows_how_to_pay(client, org, client_record, no_stripe):
    services.update_billing_settings(organization=org, invoice_footer="Pay to: Northside Strength, 12-34-56")
    invoice = services.create_invoice(
        client=client_record,
        lines=[services.LineInput(description="Plan", unit_price_minor=6000)],
        issue=True,
        send_email=False,
    )
    link, url = services.create_payment_link(client=client_record, invoice=invoice, send=False)
    page = client.get(url.replace("https://mecto.example", ""))
    body = page.content.decode()
    assert page.status_code == 200 and "Northside Strength, 12-34-56" in body and invoice.number in body
    assert "Pay by card" not in body
    link.refresh_from_db()
    assert link.opened_at is not None
    # The business's page, not the platform's: no sign-up or login; the invoice as a PDF.
    assert "Sign up" not in body and "/account/signup/" not in body and "/account/login/" not in body
    pdf_path = url.replace("https://mecto.example", "") + "invoice.pdf"
    assert pdf_path in body
    pdf_response = client.get(pdf_path)
    assert pdf_response["Content-Type"] == "application/pdf" and pdf_response.content.startswith(b"%PDF")
    PaymentLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    assert client.get(pdf_path).status_code == 404
    assert client.get("/pay/not-a-real-token/invoice.pdf").status_code == 404


def test_a_payment_link_with_card_payments_goes_to_checkout(client, org, connected, client_record, stripe_api):
    plan = PlanFactory(organization=org)
    _link, url = services.create_payment_link(client=client_record, plan=plan, send=False)
    path = url.replace("https://mecto.example", "")
    assert "Pay by card" in client.get(path).content.decode()
    stripe_api.product_created()
    stripe_api.price_created()
    stripe_api.customer_created()
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_link")
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "https://checkout.stripe.com/c/pay/cs_link"
    assert client.get(path + "done/").status_code == 200


def test_revoking_a_link_needs_a_real_link_id(as_coach, org):
    assert as_coach.post("/billing/links/", {"action": "revoke", "link": "abc"}).status_code == 404
    link = PaymentLinkFactory(organization=org)
    assert as_coach.post("/billing/links/", {"action": "revoke", "link": str(link.pk)}).status_code == 302
    assert PaymentLink.objects.get(pk=link.pk).revoked_at is not None
    assert (
        as_coach.post("/billing/links/", {"action": "revoke", "link": str(PaymentLinkFactory().pk)}).status_code == 404
    )


def test_unknown_revoked_and_expired_links(client, org, client_record):
    assert client.get("/pay/not-a-real-token/").status_code == 404
    plan = PlanFactory(organization=org)
    link = PaymentLinkFactory(organization=org, client=client_record, plan=plan)
    token, token_hash = PaymentLink.new_token()
    PaymentLink.objects.filter(pk=link.pk).update(token_hash=token_hash, revoked_at=timezone.now())
    page = client.get(f"/pay/{token}/")
    assert "no longer works" in page.content.decode()
    assert client.post(f"/pay/{token}/").status_code == 400
    PaymentLink.objects.filter(pk=link.pk).update(revoked_at=None, expires_at=timezone.now() - timedelta(days=1))
    assert "no longer works" in client.get(f"/pay/{token}/").content.decode()


# --- Client portal ------------------------------------------------------------------------------------------
def test_portal_shows_credits_memberships_and_invoices(client, org, client_record, connected):
    from booking import services as booking_services

    booking_services.grant_credits(client=client_record, quantity=3, source_ref="x")
    SubscriptionFactory(organization=org, client=client_record)
    invoice = InvoiceFactory(organization=org, client=client_record)
    PlanFactory(organization=org, name="Ten pack")
    client.force_login(client_record.user)
    page = client.get("/portal/billing/").content.decode()
    assert 'data-figure="balance">3' in page and invoice.number in page and "Ten pack" in page
    assert "Cancel my membership" in page
    pdf = client.get(f"/portal/billing/invoices/{invoice.public_id}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    other = InvoiceFactory(organization=org)
    assert client.get(f"/portal/billing/invoices/{other.public_id}/pdf/").status_code == 404
    assert 'href="/portal/billing/"' in client.get("/portal/").content.decode()
    # Only Billing is the current section (not also Home at /portal/).
    assert page.count('aria-current="page"') == 1 and 'href="/portal/billing/" aria-current="page"' in page


def test_portal_buy_and_cancel(client, org, client_record, connected, stripe_api):
    plan = PlanFactory(organization=org)
    stripe_api.product_created()
    stripe_api.price_created()
    stripe_api.customer_created()
    stripe_api.checkout_created(url="https://checkout.stripe.com/c/pay/cs_portal")
    client.force_login(client_record.user)
    response = client.post(f"/portal/billing/plans/{plan.public_id}/buy/")
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_portal"
    sub = SubscriptionFactory(
        organization=org, client=client_record, minimum_term_ends_at=timezone.now() + timedelta(days=90)
    )
    client.post(f"/portal/billing/memberships/{sub.public_id}/cancel/")
    sub.refresh_from_db()
    assert sub.cancel_at == sub.minimum_term_ends_at


def test_portal_is_for_clients_only(as_coach):
    from django.test import Client

    assert as_coach.get("/portal/billing/").status_code == 404
    assert Client().get("/portal/billing/").status_code == 302


def test_an_invoice_of_a_deleted_client_still_opens(as_coach, org, client_record):
    invoice = InvoiceFactory(organization=org, client=client_record)
    client_record.delete()
    page = as_coach.get(f"/billing/invoices/{invoice.pk}/")
    assert page.status_code == 200 and "client deleted" in page.content.decode()
    assert as_coach.get("/billing/invoices/").status_code == 200


def test_dashboard_card_counts_overdue_invoices_in_words_that_agree(as_coach, org, client_record):
    InvoiceFactory(organization=org, client=client_record, due_at=timezone.now() - timedelta(days=1))
    assert "1 invoice is past its due date." in as_coach.get("/dashboard/?scope=all").content.decode()
    InvoiceFactory(organization=org, client=client_record, due_at=timezone.now() - timedelta(days=1))
    assert "2 invoices are past their due date." in as_coach.get("/dashboard/?scope=all").content.decode()
