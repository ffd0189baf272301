"""Reminders of hand-paid invoices on the business's schedule (frozen time, across the March
DST change in London): each at 9:00 local time and once, none after payment or voiding, none
for Stripe-collected invoices; the schedule's validation; the overdue list and its actions;
hand-paid membership renewals followed by the reminders."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time
from rest_framework import throttling  # noqa: F401  (its timer is read at import: before any time is frozen)

from billing import services
from billing.models import BillingSettings, Invoice, InvoiceReminder
from billing.tasks import renew_memberships, send_invoice_reminders
from mecto.comms.models import OutboundMessage
from tests.factories import ClientFactory, OrganizationFactory

from .factories import InvoiceFactory, MembershipPlanFactory, PlanFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

# Due Friday 27 March 2026 (GMT); the clocks go forward on Sunday 29 March.
ISSUED = datetime(2026, 3, 13, 10, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def schedule(org, no_stripe):
    return services.update_billing_settings(
        organization=org,
        reminder_offsets=[-3, 0, 3, 7],
        reminders_enabled=True,
        bank_account_number="GB33BUKB20201555555555",
        bank_code="20-20-15",
    )


@pytest.fixture
def invoice(org, client_record, schedule):
    with freeze_time(ISSUED):
        return services.create_invoice(
            client=client_record,
            lines=[services.LineInput(description="Ten pack", unit_price_minor=50000)],
            issue=True,
            send_email=False,
            due_at=DUE,
        )


def _run(moment, capture):
    with freeze_time(moment), capture(execute=True):
        return send_invoice_reminders()


def _offsets(invoice):
    return sorted(InvoiceReminder.objects.filter(invoice=invoice).values_list("offset_days", flat=True))


def test_each_reminder_at_local_morning_once_across_dst(invoice, client_record, django_capture_on_commit_callbacks):
    cap = django_capture_on_commit_callbacks
    assert _run("2026-03-24 08:59", cap) == 0
    assert _run("2026-03-24 09:00", cap) == 1  # 3 days before, 9:00 GMT
    assert _run("2026-03-24 15:00", cap) == 0
    assert _run("2026-03-27 09:10", cap) == 1  # on the day
    # Three days after is Monday 30 March: 9:00 in London is 08:00 UTC after the change.
    assert _run("2026-03-30 07:59", cap) == 0
    assert _run("2026-03-30 08:00", cap) == 1
    assert _run("2026-03-30 09:00", cap) == 0
    assert _offsets(invoice) == [-3, 0, 3]
    keys = sorted(OutboundMessage.objects.filter(topic="billing").values_list("idempotency_key", flat=True))
    assert keys == [f"invoice-reminder:{invoice.public_id}:{o}" for o in ("-3", "0", "3")]
    assert [m.to for m in mail.outbox] == [[client_record.email]] * 3
    assert "due in 3 days" in mail.outbox[0].subject and "due today" in mail.outbox[1].subject
    assert "overdue" in mail.outbox[2].subject
    assert "GB33BUKB20201555555555" in mail.outbox[2].body and invoice.number in mail.outbox[2].body


def test_paying_stops_the_reminders(invoice, django_capture_on_commit_callbacks):
    _run("2026-03-27 09:00", django_capture_on_commit_callbacks)
    services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="transfer")
    assert _run("2026-03-30 08:00", django_capture_on_commit_callbacks) == 0
    assert _run("2026-04-10 08:00", django_capture_on_commit_callbacks) == 0
    assert _offsets(invoice) == [0]


def test_voiding_stops_the_reminders(invoice, django_capture_on_commit_callbacks):
    services.void_invoice(invoice=invoice)
    assert _run("2026-03-30 08:00", django_capture_on_commit_callbacks) == 0
    assert not mail.outbox


def test_a_late_beat_sends_only_the_latest_step(invoice, django_capture_on_commit_callbacks):
    assert _run("2026-04-05 12:00", django_capture_on_commit_callbacks) == 1
    assert _run("2026-04-05 13:00", django_capture_on_commit_callbacks) == 0
    assert _offsets(invoice) == [7] and len(mail.outbox) == 1


def test_steps_before_the_invoice_was_issued_are_skipped(
    org, client_record, schedule, django_capture_on_commit_callbacks
):
    with freeze_time("2026-03-26 12:00"):
        late = services.create_invoice(
            client=client_record,
            lines=[services.LineInput(description="Session", unit_price_minor=5000)],
            issue=True,
            send_email=False,
            due_at=DUE,
        )
    assert _run("2026-03-26 13:00", django_capture_on_commit_callbacks) == 0  # -3 was before it existed
    assert _run("2026-03-27 09:00", django_capture_on_commit_callbacks) == 1
    assert _offsets(late) == [0]


def test_stripe_collected_invoices_are_left_to_dunning(
    org, client_record, schedule, django_capture_on_commit_callbacks
):
    card_sub = SubscriptionFactory(organization=org, client=client_record, collection="stripe")
    InvoiceFactory(organization=org, client=client_record, due_at=DUE, issued_at=ISSUED, stripe_invoice_id="in_1")
    InvoiceFactory(organization=org, client=client_record, due_at=DUE, issued_at=ISSUED, subscription=card_sub)
    assert _run("2026-03-30 08:00", django_capture_on_commit_callbacks) == 0
    assert not InvoiceReminder.objects.exists()


def test_switched_off_sends_nothing(org, invoice, django_capture_on_commit_callbacks):
    services.update_billing_settings(organization=org, reminders_enabled=False)
    assert _run("2026-03-30 08:00", django_capture_on_commit_callbacks) == 0


def test_the_schedule_is_validated_and_bad_input_changes_nothing(org, owner_api, schedule):
    for bad in (
        [-31],
        [91],
        [1, 1],
        list(range(9)),
        ["x"],
        [True],
        "3",
    ):
        response = owner_api.patch("/api/v1/billing/settings/", {"reminder_offsets": bad}, format="json")
        assert response.status_code == 400, bad
        assert any(key.startswith("reminder_offsets") for key in response.json()["errors"])
    assert BillingSettings.objects.get(organization=org).reminder_offsets == [-3, 0, 3, 7]
    response = owner_api.patch(
        "/api/v1/billing/settings/", {"reminder_offsets": [14, -30, 0, 90], "bank_code": "bukbgb22"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["reminder_offsets"] == [-30, 0, 14, 90] and response.json()["bank_code"] == "BUKBGB22"


def test_the_settings_page_takes_the_schedule_as_text(client, org, owner, schedule):
    client.force_login(owner)
    form = client.get("/billing/settings/").content.decode()
    assert 'value="-3, 0, 3, 7"' in form
    data = {
        "invoice_prefix": "INV",
        "credit_note_prefix": "CN",
        "payment_terms_days": 14,
        "default_tax_rate": "0",
        "prices_include_tax": "on",
        "reminders_enabled": "on",
        "reminder_offsets": "-3, 0, 0",
    }
    response = client.post("/billing/settings/", data)
    assert response.status_code == 400 and "Each reminder day once only" in response.content.decode()
    assert BillingSettings.objects.get(organization=org).reminder_offsets == [-3, 0, 3, 7]
    response = client.post("/billing/settings/", {**data, "reminder_offsets": "\u22122, 5"})
    assert response.status_code == 302
    assert BillingSettings.objects.get(organization=org).reminder_offsets == [-2, 5]


# --- The overdue list -----------------------------------------------------------------------------------
def test_overdue_list_shows_days_reminders_and_the_next_one(
    client, org, coach, invoice, django_capture_on_commit_callbacks
):
    _run("2026-03-30 08:00", django_capture_on_commit_callbacks)
    client.force_login(coach)
    with freeze_time("2026-04-01 12:00"):
        page = client.get("/billing/invoices/?status=overdue").content.decode()
    assert invoice.number in page
    assert 'data-figure="days-overdue">5<' in page
    assert "1 sent" in page and "next on" in page
    assert f"/billing/invoices/{invoice.pk}/?next=overdue#record-payment" in page and "Send reminder" in page


def test_record_payment_from_the_overdue_list_returns_to_it(client, org, coach, invoice):
    client.force_login(coach)
    with freeze_time("2026-04-01 12:00"):
        form = client.get(f"/billing/invoices/{invoice.pk}/?next=overdue").content.decode()
        assert 'name="next" value="overdue"' in form
        response = client.post(
            f"/billing/invoices/{invoice.pk}/",
            {
                "action": "record_payment",
                "next": "overdue",
                "amount_minor": "500.00",
                "method": "transfer",
                "received_on": "2026-04-01",
                "reference": invoice.number,
            },
        )
        assert response.status_code == 302 and response["Location"] == "/billing/invoices/?status=overdue"
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID
        page = client.get("/billing/invoices/?status=overdue").content.decode()
    assert "Nothing is overdue" in page


def test_a_manual_reminder_counts_on_the_list(client, org, coach, invoice):
    client.force_login(coach)
    with freeze_time("2026-04-01 12:00"):
        client.post(f"/billing/invoices/{invoice.pk}/", {"action": "remind", "next": "overdue"})
        client.post(f"/billing/invoices/{invoice.pk}/", {"action": "remind", "next": "overdue"})  # same day: none
        page = client.get("/billing/invoices/?status=overdue").content.decode()
    assert "1 sent" in page
    assert InvoiceReminder.objects.get(invoice=invoice).is_manual


def test_overdue_list_sorts_and_its_query_count_is_flat(client, org, coach, schedule, django_assert_max_num_queries):
    def make(n, start):
        for i in range(n):
            customer = ClientFactory(organization=org, last_name=f"Z{start + i:03d}")
            InvoiceFactory(
                organization=org,
                client=customer,
                total_minor=1000 * (start + i + 1),
                due_at=DUE - timedelta(days=start + i),
                issued_at=ISSUED - timedelta(days=60),
            )

    make(10, 0)
    client.force_login(coach)
    with freeze_time("2026-04-01 12:00"):
        with django_assert_max_num_queries(40) as small:
            page = client.get("/billing/invoices/?status=overdue&sort=amount").content.decode()
        queries = len(small)
        days = [int(cell.split("<")[0]) for cell in page.split('data-figure="days-overdue">')[1:]]
        assert len(days) == 10 and days == sorted(days)  # smallest amount first is the newest due here
        make(15, 10)
        with django_assert_max_num_queries(queries):
            client.get("/billing/invoices/?status=overdue&sort=-amount")
        oldest = client.get("/billing/invoices/?status=overdue&sort=due").content.decode()
        days = [int(cell.split("<")[0]) for cell in oldest.split('data-figure="days-overdue">')[1:]]
        assert len(days) == 25 and days == sorted(days, reverse=True)


def test_api_lists_overdue_invoices(org, coach_api, client_record, schedule):
    late = InvoiceFactory(organization=org, client=client_record, due_at=DUE, issued_at=ISSUED)
    InvoiceFactory(organization=org, client=client_record, due_at=DUE + timedelta(days=30), issued_at=ISSUED)
    InvoiceFactory(organization=OrganizationFactory(), due_at=DUE, issued_at=ISSUED)
    with freeze_time("2026-04-01 12:00"):
        rows = coach_api.get("/api/v1/billing/invoices/?overdue=1").json()["results"]
    assert [r["id"] for r in rows] == [late.pk]


# --- Hand-paid memberships ------------------------------------------------------------------------------
def test_a_renewal_invoice_is_due_on_terms_and_reminded(
    org, client_record, schedule, django_capture_on_commit_callbacks
):
    plan = MembershipPlanFactory(organization=org)
    with freeze_time("2026-02-27 12:00"), django_capture_on_commit_callbacks(execute=True):
        sub = services.start_membership(client=client_record, plan=plan)
    first = Invoice.objects.get(subscription=sub)
    services.record_payment(invoice=first, amount_minor=first.total_minor, method="cash")
    with freeze_time("2026-03-27 01:00"), django_capture_on_commit_callbacks(execute=True):
        assert renew_memberships() == 1
    renewal = Invoice.objects.filter(subscription=sub).exclude(pk=first.pk).get()
    terms = BillingSettings.objects.get(organization=org).payment_terms_days
    assert renewal.status == Invoice.Status.OPEN and terms == 14
    assert renewal.period_start == datetime(2026, 3, 27, 0, 0, tzinfo=UTC)
    assert renewal.due_at == datetime(2026, 4, 10, 1, 0, tzinfo=UTC)  # issued at 01:00, due 14 days on
    mail.outbox.clear()
    cap = django_capture_on_commit_callbacks
    # London is on BST by then: 9:00 local is 08:00 UTC.
    assert _run("2026-04-07 07:59", cap) == 0
    assert _run("2026-04-07 08:00", cap) == 1
    assert _run("2026-04-10 08:00", cap) == 1
    services.record_payment(invoice=renewal, amount_minor=renewal.total_minor, method="transfer")
    assert _run("2026-04-13 08:00", cap) == 0
    assert _offsets(renewal) == [-3, 0]
    assert len(mail.outbox) == 2 and all(renewal.number in m.subject for m in mail.outbox)


def test_a_package_invoice_shows_bank_details_in_the_portal(client, org, client_record, schedule):
    plan = PlanFactory(organization=org)
    invoice = services.sell_plan(client=client_record, plan=plan, send_email=False)
    client.force_login(client_record.user)
    page = client.get("/portal/billing/").content.decode()
    assert "How to pay" in page and "GB33BUKB20201555555555" in page and invoice.number in page


def test_the_invoice_pdf_carries_the_bank_details_while_open(org, client_record, no_stripe):
    from billing import pdf, selectors

    invoice = services.sell_plan(client=client_record, plan=PlanFactory(organization=org), send_email=False)
    invoice = selectors.invoice_detail_queryset(organization=org).get(pk=invoice.pk)
    plain = pdf.invoice_pdf(invoice)
    services.update_billing_settings(organization=org, bank_account_number="GB33BUKB20201555555555")
    with_bank = pdf.invoice_pdf(invoice)
    assert with_bank.startswith(b"%PDF-") and len(with_bank) > len(plain)


def test_a_step_that_came_but_was_not_sent_yet_is_next_today(client, org, coach, invoice):
    from datetime import date

    from mecto.localization import format_date

    client.force_login(coach)
    with freeze_time("2026-04-01 12:00"):  # day 3 came on 30 March; the beat has not run
        page = client.get("/billing/invoices/?status=overdue").content.decode()
    assert "0 sent" in page and f"next on {format_date(date(2026, 4, 1))}" in page
