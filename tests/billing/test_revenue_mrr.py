"""MRR history, churn, retention, ARPU and lifetime value; revenue by plan, coach and service;
cash against accrual; the reports page, its CSV exports and the API.

The worked example (business in Europe/London, GBP, amounts in pence; report run at
12:00 UTC on 30 June 2026, so June is measured at that moment and January to May at their
last local instant). Each membership's MRR is the total of the invoice whose period covers
the moment, normalised to a month; a client's memberships are added, then rounded once.

  Ann   monthly 100.00 from January; upgraded to 150.00 from April.
  Ben   monthly  80.00 from January; downgraded to 60.00 in March; cancelled after May.
  Cat   monthly  50.00 in January and February; cancelled; back at 50.00 from May.
  Dan   free trial 20 February – 6 March (a 0.00 invoice), then monthly 40.00 from 6 March.
  Eve   yearly 1,200.00 from 15 January (= 100.00 a month).
  Fay   monthly 90.00 from April, the first two months at half price (45.00).
  Gus   weekly 25.00 from 1 January (25.00 × 52 ÷ 12 = 108.333… a month) and a second,
        monthly membership of 30.00 from May: one customer, 108.333… + 30 = 138.33.

  month  opening   new     exp.   contr.  churned  react.  closing  customers (open→close)
  Jan         0   43833      0       0        0       0    43833    0 → 5  (Ann Ben Cat Eve Gus)
  Feb     43833       0      0       0        0       0    43833    5 → 5  (Dan in trial: 0)
  Mar     43833    4000      0    2000     5000       0    40833    5 → 5  (Dan new, Ben down, Cat gone)
  Apr     40833    4500   5000       0        0       0    50333    5 → 6  (Fay new at 45, Ann up)
  May     50333       0   3000       0        0    5000    58333    6 → 7  (Gus's second, Cat back)
  Jun     58333       0   4500       0     6000       0    56833    7 → 6  (Fay full price, Ben gone)

  Jan: new = 10000 + 8000 + 5000 + 10000 + 10833 = 43833.
  Mar: 43833 + 4000 − 2000 − 5000 = 40833;  Apr: 40833 + 4500 + 5000 = 50333;
  May: 50333 + 3000 + 5000 = 58333 (Gus 10833 → 13833);  Jun: 58333 + 4500 − 6000 = 56833.

  March: customer churn 1 ÷ 5 = 20.00 %; revenue churn (5000 + 2000) ÷ 43833 = 15.97 %;
         net revenue retention (43833 − 2000 − 5000) ÷ 43833 = 84.03 %.
  June:  customer churn 1 ÷ 7 = 14.29 %; revenue churn 6000 ÷ 58333 = 10.29 %;
         net revenue retention (58333 + 4500 − 6000) ÷ 58333 = 97.43 %.
  Metrics on 30 June: ARPU = 56833 ÷ 6 = 9472.17 → 9472; the last six complete months are
  December to May; those with paying clients at their start are February (0 %), March (20 %),
  April (0 %) and May (0 %): average 5.00 %; lifetime value = 9472 ÷ 5.00 % = 189440.
"""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import rest_framework.throttling  # noqa: F401  (before any frozen time: DRF keeps time.time)
from django.urls import reverse
from freezegun import freeze_time

from billing import reports
from billing.models import Invoice
from tests.factories import ClientFactory, MembershipFactory

from .factories import InvoiceFactory, MembershipPlanFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def api_as(user):
    """A browser session of `user`: pages and the API (session authentication)."""
    from django.test import Client

    session = Client()
    session.force_login(user)
    return session


def local(*args, tz=LONDON):
    return datetime(*args, tzinfo=tz).astimezone(UTC)


def month(n, year=2026, tz=LONDON):
    """Local midnight starting month `n` (13 = January next year)."""
    year, n = year + (n - 1) // 12, (n - 1) % 12 + 1
    return local(year, n, 1, tz=tz)


def bill(subscription, start, end, total, status=Invoice.Status.PAID):
    return InvoiceFactory(
        organization=subscription.organization,
        client=subscription.client,
        subscription=subscription,
        period_start=start,
        period_end=end,
        total_minor=total,
        subtotal_minor=total,
        status=status,
        issued_at=start,
        due_at=start + timedelta(days=14),
    )


def membership(org, client, *, interval="month", price=10000, started=None):
    plan = MembershipPlanFactory(organization=org, interval=interval, price_minor=price)
    return SubscriptionFactory(
        organization=org, client=client, plan=plan, started_at=started or month(1), interval=interval
    )


def monthly(subscription, months_and_totals):
    for n, total in months_and_totals:
        bill(subscription, month(n), month(n + 1), total)


def build_worked_example(org):
    c = {
        name: ClientFactory(organization=org, first_name=name)
        for name in ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay", "Gus"]
    }
    monthly(membership(org, c["Ann"]), [(1, 10000), (2, 10000), (3, 10000), (4, 15000), (5, 15000), (6, 15000)])
    monthly(membership(org, c["Ben"], price=8000), [(1, 8000), (2, 8000), (3, 6000), (4, 6000), (5, 6000)])
    monthly(membership(org, c["Cat"], price=5000), [(1, 5000), (2, 5000)])
    monthly(membership(org, c["Cat"], price=5000, started=month(5)), [(5, 5000), (6, 5000)])
    dan = membership(org, c["Dan"], price=4000, started=local(2026, 2, 20))
    bill(dan, local(2026, 2, 20), local(2026, 3, 6), 0)  # the free trial
    for n in (3, 4, 5, 6):
        bill(dan, local(2026, n, 6), local(2026, n + 1, 6), 4000)
    eve = membership(org, c["Eve"], interval="year", price=120000, started=local(2026, 1, 15))
    bill(eve, local(2026, 1, 15), local(2027, 1, 15), 120000)
    monthly(membership(org, c["Fay"], price=9000, started=month(4)), [(4, 4500), (5, 4500), (6, 9000)])
    gus = membership(org, c["Gus"], interval="week", price=2500)
    for k in range(26):
        start = datetime(2026, 1, 1, tzinfo=LONDON) + timedelta(days=7 * k)
        bill(gus, start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC), 2500)
    monthly(membership(org, c["Gus"], price=3000, started=month(5)), [(5, 3000), (6, 3000)])
    return c


def as_table(history):
    return [
        (
            row.month.strftime("%b"),
            row.opening_minor,
            row.new_minor,
            row.expansion_minor,
            row.contraction_minor,
            row.churned_minor,
            row.reactivated_minor,
            row.closing_minor,
            row.customers_opening,
            row.customers_closing,
        )
        for row in history
    ]


def test_worked_example_month_by_month(org):
    build_worked_example(org)
    history = reports.mrr_history(organization=org, months=6, now=NOW)
    assert as_table(history) == [
        ("Jan", 0, 43833, 0, 0, 0, 0, 43833, 0, 5),
        ("Feb", 43833, 0, 0, 0, 0, 0, 43833, 5, 5),
        ("Mar", 43833, 4000, 0, 2000, 5000, 0, 40833, 5, 5),
        ("Apr", 40833, 4500, 5000, 0, 0, 0, 50333, 5, 6),
        ("May", 50333, 0, 3000, 0, 0, 5000, 58333, 6, 7),
        ("Jun", 58333, 0, 4500, 0, 6000, 0, 56833, 7, 6),
    ]
    for row in history:
        assert (
            row.opening_minor
            + row.new_minor
            + row.expansion_minor
            - row.contraction_minor
            - row.churned_minor
            + row.reactivated_minor
            == row.closing_minor
        )
    march, june = history[2], history[5]
    assert (march.customers_new, march.customers_churned, march.customers_reactivated) == (1, 1, 0)
    assert march.customer_churn_rate == Decimal("20.00")
    assert march.revenue_churn_rate == Decimal("15.97")
    assert march.net_revenue_retention == Decimal("84.03")
    assert june.customer_churn_rate == Decimal("14.29")
    assert june.revenue_churn_rate == Decimal("10.29")
    assert june.net_revenue_retention == Decimal("97.43")
    assert history[4].customers_reactivated == 1 and not history[-1].is_complete


def test_worked_example_metrics(org):
    build_worked_example(org)
    metrics = reports.revenue_metrics(organization=org, now=NOW)
    assert (metrics.mrr_minor, metrics.paying_customers, metrics.arpu_minor) == (56833, 6, 9472)
    assert metrics.average_customer_churn_rate == Decimal("5.00") and metrics.churn_months == 4
    assert metrics.lifetime_value_minor == 189440
    assert metrics.last_month.month == date(2026, 5, 1)


def test_a_draft_or_void_invoice_is_not_mrr_and_other_businesses_do_not_count(org):
    client = ClientFactory(organization=org)
    sub = membership(org, client)
    bill(sub, month(5), month(6), 10000, status=Invoice.Status.VOID)
    bill(sub, month(6), month(7), 10000, status=Invoice.Status.DRAFT)
    other = SubscriptionFactory(started_at=month(1))
    bill(other, month(6), month(7), 9999)
    history = reports.mrr_history(organization=org, months=12, now=NOW)
    assert all(row.closing_minor == 0 for row in history)


def test_no_history_says_so_instead_of_dividing_by_zero(org, owner):
    history = reports.mrr_history(organization=org, months=12, now=NOW)
    assert len(history) == 12 and history[0].month == date(2025, 7, 1) and history[-1].month == date(2026, 6, 1)
    assert all(r.closing_minor == 0 and r.customer_churn_rate is None and r.arpu_minor is None for r in history)
    metrics = reports.revenue_metrics(organization=org, now=NOW)
    assert metrics.lifetime_value_minor is None and metrics.average_customer_churn_rate is None
    with freeze_time(NOW):
        page = api_as(owner).get(reverse("billing:reports"))
        api = api_as(owner).get("/api/v1/billing/reports/metrics/")
    assert page.status_code == 200 and "Not enough history" in page.content.decode()
    assert api.status_code == 200 and api.json()["lifetime_value_minor"] is None


def test_month_ends_follow_the_business_zone_across_dst(org):
    """New York: March ends at 04:00 UTC on 1 April (EDT, after the March DST change)."""
    org.time_zone = "America/New_York"
    org.save()
    ny = ZoneInfo("America/New_York")
    covers, misses = ClientFactory(organization=org), ClientFactory(organization=org)
    # Ends at 00:30 local on 1 April: covers the last instant of March.
    bill(membership(org, covers), local(2026, 3, 1, tz=ny), datetime(2026, 4, 1, 4, 30, tzinfo=UTC), 10000)
    # Ends at 23:30 local on 31 March (03:30 UTC on 1 April): March's end is past it.
    bill(membership(org, misses), local(2026, 3, 1, tz=ny), datetime(2026, 4, 1, 3, 30, tzinfo=UTC), 7000)
    history = reports.mrr_history(organization=org, months=2, now=datetime(2026, 4, 15, tzinfo=UTC))
    march, april = history
    assert march.month == date(2026, 3, 1) and march.closing_minor == 10000 and march.customers_new == 1
    assert april.churned_minor == 10000 and april.closing_minor == 0


def test_months_choice_and_current_month_measured_now(org):
    client = ClientFactory(organization=org)
    sub = membership(org, client)
    # A period starting on the 20th: the June invoice is not issued yet on 15 June, so June
    # is measured at the moment of the report and still counts May's period.
    bill(sub, local(2026, 5, 20), local(2026, 6, 20), 10000)
    history = reports.mrr_history(organization=org, months=24, now=datetime(2026, 6, 15, tzinfo=UTC))
    assert len(history) == 24 and history[-1].closing_minor == 10000 and history[-2].closing_minor == 10000


# --- Cash and accrual; revenue by --------------------------------------------------------------------
def test_cash_against_accrual_by_local_month(org):
    from .factories import CreditNoteFactory, PaymentFactory

    client = ClientFactory(organization=org)
    # Issued 23:30 UTC on 31 March = 00:30 BST on 1 April: an April invoice.
    invoice = InvoiceFactory(
        organization=org,
        client=client,
        subtotal_minor=10000,
        tax_minor=2000,
        total_minor=12000,
        status="paid",
        issued_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
    )
    InvoiceFactory(organization=org, client=client, status="void", issued_at=local(2026, 4, 3))
    InvoiceFactory(organization=org, client=client, status="draft", issued_at=None)
    PaymentFactory(organization=org, client=client, invoice=invoice, amount_minor=12000, received_at=local(2026, 5, 2))
    CreditNoteFactory(
        organization=org, client=client, invoice=invoice, amount_minor=6000, tax_minor=1000, issued_at=local(2026, 5, 9)
    )
    report = reports.cash_accrual(organization=org, start=date(2026, 3, 1), end=date(2026, 5, 31))
    rows = [
        (r["month"].month, r["cash_minor"], r["accrual_net_minor"], r["tax_minor"], r["refunded_minor"])
        for r in report["months"]
    ]
    assert rows == [(3, 0, 0, 0, 0), (4, 0, 10000, 2000, 0), (5, 6000, -5000, -1000, 6000)]
    assert report["totals"]["cash_minor"] == 6000 and report["totals"]["accrual_net_minor"] == 5000
    assert report["totals"]["tax_minor"] == 1000


def _paid_booking(org, *, coach, client, service, total, when):
    """A session paid at booking: billing's invoice and payment, reported to booking."""
    from booking.models import Booking, BookingPayment, Session

    from .factories import PaymentFactory

    session = Session.objects.create(
        organization=org, coach=coach, service=service, start_at=when, end_at=when + timedelta(hours=1)
    )
    booking = Booking.objects.create(organization=org, session=session, client=client, price_minor=total)
    invoice = InvoiceFactory(
        organization=org, client=client, subtotal_minor=total, total_minor=total, status="paid", issued_at=when
    )
    payment = PaymentFactory(organization=org, client=client, invoice=invoice, amount_minor=total, received_at=when)
    BookingPayment.objects.create(
        organization=org, booking=booking, amount_minor=total, reference=f"payment:{payment.pk}"
    )
    return booking, invoice


def test_revenue_by_plan_coach_and_service(org):
    from tests.booking.factories import ServiceTypeFactory

    mia = MembershipFactory(organization=org, role="coach", user__full_name="Mia Coach").user
    leo = MembershipFactory(organization=org, role="coach", user__full_name="Leo Coach").user
    ann = ClientFactory(organization=org, coach=mia)
    sub = membership(org, ann)
    bill(sub, month(4), month(5), 10000).lines.update(plan=sub.plan)
    pt = ServiceTypeFactory(organization=org, name="PT 1:1", price_minor=5000)
    # Ann is Mia's client, but the session she paid for is Leo's.
    _paid_booking(org, coach=leo, client=ann, service=pt, total=5000, when=local(2026, 4, 10, 9))
    by_coach = reports.revenue_by(organization=org, group="coach", start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert [(r.label, r.net_minor) for r in by_coach] == [("Mia Coach", 10000), ("Leo Coach", 5000)]
    by_service = reports.revenue_by(organization=org, group="service", start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert [(r.label, r.net_minor) for r in by_service] == [("PT 1:1", 5000)]
    by_plan = reports.revenue_by(organization=org, group="plan", start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert [(r.label, r.net_minor) for r in by_plan] == [(sub.plan.name, 10000), ("No plan (one-off lines)", 5000)]
    assert reports.revenue_by(organization=org, group="plan", start=date(2026, 5, 1), end=date(2026, 5, 31)) == []


# --- Page, CSV, API ------------------------------------------------------------------------------------
def test_reports_page_states_the_formulas_and_shows_the_table(org, owner):
    build_worked_example(org)
    with freeze_time(NOW):
        response = api_as(owner).get(reverse("billing:reports") + "?months=12")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Opening + new + expansion − contraction − churned + reactivated = closing." in text
    assert "weekly × 52 ÷ 12" in text and "ARPU ÷ the average monthly customer churn" in text
    assert "£568.33" in text and "£1,894.40" in text  # June's closing MRR, lifetime value
    assert 'id="mrr-data"' in text and 'id="cash-data"' in text


def test_reports_page_rejects_a_bad_range_with_an_inline_error(org, owner):
    response = api_as(owner).get(reverse("billing:reports") + "?from=2026-05-01&to=2026-04-01")
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("report", ["mrr", "revenue-by-plan", "revenue-by-coach", "revenue-by-service", "cash-accrual"])
def test_csv_exports(org, owner, report):
    c = build_worked_example(org)
    c["Ann"].first_name = "=HYPERLINK(1)"
    with freeze_time(NOW):
        response = api_as(owner).get(
            reverse("billing:report_csv", args=[report]) + "?months=12&from=2026-01-01&to=2026-06-30"
        )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] and len(rows) >= (1 if report == "revenue-by-service" else 2)  # no session paid at booking
    if report == "mrr":
        assert rows[0][:3] == ["month", "currency", "opening"]
        assert rows[-1][:3] == ["2026-06", "GBP", "583.33"] and rows[-1][8] == "568.33"


def test_csv_cells_cannot_run_as_formulas(org, owner):
    from tests.booking.factories import ServiceTypeFactory

    leo = MembershipFactory(organization=org, role="coach", user__full_name="=cmd|'/c calc'!A1").user
    pt = ServiceTypeFactory(organization=org, name="+SUM(A1)", price_minor=5000)
    _paid_booking(org, coach=leo, client=ClientFactory(organization=org), service=pt, total=5000, when=NOW)
    api = api_as(owner)
    with freeze_time(NOW):
        by_coach = api.get(reverse("billing:report_csv", args=["revenue-by-coach"]) + "?from=2026-06-01&to=2026-06-30")
        by_service = api.get(
            reverse("billing:report_csv", args=["revenue-by-service"]) + "?from=2026-06-01&to=2026-06-30"
        )
    assert "'=cmd" in by_coach.content.decode() and "'+SUM" in by_service.content.decode()


def test_unknown_csv_report_is_a_404(org, owner):
    assert api_as(owner).get(reverse("billing:report_csv", args=["nope"])).status_code == 404


def test_api_mrr_and_metrics(org, owner):
    build_worked_example(org)
    api = api_as(owner)
    with freeze_time(NOW):
        mrr = api.get("/api/v1/billing/reports/mrr/?months=12")
        metrics = api.get("/api/v1/billing/reports/metrics/")
    assert mrr.status_code == 200
    body = mrr.json()
    assert body["currency"] == "GBP" and len(body["months"]) == 12
    june = body["months"][-1]
    assert (june["month"], june["opening_minor"], june["churned_minor"], june["closing_minor"]) == (
        "2026-06-01",
        58333,
        6000,
        56833,
    )
    assert june["customer_churn_rate"] == "14.29" and june["is_complete"] is False
    m = metrics.json()
    assert (m["mrr_minor"], m["arpu_minor"], m["lifetime_value_minor"], m["average_customer_churn_rate"]) == (
        56833,
        9472,
        189440,
        "5.00",
    )


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/v1/billing/reports/mrr/?months=7", "months"),
        ("/api/v1/billing/reports/mrr/?months=abc", "months"),
        ("/api/v1/billing/reports/revenue-by/?group=colour", "group"),
        ("/api/v1/billing/reports/revenue-by/?group=plan&from=2026-13-01", "from"),
        ("/api/v1/billing/reports/cash-accrual/?from=2026-05-01&to=2026-04-01", "to"),
        ("/api/v1/billing/reports/cash-accrual/?from=2010-01-01&to=2026-04-01", "to"),
        ("/api/v1/billing/reports/commission/?to=yesterday", "to"),
    ],
)
def test_api_bad_ranges_are_400_with_field_errors(org, owner, url, field):
    response = api_as(owner).get(url)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_api_revenue_by_and_cash_accrual(org, owner):
    build_worked_example(org)
    api = api_as(owner)
    by = api.get("/api/v1/billing/reports/revenue-by/?group=coach&from=2026-01-01&to=2026-06-30")
    assert by.status_code == 200 and by.json()["group"] == "coach"
    assert sum(r["net_minor"] for r in by.json()["rows"]) > 0
    cash = api.get("/api/v1/billing/reports/cash-accrual/?from=2026-01-01&to=2026-06-30")
    assert cash.status_code == 200 and len(cash.json()["months"]) == 6


def test_assistants_never_see_billing_reports(org, assistant):
    api = api_as(assistant)
    assert api.get(reverse("billing:reports")).status_code in (302, 403)
    assert api.get(reverse("billing:report_csv", args=["mrr"])).status_code in (302, 403)
    for path in ("mrr", "metrics", "revenue-by", "cash-accrual", "commission"):
        assert api.get(f"/api/v1/billing/reports/{path}/").status_code == 403


def _grow(org, clients: int):
    plan = MembershipPlanFactory(organization=org)
    for _ in range(clients):
        sub = SubscriptionFactory(organization=org, plan=plan, started_at=month(1))
        monthly(sub, [(n, 10000) for n in range(1, 7)])


def test_page_and_api_queries_do_not_grow_with_clients_or_months(org, owner, django_assert_max_num_queries):
    api = api_as(owner)
    _grow(org, 2)
    with freeze_time(NOW), django_assert_max_num_queries(40) as small:
        assert api.get(reverse("billing:reports") + "?months=12").status_code == 200
    with freeze_time(NOW), django_assert_max_num_queries(12) as small_api:
        assert api.get("/api/v1/billing/reports/mrr/?months=12").status_code == 200
    _grow(org, 12)
    with freeze_time(NOW), django_assert_max_num_queries(len(small)):
        assert api.get(reverse("billing:reports") + "?months=36").status_code == 200
    with freeze_time(NOW), django_assert_max_num_queries(len(small_api)):
        assert api.get("/api/v1/billing/reports/mrr/?months=36").status_code == 200
    for group in reports.GROUPS:
        with django_assert_max_num_queries(12):
            assert api.get(f"/api/v1/billing/reports/revenue-by/?group={group}").status_code == 200
