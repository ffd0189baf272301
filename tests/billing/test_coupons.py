"""Coupons: the rules of a code (percent or fixed, plans, limits, expiry, per client), the
discount on manual invoices before tax, memberships discounted once / N periods / forever
across renewals, the redemption event, and MRR at the discounted price."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from billing import selectors, services
from billing.models import Coupon, CouponRedemption, Invoice
from billing.services import BillingError, LineInput
from billing.tasks import renew_memberships
from mecto.models import Event
from tests.factories import ClientFactory, OrganizationFactory

from .factories import MembershipPlanFactory, PlanFactory

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def package(org):
    return PlanFactory(organization=org, price_minor=50000, tax_rate=Decimal("20"), price_includes_tax=True)


@pytest.fixture
def monthly(org):
    return MembershipPlanFactory(organization=org, price_minor=12000, sessions=4)


def coupon(org, **fields):
    fields.setdefault("code", "WELCOME20")
    if "amount_off_minor" not in fields:
        fields.setdefault("percent_off", "20")
    return services.create_coupon(organization=org, **fields)


# --- The coupon itself ------------------------------------------------------------------------------
def test_codes_are_case_insensitive_and_unique_per_business(org):
    made = coupon(org, code=" welcome20 ")
    assert made.code == "WELCOME20" and made.currency == org.currency and made.percent_off == Decimal("20.00")
    with pytest.raises(BillingError) as error:
        coupon(org, code="Welcome20")
    assert error.value.field == "code"
    other = OrganizationFactory()
    assert coupon(other, code="welcome20").organization == other  # another business may use the same code


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "a"}, "code"),
        ({"code": "HAS SPACE"}, "code"),
        ({"percent_off": "0"}, "percent_off"),
        ({"percent_off": "100.01"}, "percent_off"),
        ({"percent_off": "12.345"}, "percent_off"),
        ({"percent_off": "abc"}, "percent_off"),
        ({"percent_off": None, "amount_off_minor": None}, "percent_off"),
        ({"percent_off": "10", "amount_off_minor": 500}, "amount_off_minor"),
        ({"percent_off": None, "amount_off_minor": 0}, "amount_off_minor"),
        ({"duration": "repeating"}, "duration_periods"),
        ({"duration": "sometimes"}, "duration"),
        ({"max_redemptions": 0}, "max_redemptions"),
    ],
)
def test_bad_coupons_are_refused_beside_the_field_and_nothing_is_saved(org, fields, field):
    with pytest.raises(BillingError) as error:
        coupon(org, **fields)
    assert error.value.field == field
    assert not Coupon.objects.exists()


def test_a_used_coupon_keeps_its_discount_but_its_limits_can_change(org, client_record, package):
    made = coupon(org)
    services.sell_plan(client=client_record, plan=package, coupon_code="welcome20", issue=False)
    with pytest.raises(BillingError):
        services.update_coupon(coupon=made, percent_off=Decimal("50"))
    changed = services.update_coupon(coupon=made, max_redemptions=10, description="Spring")
    assert changed.max_redemptions == 10 and changed.percent_off == Decimal("20.00")


# --- Checking a code ----------------------------------------------------------------------------------
def test_each_reason_a_code_cannot_be_used_is_said(org, client_record, package, monthly):
    def reason(code, plan=package, client=client_record):
        with pytest.raises(BillingError) as error:
            services.validate_coupon(organization=org, code=code, client=client, plans=[plan])
        assert error.value.field == "coupon_code"
        return error.value.message

    assert "no code NOPE" in reason("nope")
    archived = coupon(org, code="OLD")
    services.archive_coupon(coupon=archived)
    assert "no longer valid" in reason("old")
    coupon(org, code="GONE", expires_at=datetime.now(UTC) - timedelta(minutes=1))
    assert "expired" in reason("gone")
    coupon(org, code="CLUBONLY", plans=[monthly])
    assert f"not valid for {package.name}" in reason("clubonly")
    assert services.validate_coupon(organization=org, code="clubonly", client=client_record, plans=[monthly])
    coupon(org, code="ONCE", max_redemptions=1, per_client_limit=None)
    services.sell_plan(client=client_record, plan=package, coupon_code="once", issue=False)
    assert "used up" in reason("once", client=ClientFactory(organization=org))
    coupon(org, code="MINE", per_client_limit=1)
    services.sell_plan(client=client_record, plan=package, coupon_code="mine", issue=False)
    assert "already used" in reason("mine")
    assert services.validate_coupon(
        organization=org, code="mine", client=ClientFactory(organization=org), plans=[package]
    )


def test_a_code_of_another_business_is_unknown_here(org, client_record, package):
    coupon(OrganizationFactory(), code="THEIRS")
    with pytest.raises(BillingError, match="no code THEIRS"):
        services.validate_coupon(organization=org, code="theirs", client=client_record, plans=[package])


# --- Manual invoices ---------------------------------------------------------------------------------
def test_percent_off_a_package_is_taken_before_tax_and_the_books_reconcile(org, client_record, package):
    coupon(org)
    invoice = services.sell_plan(client=client_record, plan=package, coupon_code="WELCOME20")
    line = invoice.lines.get()
    # 500.00 incl. 20 % tax, less 20 %: 400.00 gross, of which 66.67 tax.
    assert line.unit_price_minor == 50000 and line.discount_minor == 10000
    assert (line.net_minor, line.tax_minor, line.total_minor) == (33333, 6667, 40000)
    assert (invoice.subtotal_minor, invoice.tax_minor, invoice.total_minor) == (33333, 6667, 40000)
    assert invoice.discount_minor == 10000
    [row] = invoice.tax_summary
    assert (row.net, row.tax, row.total) == (33333, 6667, 40000)
    redemption = CouponRedemption.objects.get()
    assert redemption.invoice == invoice and redemption.amount_off_minor == 10000
    assert Coupon.objects.get().times_redeemed == 1


def test_a_fixed_amount_is_shared_among_the_lines_it_applies_to(org, client_record):
    coupon(org, code="TENOFF", percent_off=None, amount_off_minor=1000)
    invoice = services.create_invoice(
        client=client_record,
        lines=[
            LineInput(description="Assessment", unit_price_minor=3000, tax_rate="0", tax_inclusive=True),
            LineInput(description="Report", unit_price_minor=1000, tax_rate="20", tax_inclusive=False),
        ],
        coupon_code="tenoff",
    )
    lines = list(invoice.lines.order_by("position"))
    assert [line.discount_minor for line in lines] == [750, 250]
    # The report's tax is on its discounted net: 7.50 + 20 %.
    assert (lines[1].net_minor, lines[1].tax_minor) == (750, 150)
    assert invoice.total_minor == 2250 + 900 and invoice.discount_minor == 1000


def test_a_fixed_amount_never_takes_a_line_below_zero(org, client_record):
    coupon(org, code="BIG", percent_off=None, amount_off_minor=9000)
    invoice = services.create_invoice(
        client=client_record,
        lines=[LineInput(description="Check-in", unit_price_minor=5000, tax_rate="0", tax_inclusive=True)],
        coupon_code="big",
        issue=False,
    )
    assert invoice.total_minor == 0 and invoice.lines.get().discount_minor == 5000


def test_a_plan_coupon_does_not_discount_other_lines(org, client_record, package):
    coupon(org, code="PKG", plans=[package])
    invoice = services.create_invoice(
        client=client_record,
        lines=[
            services.plan_line(package),
            LineInput(description="Towel", unit_price_minor=1000, tax_rate="0", tax_inclusive=True),
        ],
        coupon_code="pkg",
    )
    assert [line.discount_minor for line in invoice.lines.order_by("position")] == [10000, 0]
    with pytest.raises(BillingError, match="only valid for some plans"):
        services.create_invoice(
            client=client_record,
            lines=[LineInput(description="Towel", unit_price_minor=1000, tax_rate="0", tax_inclusive=True)],
            coupon_code="pkg",
        )


def test_a_bad_code_on_an_invoice_changes_nothing(org, client_record, package):
    coupon(org, code="GONE", expires_at=datetime.now(UTC) - timedelta(days=1))
    with pytest.raises(BillingError) as error:
        services.sell_plan(client=client_record, plan=package, coupon_code="gone")
    assert error.value.field == "coupon_code"
    assert not Invoice.objects.exists() and not CouponRedemption.objects.exists()
    assert not Event.objects.filter(name__in=["invoice.issued", "coupon.redeemed"]).exists()


def test_redeeming_records_the_coupon_redeemed_event(org, client_record, package):
    made = coupon(org)
    invoice = services.sell_plan(client=client_record, plan=package, coupon_code="welcome20")
    event = Event.objects.get(name="coupon.redeemed")
    redemption = CouponRedemption.objects.get()
    assert event.payload == {
        "coupon_id": str(made.public_id),
        "redemption_id": str(redemption.public_id),
        "code": "WELCOME20",
        "client_id": str(client_record.public_id),
        "invoice_id": str(invoice.public_id),
        "subscription_id": None,
        "amount_off_minor": 10000,
        "currency": org.currency,
    }


def test_voiding_a_discounted_invoice_gives_the_use_back(org, client_record, package):
    coupon(org, max_redemptions=1)
    invoice = services.sell_plan(client=client_record, plan=package, coupon_code="welcome20")
    services.void_invoice(invoice=invoice)
    assert Coupon.objects.get().times_redeemed == 0 and not CouponRedemption.objects.exists()
    assert services.sell_plan(client=client_record, plan=package, coupon_code="welcome20").discount_minor == 10000


# --- Memberships paid by hand -------------------------------------------------------------------------
def _renewal_totals(sub) -> list[int]:
    return list(Invoice.objects.filter(subscription=sub).order_by("period_start").values_list("total_minor", flat=True))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"duration": "once"}, [9600, 12000, 12000, 12000]),
        ({"duration": "repeating", "duration_periods": 2}, [9600, 9600, 12000, 12000]),
        ({"duration": "forever"}, [9600, 9600, 9600, 9600]),
    ],
)
def test_membership_renewals_are_discounted_while_the_coupon_lasts(client_record, monthly, fields, expected):
    org = client_record.organization
    coupon(org, **fields)
    with freeze_time("2026-01-10 09:00"):
        sub = services.start_membership(client=client_record, plan=monthly, coupon_code="WELCOME20")
    # Across the clocks going forward (29 March in London).
    for moment in ("2026-02-10 09:00", "2026-03-10 09:00", "2026-04-10 09:00"):
        with freeze_time(moment):
            renew_memberships()
    assert _renewal_totals(sub) == expected
    redemption = CouponRedemption.objects.get()
    assert redemption.subscription == sub and redemption.amount_off_minor == 2400
    assert redemption.invoice == Invoice.objects.filter(subscription=sub).order_by("period_start").first()


def test_a_coupon_for_other_plans_cannot_start_a_membership(org, client_record, monthly, package):
    coupon(org, plans=[package])
    with pytest.raises(BillingError) as error:
        services.start_membership(client=client_record, plan=monthly, coupon_code="welcome20")
    assert error.value.field == "coupon_code"
    assert not client_record.billing_subscriptions.exists() and not Invoice.objects.exists()


def test_a_period_made_free_by_a_coupon_is_not_invoiced(client_record, monthly):
    coupon(client_record.organization, code="FREE", percent_off="100", duration="repeating", duration_periods=1)
    with freeze_time("2026-01-10 09:00"):
        sub = services.start_membership(client=client_record, plan=monthly, coupon_code="free")
    with freeze_time("2026-02-10 09:00"):
        renew_memberships()
    assert _renewal_totals(sub) == [12000]


# --- MRR --------------------------------------------------------------------------------------------------
def test_mrr_uses_the_discounted_price_while_the_coupon_lasts(client_record, monthly):
    org = client_record.organization
    coupon(org, duration="repeating", duration_periods=2)
    other = ClientFactory(organization=org)
    with freeze_time("2026-01-10 09:00"):
        services.start_membership(client=client_record, plan=monthly, coupon_code="welcome20")
        services.start_membership(client=other, plan=monthly)
        assert selectors.mrr_minor(organization=org) == 9600 + 12000
    with freeze_time("2026-02-10 09:00"):
        renew_memberships()
        assert selectors.mrr_minor(organization=org) == 9600 + 12000
    with freeze_time("2026-03-10 09:00"):
        renew_memberships()
        assert selectors.mrr_minor(organization=org) == 24000
    # Revenue honesty: every discounted invoice is an ordinary row, billed at what it charged.
    assert sum(Invoice.objects.for_org(org).values_list("total_minor", flat=True)) == 9600 * 2 + 12000 * 4


def test_mrr_query_count_does_not_grow_with_memberships(org, monthly, django_assert_max_num_queries):
    coupon(org, duration="forever", per_client_limit=None)

    def add(n):
        for _i in range(n):
            services.start_membership(client=ClientFactory(organization=org), plan=monthly, coupon_code="welcome20")

    add(3)
    with django_assert_max_num_queries(8):
        assert selectors.mrr_minor(organization=org) == 3 * 9600
    add(12)
    with django_assert_max_num_queries(8):
        assert selectors.mrr_minor(organization=org) == 15 * 9600


def test_a_code_that_takes_off_the_whole_price_gives_a_paid_invoice_and_what_it_bought(org, client_record):
    from booking.selectors import credit_balance

    package = PlanFactory(organization=org, price_minor=50000, sessions=8, tax_rate=Decimal("20"))
    coupon(org, code="FREEPACK", percent_off="100")
    invoice = services.sell_plan(client=client_record, plan=package, coupon_code="FREEPACK")
    assert invoice.number and invoice.status == Invoice.Status.PAID and invoice.paid_at is not None
    assert (invoice.total_minor, invoice.discount_minor, invoice.amount_paid_minor) == (0, 50000, 0)
    assert credit_balance(client=client_record) == 8  # the package's sessions, as if paid
    assert Event.objects.filter(name="invoice.paid").count() == 1
    assert CouponRedemption.objects.get().amount_off_minor == 50000
