"""Tax on invoices: business details and defaults in billing settings, per-line rates, totals
and a tax summary that reconcile to the minor unit, printed on invoices and credit notes."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing import pdf, selectors, services
from billing.errors import BillingError
from billing.money import credit_summary, line_amounts, sum_lines, tax_share, tax_summary
from billing.services import LineInput
from tests.conftest import api_as

from .test_pdf import _drawing

RATES = st.sampled_from(["0", "5", "7", "8.25", "10", "12.5", "19", "20", "21", "33.33", "100"])
LINE = st.tuples(st.integers(0, 100_000_000), st.integers(1, 1000), RATES)


class _Line:
    def __init__(self, rate, amounts):
        self.tax_rate = Decimal(rate)
        self.net_minor, self.tax_minor, self.total_minor = amounts


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=12), inclusive=st.booleans(), data=st.data())
def test_lines_totals_summary_and_credits_reconcile_to_the_minor_unit(lines, inclusive, data):
    rows = [
        _Line(rate, line_amounts(unit_minor=unit, quantity=qty, tax_rate=rate, tax_inclusive=inclusive))
        for unit, qty, rate in lines
    ]
    for (unit, qty, _rate), row in zip(lines, rows, strict=True):
        assert row.net_minor + row.tax_minor == row.total_minor
        assert row.net_minor >= 0 and row.tax_minor >= 0
        # The price typed is kept to the minor unit: the gross when tax is included, else the net.
        assert (row.total_minor if inclusive else row.net_minor) == unit * qty
    totals = sum_lines(
        [line_amounts(unit_minor=u, quantity=q, tax_rate=r, tax_inclusive=inclusive) for u, q, r in lines]
    )
    summary = tax_summary(rows)
    assert sum(r.net for r in summary) == totals.net == sum(row.net_minor for row in rows)
    assert sum(r.tax for r in summary) == totals.tax
    assert sum(r.total for r in summary) == totals.total
    assert len({r.rate for r in summary}) == len(summary)
    # A credit note of any part of the invoice shares out exactly what it credits.
    amount = data.draw(st.integers(0, totals.total))
    tax = tax_share(amount_minor=amount, total_minor=totals.total, tax_minor=totals.tax)
    credit = credit_summary(amount_minor=amount, tax_minor=tax, summary=summary)
    assert sum(r.total for r in credit) == amount and sum(r.tax for r in credit) == tax
    assert sum(r.net for r in credit) == amount - tax


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(LINE, min_size=1, max_size=8),
    inclusive=st.booleans(),
    percent=st.decimals(min_value="0.01", max_value="100", places=2),
    fixed=st.integers(1, 10_000_000),
    use_percent=st.booleans(),
)
def test_a_coupon_discount_keeps_lines_totals_and_summary_exact(lines, inclusive, percent, fixed, use_percent):
    """A coupon comes off each line before tax (tax on the discounted net, the same rounding
    rule), never below zero, and the summary still adds up to the minor unit."""
    from types import SimpleNamespace

    coupon = SimpleNamespace(
        percent_off=percent if use_percent else None,
        amount_off_minor=None if use_percent else fixed,
        plans=SimpleNamespace(all=lambda: []),
    )
    inputs = [
        LineInput(description="x", unit_price_minor=u, quantity=q, tax_rate=r, tax_inclusive=inclusive)
        for u, q, r in lines
    ]
    discounted = services.discount_lines(coupon, inputs)
    rows = []
    for line in discounted:
        base = line.unit_price_minor * line.quantity
        assert 0 <= line.discount_minor <= base
        amounts = line_amounts(
            unit_minor=line.unit_price_minor,
            quantity=line.quantity,
            tax_rate=line.tax_rate,
            tax_inclusive=inclusive,
            discount_minor=line.discount_minor,
        )
        # Tax is worked out on the discounted price exactly as on an undiscounted line of that price.
        assert amounts == line_amounts(
            unit_minor=base - line.discount_minor, quantity=1, tax_rate=line.tax_rate, tax_inclusive=inclusive
        )
        rows.append(_Line(line.tax_rate, amounts))
    if not use_percent:
        assert sum(line.discount_minor for line in discounted) == min(fixed, sum(u * q for u, q, _r in lines))
    summary = tax_summary(rows)
    assert sum(r.net for r in summary) == sum(row.net_minor for row in rows)
    assert sum(r.tax for r in summary) == sum(row.tax_minor for row in rows)
    assert sum(r.total for r in summary) == sum(row.total_minor for row in rows)
    assert all(r.net + r.tax == r.total for r in summary)


@pytest.mark.django_db
def test_a_discounted_invoice_reconciles_lines_totals_and_tax_summary(client_record):
    org = client_record.organization
    services.create_coupon(organization=org, code="TENOFF", amount_off_minor=1001)
    invoice = services.create_invoice(
        client=client_record,
        lines=[
            LineInput(description="PT", unit_price_minor=3333, quantity=3, tax_rate="20", tax_inclusive=True),
            LineInput(description="Plan", unit_price_minor=1999, tax_rate="5", tax_inclusive=False),
            LineInput(description="Gym", unit_price_minor=500, tax_rate="0", tax_inclusive=True),
        ],
        coupon_code="tenoff",
    )
    lines = list(invoice.lines.all())
    assert sum(line.discount_minor for line in lines) == invoice.discount_minor == 1001
    assert invoice.subtotal_minor == sum(line.net_minor for line in lines)
    assert invoice.tax_minor == sum(line.tax_minor for line in lines)
    assert invoice.total_minor == invoice.subtotal_minor + invoice.tax_minor
    summary = invoice.tax_summary
    assert sum(r.total for r in summary) == invoice.total_minor and sum(r.tax for r in summary) == invoice.tax_minor


@pytest.mark.django_db
def test_business_defaults_price_lines_inclusive_or_exclusive(client_record):
    org = client_record.organization
    services.update_billing_settings(organization=org, default_tax_rate="20", prices_include_tax=False)
    added = services.create_invoice(
        client=client_record, lines=[LineInput(description="Block", unit_price_minor=10000)]
    )
    assert (added.subtotal_minor, added.tax_minor, added.total_minor) == (10000, 2000, 12000)
    services.update_billing_settings(organization=org, prices_include_tax=True)
    included = services.create_invoice(
        client=client_record,
        lines=[
            LineInput(description="Block", unit_price_minor=12000),
            # 9.99 incl. 5% -> net 9.514.. -> 9.51, tax 0.48
            LineInput(description="Shake", unit_price_minor=999, tax_rate="5"),
            LineInput(description="Gift card", unit_price_minor=2500, tax_rate="0"),
        ],
    )
    assert (included.subtotal_minor, included.tax_minor, included.total_minor) == (10000 + 951 + 2500, 2048, 15499)
    summary = selectors.invoice_detail_queryset(organization=org).get(pk=included.pk).tax_summary
    assert [(str(r.rate), r.net, r.tax, r.total) for r in summary] == [
        ("20.00", 10000, 2000, 12000),
        ("5.00", 951, 48, 999),
        ("0.00", 2500, 0, 2500),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "between 0 and 100"),
        ("-1", "between 0 and 100"),
        ("abc", "between 0 and 100"),
        ("8.125", "at most two decimals"),
    ],
)
def test_bad_tax_rates_are_refused_and_change_nothing(org, value, message):
    with pytest.raises(BillingError, match=message) as error:
        services.update_billing_settings(organization=org, default_tax_rate=value, legal_name="Northside Ltd")
    assert error.value.field == "default_tax_rate"
    assert services.billing_settings(org).default_tax_rate == 0 and not services.billing_settings(org).legal_name


@pytest.mark.django_db
def test_settings_page_saves_business_details_and_shows_errors_beside_the_field(client, owner, org):
    client.force_login(owner)
    as_owner = client
    base = {"invoice_prefix": "INV", "credit_note_prefix": "CN", "payment_terms_days": "14"}
    page = as_owner.get("/billing/settings/").content.decode()
    assert 'name="legal_name"' in page and 'name="default_tax_rate"' in page and 'name="prices_include_tax"' in page
    bad = as_owner.post("/billing/settings/", {**base, "default_tax_rate": "120", "legal_name": "Northside Ltd"})
    assert bad.status_code == 400 and 'id="id_default_tax_rate_error"' in bad.content.decode()
    assert not services.billing_settings(org).legal_name
    ok = as_owner.post(
        "/billing/settings/",
        {
            **base,
            "legal_name": "Northside Strength Ltd",
            "tax_number": "gb 123 4567 89",
            "registration_details": "Company no. 12345678, registered in England and Wales",
            "default_tax_rate": "20",
        },
    )
    assert ok.status_code == 302
    row = services.billing_settings(org)
    assert (row.legal_name, row.tax_number, row.default_tax_rate, row.prices_include_tax) == (
        "Northside Strength Ltd",
        "GB 123 4567 89",
        Decimal("20.00"),
        False,
    )
    form = as_owner.get("/billing/invoices/new/").content.decode()
    assert 'name="lines-0-tax_rate" value="20.00"' in form
    plan_form = as_owner.get("/billing/plans/new/").content.decode()
    assert 'name="tax_rate" value="20.00"' in plan_form


@pytest.mark.django_db
def test_settings_and_invoice_tax_through_the_api(owner_api, org, client_record):
    assert owner_api.get("/api/v1/billing/settings/").data["prices_include_tax"] is True
    bad = owner_api.patch("/api/v1/billing/settings/", {"default_tax_rate": "-5"}, format="json")
    assert bad.status_code == 400 and "default_tax_rate" in bad.data["errors"]
    response = owner_api.patch(
        "/api/v1/billing/settings/",
        {"default_tax_rate": "20", "prices_include_tax": False, "tax_number": "GB123456789"},
        format="json",
    )
    assert response.status_code == 200 and response.data["default_tax_rate"] == "20.00"
    created = owner_api.post(
        "/api/v1/billing/invoices/",
        {
            "client": client_record.pk,
            "lines": [
                {"description": "Block", "unit_price_minor": 10000},
                {"description": "Gift card", "unit_price_minor": 2500, "tax_rate": "0"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert [line["tax_rate"] for line in created.data["lines"]] == ["20.00", "0.00"]
    assert created.data["tax_summary"] == [
        {"rate": "20.00", "net_minor": 10000, "tax_minor": 2000, "total_minor": 12000},
        {"rate": "0.00", "net_minor": 2500, "tax_minor": 0, "total_minor": 2500},
    ]
    mine = api_as(client_record.user).get(f"/api/v1/me/invoices/{created.data['public_id']}/")
    assert mine.status_code == 200 and mine.data["tax_summary"] == created.data["tax_summary"]
    over = owner_api.post(
        "/api/v1/billing/invoices/",
        {"client": client_record.pk, "lines": [{"description": "X", "unit_price_minor": 100, "tax_rate": "101"}]},
        format="json",
    )
    assert over.status_code == 400


@pytest.mark.django_db
def test_invoice_and_credit_note_pdfs_print_business_details_and_tax_summary(client_record, monkeypatch):
    # The standard PDF font keeps the text readable in the page drawing (no glyph subsetting).
    monkeypatch.setattr(pdf, "_fonts", lambda: ("Helvetica", "Helvetica-Bold"))
    org = client_record.organization
    services.update_billing_settings(
        organization=org,
        legal_name="Northside Strength Ltd",
        business_address="1 High Street\nLondon N1 1AA",
        tax_number="GB123456789",
        registration_details="Company no. 12345678",
    )
    invoice = services.create_invoice(
        client=client_record,
        lines=[
            LineInput(description="Block", unit_price_minor=12000, tax_rate="20"),
            LineInput(description="Shake", unit_price_minor=999, tax_rate="5"),
        ],
        issue=True,
        send_email=False,
    )
    invoice = selectors.invoice_detail_queryset(organization=org).get(pk=invoice.pk)
    text = _drawing(pdf.invoice_pdf(invoice))
    for expected in (b"GB123456789", b"Northside Strength Ltd", b"Company no. 12345678", b"Chloe Client"):
        assert expected in text
    assert b"Tax summary" in text and b"(20%)" in text and b"(5%)" in text
    payment = services.record_payment(invoice=invoice, amount_minor=invoice.total_minor, method="cash")
    note = services.refund_payment(payment=payment, amount_minor=invoice.total_minor, reason="Cancelled")
    assert note.tax_minor == invoice.tax_minor
    assert [(r.net, r.tax, r.total) for r in note.tax_summary] == [(10000, 2000, 12000), (951, 48, 999)]
    note_text = _drawing(pdf.credit_note_pdf(note))
    assert b"GB123456789" in note_text and b"Tax summary" in note_text and b"(5%)" in note_text
