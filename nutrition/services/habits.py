"""Every write of habits: the library, assigning, logging a day, freeze days, broken streaks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.errors import DomainError
from mecto.events import emit, register_event_type

from .. import habits as rules
from ..models import Habit, HabitFreeze, HabitLog, HabitSettings, HabitStreakBreak, HabitTemplate
from ..models.habits import HabitFrequency, HabitKind, HabitQuantity

register_event_type("habit.completed", _("A client completed a habit for the day"))
register_event_type("habit.streak_broken", _("A client's habit streak ended (after the grace period)"))

RULE_FIELDS = (
    "name",
    "description",
    "kind",
    "goal",
    "quantity",
    "unit_label",
    "frequency",
    "weekdays",
    "times_per_week",
    "interval_days",
    "grace_hour",
)
HABIT_FIELDS = (*RULE_FIELDS, "start_date", "end_date", "reminder_time")
TEMPLATE_FIELDS = (*RULE_FIELDS, "duration_days")
MAX_VALUE = Decimal("1000000")
# Broken streaks are looked for this many days back, so a task run that was missed catches up.
BREAK_LOOKBACK_DAYS = 3


class HabitError(DomainError):
    pass


# --- Settings ----------------------------------------------------------------------------------------
def habit_settings(organization) -> HabitSettings:
    """The business's habit settings; unsaved defaults when it has set none."""
    found = HabitSettings.objects.filter(organization=organization).first()
    return found or HabitSettings(organization=organization)


@transaction.atomic
def update_habit_settings(*, organization, actor=None, grace_hour: int, clients_may_add: bool) -> HabitSettings:
    if grace_hour is None or not 0 <= int(grace_hour) <= 23:
        raise HabitError(_("Choose an hour from 0 to 23."), field="grace_hour")
    row, _created = HabitSettings.objects.get_or_create(organization=organization)
    row.grace_hour, row.clients_may_add = int(grace_hour), bool(clients_may_add)
    row.save()
    return row


def grace_hour_for(habit: Habit, settings: HabitSettings | None = None) -> int:
    if habit.grace_hour is not None:
        return habit.grace_hour
    return (settings or habit_settings(habit.organization)).grace_hour


def schedule_of(habit) -> rules.Schedule:
    return rules.Schedule(
        frequency=habit.frequency,
        start=habit.start_date,
        end=habit.end_date,
        weekdays=frozenset(habit.weekdays or []),
        times_per_week=habit.times_per_week,
        interval_days=habit.interval_days,
    )


def clock_for(habit: Habit, *, now: datetime | None = None, settings: HabitSettings | None = None) -> rules.Clock:
    return rules.clock_at(now or timezone.now(), habit.client.time_zone, grace_hour_for(habit, settings))


# --- Validation shared by habits and templates ---------------------------------------------------------
def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise HabitError(_("Enter a number."), field=field) from None
    if not number.is_finite() or number < 0 or number > MAX_VALUE:
        raise HabitError(_("Enter a number from 0 to 1,000,000."), field=field)
    return number


def _clean_rules(data: dict) -> dict:
    """Check a habit's (or template's) rules; clear the fields its type and frequency do not use."""
    name = (data.get("name") or "").strip()
    if not name:
        raise HabitError(_("Give the habit a name."), field="name")
    if len(name) > 120:
        raise HabitError(_("Keep the name to 120 characters."), field="name")
    data["name"] = name
    kind, frequency = data.get("kind") or HabitKind.YES_NO, data.get("frequency") or HabitFrequency.DAILY
    if kind not in HabitKind.values:
        raise HabitError(_("Choose yes/no, count, minutes or a number."), field="kind")
    if frequency not in HabitFrequency.values:
        raise HabitError(_("Choose how often the habit is due."), field="frequency")
    data["kind"], data["frequency"] = kind, frequency
    goal = _decimal(data.get("goal"), "goal")
    if kind == HabitKind.YES_NO:
        goal = None
    elif kind in (HabitKind.COUNT, HabitKind.DURATION) and (not goal or goal != goal.to_integral()):
        raise HabitError(_("Set a goal of a whole number above zero, for example 8."), field="goal")
    data["goal"] = goal
    quantity = data.get("quantity") or HabitQuantity.PLAIN
    if quantity not in HabitQuantity.values:
        raise HabitError(_("Choose what the number measures."), field="quantity")
    data["quantity"] = quantity if kind == HabitKind.NUMBER else HabitQuantity.PLAIN
    data["unit_label"] = (data.get("unit_label") or "").strip()[:24] if kind in ("count", "number") else ""
    weekdays = data.get("weekdays") or []
    if frequency == HabitFrequency.WEEKDAYS:
        try:
            weekdays = sorted({int(d) for d in weekdays})
        except (TypeError, ValueError):
            raise HabitError(_("Choose days of the week."), field="weekdays") from None
        if not weekdays or any(d < 1 or d > 7 for d in weekdays):
            raise HabitError(_("Choose at least one day of the week."), field="weekdays")
    data["weekdays"] = weekdays if frequency == HabitFrequency.WEEKDAYS else []
    times = data.get("times_per_week")
    if frequency == HabitFrequency.TIMES_PER_WEEK and (not isinstance(times, int) or not 1 <= times <= 7):
        raise HabitError(_("Choose from 1 to 7 times a week."), field="times_per_week")
    data["times_per_week"] = times if frequency == HabitFrequency.TIMES_PER_WEEK else None
    interval = data.get("interval_days")
    if frequency == HabitFrequency.EVERY_N_DAYS and (not isinstance(interval, int) or not 2 <= interval <= 365):
        raise HabitError(_("Choose every 2 to 365 days."), field="interval_days")
    data["interval_days"] = interval if frequency == HabitFrequency.EVERY_N_DAYS else None
    grace = data.get("grace_hour")
    if grace is not None and (not isinstance(grace, int) or not 0 <= grace <= 23):
        raise HabitError(_("Choose an hour from 0 to 23."), field="grace_hour")
    if len(data.get("description") or "") > 1000:
        raise HabitError(_("Keep the description to 1,000 characters."), field="description")
    data["description"] = data.get("description") or ""
    return data


def _clean_dates(data: dict) -> dict:
    start, end = data.get("start_date"), data.get("end_date")
    if start is None:
        raise HabitError(_("Say when the habit starts."), field="start_date")
    if end is not None and end < start:
        raise HabitError(_("The end cannot be before the start."), field="end_date")
    if data.get("frequency") == HabitFrequency.ONCE:
        data["end_date"] = None
    return data


# --- Library -----------------------------------------------------------------------------------------------
@transaction.atomic
def create_template(*, organization, actor=None, **fields) -> HabitTemplate:
    data = _clean_rules({k: fields.get(k) for k in TEMPLATE_FIELDS})
    return HabitTemplate.objects.create(organization=organization, **data)


@transaction.atomic
def update_template(*, template: HabitTemplate, actor=None, **fields) -> HabitTemplate:
    current = {k: getattr(template, k) for k in TEMPLATE_FIELDS}
    data = _clean_rules({**current, **{k: v for k, v in fields.items() if k in TEMPLATE_FIELDS}})
    for key, value in data.items():
        setattr(template, key, value)
    template.save()
    return template


@transaction.atomic
def archive_template(*, template: HabitTemplate, actor=None, archived: bool = True) -> HabitTemplate:
    template.is_archived = archived
    template.save(update_fields=["is_archived"])
    return template


# --- A client's habits --------------------------------------------------------------------------------------
def _from_template(template: HabitTemplate | None, fields: dict, start: date) -> dict:
    if template is None:
        return fields
    data = {k: getattr(template, k) for k in RULE_FIELDS}
    data.update({k: v for k, v in fields.items() if v not in (None, "", [])})
    if template.duration_days and not fields.get("end_date"):
        data["end_date"] = start + timedelta(days=template.duration_days - 1)
    return data


@transaction.atomic
def assign_habit(
    *, client, actor=None, template: HabitTemplate | None = None, added_by_client: bool = False, **fields
) -> Habit:
    """Give a client a habit: from the library (`template`, fields given override it) or new."""
    if template is not None and (template.organization_id != client.organization_id or template.is_archived):
        raise HabitError(_("Choose a habit from your library."), field="template")
    today = rules.local_date(timezone.now(), client.time_zone)
    fields = {k: v for k, v in fields.items() if k in HABIT_FIELDS}
    fields.setdefault("start_date", None)
    start = fields["start_date"] or today
    fields["start_date"] = start
    data = _clean_dates(_clean_rules(_from_template(template, fields, start)))
    return Habit.objects.create(
        organization=client.organization,
        client=client,
        template=template,
        added_by_client=added_by_client,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{k: data.get(k) for k in HABIT_FIELDS},
    )


def add_own_habit(*, client, actor=None, template: HabitTemplate | None = None, **fields) -> Habit:
    """A client picks a habit from the library or writes one, when the business allows it."""
    if not habit_settings(client.organization).clients_may_add:
        raise HabitError(_("Your coach sets your habits."), code="forbidden")
    return assign_habit(client=client, actor=actor, template=template, added_by_client=True, **fields)


@transaction.atomic
def update_habit(*, habit: Habit, actor=None, **fields) -> Habit:
    current = {k: getattr(habit, k) for k in HABIT_FIELDS}
    data = _clean_dates(_clean_rules({**current, **{k: v for k, v in fields.items() if k in HABIT_FIELDS}}))
    for key in HABIT_FIELDS:
        if key in data:
            setattr(habit, key, data[key])
    habit.save()
    return habit


@transaction.atomic
def archive_habit(*, habit: Habit, actor=None, archived: bool = True) -> Habit:
    habit.is_archived = archived
    habit.save(update_fields=["is_archived", "updated_at"])
    return habit


# --- Freeze days ----------------------------------------------------------------------------------------------
@transaction.atomic
def grant_freeze(
    *, client, actor=None, start_date: date, end_date: date | None = None, habit: Habit | None = None, reason=""
) -> HabitFreeze:
    """Excuse days (illness, travel): they neither break nor extend a streak."""
    end_date = end_date or start_date
    if start_date is None:
        raise HabitError(_("Choose the first day."), field="start_date")
    if end_date < start_date:
        raise HabitError(_("The last day cannot be before the first."), field="end_date")
    if (end_date - start_date).days > 365:
        raise HabitError(_("Freeze at most a year at a time."), field="end_date")
    if habit is not None and habit.client_id != client.pk:
        raise HabitError(_("Choose one of this client's habits."), field="habit")
    return HabitFreeze.objects.create(
        organization=client.organization,
        client=client,
        habit=habit,
        start_date=start_date,
        end_date=end_date,
        reason=(reason or "")[:200],
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def remove_freeze(*, freeze: HabitFreeze, actor=None) -> None:
    freeze.delete()


def frozen_dates(freezes, habit_id: int) -> set[date]:
    days: set[date] = set()
    for f in freezes:
        if f.habit_id in (None, habit_id):
            days.update(f.start_date + timedelta(days=i) for i in range((f.end_date - f.start_date).days + 1))
    return days


# --- Logging a day -------------------------------------------------------------------------------------------------
def _lock(habit: Habit) -> Habit:
    # Lock the habit row: two taps on one habit must not both create the day's row.
    return Habit.objects.select_for_update().select_related("client", "organization").get(pk=habit.pk)


def _clean_value(habit: Habit, *, done, value) -> tuple[bool, Decimal | None]:
    if habit.kind == HabitKind.YES_NO:
        if done is None:
            raise HabitError(_("Say whether it was done."), field="done")
        return bool(done), None
    number = _decimal(value, "value")
    if number is None:
        raise HabitError(_("Enter how much."), field="value")
    if habit.kind in (HabitKind.COUNT, HabitKind.DURATION) and number != number.to_integral():
        raise HabitError(_("Enter a whole number."), field="value")
    return number > 0, number


@transaction.atomic
def log_habit(
    *,
    habit: Habit,
    client_uuid,
    day: date | None = None,
    done: bool | None = None,
    value=None,
    actor=None,
    now: datetime | None = None,
) -> tuple[HabitLog, bool]:
    """Set what the client did on `day` (their local date; default today). A day can be changed
    while it is today or yesterday inside the grace period. A retried request with the same
    `client_uuid` changes nothing. `habit.completed` is emitted the first time the day completes."""
    existing = HabitLog.objects.filter(client_id=habit.client_id, client_uuid=client_uuid).first()
    if existing is not None:
        if existing.habit_id != habit.pk:
            raise HabitError(_("This request id was already used for another habit."), field="client_uuid")
        return existing, False
    habit = _lock(habit)
    # A retry that raced the first request waited on the lock: it finds the first one's row now.
    existing = HabitLog.objects.filter(client_id=habit.client_id, client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    if habit.is_archived:
        raise HabitError(_("This habit is archived."), field="habit")
    now = now or timezone.now()
    clock = clock_for(habit, now=now)
    day = day or clock.today
    if day > clock.today:
        raise HabitError(_("A day in the future cannot be logged yet."), field="date")
    if not clock.can_log(day):
        raise HabitError(_("This day can no longer be changed."), field="date")
    if not schedule_of(habit).in_range(day):
        raise HabitError(_("The habit does not run on this date."), field="date")
    is_done, number = _clean_value(habit, done=done, value=value)
    log = HabitLog.objects.filter(habit=habit, date=day).first()
    created = log is None
    if created:
        log = HabitLog(organization=habit.organization, habit=habit, client=habit.client, date=day)
    log.done, log.value, log.client_uuid = is_done, number, client_uuid
    log.is_complete = rules.is_complete(kind=habit.kind, goal=habit.goal, done=is_done, value=number)
    first_completion = log.is_complete and log.completed_event_at is None
    if first_completion:
        log.completed_event_at = now
    log.save()
    if first_completion:
        from ..selectors_habits import habit_stats_for

        stats = habit_stats_for([habit], now=now)[habit.pk]
        emit(
            habit.organization,
            "habit.completed",
            {
                "habit_id": habit.pk,
                "habit": habit.name,
                "date": day.isoformat(),
                "current_streak": stats.current_streak,
                "streak_unit": stats.streak_unit,
            },
            client=habit.client,
            actor=actor,
        )
    return log, created


@transaction.atomic
def unlog_habit(
    *, habit: Habit, client_uuid, day: date | None = None, actor=None, now: datetime | None = None
) -> HabitLog | None:
    """Clear a day (a tick by mistake), within the same limit as logging. Idempotent."""
    existing = HabitLog.objects.filter(client_id=habit.client_id, client_uuid=client_uuid).first()
    if existing is not None:
        return existing
    habit = _lock(habit)
    clock = clock_for(habit, now=now)
    day = day or clock.today
    if not clock.can_log(day):
        raise HabitError(_("This day can no longer be changed."), field="date")
    log = HabitLog.objects.filter(habit=habit, date=day).first()
    if log is None:
        return None
    log.done, log.value, log.is_complete, log.client_uuid = False, None, False, client_uuid
    log.save()
    return log


# --- Broken streaks (daily task) -------------------------------------------------------------------------------
def record_streak_breaks(*, now: datetime | None = None) -> int:
    """Emit `habit.streak_broken` once for every streak that ended in the last few closed days
    (a day ends when its grace period does, in the client's time zone). Returns events emitted."""
    from ..selectors_habits import active_habits_with_history

    now = now or timezone.now()
    emitted = 0
    for habit, completed, frozen, clock in active_habits_with_history(now=now):
        recent = clock.last_closed - timedelta(days=BREAK_LOOKBACK_DAYS)
        for broken_on, length in rules.streak_breaks(schedule_of(habit), completed, frozen, clock):
            if broken_on > recent:
                emitted += _record_break(habit=habit, broken_on=broken_on, length=length)
    return emitted


@transaction.atomic
def _record_break(*, habit: Habit, broken_on: date, length: int) -> int:
    try:
        with transaction.atomic():
            HabitStreakBreak.objects.create(
                organization=habit.organization,
                habit=habit,
                client=habit.client,
                broken_on=broken_on,
                streak_length=length,
            )
    except IntegrityError:  # already recorded by an earlier run
        return 0
    emit(
        habit.organization,
        "habit.streak_broken",
        {"habit_id": habit.pk, "habit": habit.name, "missed_on": broken_on.isoformat(), "streak_length": length},
        client=habit.client,
    )
    return 1
