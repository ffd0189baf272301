"""Revenue reports that explain themselves: MRR movements by month, churn and retention,
revenue by plan / coach / service, cash against accrual, and coach commission.

Every figure is an integer in minor units of the business's currency; months are the
business's local calendar months. The formulas are stated in docs/billing-revenue.md and on
the reports page (`FORMULAS`), and this module is their one implementation.

MRR of a client at an instant t: for each of their memberships, the total (tax included) of
the membership invoice whose period covers t (period start <= t < period end; draft and
void invoices do not count), normalised to a month (weekly x 52 / 12, yearly / 12, monthly
as is); the client's memberships are added exactly and the sum is rounded once to a whole
minor unit, half up. No invoice covering t (a free trial, a cancelled membership) is 0 MRR;
a discounted period counts its discounted total. A month's closing MRR is measured at the
last instant of the local month, and the current month's at the moment of the report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, IntegerField, Min, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.localization import zone

from . import periods
from .models import CoachCommission, CreditNote, Invoice, InvoiceLine, Payment, Purchase
from .money import _allocate, monthly_equivalent, round_minor

MONTH_CHOICES = (12, 24, 36)
MAX_RANGE_DAYS = 366 * 5
LTV_MONTHS = 6
BILLED = (Invoice.Status.OPEN, Invoice.Status.PAID)
ONE_TICK = timedelta(microseconds=1)

FORMULAS = [
    (
        _("MRR"),
        _(
            "For each membership: the total (tax included) of the invoice whose period covers the moment, "
            "normalised to a month (weekly × 52 ÷ 12, yearly ÷ 12). A client's memberships are added, then "
            "rounded once to the cent, half up. A free trial is 0; a discounted period counts what it billed."
        ),
    ),
    (
        _("Movements"),
        _(
            "Per client, from the end of last month to the end of this one: new (0 → more, first paid period), "
            "reactivated (0 → more, paid a period before), expansion (up), contraction (down), churned (more → 0). "
            "Opening + new + expansion − contraction − churned + reactivated = closing."
        ),
    ),
    (_("Customer churn"), _("Clients lost in the month ÷ paying clients at the start of the month.")),
    (_("Revenue churn"), _("(Churned MRR + contraction MRR) ÷ opening MRR.")),
    (_("Net revenue retention"), _("(Opening MRR + expansion − contraction − churned) ÷ opening MRR.")),
    (_("ARPU"), _("MRR ÷ paying clients.")),
    (
        _("Lifetime value"),
        _(
            "ARPU ÷ the average monthly customer churn of the last 6 complete months (months with paying "
            "clients at their start). With no such month, or no churn at all, there is not enough history."
        ),
    ),
    (
        _("Cash"),
        _("Payments received minus refunds (credit notes), by the local date they happened, tax included."),
    ),
    (
        _("Accrual"),
        _("Invoices issued minus credit notes, by issue date, net of tax; the tax is shown beside it."),
    ),
    (
        _("Revenue by plan, coach and service"),
        _(
            "Invoices issued in the range minus credit notes issued in it, net of tax. A session paid at booking "
            "belongs to the session's coach and service; everything else to the client's coach."
        ),
    ),
    (
        _("Commission"),
        _(
            "Base = sessions (invoices of bookings on the coach's sessions, plus package credits used on them "
            "valued at the package's price per session) + memberships (membership invoices of the coach's "
            "clients), net of tax and of credit notes, in the range. Commission = base × rate ÷ 100, rounded "
            "half up."
        ),
    ),
]


# --- Helpers ------------------------------------------------------------------------------------------
def rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage with two decimals, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def local_range(*, start: date, end: date, time_zone: str) -> tuple[datetime, datetime]:
    """UTC bounds [from, to) of local dates `start`..`end` inclusive."""
    return periods.local_midnight(start, time_zone), periods.local_midnight(end + timedelta(days=1), time_zone)


def check_range(*, start: date, end: date) -> None:
    """A report's range: the end on or after the start, at most five years (a BillingError on `to`)."""
    from django.utils.translation import gettext

    from .errors import BillingError

    if end < start:
        raise BillingError(gettext("The end date is before the start date."), field="to")
    if (end - start).days > MAX_RANGE_DAYS:
        raise BillingError(gettext("Choose a range of at most five years."), field="to")


def default_range(*, organization, now: datetime | None = None) -> tuple[date, date]:
    """The last 12 local months, this one included."""
    tz = organization.time_zone
    now = now or timezone.now()
    first = periods.shift_months(periods.month_start(now, tz), -11, tz)
    return first.astimezone(zone(tz)).date(), periods.local_today(tz, now)


# --- MRR history --------------------------------------------------------------------------------------
@dataclass
class MrrMonth:
    month: date
    opening_minor: int = 0
    new_minor: int = 0
    expansion_minor: int = 0
    contraction_minor: int = 0
    churned_minor: int = 0
    reactivated_minor: int = 0
    closing_minor: int = 0
    customers_opening: int = 0
    customers_new: int = 0
    customers_churned: int = 0
    customers_reactivated: int = 0
    customers_closing: int = 0
    is_complete: bool = True

    @property
    def customer_churn_rate(self) -> Decimal | None:
        return rate(self.customers_churned, self.customers_opening)

    @property
    def revenue_churn_rate(self) -> Decimal | None:
        return rate(self.churned_minor + self.contraction_minor, self.opening_minor)

    @property
    def net_revenue_retention(self) -> Decimal | None:
        kept = self.opening_minor + self.expansion_minor - self.contraction_minor - self.churned_minor
        return rate(kept, self.opening_minor)

    @property
    def arpu_minor(self) -> int | None:
        if not self.customers_closing:
            return None
        return round_minor(Decimal(self.closing_minor) / self.customers_closing)


def _mrr_points(*, organization, months: int, now: datetime) -> tuple[list[date], list[datetime]]:
    """Measuring instants: the last instant of the month before the first reported one (the
    opening), of each reported month, and `now` for the current month; with the months' first
    days (local)."""
    tz = organization.time_zone
    current = periods.month_start(now, tz)
    month_starts = [periods.shift_months(current, -k, tz) for k in range(months, -1, -1)]
    instants = [periods.shift_months(m, 1, tz) - ONE_TICK for m in month_starts[:-1]] + [now]
    local = zone(tz)
    return [m.astimezone(local).date() for m in month_starts], instants


def mrr_by_client(*, organization, instants: list[datetime]) -> tuple[list[dict[int, int]], dict[int, datetime]]:
    """Each client's MRR (minor units) at each instant, and when each client's first paid
    membership period began. One query: the database adds up, per client and billing interval,
    the invoices covering each instant; normalising a sum is normalising its parts."""
    covering = {
        f"at_{i}": Sum(
            Case(When(period_start__lte=t, period_end__gt=t, then=F("total_minor")), default=Value(0)),
            output_field=IntegerField(),
        )
        for i, t in enumerate(instants)
    }
    rows = (
        Invoice.objects.for_org(organization)
        .filter(
            subscription__isnull=False,
            status__in=BILLED,
            currency=organization.currency,
            period_start__isnull=False,
            period_end__isnull=False,
            period_start__lte=instants[-1],
        )
        .values("subscription__client_id", "subscription__interval")
        .annotate(first_paid=Min("period_start", filter=Q(total_minor__gt=0)), **covering)
        .order_by()
        .values_list("subscription__client_id", "subscription__interval", "first_paid", *covering)
    )
    exact: list[dict[int, Decimal]] = [defaultdict(Decimal) for _i in instants]
    first_paid: dict[int, datetime] = {}
    for client_id, interval, first, *totals in rows:
        if first is not None and (client_id not in first_paid or first < first_paid[client_id]):
            first_paid[client_id] = first
        for point, total in zip(exact, totals, strict=True):
            if total:
                point[client_id] += monthly_equivalent(total, interval)
    points = [{c: round_minor(v) for c, v in point.items()} for point in exact]
    return [{c: v for c, v in point.items() if v > 0} for point in points], first_paid


def mrr_history(*, organization, months: int = 12, now: datetime | None = None) -> list[MrrMonth]:
    """The last `months` local months, oldest first, with their MRR movements."""
    now = now or timezone.now()
    month_dates, instants = _mrr_points(organization=organization, months=months, now=now)
    points, first_paid = mrr_by_client(organization=organization, instants=instants)
    result = []
    for k in range(1, len(points)):
        before, after = points[k - 1], points[k]
        row = MrrMonth(month=month_dates[k], is_complete=k < len(points) - 1)
        row.opening_minor = sum(before.values())
        row.closing_minor = sum(after.values())
        row.customers_opening, row.customers_closing = len(before), len(after)
        for client_id in before.keys() | after.keys():
            was, now_ = before.get(client_id, 0), after.get(client_id, 0)
            if was and not now_:
                row.churned_minor += was
                row.customers_churned += 1
            elif now_ and not was:
                # Back after paying before: a paid period began before last month's end.
                if first_paid.get(client_id, instants[k]) <= instants[k - 1]:
                    row.reactivated_minor += now_
                    row.customers_reactivated += 1
                else:
                    row.new_minor += now_
                    row.customers_new += 1
            elif now_ > was:
                row.expansion_minor += now_ - was
            elif now_ < was:
                row.contraction_minor += was - now_
        result.append(row)
    return result


@dataclass
class Metrics:
    currency: str
    mrr_minor: int
    paying_customers: int
    arpu_minor: int | None
    last_month: MrrMonth | None
    average_customer_churn_rate: Decimal | None
    lifetime_value_minor: int | None
    churn_months: int = 0
    months: list[MrrMonth] = field(default_factory=list)


def metrics_from_history(*, organization, history: list[MrrMonth]) -> Metrics:
    current = history[-1]
    complete = [m for m in history if m.is_complete][-LTV_MONTHS:]
    rates = [m.customer_churn_rate for m in complete if m.customers_opening]
    average = (sum(rates, Decimal(0)) / len(rates)).quantize(Decimal("0.01")) if rates else None
    arpu = current.arpu_minor
    ltv = None
    if arpu is not None and average:
        ltv = round_minor(Decimal(arpu) * 100 / average)
    return Metrics(
        currency=organization.currency,
        mrr_minor=current.closing_minor,
        paying_customers=current.customers_closing,
        arpu_minor=arpu,
        last_month=complete[-1] if complete else None,
        average_customer_churn_rate=average,
        lifetime_value_minor=ltv,
        churn_months=len(rates),
        months=history,
    )


def revenue_metrics(*, organization, now: datetime | None = None) -> Metrics:
    """Churn, retention, ARPU and lifetime value, from the last months' MRR history."""
    history = mrr_history(organization=organization, months=LTV_MONTHS + 1, now=now)
    return metrics_from_history(organization=organization, history=history)


# --- Cash and accrual ---------------------------------------------------------------------------------
def _month_keys(start: date, end: date) -> list[date]:
    keys, cursor = [], start.replace(day=1)
    while cursor <= end:
        keys.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return keys


def _by_month(qs, field_name: str, tzinfo, **sums) -> dict[date, dict]:
    rows = qs.annotate(month=TruncMonth(field_name, tzinfo=tzinfo)).values("month").annotate(**sums)
    out = {}
    for row in rows:
        month = row.pop("month")
        out[month.date() if isinstance(month, datetime) else month] = {k: v or 0 for k, v in row.items()}
    return out


def cash_accrual(*, organization, start: date, end: date) -> dict:
    """Per local month of the range and in total: cash (payments minus refunds, tax included)
    and accrual (invoices minus credit notes, net of tax, with the tax beside it)."""
    tz = organization.time_zone
    tzinfo = zone(tz)
    lower, upper = local_range(start=start, end=end, time_zone=tz)
    currency = organization.currency
    payments = Payment.objects.for_org(organization).filter(
        status=Payment.Status.SUCCEEDED, currency=currency, received_at__gte=lower, received_at__lt=upper
    )
    notes = CreditNote.objects.for_org(organization).filter(
        currency=currency, issued_at__gte=lower, issued_at__lt=upper
    )
    invoices = (
        Invoice.objects.for_org(organization)
        .filter(currency=currency, issued_at__gte=lower, issued_at__lt=upper)
        .exclude(status=Invoice.Status.DRAFT)
    )
    received = _by_month(payments, "received_at", tzinfo, amount=Sum("amount_minor"))
    credited = _by_month(notes, "issued_at", tzinfo, amount=Sum("amount_minor"), tax=Sum("tax_minor"))
    # A voided invoice was issued and then taken back: it counts in neither.
    invoiced = _by_month(
        invoices.exclude(status=Invoice.Status.VOID),
        "issued_at",
        tzinfo,
        net=Sum("subtotal_minor"),
        tax=Sum("tax_minor"),
    )
    rows = []
    for month in _month_keys(start, end):
        got = received.get(month, {}).get("amount", 0)
        note = credited.get(month, {"amount": 0, "tax": 0})
        inv = invoiced.get(month, {"net": 0, "tax": 0})
        note_net = note["amount"] - note["tax"]
        rows.append(
            {
                "month": month,
                "received_minor": got,
                "refunded_minor": note["amount"],
                "cash_minor": got - note["amount"],
                "invoiced_net_minor": inv["net"],
                "credited_net_minor": note_net,
                "accrual_net_minor": inv["net"] - note_net,
                "tax_minor": inv["tax"] - note["tax"],
            }
        )
    totals = {key: sum(r[key] for r in rows) for key in rows[0] if key != "month"} if rows else {}
    return {"currency": currency, "start": start, "end": end, "months": rows, "totals": totals}


# --- Revenue by plan, coach, service ------------------------------------------------------------------
GROUPS = ("plan", "coach", "service")


@dataclass
class RevenueRow:
    key: str
    label: str
    invoiced_minor: int = 0
    credited_minor: int = 0

    @property
    def net_minor(self) -> int:
        return self.invoiced_minor - self.credited_minor


def _booking_invoices(*, organization, invoice_ids) -> dict[int, dict]:
    """Invoices paid for a booking at booking time: invoice id -> the session's coach and service.
    Billing records those payments for booking as `payment:<id>` references."""
    from booking.models import BookingPayment

    refs = (
        BookingPayment.objects.for_org(organization)
        .filter(reference__startswith="payment:")
        .values_list(
            "reference",
            "booking__session__coach_id",
            "booking__session__service_id",
            "booking__session__service__name",
        )
    )
    by_payment = {}
    for reference, coach_id, service_id, service_name in refs:
        pk = reference.split(":", 1)[1]
        if pk.isdigit():
            by_payment[int(pk)] = {"coach_id": coach_id, "service_id": service_id, "service": service_name}
    if not by_payment:
        return {}
    out = {}
    payments = Payment.objects.for_org(organization).filter(pk__in=by_payment.keys())
    if invoice_ids is not None:
        payments = payments.filter(invoice_id__in=invoice_ids)
    for payment_id, invoice_id in payments.values_list("id", "invoice_id"):
        out.setdefault(invoice_id, by_payment[payment_id])
    return out


def _coach_names(organization, coach_ids) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=[c for c in coach_ids if c]).only("full_name", "email")
    return {u.pk: (u.full_name or u.email) for u in users}


def _range_invoices(organization, start: date, end: date):
    lower, upper = local_range(start=start, end=end, time_zone=organization.time_zone)
    return Invoice.objects.for_org(organization).filter(
        currency=organization.currency, status__in=BILLED, issued_at__gte=lower, issued_at__lt=upper
    )


def _range_notes(organization, start: date, end: date) -> list[tuple]:
    lower, upper = local_range(start=start, end=end, time_zone=organization.time_zone)
    return list(
        CreditNote.objects.for_org(organization)
        .filter(currency=organization.currency, issued_at__gte=lower, issued_at__lt=upper)
        .values_list("invoice_id", "amount_minor", "tax_minor", "invoice__client__coach_id", "invoice__subscription_id")
    )


def _range_documents(organization, start: date, end: date):
    invoices = _range_invoices(organization, start, end).values_list(
        "id", "subtotal_minor", "client__coach_id", "subscription_id"
    )
    return list(invoices), _range_notes(organization, start, end)


def _revenue_by_plan(organization, start: date, end: date, row) -> None:
    """Invoice lines added up by plan in the database; a credit note shared among its invoice's
    lines in proportion to their net, largest remainder first."""
    no_plan = _("No plan (one-off lines)")
    invoiced = (
        InvoiceLine.objects.for_org(organization)
        .filter(invoice__in=_range_invoices(organization, start, end))
        .values_list("plan_id", "plan__name")
        .annotate(net=Sum("net_minor"))
        .order_by()
    )
    for plan_id, plan_name, net in invoiced:
        row(plan_id or "none", plan_name or no_plan).invoiced_minor += net or 0
    notes = _range_notes(organization, start, end)
    lines = defaultdict(list)
    for invoice_id, plan_id, plan_name, net in (
        InvoiceLine.objects.for_org(organization)
        .filter(invoice_id__in={n[0] for n in notes})
        .order_by("invoice_id", "position", "id")
        .values_list("invoice_id", "plan_id", "plan__name", "net_minor")
    ):
        lines[invoice_id].append((plan_id or "none", plan_name or no_plan, net))
    for invoice_id, amount, tax, *_rest in notes:
        parts = lines[invoice_id] or [("none", no_plan, 1)]
        shares = _allocate(amount - tax, [max(p[2], 0) for p in parts])
        for (key, label, _net), share in zip(parts, shares, strict=True):
            row(key, label).credited_minor += share


def revenue_by(*, organization, group: str, start: date, end: date) -> list[RevenueRow]:
    """Net revenue (accrual, net of tax) of the range by plan, by coach or by service, largest first."""
    if group not in GROUPS:
        raise ValueError(group)
    rows: dict[str, RevenueRow] = {}

    def row(key, label) -> RevenueRow:
        return rows.setdefault(str(key), RevenueRow(key=str(key), label=str(label)))

    if group == "plan":
        _revenue_by_plan(organization, start, end, row)
        return sorted(rows.values(), key=lambda r: (-r.net_minor, r.label))
    invoices, notes = _range_documents(organization, start, end)
    booked = _booking_invoices(organization=organization, invoice_ids=None)
    if group == "coach":
        coach_ids = {i[2] for i in invoices} | {n[3] for n in notes} | {b["coach_id"] for b in booked.values()}
        names = _coach_names(organization, coach_ids)

        def key_of(invoice_id, client_coach):
            coach = booked[invoice_id]["coach_id"] if invoice_id in booked else client_coach
            return (coach or "none", names.get(coach) or _("No coach"))

        for invoice_id, net, coach, _sub in invoices:
            row(*key_of(invoice_id, coach)).invoiced_minor += net
        for invoice_id, amount, tax, coach, _sub in notes:
            row(*key_of(invoice_id, coach)).credited_minor += amount - tax
    else:
        for invoice_id, net, _coach, _sub in invoices:
            if invoice_id in booked:
                row(booked[invoice_id]["service_id"], booked[invoice_id]["service"]).invoiced_minor += net
        for invoice_id, amount, tax, _coach, _sub in notes:
            if invoice_id in booked:
                row(booked[invoice_id]["service_id"], booked[invoice_id]["service"]).credited_minor += amount - tax
    return sorted(rows.values(), key=lambda r: (-r.net_minor, r.label))


# --- Commission ---------------------------------------------------------------------------------------
@dataclass
class CommissionRow:
    coach_id: int
    coach: str
    sessions_minor: int = 0
    credits_used: int = 0
    credits_minor: int = 0
    memberships_minor: int = 0
    rate: Decimal = Decimal("0.00")

    @property
    def base_minor(self) -> int:
        return self.sessions_minor + self.credits_minor + self.memberships_minor

    @property
    def commission_minor(self) -> int:
        return round_minor(Decimal(self.base_minor) * self.rate / 100)


def team_coaches(*, organization) -> dict[int, str]:
    """Owners and coaches of the business (assistants earn no commission): user id -> name."""
    from accounts.selectors import team_members
    from mecto.roles import COACH, OWNER

    members = team_members(organization=organization).filter(role__in=[OWNER, COACH])
    named = {m.user_id: (m.user.full_name or m.user.email) for m in members}
    return dict(sorted(named.items(), key=lambda item: item[1].lower()))


def _credit_values(organization, source_refs) -> dict[str, int]:
    """Package credit source -> what one credit is worth: the package's invoiced amount (net of
    tax) ÷ the sessions it gave, rounded half up."""
    values = {}
    purchases = Purchase.objects.for_org(organization).filter(credit_source_ref__in=source_refs)
    rows = list(purchases.values_list("credit_source_ref", "invoice_id", "plan_id", "sessions"))
    nets = defaultdict(int)
    for invoice_id, plan_id, net in (
        InvoiceLine.objects.for_org(organization)
        .filter(invoice_id__in={r[1] for r in rows}, plan_id__in={r[2] for r in rows})
        .values_list("invoice_id", "plan_id", "net_minor")
    ):
        nets[(invoice_id, plan_id)] += net
    for source_ref, invoice_id, plan_id, sessions in rows:
        if sessions:
            values[source_ref] = round_minor(Decimal(nets[(invoice_id, plan_id)]) / sessions)
    return values


def commission_report(*, organization, start: date, end: date, coach_id: int | None = None) -> list[CommissionRow]:
    """Per coach: sessions, package credits used and membership revenue of the range, the rate
    and the commission. `coach_id` narrows to one coach's row."""
    from booking.models import CreditEntry

    tz = organization.time_zone
    lower, upper = local_range(start=start, end=end, time_zone=tz)
    coaches = team_coaches(organization=organization)
    if coach_id is not None:
        coaches = {k: v for k, v in coaches.items() if k == coach_id}
    rows = {pk: CommissionRow(coach_id=pk, coach=name) for pk, name in coaches.items()}
    for row_coach, value in CoachCommission.objects.for_org(organization).values_list("coach_id", "rate"):
        if row_coach in rows:
            rows[row_coach].rate = value

    invoices, notes = _range_documents(organization, start, end)
    booked = _booking_invoices(organization=organization, invoice_ids=None)
    for invoice_id, net, client_coach, subscription_id in invoices:
        if invoice_id in booked and booked[invoice_id]["coach_id"] in rows:
            rows[booked[invoice_id]["coach_id"]].sessions_minor += net
        elif subscription_id and client_coach in rows:
            rows[client_coach].memberships_minor += net
    for invoice_id, amount, tax, client_coach, subscription_id in notes:
        if invoice_id in booked and booked[invoice_id]["coach_id"] in rows:
            rows[booked[invoice_id]["coach_id"]].sessions_minor -= amount - tax
        elif subscription_id and client_coach in rows:
            rows[client_coach].memberships_minor -= amount - tax

    # Credits used on the coach's sessions: a use (−1) less any return (+1) in the range.
    entries = list(
        CreditEntry.objects.for_org(organization)
        .filter(
            kind__in=[CreditEntry.Kind.CONSUME, CreditEntry.Kind.RETURN],
            booking__isnull=False,
            created_at__gte=lower,
            created_at__lt=upper,
        )
        .values_list("booking__session__coach_id", "grant__source_ref", "delta")
    )
    values = _credit_values(organization, {e[1] for e in entries})
    for entry_coach, source_ref, delta in entries:
        if entry_coach in rows and source_ref in values:
            rows[entry_coach].credits_used -= delta
            rows[entry_coach].credits_minor -= delta * values[source_ref]
    return sorted(rows.values(), key=lambda r: r.coach.lower())
