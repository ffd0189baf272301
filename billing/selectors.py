"""Reads worth naming: lists with their related rows loaded, the client's own billing,
and the revenue report (MRR, memberships, revenue by month, outstanding invoices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from mecto.localization import zone

from . import periods
from .models import CreditNote, Invoice, Payment, PaymentLink, Plan, Purchase, Subscription
from .money import line_amounts, monthly_equivalent, round_minor


# --- Lists ----------------------------------------------------------------------------------------------
def plan_list(*, organization, include_archived: bool = True) -> QuerySet[Plan]:
    qs = Plan.objects.for_org(organization)
    return qs if include_archived else qs.active()


def coupon_list(*, organization) -> QuerySet:
    """The business's coupons with the plans they are for (the count of uses is on the row)."""
    from .models import Coupon

    return Coupon.objects.for_org(organization).prefetch_related("plans").order_by("-is_active", "code", "id")


def coupon_redemptions(*, coupon) -> QuerySet:
    from .models import CouponRedemption

    return (
        CouponRedemption.objects.for_org(coupon.organization)
        .filter(coupon=coupon)
        .select_related("client", "invoice", "subscription__plan")
    )


def invoice_list(*, organization, status: str = "", client=None, search: str = "") -> QuerySet[Invoice]:
    qs = Invoice.objects.for_org(organization).select_related("client", "subscription__plan")
    if status == "overdue":
        qs = qs.overdue()
    elif status:
        qs = qs.filter(status=status)
    if client is not None:
        qs = qs.filter(client=client)
    if search:
        qs = qs.filter(
            Q(number__icontains=search)
            | Q(bill_to_name__icontains=search)
            | Q(client__first_name__icontains=search)
            | Q(client__last_name__icontains=search)
            | Q(client__email__icontains=search)
        )
    return qs.order_by(F("issued_at").desc(nulls_first=True), "-id")


def invoice_detail_queryset(*, organization) -> QuerySet[Invoice]:
    return (
        Invoice.objects.for_org(organization)
        .select_related("client", "organization", "subscription__plan", "created_by")
        .prefetch_related("lines__plan", "payments__recorded_by", "credit_notes", "payment_links")
    )


def subscription_list(*, organization, status: str = "") -> QuerySet[Subscription]:
    qs = Subscription.objects.for_org(organization).select_related("client", "plan")
    if status:
        qs = qs.filter(status=status)
    return qs


def payment_list(*, organization) -> QuerySet[Payment]:
    return Payment.objects.for_org(organization).select_related("invoice", "client", "recorded_by")


def credit_note_list(*, organization) -> QuerySet[CreditNote]:
    return (
        CreditNote.objects.for_org(organization)
        .select_related("invoice", "client", "payment")
        .prefetch_related("invoice__lines")
    )


def payment_link_list(*, organization) -> QuerySet[PaymentLink]:
    return PaymentLink.objects.for_org(organization).select_related("client", "plan", "invoice", "created_by")


def payment_link_for_token(token: str) -> PaymentLink | None:
    from .models import hash_token

    if not token or len(token) > 100:
        return None
    return (
        PaymentLink.objects.select_related("organization", "client", "plan", "invoice")
        .filter(token_hash=hash_token(token))
        .first()
    )


# --- The client's own ---------------------------------------------------------------------------------
def client_invoices(*, client) -> QuerySet[Invoice]:
    return (
        Invoice.objects.for_org(client.organization)
        .filter(client=client)
        .exclude(status=Invoice.Status.DRAFT)
        .select_related("subscription__plan")
        .order_by("-issued_at", "-id")
    )


def client_subscriptions(*, client) -> QuerySet[Subscription]:
    return Subscription.objects.for_org(client.organization).filter(client=client).select_related("plan")


def client_purchases(*, client) -> QuerySet[Purchase]:
    return Purchase.objects.for_org(client.organization).filter(client=client).select_related("plan", "invoice")


def plans_on_sale(*, organization) -> QuerySet[Plan]:
    return Plan.objects.for_org(organization).sold_online().order_by("kind", "name")


# --- Revenue -------------------------------------------------------------------------------------------
@dataclass
class MoneyCount:
    count: int = 0
    amount_minor: int = 0


@dataclass
class RevenueSummary:
    currency: str
    mrr_minor: int
    active_memberships: int
    trialing_memberships: int
    past_due_memberships: int
    new_this_month: int
    churned_this_month: int
    outstanding: MoneyCount
    overdue: MoneyCount
    received_this_month_minor: int
    months: list[dict] = field(default_factory=list)


def _gross(subscription: Subscription) -> int:
    return line_amounts(
        unit_minor=subscription.price_minor,
        quantity=1,
        tax_rate=subscription.tax_rate,
        tax_inclusive=subscription.price_includes_tax,
    ).total


def _current_period_index(subscription: Subscription) -> int:
    """Memberships paid by hand count their periods; a card membership's period is how many
    of its periods were invoiced (Stripe renews it)."""
    if subscription.collection == Subscription.Collection.MANUAL:
        return subscription.period_index
    return max(getattr(subscription, "periods_invoiced", 1) - 1, 0)


def recurring_gross(subscription: Subscription) -> int:
    """What one period of a membership bills now, tax included: its price less a coupon that
    still discounts the current period (redemptions prefetched with their coupon and plans)."""
    from .services import discount_lines

    index = _current_period_index(subscription)
    line = _PeriodLine(subscription)
    for redemption in subscription.coupon_redemptions.all():
        if redemption.covers_period(index):
            line = discount_lines(redemption.coupon, [line])[0]
            break
    return line_amounts(
        unit_minor=subscription.price_minor,
        quantity=1,
        tax_rate=subscription.tax_rate,
        tax_inclusive=subscription.price_includes_tax,
        discount_minor=line.discount_minor,
    ).total


@dataclass
class _PeriodLine:
    """One period's price as an invoice line, for the coupon's arithmetic."""

    subscription: Subscription
    quantity: int = 1
    discount_minor: int = 0

    @property
    def unit_price_minor(self) -> int:
        return self.subscription.price_minor

    @property
    def plan(self):
        return self.subscription.plan


def mrr_minor(*, organization) -> int:
    """Monthly recurring revenue: paying memberships (active or past due) at what they bill
    now (less a live coupon), each normalised to a month, tax included, in the business's
    currency. Free trials count nothing; a paid trial counts its trial price."""
    from django.db.models import Prefetch

    from .models import CouponRedemption

    live = Subscription.objects.for_org(organization).filter(currency=organization.currency)
    paying = (
        live.filter(status__in=[Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE])
        .select_related("plan")
        .annotate(periods_invoiced=Count("invoices", filter=Q(invoices__period_start__isnull=False)))
        .prefetch_related(
            Prefetch(
                "coupon_redemptions",
                queryset=CouponRedemption.objects.select_related("coupon")
                .prefetch_related("coupon__plans")
                .order_by("redeemed_at", "id"),
            )
        )
    )
    total = sum((monthly_equivalent(recurring_gross(s), s.interval) for s in paying), Decimal(0))
    trials = live.filter(status=Subscription.Status.TRIALING, trial_price_minor__gt=0)
    for s in trials.only("trial_price_minor", "tax_rate", "price_includes_tax"):
        total += line_amounts(
            unit_minor=s.trial_price_minor, quantity=1, tax_rate=s.tax_rate, tax_inclusive=s.price_includes_tax
        ).total
    return round_minor(total)


def revenue_by_month(*, organization, months: int = 12, now: datetime | None = None) -> list[dict]:
    """Money received minus refunds per local calendar month, oldest first, in the
    business's currency."""
    now = now or timezone.now()
    tz = organization.time_zone
    first = periods.shift_months(periods.month_start(now, tz), -(months - 1), tz)
    tzinfo = zone(tz)
    received = (
        Payment.objects.for_org(organization)
        .filter(status=Payment.Status.SUCCEEDED, currency=organization.currency, received_at__gte=first)
        .annotate(month=TruncMonth("received_at", tzinfo=tzinfo))
        .values("month")
        .annotate(total=Sum("amount_minor"), count=Count("id"))
    )
    refunded = (
        CreditNote.objects.for_org(organization)
        .filter(currency=organization.currency, issued_at__gte=first)
        .annotate(month=TruncMonth("issued_at", tzinfo=tzinfo))
        .values("month")
        .annotate(total=Sum("amount_minor"))
    )

    def key(value) -> date:
        return value.date() if isinstance(value, datetime) else value

    received_by = {key(row["month"]): (row["total"] or 0, row["count"]) for row in received}
    refunded_by = {key(row["month"]): row["total"] or 0 for row in refunded}
    rows = []
    for i in range(months):
        start = periods.shift_months(first, i, tz).astimezone(tzinfo).date()
        got, count = received_by.get(start, (0, 0))
        back = refunded_by.get(start, 0)
        rows.append(
            {"month": start, "received_minor": got, "refunded_minor": back, "net_minor": got - back, "payments": count}
        )
    return rows


def _open_totals(qs) -> MoneyCount:
    row = qs.aggregate(count=Count("id"), total=Sum("total_minor"), paid=Sum("amount_paid_minor"))
    return MoneyCount(count=row["count"] or 0, amount_minor=(row["total"] or 0) - (row["paid"] or 0))


def revenue_summary(*, organization, now: datetime | None = None, months: int = 12) -> RevenueSummary:
    now = now or timezone.now()
    tz = organization.time_zone
    month_start = periods.month_start(now, tz)
    subs = Subscription.objects.for_org(organization)
    counts = subs.aggregate(
        active=Count("id", filter=Q(status=Subscription.Status.ACTIVE)),
        trialing=Count("id", filter=Q(status=Subscription.Status.TRIALING)),
        past_due=Count("id", filter=Q(status=Subscription.Status.PAST_DUE)),
        new=Count("id", filter=Q(started_at__gte=month_start, started_at__lte=now)),
        churned=Count(
            "id",
            filter=Q(status=Subscription.Status.CANCELLED, cancelled_at__gte=month_start, cancelled_at__lte=now),
        ),
    )
    invoices = Invoice.objects.for_org(organization).filter(currency=organization.currency)
    by_month = revenue_by_month(organization=organization, months=months, now=now)
    return RevenueSummary(
        currency=organization.currency,
        mrr_minor=mrr_minor(organization=organization),
        active_memberships=counts["active"],
        trialing_memberships=counts["trialing"],
        past_due_memberships=counts["past_due"],
        new_this_month=counts["new"],
        churned_this_month=counts["churned"],
        outstanding=_open_totals(invoices.outstanding().filter(Q(due_at__gte=now) | Q(due_at__isnull=True))),
        overdue=_open_totals(invoices.overdue(now)),
        received_this_month_minor=by_month[-1]["net_minor"] if by_month else 0,
        months=by_month,
    )


def open_invoices(*, organization, overdue: bool | None = None, now: datetime | None = None) -> QuerySet[Invoice]:
    now = now or timezone.now()
    qs = Invoice.objects.for_org(organization).outstanding().select_related("client")
    if overdue is True:
        qs = qs.filter(due_at__lt=now)
    elif overdue is False:
        qs = qs.filter(Q(due_at__gte=now) | Q(due_at__isnull=True))
    return qs.order_by("due_at", "id")


def seller_lines(*, organization, brand_name: str) -> list[str]:
    """Who issues an invoice, printed under the brand on the PDF and the invoice pages: the
    business's legal name (or its name) when the brand differs (never the same name twice),
    its address, its VAT / tax number and its registration details."""
    from django.utils.translation import gettext as _

    from .services import billing_settings

    row = billing_settings(organization)
    name = (row.legal_name or organization.name).strip()
    lines = [name] if name != (brand_name or "").strip() else []
    lines += row.address_lines
    if row.tax_number:
        lines.append(_("VAT / tax number: %(number)s") % {"number": row.tax_number})
    if row.registration_details:
        lines.append(row.registration_details)
    return lines
