"""Evaluating a segment: its rules become one client queryset, computed at use time.

A rule is `{"field": ..., "op": ..., "value": ...}` over a field of `SEGMENT_FIELDS`. Every
rule becomes a Q / Exists / Subquery expression on `Client`, so a whole segment, however many
rules it has, is one SQL query: `match="all"` joins them with AND, `"any"` with OR. Nothing
is stored: a campaign calls `clients_of(segment)` when it sends and gets today's clients.

`validate_rules` refuses an unknown field, operator or value (and a tag or coach of another
business) with a clear message; the services call it before anything is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from billing.models import Subscription
from booking.models import Booking, CreditGrant
from clients.models import Client, Tag
from clients.models_checkins import CheckIn
from mecto.comms.models import Channel, Consent
from mecto.errors import DomainError
from nutrition.models import Habit, HabitLog
from training.models import ScheduledWorkout, WorkoutLog

MAX_RULES = 20
MAX_DAYS = 3650
MAX_IDS = 50


class SegmentError(DomainError):
    """A segment's rules cannot be evaluated: unknown field, operator or value."""


# --- The field registry ------------------------------------------------------------------------------
# Value kinds, for the editor and the API:
#   choice    one of `choices` (a string)
#   tags      a list of tag ids of the business
#   coach     a user id of a member of the business (no value for "is none")
#   date      an ISO date (YYYY-MM-DD), read in the business's time zone
#   days      a whole number of days (1–3650)
#   number    a whole number (0 or more)
#   percent_days  {"percent": 0–100, "days": 1–3650}
#   none      no value
@dataclass(frozen=True)
class SegmentField:
    key: str
    label: str
    ops: dict  # op -> label
    kind: str | dict  # the value kind, or per op: {op: kind}
    choices: list = field(default_factory=list)  # [(value, label)]
    help: str = ""

    def kind_for(self, op: str) -> str:
        return self.kind.get(op, "none") if isinstance(self.kind, dict) else self.kind

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "help": str(self.help),
            "ops": [{"op": op, "label": str(label), "kind": self.kind_for(op)} for op, label in self.ops.items()],
            "choices": [{"value": v, "label": str(lbl)} for v, lbl in self.choices],
        }


MEMBERSHIP_CHOICES = [
    ("active", gettext_lazy("Active")),
    ("trialing", gettext_lazy("Trial")),
    ("past_due", gettext_lazy("Past due")),
    ("cancelled", gettext_lazy("Cancelled")),
    ("none", gettext_lazy("No live membership")),
]
_WITHIN = {"within": gettext_lazy("within the last N days"), "not_within": gettext_lazy("not within the last N days")}
_PERCENT = {"gte": gettext_lazy("at least (%)"), "lte": gettext_lazy("at most (%)")}
_CONSENT = {"granted": gettext_lazy("granted"), "not_granted": gettext_lazy("not granted")}

SEGMENT_FIELDS: dict[str, SegmentField] = {
    f.key: f
    for f in [
        SegmentField(
            "status",
            gettext_lazy("Status"),
            {"is": gettext_lazy("is"), "is_not": gettext_lazy("is not")},
            "choice",
            list(Client.Status.choices),
        ),
        SegmentField(
            "tags",
            gettext_lazy("Tags"),
            {
                "has_any": gettext_lazy("has any of"),
                "has_all": gettext_lazy("has all of"),
                "has_none": gettext_lazy("has none of"),
            },
            "tags",
        ),
        SegmentField(
            "coach",
            gettext_lazy("Coach"),
            {"is": gettext_lazy("is"), "is_none": gettext_lazy("is nobody")},
            {"is": "coach", "is_none": "none"},
        ),
        SegmentField(
            "created",
            gettext_lazy("Added"),
            {
                "before": gettext_lazy("before"),
                "after": gettext_lazy("on or after"),
                "within": gettext_lazy("within the last N days"),
            },
            {"before": "date", "after": "date", "within": "days"},
        ),
        SegmentField(
            "last_active",
            gettext_lazy("Last workout logged"),
            _WITHIN,
            "days",
            help=gettext_lazy("Active means a workout logged (the same measure as the inactive-client alert)."),
        ),
        SegmentField(
            "program",
            gettext_lazy("Training program"),
            {"assigned": gettext_lazy("assigned"), "not_assigned": gettext_lazy("not assigned")},
            "none",
            help=gettext_lazy("Assigned: a program with workouts from today on."),
        ),
        SegmentField(
            "credits",
            gettext_lazy("Package credits left"),
            {"gte": gettext_lazy("at least"), "lte": gettext_lazy("at most"), "eq": gettext_lazy("exactly")},
            "number",
        ),
        SegmentField(
            "membership",
            gettext_lazy("Membership"),
            {"is": gettext_lazy("is")},
            "choice",
            MEMBERSHIP_CHOICES,
        ),
        SegmentField(
            "booked",
            gettext_lazy("Booked a session"),
            _WITHIN,
            "days",
            help=gettext_lazy("A booking made in the period and not cancelled."),
        ),
        SegmentField(
            "habit_adherence",
            gettext_lazy("Habit adherence"),
            _PERCENT,
            "percent_days",
            help=gettext_lazy("Habit days completed out of those due over the last N days (clients with habits)."),
        ),
        SegmentField(
            "checkin_adherence",
            gettext_lazy("Check-in adherence"),
            _PERCENT,
            "percent_days",
            help=gettext_lazy("Check-ins submitted out of those due over the last N days (clients with check-ins)."),
        ),
        SegmentField("email_consent", gettext_lazy("Email marketing consent"), _CONSENT, "none"),
        SegmentField("sms_consent", gettext_lazy("Text message marketing consent"), _CONSENT, "none"),
    ]
}
MATCH_CHOICES = [("all", gettext_lazy("All rules")), ("any", gettext_lazy("Any rule"))]


def fields_registry() -> list[dict]:
    return [f.as_dict() for f in SEGMENT_FIELDS.values()]


# --- Validation ----------------------------------------------------------------------------------------
def _int(value, low: int, high: int, what: str) -> int:
    if isinstance(value, bool):
        raise ValueError(what)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not low <= value <= high:
        raise ValueError(what)
    return value


def _clean_value(organization, spec: SegmentField, op: str, value):
    kind = spec.kind_for(op)
    if kind == "none":
        return None
    if kind == "choice":
        allowed = [v for v, _label in spec.choices]
        if value not in allowed:
            raise ValueError(_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)})
        return value
    if kind == "days":
        return _int(value, 1, MAX_DAYS, _("Enter a number of days from 1 to %(max)s.") % {"max": MAX_DAYS})
    if kind == "number":
        return _int(value, 0, 100000, _("Enter a whole number, 0 or more."))
    if kind == "date":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except (ValueError, TypeError):
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
    if kind == "percent_days":
        if not isinstance(value, dict):
            raise ValueError(_("Give a percentage and a number of days."))
        percent = _int(value.get("percent"), 0, 100, _("Enter a percentage from 0 to 100."))
        days = _int(value.get("days"), 1, MAX_DAYS, _("Enter a number of days from 1 to %(max)s.") % {"max": MAX_DAYS})
        return {"percent": percent, "days": days}
    if kind == "tags":
        if not isinstance(value, list) or not value or len(value) > MAX_IDS:
            raise ValueError(_("Choose at least one tag."))
        ids = {_int(v, 1, 2**63 - 1, _("Choose tags of this business.")) for v in value}
        found = set(Tag.objects.for_org(organization).filter(pk__in=ids).values_list("pk", flat=True))
        if found != ids:
            raise ValueError(_("Choose tags of this business."))
        return sorted(ids)
    if kind == "coach":
        user_id = _int(value, 1, 2**63 - 1, _("Choose a coach of this business."))
        if not Membership.objects.for_org(organization).filter(user_id=user_id).exists():
            raise ValueError(_("Choose a coach of this business."))
        return user_id
    raise ValueError(_("Unknown value type."))  # pragma: no cover - every kind is handled above


def validate_rules(organization, rules, match: str = "all") -> list[dict]:
    """The rules, cleaned (ids checked against the business); SegmentError says what is wrong."""
    if match not in ("all", "any"):
        raise SegmentError(_("Match must be “all” or “any”."), field="match")
    if not isinstance(rules, list):
        raise SegmentError(_("Rules must be a list of {field, op, value}."), field="rules")
    if len(rules) > MAX_RULES:
        raise SegmentError(_("A segment has at most %(n)s rules.") % {"n": MAX_RULES}, field="rules")
    cleaned = []
    for number, rule in enumerate(rules, start=1):
        if not isinstance(rule, dict):
            raise SegmentError(_("Rule %(n)s: expected {field, op, value}.") % {"n": number}, field="rules")
        spec = SEGMENT_FIELDS.get(rule.get("field")) if isinstance(rule.get("field"), str) else None
        if spec is None:
            raise SegmentError(
                _("Rule %(n)s: unknown field “%(field)s”.") % {"n": number, "field": rule.get("field")}, field="rules"
            )
        op = rule.get("op")
        if not isinstance(op, str) or op not in spec.ops:
            raise SegmentError(
                _("Rule %(n)s: %(label)s cannot use “%(op)s”; use one of: %(ops)s.")
                % {"n": number, "label": spec.label, "op": op, "ops": ", ".join(spec.ops)},
                field="rules",
            )
        try:
            value = _clean_value(organization, spec, op, rule.get("value"))
        except ValueError as exc:
            raise SegmentError(
                _("Rule %(n)s (%(label)s): %(error)s") % {"n": number, "label": spec.label, "error": exc},
                field="rules",
            )
        cleaned.append({"field": spec.key, "op": op, "value": value})
    return cleaned


# --- Rules → SQL ----------------------------------------------------------------------------------------
class JSONArrayLength(Func):
    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


def _zone(organization) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(organization, "time_zone", "") or "UTC")
    except Exception:
        return ZoneInfo("UTC")


def _today(organization, now) -> dt.date:
    return now.astimezone(_zone(organization)).date()


def _start_of(organization, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone(organization))


def _credits(organization, op: str, value: int, now) -> Q:
    """Clients whose usable credits compare to `value`, as booking's ledger derives them: the sum
    of what is left (never below 0) of their unexpired grants. A client without one has 0, so
    when 0 itself matches, the rule selects everyone but the clients whose balance does not."""
    grants = (
        CreditGrant.objects.filter(organization=organization)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values("pk", "client", "quantity")
        .annotate(remaining=Greatest(F("quantity") + Coalesce(Sum("entries__delta"), 0), 0))
        .values("client", "remaining")
        .order_by()
    )
    # What is left is clamped per grant before the client's grants are summed: two levels of
    # grouping, which the ORM cannot nest, so the grouped grants' SQL is grouped again here.
    grants_sql, params = grants.query.sql_with_params()
    comparison = {"gte": ">=", "lte": "<=", "eq": "="}[op]
    zero_matches = {"gte": value <= 0, "lte": value >= 0, "eq": value == 0}[op]
    having = f"NOT (SUM(g.remaining) {comparison} %s)" if zero_matches else f"SUM(g.remaining) {comparison} %s"
    balances = RawSQL(f"SELECT g.client FROM ({grants_sql}) g GROUP BY g.client HAVING {having}", (*params, value))
    return ~Q(pk__in=balances) if zero_matches else Q(pk__in=balances)


def _count(qs):
    return Coalesce(Subquery(qs.values("client").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0)


def _checkin_adherence(organization, days: int, percent: int, op: str, now):
    """Clients with check-ins due in the last `days` whose submitted share is >= / <= percent:
    one grouped pass over the window's check-ins (not one subquery per client)."""
    share = F("done") * 100 - F("due") * percent
    rows = (
        CheckIn.objects.filter(organization=organization, due_at__gte=now - dt.timedelta(days=days), due_at__lte=now)
        .values("client")
        .annotate(due=Count("pk"), done=Count("pk", filter=Q(submitted_at__isnull=False)))
        .annotate(share=share)
        .filter(**{"due__gt": 0, f"share__{op}": 0})
        .values("client")
    )
    return Q(pk__in=rows)


def _habit_adherence(organization, days: int, percent: int, op: str, now):
    """Clients with habits due over the last `days` settled days (yesterday back) whose
    completed share is >= / <= percent. Due days are estimated from each habit's frequency."""
    today = _today(organization, now)
    first, last = today - dt.timedelta(days=days), today - dt.timedelta(days=1)
    rate = Case(
        When(frequency="daily", then=Value(1.0)),
        When(frequency="weekdays", then=Cast(JSONArrayLength("weekdays"), FloatField()) / 7.0),
        When(frequency="times_per_week", then=Cast(F("times_per_week"), FloatField()) / 7.0),
        When(frequency="every_n_days", then=1.0 / Cast(Greatest(F("interval_days"), 1), FloatField())),
        When(frequency="once", then=Value(1.0 / days)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    expected = (
        Habit.objects.filter(organization=organization, is_archived=False, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values("client")
        .annotate(expected=Sum(rate * days, output_field=FloatField()))
        .values("client", "expected")
        .order_by()
    )
    # Every completed day in the window counts, whichever habit it was logged for.
    done = (
        HabitLog.objects.filter(organization=organization, is_complete=True, date__gte=first, date__lte=last)
        .values("client")
        .annotate(done=Count("pk"))
        .values("client", "done")
        .order_by()  # the default ordering (by habit, then client) would join both tables
    )
    # The ORM cannot join two grouped queries, so their SQL is joined here: one grouped pass
    # each (hashed by the planner) instead of counting each client's logs in a subquery.
    expected_sql, expected_params = expected.query.sql_with_params()
    done_sql, done_params = done.query.sql_with_params()
    comparison = {"gte": ">=", "lte": "<="}[op]
    rows = RawSQL(
        f"SELECT e.client FROM ({expected_sql}) e LEFT JOIN ({done_sql}) d ON d.client = e.client"
        f" WHERE e.expected > 0 AND COALESCE(d.done, 0) * 100.0 - e.expected * %s {comparison} 0",
        (*expected_params, *done_params, float(percent)),
    )
    return Q(pk__in=rows)


def _latest_per(rows, key: str):
    """Of `rows`, the latest (by time, then id) for each value of `key`, as (key, id, recorded_at, granted)."""
    later = rows.filter(**{key: OuterRef(key)}).filter(
        Q(recorded_at__gt=OuterRef("recorded_at")) | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    return rows.exclude(Exists(later)).values(key, "id", "recorded_at", "granted").order_by()


def _sms_granted_clients(organization):
    """Clients whose latest text-message consent grants. A row belongs to the number or to the
    client (a STOP from a number they no longer use), so the later of the latest row for their
    number and the latest row for them answers; each is one hashed pass over the business's rows."""
    rows = Consent.objects.filter(organization=organization, channel=Channel.SMS)
    by_number_sql, by_number_params = _latest_per(rows, "address").query.sql_with_params()
    by_client_sql, by_client_params = _latest_per(
        rows.filter(client_id__isnull=False), "client_id"
    ).query.sql_with_params()
    clients = Client.objects.for_org(organization).exclude(phone="").values("id", "phone").order_by()
    clients_sql, clients_params = clients.query.sql_with_params()
    # Joining three grouped queries is beyond the ORM: their SQL is joined here.
    return RawSQL(
        f"SELECT c.id FROM ({clients_sql}) c"
        f" LEFT JOIN ({by_number_sql}) n ON n.address = c.phone"
        f" LEFT JOIN ({by_client_sql}) k ON k.client_id = c.id"
        " WHERE CASE WHEN k.id IS NULL THEN n.granted"
        " WHEN n.id IS NULL THEN k.granted"
        " WHEN n.recorded_at > k.recorded_at OR (n.recorded_at = k.recorded_at AND n.id > k.id) THEN n.granted"
        " ELSE k.granted END",
        (*clients_params, *by_number_params, *by_client_params),
    )


def _granted_addresses(organization, channel: str):
    """The addresses whose latest consent row grants: one hashed anti-join over the business's
    rows instead of a lookup per client."""
    latest = _latest_per(Consent.objects.filter(organization=organization, channel=channel), "address")
    return latest.filter(granted=True).values("address")


def _rule(organization, index: int, rule: dict, now) -> tuple[Q, dict]:
    """One rule as (condition, aliases it needs)."""
    key, op, value = rule["field"], rule["op"], rule["value"]
    name = f"seg_{index}"
    client = OuterRef("pk")
    if key == "status":
        q = Q(status=value)
        return (q if op == "is" else ~q), {}
    if key == "tags":
        if op == "has_all":
            return Q(**{f"{name}__gte": len(value)}), {name: _count_tags(value)}
        q = Q(Exists(Client.tags.through.objects.filter(organization=organization, client=client, tag_id__in=value)))
        return (q if op == "has_any" else ~q), {}
    if key == "coach":
        return (Q(coach_id=value) if op == "is" else Q(coach__isnull=True)), {}
    if key == "created":
        if op == "within":
            return Q(created_at__gte=now - dt.timedelta(days=value)), {}
        start = _start_of(organization, dt.date.fromisoformat(value))
        return (Q(created_at__lt=start) if op == "before" else Q(created_at__gte=start)), {}
    if key == "last_active":
        q = Q(
            Exists(
                WorkoutLog.objects.filter(
                    organization=organization, client=client, performed_at__gte=now - dt.timedelta(days=value)
                )
            )
        )
        return (q if op == "within" else ~q), {}
    if key == "program":
        today = _today(organization, now)
        q = Q(Exists(ScheduledWorkout.objects.filter(organization=organization, client=client, date__gte=today)))
        return (q if op == "assigned" else ~q), {}
    if key == "credits":
        return _credits(organization, op, value, now), {}
    if key == "membership":
        # IN over the business's subscriptions: one hashed pass, also when rules are ORed.
        subs = Subscription.objects.filter(organization=organization)
        if value == "none":
            return ~Q(pk__in=subs.filter(status__in=Subscription.LIVE_STATUSES).values("client_id")), {}
        return Q(pk__in=subs.filter(status=value).values("client_id")), {}
    if key == "booked":
        q = Q(
            Exists(
                Booking.objects.filter(
                    organization=organization, client=client, created_at__gte=now - dt.timedelta(days=value)
                ).exclude(status=Booking.Status.CANCELLED)
            )
        )
        return (q if op == "within" else ~q), {}
    if key in ("habit_adherence", "checkin_adherence"):
        build = _habit_adherence if key == "habit_adherence" else _checkin_adherence
        return build(organization, value["days"], value["percent"], op, now), {}
    if key == "email_consent":
        granted = Q(email__in=_granted_addresses(organization, Channel.EMAIL)) & ~Q(email="")
        return (granted if op == "granted" else ~granted), {}
    if key == "sms_consent":
        granted = Q(pk__in=_sms_granted_clients(organization))
        return (granted if op == "granted" else ~granted), {}
    raise SegmentError(_("Unknown field “%(field)s”.") % {"field": key}, field="rules")  # pragma: no cover


def _count_tags(tag_ids):
    return _count(Client.tags.through.objects.filter(client=OuterRef("pk"), tag_id__in=tag_ids))


def evaluate(organization, rules: list, match: str = "all", *, now=None, validated: bool = False):
    """The clients of `organization` the rules select (a lazy queryset: one SQL query).

    `rules` are validated first (SegmentError when they cannot be evaluated) unless the
    caller says they already were (`validated=True`, e.g. a saved segment)."""
    if not validated:
        rules = validate_rules(organization, rules, match)
    now = now or timezone.now()
    qs = Client.objects.for_org(organization)
    if not rules:
        return qs
    conditions, aliases = [], {}
    for index, rule in enumerate(rules):
        q, needed = _rule(organization, index, rule, now)
        conditions.append(q)
        aliases.update(needed)
    combined = conditions[0]
    for q in conditions[1:]:
        combined = (combined & q) if match == "all" else (combined | q)
    if aliases:
        qs = qs.alias(**aliases)
    return qs.filter(combined)


def clients_of(segment, *, now=None):
    """The segment's clients now (evaluated when called: a campaign calls it when it sends)."""
    return evaluate(segment.organization, segment.rules, segment.match, now=now)


def count(organization, rules: list, match: str = "all", *, now=None) -> int:
    return evaluate(organization, rules, match, now=now).count()


def sample(organization, rules: list, match: str = "all", *, limit: int = 5, now=None) -> tuple[int, list]:
    """(count, the first few clients by name): what the builder shows as the coach edits."""
    qs = evaluate(organization, rules, match, now=now)
    return qs.count(), list(qs.order_by("first_name", "last_name", "id")[:limit])


def describe(rules: list) -> str:
    """A one-line summary of the rules, e.g. for the admin and the list page."""
    parts = []
    for rule in rules or []:
        spec = SEGMENT_FIELDS.get(rule.get("field")) if isinstance(rule, dict) else None
        if spec is None:
            continue
        value = rule.get("value")
        if isinstance(value, dict):
            value = f"{value.get('percent')}% / {value.get('days')} d"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif spec.kind_for(rule.get("op")) == "choice":
            value = dict(spec.choices).get(value, value)
        label = spec.ops.get(rule.get("op"), rule.get("op"))
        parts.append(" ".join(str(p) for p in (spec.label, label, value) if p not in (None, "")))
    return "; ".join(parts)
