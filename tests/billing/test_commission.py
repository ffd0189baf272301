"""Coach commission: rates set by owners (0–100, two decimals, errors inline, nothing changed
on bad input), the per-coach report of a range, and who sees which rows.

The example (Europe/London, GBP, pence), April 2026, Mia at 12.50 %, Leo at 0 %:
  Mia's session paid at booking: invoice net 5000                          sessions  5000
  A 10-session package (invoice line net 40000) → 4000 a credit; 3 credits used on Mia's
  sessions and 1 returned (cancelled in time) → 2 credits                  credits   8000
  Her client's membership invoice net 12000, less a 2000 credit note       memberships 10000
  Base 23000; commission 23000 × 12.50 ÷ 100 = 2875.
  Leo: his client's membership invoice net 6000; rate 0 → commission 0.
  Out of range (a May invoice, a March credit use) counts in neither.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import rest_framework.throttling  # noqa: F401  (before any frozen time: DRF keeps time.time)
from django.urls import reverse

from billing import reports, services
from billing.errors import BillingError
from billing.models import CoachCommission, Invoice
from booking.models import Booking, CreditEntry, CreditGrant, Session
from mecto.models import Event
from tests.booking.factories import ServiceTypeFactory
from tests.factories import ClientFactory, MembershipFactory

from .factories import CreditNoteFactory, InvoiceFactory, PlanFactory, PurchaseFactory, SubscriptionFactory
from .test_revenue_mrr import _paid_booking, api_as

pytestmark = pytest.mark.django_db

APRIL = (date(2026, 4, 1), date(2026, 4, 30))
RANGE = "?from=2026-04-01&to=2026-04-30"


def at(day, hour=10):
    return datetime(2026, 4, day, hour, tzinfo=UTC)


@pytest.fixture
def team(org, owner):
    mia = MembershipFactory(organization=org, role="coach", user__full_name="Mia Coach").user
    leo = MembershipFactory(organization=org, role="coach", user__full_name="Leo Coach").user
    MembershipFactory(organization=org, role="assistant", user__full_name="Ada Assistant")
    return {"owner": owner, "mia": mia, "leo": leo}


def membership_invoice(org, client, net, when):
    sub = SubscriptionFactory(organization=org, client=client)
    return InvoiceFactory(
        organization=org,
        client=client,
        subscription=sub,
        subtotal_minor=net,
        tax_minor=net // 5,
        total_minor=net + net // 5,
        status=Invoice.Status.PAID,
        issued_at=when,
        period_start=when,
        period_end=when + timedelta(days=30),
    )


def use_credits(org, *, coach, client, source_ref, kinds, when):
    service = ServiceTypeFactory(organization=org, name="PT")
    grant = CreditGrant.objects.create(organization=org, client=client, quantity=10, source_ref=source_ref)
    for i, (kind, delta) in enumerate(kinds):
        start = when + timedelta(days=i)
        session = Session.objects.create(
            organization=org, coach=coach, service=service, start_at=start, end_at=start + timedelta(hours=1)
        )
        booking = Booking.objects.create(organization=org, session=session, client=client, payment_status="credit")
        entry = CreditEntry.objects.create(
            organization=org,
            grant=grant,
            client=client,
            booking=booking,
            kind=kind,
            delta=delta,
            idempotency_key=f"{source_ref}:{i}",
        )
        CreditEntry.objects.filter(pk=entry.pk).update(created_at=start)


def build_example(org, team):
    mia, leo = team["mia"], team["leo"]
    hers, his = ClientFactory(organization=org, coach=mia), ClientFactory(organization=org, coach=leo)
    _paid_booking(org, coach=mia, client=his, service=ServiceTypeFactory(organization=org), total=5000, when=at(3))
    package = PlanFactory(organization=org, sessions=10, price_minor=40000)
    purchase = PurchaseFactory(
        organization=org, client=hers, plan=package, sessions=10, credit_source_ref="billing:invoice:x:plan:1"
    )
    purchase.invoice.lines.update(plan=package, net_minor=40000, total_minor=40000)
    use_credits(
        org,
        coach=mia,
        client=hers,
        source_ref=purchase.credit_source_ref,
        kinds=[("consume", -1), ("consume", -1), ("consume", -1), ("return", 1)],
        when=at(5),
    )
    CreditEntry.objects.create(
        organization=org,
        grant=CreditGrant.objects.get(source_ref=purchase.credit_source_ref),
        client=hers,
        booking=Booking.objects.filter(session__coach=mia).first(),
        kind="consume",
        delta=-1,
        idempotency_key="march-use",
    )
    CreditEntry.objects.filter(idempotency_key="march-use").update(created_at=datetime(2026, 3, 20, tzinfo=UTC))
    invoice = membership_invoice(org, hers, 12000, at(1))
    CreditNoteFactory(
        organization=org, client=hers, invoice=invoice, amount_minor=2400, tax_minor=400, issued_at=at(20)
    )
    membership_invoice(org, his, 6000, at(2))
    membership_invoice(org, hers, 99999, datetime(2026, 5, 1, 10, tzinfo=UTC))  # out of range
    services.set_commission_rate(organization=org, coach=mia, rate="12.50", actor=team["owner"])


def test_commission_worked_example(org, team):
    build_example(org, team)
    rows = {r.coach: r for r in reports.commission_report(organization=org, start=APRIL[0], end=APRIL[1])}
    assert set(rows) == {"Mia Coach", "Leo Coach", team["owner"].full_name or team["owner"].email}
    mia = rows["Mia Coach"]
    assert (mia.sessions_minor, mia.credits_used, mia.credits_minor, mia.memberships_minor) == (5000, 2, 8000, 10000)
    assert (mia.base_minor, mia.rate, mia.commission_minor) == (23000, Decimal("12.50"), 2875)
    leo = rows["Leo Coach"]
    assert (leo.base_minor, leo.rate, leo.commission_minor) == (6000, Decimal("0"), 0)


def test_owner_sets_a_rate_on_the_page_and_an_event_is_recorded(org, team):
    page = api_as(team["owner"])
    response = page.post(reverse("billing:commission"), {"coach": team["leo"].pk, "rate": "7.25"})
    assert response.status_code == 302
    assert CoachCommission.objects.get(organization=org, coach=team["leo"]).rate == Decimal("7.25")
    event = Event.objects.get(name="commission_rate.changed")
    assert event.payload == {"coach_id": team["leo"].pk, "rate": "7.25", "previous_rate": None}
    page.post(reverse("billing:commission"), {"coach": team["leo"].pk, "rate": "8"})
    assert CoachCommission.objects.get(coach=team["leo"]).rate == Decimal("8.00")
    assert Event.objects.filter(name="commission_rate.changed").count() == 2


@pytest.mark.parametrize(
    "rate, message",
    [
        ("100.01", "Ensure this value is less than or equal to 100."),
        ("-1", "Ensure this value is greater than or equal to 0."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
        ("lots", "Enter a number."),
    ],
)
def test_a_bad_rate_is_shown_beside_the_field_and_nothing_changes(org, team, rate, message):
    response = api_as(team["owner"]).post(reverse("billing:commission"), {"coach": team["mia"].pk, "rate": rate})
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and f'id="rate-{team["mia"].pk}-error"' in text
    assert not CoachCommission.objects.exists() and not Event.objects.filter(name="commission_rate.changed").exists()


def test_a_rate_for_someone_outside_the_team_is_refused(org, team):
    stranger = MembershipFactory(role="coach").user  # coach of another business
    response = api_as(team["owner"]).post(reverse("billing:commission"), {"coach": stranger.pk, "rate": "10"})
    assert response.status_code == 400 and "Choose a coach of this business." in response.content.decode()
    assistant = MembershipFactory(organization=org, role="assistant").user
    with pytest.raises(BillingError):
        services.set_commission_rate(organization=org, coach=assistant, rate="10", actor=team["owner"])
    assert not CoachCommission.objects.exists()


def test_coaches_cannot_set_rates(org, team):
    response = api_as(team["mia"]).post(reverse("billing:commission"), {"coach": team["mia"].pk, "rate": "50"})
    assert response.status_code == 403
    with pytest.raises(BillingError):
        services.set_commission_rate(organization=org, coach=team["mia"], rate="50", actor=team["mia"])
    assert not CoachCommission.objects.exists()


def test_owners_see_every_row_and_coaches_only_their_own(org, team):
    build_example(org, team)
    owner_page = api_as(team["owner"]).get(reverse("billing:commission") + RANGE).content.decode()
    assert "Mia Coach" in owner_page and "Leo Coach" in owner_page and "Ada Assistant" not in owner_page
    assert "£28.75" in owner_page and 'name="rate"' in owner_page

    mia = api_as(team["mia"])
    page = mia.get(reverse("billing:commission") + RANGE).content.decode()
    assert "Mia Coach" in page and "Leo Coach" not in page and 'name="rate"' not in page and "£28.75" in page
    api = mia.get("/api/v1/billing/reports/commission/" + RANGE).json()
    assert [(r["coach"], r["base_minor"], r["commission_minor"], r["rate"]) for r in api["rows"]] == [
        ("Mia Coach", 23000, 2875, "12.50")
    ]
    csv_text = mia.get(reverse("billing:commission_csv") + RANGE).content.decode()
    assert "Mia Coach" in csv_text and "Leo Coach" not in csv_text and "28.75" in csv_text

    everyone = api_as(team["owner"]).get("/api/v1/billing/reports/commission/" + RANGE).json()["rows"]
    assert {r["coach"] for r in everyone} >= {"Mia Coach", "Leo Coach"}


def test_assistants_never_see_commission(org, team):
    assistant = MembershipFactory(organization=org, role="assistant").user
    session = api_as(assistant)
    assert session.get(reverse("billing:commission")).status_code in (302, 403)
    assert session.get(reverse("billing:commission_csv")).status_code in (302, 403)
    assert session.get("/api/v1/billing/reports/commission/").status_code == 403


def test_commission_queries_do_not_grow_with_coaches_and_clients(org, team, django_assert_max_num_queries):
    build_example(org, team)
    api = api_as(team["owner"])
    with django_assert_max_num_queries(40) as few:
        assert api.get("/api/v1/billing/reports/commission/" + RANGE).status_code == 200
    with django_assert_max_num_queries(60) as few_page:
        assert api.get(reverse("billing:commission") + RANGE).status_code == 200
    for n in range(5):
        coach = MembershipFactory(organization=org, role="coach").user
        for _ in range(3):
            client = ClientFactory(organization=org, coach=coach)
            membership_invoice(org, client, 1000 * (n + 1), at(10))
    with django_assert_max_num_queries(len(few)):
        assert api.get("/api/v1/billing/reports/commission/" + RANGE).status_code == 200
    with django_assert_max_num_queries(len(few_page)):
        assert api.get(reverse("billing:commission") + RANGE).status_code == 200
