"""Money arithmetic for billing: integers in minor units, one rounding rule.

The rule: tax is computed per invoice line and rounded to the currency's minor unit,
half away from zero (ROUND_HALF_UP on non-negative amounts). An invoice's subtotal, tax
and total are sums of its already-rounded lines, so the printed lines always add up.

- Tax added on top:   net = unit × qty;  tax = round(net × rate / 100);      total = net + tax
- Tax included:       total = unit × qty; net = round(total × 100 / (100 + rate)); tax = total − net

A discount (a coupon) comes off the line's price before tax: unit × qty − discount is the
price the rule above is applied to, so tax is always on the discounted net.

The tax summary groups the rounded lines by rate and adds them up (never re-computes tax
on a rate's total), so its rows add up to the invoice's totals to the minor unit. A credit
note shares its amount and its tax among the invoice's rates by largest remainder, so its
rows add up to what it credits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from mecto.localization import minor_units

HUNDRED = Decimal(100)


class LineAmounts(NamedTuple):
    net: int
    tax: int
    total: int


def round_minor(value: Decimal) -> int:
    """Round to a whole minor unit, half away from zero."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_amounts(
    *, unit_minor: int, quantity: int, tax_rate: Decimal | str | int, tax_inclusive: bool, discount_minor: int = 0
) -> LineAmounts:
    rate = Decimal(str(tax_rate))
    if unit_minor < 0 or quantity < 0 or rate < 0 or discount_minor < 0:
        raise ValueError("amounts, quantities and rates are never negative")
    if discount_minor > unit_minor * quantity:
        raise ValueError("a discount is never more than the line's price")
    gross_or_net = unit_minor * quantity - discount_minor
    if tax_inclusive:
        net = round_minor(Decimal(gross_or_net) * HUNDRED / (HUNDRED + rate))
        return LineAmounts(net=net, tax=gross_or_net - net, total=gross_or_net)
    tax = round_minor(Decimal(gross_or_net) * rate / HUNDRED)
    return LineAmounts(net=gross_or_net, tax=tax, total=gross_or_net + tax)


def sum_lines(lines) -> LineAmounts:
    net = sum(line.net for line in lines)
    tax = sum(line.tax for line in lines)
    return LineAmounts(net=net, tax=tax, total=net + tax)


class RateAmounts(NamedTuple):
    rate: Decimal
    net: int
    tax: int
    total: int


def tax_summary(lines) -> list[RateAmounts]:
    """Per tax rate (highest first): the sums of the lines at that rate. Each line has
    `tax_rate`, `net_minor`, `tax_minor` and `total_minor`."""
    by_rate: dict[Decimal, list[int]] = {}
    for line in lines:
        sums = by_rate.setdefault(Decimal(str(line.tax_rate)).quantize(Decimal("0.01")), [0, 0, 0])
        sums[0] += line.net_minor
        sums[1] += line.tax_minor
        sums[2] += line.total_minor
    return [RateAmounts(rate, *sums) for rate, sums in sorted(by_rate.items(), reverse=True)]


def _allocate(amount: int, weights: list[int]) -> list[int]:
    """`amount` shared in proportion to `weights`, whole units, largest remainder first."""
    whole = sum(weights)
    if whole <= 0:
        return [amount] + [0] * (len(weights) - 1) if weights else []
    shares = [amount * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % whole), i))
    for i in order[: amount - sum(shares)]:
        shares[i] += 1
    return shares


def credit_summary(*, amount_minor: int, tax_minor: int, summary: list[RateAmounts]) -> list[RateAmounts]:
    """A credit note's amount (tax included) and tax shared among the invoice's rates."""
    if not summary:
        return []
    totals = _allocate(amount_minor, [row.total for row in summary])
    taxes = _allocate(tax_minor, [row.tax for row in summary])
    return [
        RateAmounts(row.rate, total - tax, tax, total) for row, total, tax in zip(summary, totals, taxes, strict=True)
    ]


def allocate(amount: int, weights: list[int]) -> list[int]:
    """`amount` shared in proportion to `weights` in whole minor units (largest remainder)."""
    return _allocate(amount, weights)


def tax_share(*, amount_minor: int, total_minor: int, tax_minor: int) -> int:
    """The tax contained in a part of a total (a partial refund), by the same rounding rule."""
    if total_minor <= 0:
        return 0
    return round_minor(Decimal(amount_minor) * Decimal(tax_minor) / Decimal(total_minor))


def to_minor(amount: Decimal | str, currency: str) -> int:
    """'19.99', 'EUR' -> 1999. Refuses more decimals than the currency has."""
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise ValueError("not a number")
    if not value.is_finite():
        raise ValueError("not a number")
    exponent = minor_units(currency)
    scaled = value * (Decimal(10) ** exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} has {exponent} decimal places")
    return int(scaled)


def from_minor(amount_minor: int, currency: str) -> Decimal:
    """1999, 'EUR' -> Decimal('19.99')."""
    exponent = minor_units(currency)
    return (Decimal(amount_minor) / (Decimal(10) ** exponent)).quantize(Decimal(1).scaleb(-exponent))


def monthly_equivalent(amount_minor: int, interval: str) -> Decimal:
    """Normalise a recurring price to a month for MRR: weekly × 52 / 12, yearly / 12."""
    if interval == "week":
        return Decimal(amount_minor) * 52 / 12
    if interval == "year":
        return Decimal(amount_minor) / 12
    return Decimal(amount_minor)
