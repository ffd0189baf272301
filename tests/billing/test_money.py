"""Money arithmetic: integers in minor units, tax rounded per line, half away from zero."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.money import (
    from_minor,
    line_amounts,
    monthly_equivalent,
    round_minor,
    sum_lines,
    tax_share,
    to_minor,
)


def test_tax_added_on_top_rounds_half_up():
    # 20% of 10.03 = 2.006 -> 2.01; 20% of 0.05 = 0.01 exactly; 20% of 0.02 = 0.004 -> 0.00
    assert line_amounts(unit_minor=1003, quantity=1, tax_rate="20", tax_inclusive=False) == (1003, 201, 1204)
    assert line_amounts(unit_minor=5, quantity=1, tax_rate="20", tax_inclusive=False).tax == 1
    assert line_amounts(unit_minor=2, quantity=1, tax_rate="20", tax_inclusive=False).tax == 0
    # Exactly half a minor unit goes up: 5% of 0.10 = 0.005 -> 0.01.
    assert line_amounts(unit_minor=10, quantity=1, tax_rate="5", tax_inclusive=False).tax == 1


def test_tax_included_is_backed_out_of_the_gross():
    # 60.00 incl. 20% -> net 50.00, tax 10.00
    assert line_amounts(unit_minor=6000, quantity=1, tax_rate="20", tax_inclusive=True) == (5000, 1000, 6000)
    # 9.99 incl. 19% -> net 8.3949.. -> 8.39, tax 1.60; the total stays what the client pays
    amounts = line_amounts(unit_minor=999, quantity=1, tax_rate="19", tax_inclusive=True)
    assert (amounts.net, amounts.tax, amounts.total) == (839, 160, 999)


def test_quantity_multiplies_before_rounding():
    # 3 x 3.33 at 7% = 9.99 * 0.07 = 0.6993 -> 0.70 (not 3 x 0.23 = 0.69)
    assert line_amounts(unit_minor=333, quantity=3, tax_rate="7", tax_inclusive=False).tax == 70


def test_fractional_rates_and_zero_decimal_currencies():
    assert line_amounts(unit_minor=10000, quantity=1, tax_rate="8.875", tax_inclusive=False).tax == 888
    # JPY has no minor unit: amounts are whole yen.
    assert to_minor("1500", "JPY") == 1500
    assert line_amounts(unit_minor=1500, quantity=1, tax_rate="10", tax_inclusive=True) == (1364, 136, 1500)


def test_invoice_totals_are_sums_of_rounded_lines():
    lines = [
        line_amounts(unit_minor=1003, quantity=1, tax_rate="20", tax_inclusive=False),
        line_amounts(unit_minor=1003, quantity=1, tax_rate="20", tax_inclusive=False),
    ]
    # Per line 2.006 -> 2.01 each: 4.02 (rounding the sum 4.012 would say 4.01).
    assert sum_lines(lines) == (2006, 402, 2408)


def test_parsing_and_formatting_amounts():
    assert to_minor("19.99", "GBP") == 1999
    assert to_minor(Decimal("0.5"), "EUR") == 50
    assert from_minor(1999, "GBP") == Decimal("19.99")
    assert from_minor(1500, "JPY") == Decimal("1500")
    for bad in ("19.999", "abc", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            to_minor(bad, "GBP")
    with pytest.raises(ValueError):
        to_minor("1.5", "JPY")


def test_refund_tax_share_and_mrr_normalisation():
    assert tax_share(amount_minor=3000, total_minor=6000, tax_minor=1000) == 500
    assert tax_share(amount_minor=1, total_minor=3, tax_minor=1) == 0
    assert monthly_equivalent(1200, "week") == Decimal(1200) * 52 / 12
    assert monthly_equivalent(120000, "year") == Decimal(10000)
    assert round_minor(Decimal("2.5")) == 3 and round_minor(Decimal("2.4999")) == 2


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        line_amounts(unit_minor=-1, quantity=1, tax_rate="0", tax_inclusive=True)


@given(
    unit=st.integers(min_value=0, max_value=10_000_000),
    quantity=st.integers(min_value=1, max_value=1000),
    rate=st.decimals(min_value=0, max_value=100, places=2),
    inclusive=st.booleans(),
)
def test_every_line_adds_up(unit, quantity, rate, inclusive):
    amounts = line_amounts(unit_minor=unit, quantity=quantity, tax_rate=rate, tax_inclusive=inclusive)
    assert amounts.net + amounts.tax == amounts.total
    assert amounts.net >= 0 and amounts.tax >= 0
    exact = Decimal(unit * quantity) * rate / 100
    if inclusive:
        assert amounts.total == unit * quantity
        exact = Decimal(unit * quantity) - Decimal(unit * quantity) * 100 / (100 + rate)
    assert abs(Decimal(amounts.tax) - exact) <= Decimal("0.5") + Decimal("1e-9")
