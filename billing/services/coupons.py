"""Coupons: create, change and archive codes; check a code for a client and a plan (with the
reason it cannot be used); take its discount off invoice lines; redeem it under a lock so the
limits hold when clients redeem at the same moment."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type
from mecto.localization import format_date, format_money

from ..errors import BillingError
from ..models import Coupon, CouponRedemption, Plan
from ..money import allocate, line_amounts, round_minor
from ._common import MAX_UNIT_MINOR, _actor, _on_commit_task

__all__ = [
    "COUPON_FIELDS",
    "CouponQuote",
    "normalise_code",
    "create_coupon",
    "update_coupon",
    "archive_coupon",
    "check_coupon",
    "validate_coupon",
    "discount_lines",
    "quote_coupon",
    "redeem_coupon",
    "release_invoice_redemptions",
    "membership_redemption",
]

register_event_type("coupon.redeemed", gettext_lazy("A client used a coupon code"))

COUPON_FIELDS = {
    "code",
    "description",
    "percent_off",
    "amount_off_minor",
    "duration",
    "duration_periods",
    "plans",
    "max_redemptions",
    "per_client_limit",
    "expires_at",
    "is_active",
}
# What a client was promised: fixed once the code was used (Stripe coupons cannot change either).
TERMS = {"percent_off", "amount_off_minor", "duration", "duration_periods"}
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
FIELD = "coupon_code"


def normalise_code(code) -> str:
    return str(code or "").strip().upper()


# --- The coupon itself ------------------------------------------------------------------------------
def _checked_percent(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        percent = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        percent = None
    if percent is None or not percent.is_finite() or not (Decimal(0) < percent <= Decimal(100)):
        raise BillingError(_("The percentage is above 0 and at most 100."), field="percent_off")
    if percent != percent.quantize(Decimal("0.01")):
        raise BillingError(_("Give the percentage with at most two decimals, for example 12.5."), field="percent_off")
    return percent.quantize(Decimal("0.01"))


def _check_coupon_row(coupon: Coupon) -> None:
    coupon.code = normalise_code(coupon.code)
    if not CODE_PATTERN.match(coupon.code):
        raise BillingError(
            _("Use 3 to 40 letters, digits and dashes, starting with a letter or digit, for example WELCOME20."),
            field="code",
        )
    coupon.description = " ".join((coupon.description or "").split())
    if len(coupon.description) > 200:
        raise BillingError(_("At most %(n)s characters.") % {"n": 200}, field="description")
    coupon.percent_off = _checked_percent(coupon.percent_off)
    amount = coupon.amount_off_minor
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
        raise BillingError(_("Enter the amount off as a number."), field="amount_off_minor")
    if coupon.percent_off is None and amount is None:
        raise BillingError(_("Give either a percentage or an amount off."), field="percent_off")
    if coupon.percent_off is not None and amount is not None:
        raise BillingError(_("Give a percentage or an amount off, not both."), field="amount_off_minor")
    if amount is not None and not (1 <= amount <= MAX_UNIT_MINOR):
        raise BillingError(_("Enter an amount above zero and at most 1,000,000."), field="amount_off_minor")
    if coupon.duration not in Coupon.Duration.values:
        raise BillingError(_("Choose once, a number of periods or forever."), field="duration")
    if coupon.duration == Coupon.Duration.REPEATING:
        periods = coupon.duration_periods
        if not isinstance(periods, int) or isinstance(periods, bool) or not (1 <= periods <= 120):
            raise BillingError(_("Give the number of periods, from 1 to 120."), field="duration_periods")
    else:
        coupon.duration_periods = None
    for name in ("max_redemptions", "per_client_limit"):
        value = getattr(coupon, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1_000_000):
            raise BillingError(_("Leave it empty for no limit, or give a whole number from 1."), field=name)
    if coupon.expires_at is not None and not isinstance(coupon.expires_at, datetime):
        raise BillingError(_("Enter a valid date and time."), field="expires_at")


def _checked_plans(organization, plans) -> list[Plan] | None:
    if plans is None:
        return None
    plans = list(plans)
    if any(not isinstance(p, Plan) or p.organization_id != organization.pk for p in plans):
        raise BillingError(_("Choose your own plans."), field="plans")
    return plans


def _unique_code(coupon: Coupon) -> None:
    taken = Coupon.objects.for_org(coupon.organization).filter(code=coupon.code).exclude(pk=coupon.pk).exists()
    if taken:
        raise BillingError(_("You already have a code %(code)s.") % {"code": coupon.code}, field="code")


def _save(coupon: Coupon) -> None:
    try:
        with transaction.atomic():
            coupon.save()
    except IntegrityError as exc:  # the same code created at the same moment
        raise BillingError(_("You already have a code %(code)s.") % {"code": coupon.code}, field="code") from exc


@transaction.atomic
def create_coupon(*, organization, actor=None, plans=None, **fields) -> Coupon:
    """A new code in the business's currency; `plans` empty or None: every plan."""
    unknown = set(fields) - COUPON_FIELDS
    if unknown:
        raise BillingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    plans = _checked_plans(organization, plans)
    coupon = Coupon(organization=organization, currency=organization.currency, created_by=_actor(actor), **fields)
    _check_coupon_row(coupon)
    _unique_code(coupon)
    _save(coupon)
    if plans:
        coupon.plans.set(plans)
    return coupon


@transaction.atomic
def update_coupon(*, coupon: Coupon, actor=None, **fields) -> Coupon:
    """Change a code's limits, plans or expiry. Its discount is fixed once a client used it."""
    unknown = set(fields) - COUPON_FIELDS
    if unknown:
        raise BillingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    plans = _checked_plans(coupon.organization, fields.pop("plans", None))
    row = Coupon.objects.select_for_update().get(pk=coupon.pk)
    before = {name: getattr(row, name) for name in TERMS}
    if fields.get("is_active") and not row.is_active:
        row.stripe_signature = ""  # its promotion code was switched off: checkout makes a new one
    for name, value in fields.items():
        setattr(row, name, value)
    _check_coupon_row(row)
    changed_terms = [name for name in TERMS if getattr(row, name) != before[name]]
    if changed_terms and row.times_redeemed:
        raise BillingError(
            _("Clients already used this code, so its discount stays; archive it and create a new code instead."),
            field=changed_terms[0],
        )
    _unique_code(row)
    _save(row)
    if plans is not None:
        row.plans.set(plans)
    return row


@transaction.atomic
def archive_coupon(*, coupon: Coupon, actor=None) -> Coupon:
    """Stop a code being used. Memberships already discounted keep their discount."""
    row = Coupon.objects.select_for_update().get(pk=coupon.pk)
    if row.is_active:
        row.is_active = False
        row.save(update_fields=["is_active", "updated_at"])
        if row.stripe_promotion_code_id:
            from .. import tasks

            _on_commit_task(tasks.deactivate_coupon_on_stripe, row.pk)
    return row


# --- Checking a code ----------------------------------------------------------------------------------
def check_coupon(*, coupon: Coupon, client, plans: list[Plan] | None = None, at: datetime | None = None) -> None:
    """Raise a BillingError saying why `coupon` cannot be used by `client` for `plans` (None:
    any line; [] or a list: at least one of them must be one the code is for)."""
    at = at or timezone.now()
    code = coupon.code
    if not coupon.is_active:
        raise BillingError(_("The code %(code)s is no longer valid.") % {"code": code}, field=FIELD)
    if coupon.expires_at is not None and coupon.expires_at <= at:
        raise BillingError(
            _("The code %(code)s expired on %(date)s.") % {"code": code, "date": format_date(coupon.expires_at)},
            field=FIELD,
        )
    if coupon.is_used_up:
        raise BillingError(_("The code %(code)s has been used up.") % {"code": code}, field=FIELD)
    if plans is not None:
        allowed = {p.pk for p in coupon.plans.all()}
        if allowed and not any(p is not None and p.pk in allowed for p in plans):
            named = next((p for p in plans if p is not None), None)
            if named is not None:
                message = _("The code %(code)s is not valid for %(plan)s.") % {"code": code, "plan": named.name}
            else:
                message = _("The code %(code)s is only valid for some plans.") % {"code": code}
            raise BillingError(message, field=FIELD)
        if coupon.amount_off_minor is not None and any(p is not None and p.currency != coupon.currency for p in plans):
            raise BillingError(
                _("The code %(code)s is for prices in %(currency)s.") % {"code": code, "currency": coupon.currency},
                field=FIELD,
            )
    if client is not None and coupon.per_client_limit is not None:
        used = CouponRedemption.objects.filter(coupon=coupon, client=client).count()
        if used >= coupon.per_client_limit:
            raise BillingError(_("The code %(code)s was already used on this account.") % {"code": code}, field=FIELD)


def validate_coupon(*, organization, code: str, client, plans: list[Plan] | None = None, lock: bool = False) -> Coupon:
    """The business's coupon for `code` (any case) if `client` may use it for `plans`; else a
    BillingError with the reason. `lock=True` holds the coupon's row until commit."""
    normalised = normalise_code(code)
    if not normalised:
        raise BillingError(_("Enter a code."), field=FIELD)
    if len(normalised) > 40:
        raise BillingError(_("There is no code %(code)s; check the spelling.") % {"code": normalised[:40]}, field=FIELD)
    qs = Coupon.objects.for_org(organization).filter(code=normalised)
    if lock:
        qs = qs.select_for_update()
    coupon = qs.first()
    if coupon is None:
        raise BillingError(_("There is no code %(code)s; check the spelling.") % {"code": normalised}, field=FIELD)
    check_coupon(coupon=coupon, client=client, plans=plans)
    return coupon


# --- Discounts ------------------------------------------------------------------------------------------
def _applies_to(coupon: Coupon, plan: Plan | None, allowed: set[int]) -> bool:
    return not allowed or (plan is not None and plan.pk in allowed)


def discount_lines(coupon: Coupon, lines: list) -> list:
    """The lines with the coupon's discount on each line it applies to, before tax: a
    percentage of each line's price (rounded half up), or a fixed amount shared among the
    lines by their price (largest remainder), never more than the lines cost."""
    allowed = {p.pk for p in coupon.plans.all()}
    eligible = [i for i, line in enumerate(lines) if _applies_to(coupon, getattr(line, "plan", None), allowed)]
    bases = [max(lines[i].unit_price_minor * lines[i].quantity - (lines[i].discount_minor or 0), 0) for i in eligible]
    if coupon.percent_off is not None:
        shares = [round_minor(Decimal(base) * coupon.percent_off / Decimal(100)) for base in bases]
    else:
        shares = allocate(min(coupon.amount_off_minor or 0, sum(bases)), bases)
    result = list(lines)
    for i, base, share in zip(eligible, bases, shares, strict=True):
        result[i] = replace(lines[i], discount_minor=(lines[i].discount_minor or 0) + min(share, base))
    return result


def _gross(line, discount: int = 0) -> int:
    return line_amounts(
        unit_minor=line.unit_price_minor,
        quantity=line.quantity,
        tax_rate=line.tax_rate,
        tax_inclusive=line.tax_inclusive,
        discount_minor=discount,
    ).total


def gross_discount(lines_before: list, lines_after: list) -> int:
    """What the discount takes off what the client pays (tax included)."""
    return sum(_gross(line) for line in lines_before) - sum(
        _gross(line, line.discount_minor or 0) for line in lines_after
    )


@dataclass
class CouponQuote:
    coupon: Coupon
    price_minor: int
    discount_minor: int
    currency: str

    @property
    def total_minor(self) -> int:
        return self.price_minor - self.discount_minor

    @property
    def price_display(self) -> str:
        return format_money(self.price_minor, self.currency)

    @property
    def total_display(self) -> str:
        return format_money(self.total_minor, self.currency)

    @property
    def discount_display(self) -> str:
        return format_money(self.discount_minor, self.currency)


def quote_coupon(*, organization, code: str, client, plan: Plan) -> CouponQuote:
    """What `client` would pay for one `plan` with `code` (tax included), before paying."""
    from .invoices import plan_line

    coupon = validate_coupon(organization=organization, code=code, client=client, plans=[plan])
    before = [plan_line(plan)]
    after = discount_lines(coupon, before)
    return CouponQuote(
        coupon=coupon,
        price_minor=sum(_gross(line) for line in before),
        discount_minor=gross_discount(before, after),
        currency=plan.currency,
    )


# --- Redemptions ----------------------------------------------------------------------------------------
@transaction.atomic
def redeem_coupon(
    *,
    coupon: Coupon,
    client,
    amount_off_minor: int,
    invoice=None,
    subscription=None,
    source: str = CouponRedemption.Source.MANUAL,
    stripe_reference: str = "",
    first_period_index: int = 0,
    enforce: bool = True,
    actor=None,
) -> CouponRedemption:
    """Record one use of a coupon. The coupon's row is locked while its limits are checked and
    the count goes up, so "100 uses" and "once per client" hold however many redeem at once.
    `enforce=False` records a use that already happened elsewhere (Stripe charged it)."""
    row = Coupon.objects.select_for_update().get(pk=coupon.pk)
    if stripe_reference:
        existing = CouponRedemption.objects.filter(organization=row.organization, stripe_reference=stripe_reference)
        if existing.exists():
            return existing.first()
    if enforce:
        check_coupon(coupon=row, client=client)
    redemption = CouponRedemption.objects.create(
        organization=row.organization,
        coupon=row,
        client=client,
        invoice=invoice,
        subscription=subscription,
        source=source,
        amount_off_minor=max(int(amount_off_minor or 0), 0),
        currency=row.currency,
        first_period_index=first_period_index,
        stripe_reference=stripe_reference[:120],
    )
    Coupon.objects.filter(pk=row.pk).update(times_redeemed=F("times_redeemed") + 1, updated_at=timezone.now())
    emit(
        row.organization,
        "coupon.redeemed",
        {
            "coupon_id": str(row.public_id),
            "redemption_id": str(redemption.public_id),
            "code": row.code,
            "client_id": str(client.public_id) if client is not None else None,
            "invoice_id": str(invoice.public_id) if invoice is not None else None,
            "subscription_id": str(subscription.public_id) if subscription is not None else None,
            "amount_off_minor": redemption.amount_off_minor,
            "currency": redemption.currency,
        },
        actor=_actor(actor),
        client=client,
    )
    return redemption


def release_invoice_redemptions(invoice) -> int:
    """A voided invoice gives its coupon use back (the client never paid the discounted price)."""
    released = 0
    for redemption in CouponRedemption.objects.filter(invoice=invoice, subscription__isnull=True).select_related(
        "coupon"
    ):
        Coupon.objects.filter(pk=redemption.coupon_id, times_redeemed__gt=0).update(
            times_redeemed=F("times_redeemed") - 1
        )
        redemption.delete()
        released += 1
    return released


def membership_redemption(subscription, index: int) -> CouponRedemption | None:
    """The coupon use that discounts period `index` of a membership, if any."""
    for redemption in subscription.coupon_redemptions.select_related("coupon").order_by("redeemed_at", "id"):
        if redemption.covers_period(index):
            return redemption
    return None
