"""Habit streaks: frequencies, grace period, freeze days, time zones and clock changes, and the
services that log a day and record broken streaks (events once)."""

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mecto.models import Event
from nutrition import habits as rules
from nutrition.models import HabitLog, HabitStreakBreak
from nutrition.services import habits as services
from nutrition.services.habits import HabitError
from tests.factories import ClientFactory

from .factories import HabitFactory, HabitSettingsFactory

D = date  # shorter dates in the tables below


def stats(schedule, done, today, *, frozen=(), yesterday_open=False):
    return rules.habit_stats(schedule, set(done), set(frozen), rules.Clock(today, yesterday_open))


def days(start, *offsets):
    return [start + timedelta(days=o) for o in offsets]


# --- Frequencies -------------------------------------------------------------------------------------
def test_daily_streak_counts_consecutive_done_days_and_longest_survives_a_miss():
    start = D(2026, 3, 1)
    s = stats(rules.Schedule("daily", start), days(start, 0, 1, 2, 3, 5, 6, 7), D(2026, 3, 9))
    # 8 March done, 9 March (today) still open: the streak is 6-7-8 = 3, the longest 0-3 = 4.
    assert (s.current_streak, s.longest_streak) == (3, 4)
    assert s.done_today is False and s.due_today is True


def test_a_day_not_done_by_the_end_of_grace_breaks_the_streak():
    start = D(2026, 3, 1)
    done = days(start, 0, 1, 2)  # 1–3 March; 4 March not done
    assert stats(rules.Schedule("daily", start), done, D(2026, 3, 5), yesterday_open=True).current_streak == 3
    assert stats(rules.Schedule("daily", start), done, D(2026, 3, 5), yesterday_open=False).current_streak == 0


def test_weekdays_skip_days_that_are_not_due():
    start = D(2026, 3, 2)  # a Monday
    schedule = rules.Schedule("weekdays", start, weekdays=frozenset({1, 3, 5}))
    done = [D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 6), D(2026, 3, 9)]
    s = stats(schedule, done, D(2026, 3, 10))  # Tuesday: not due, Sunday/Saturday never due
    assert s.current_streak == 4
    assert s.successful_weeks == 1  # the week of 2 March had every due day done


def test_every_n_days_is_anchored_at_the_start_date():
    start = D(2026, 3, 1)
    schedule = rules.Schedule("every_n_days", start, interval_days=3)
    assert [d.day for d in (start + timedelta(days=i) for i in range(10)) if schedule.is_due(d)] == [1, 4, 7, 10]
    s = stats(schedule, [D(2026, 3, 1), D(2026, 3, 4), D(2026, 3, 7)], D(2026, 3, 9))
    assert s.current_streak == 3


def test_one_off_habit_is_due_on_its_date_only():
    schedule = rules.Schedule("once", D(2026, 3, 5))
    assert stats(schedule, [D(2026, 3, 5)], D(2026, 3, 20)).current_streak == 1
    missed = stats(schedule, [], D(2026, 3, 20))
    assert (missed.current_streak, missed.completion_rate) == (0, 0.0)


def test_n_times_per_week_counts_successful_weeks():
    start = D(2026, 3, 2)  # Monday
    schedule = rules.Schedule("times_per_week", start, times_per_week=3)
    done = [*days(start, 0, 2, 4), *days(start, 7, 8, 9), *days(start, 14)]  # weeks 1, 2 full; week 3 one so far
    s = stats(schedule, done, D(2026, 3, 18))  # Wednesday of week 3: still open
    assert (s.current_streak, s.longest_streak, s.successful_weeks, s.streak_unit) == (2, 2, 2, "week")
    s = stats(schedule, done, D(2026, 3, 23))  # week 3 closed with one completion
    assert (s.current_streak, s.longest_streak) == (0, 2)


def test_a_part_week_at_the_start_needs_its_share_of_n():
    start = D(2026, 3, 5)  # Thursday: 4 days of the first week, ceil(3 × 4 / 7) = 2 completions needed
    schedule = rules.Schedule("times_per_week", start, times_per_week=3)
    s = stats(schedule, [D(2026, 3, 5), D(2026, 3, 8)], D(2026, 3, 10))
    assert s.units[0].required == 2 and s.units[0].state == rules.DONE


def test_habit_with_an_end_date_stops_being_due():
    start = D(2026, 3, 1)
    schedule = rules.Schedule("daily", start, end=D(2026, 3, 3))
    s = stats(schedule, days(start, 0, 1, 2), D(2026, 3, 20))
    assert (s.current_streak, s.due_today) == (3, False)


# --- Freeze days -------------------------------------------------------------------------------------
def test_freeze_days_neither_break_nor_extend_a_streak():
    start = D(2026, 3, 1)
    schedule = rules.Schedule("daily", start)
    done = days(start, 0, 1, 4, 5)  # 3 and 4 March not done, but frozen
    s = stats(schedule, done, D(2026, 3, 7), frozen=days(start, 2, 3))
    assert s.current_streak == 4
    # A completion on a frozen day does not extend the streak either.
    s = stats(schedule, [*done, D(2026, 3, 3)], D(2026, 3, 7), frozen=days(start, 2, 3))
    assert s.current_streak == 4


def test_a_frozen_week_is_skipped_for_n_per_week():
    start = D(2026, 3, 2)
    schedule = rules.Schedule("times_per_week", start, times_per_week=2)
    done = [*days(start, 0, 1), *days(start, 14, 15)]
    s = stats(schedule, done, D(2026, 3, 23), frozen=days(start, *range(7, 14)))
    assert s.current_streak == 2


# --- Time zones and clock changes -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("time_zone", "instant", "expected"),
    [
        # London springs forward 29 March 2026: 00:30 BST on the 30th is 23:30 UTC on the 29th.
        ("Europe/London", datetime(2026, 3, 29, 23, 30, tzinfo=UTC), D(2026, 3, 30)),
        # New York falls back 1 November 2026: 00:30 EST on the 2nd is 05:30 UTC.
        ("America/New_York", datetime(2026, 11, 2, 5, 30, tzinfo=UTC), D(2026, 11, 2)),
        ("America/New_York", datetime(2026, 11, 2, 4, 30, tzinfo=UTC), D(2026, 11, 1)),
        # Lord Howe moves 30 minutes back on 5 April 2026 (+11 → +10:30): 00:30 on the 6th is 14:00 UTC.
        ("Australia/Lord_Howe", datetime(2026, 4, 5, 14, 0, tzinfo=UTC), D(2026, 4, 6)),
        # Apia, UTC+13, is a calendar day ahead of UTC.
        ("Pacific/Apia", datetime(2026, 6, 1, 11, 30, tzinfo=UTC), D(2026, 6, 2)),
    ],
)
def test_local_date_lands_on_the_right_day_after_a_clock_change(time_zone, instant, expected):
    assert rules.local_date(instant, time_zone) == expected


def test_daily_streak_runs_across_a_spring_forward_night():
    tz = ZoneInfo("Europe/London")
    start = D(2026, 3, 26)
    instants = [datetime(2026, 3, d, 0, 30, tzinfo=tz) for d in range(26, 32)]  # 00:30 local every night
    done = {rules.local_date(i, "Europe/London") for i in instants}
    now = datetime(2026, 3, 31, 20, 0, tzinfo=tz)
    s = rules.habit_stats(rules.Schedule("daily", start), done, set(), rules.clock_at(now, "Europe/London", 12))
    assert s.current_streak == 6


def test_grace_period_is_in_the_clients_wall_clock_time():
    # 11:30 in Sydney the next morning is inside a noon grace period; 12:30 is not.
    assert rules.clock_at(datetime(2026, 6, 2, 1, 30, tzinfo=UTC), "Australia/Sydney", 12).yesterday_open
    assert not rules.clock_at(datetime(2026, 6, 2, 2, 30, tzinfo=UTC), "Australia/Sydney", 12).yesterday_open
    assert not rules.clock_at(datetime(2026, 6, 2, 1, 30, tzinfo=UTC), "Australia/Sydney", 0).yesterday_open


# --- Property: the implementation agrees with a day-by-day loop ---------------------------------------------
ZONES = ["Europe/London", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kolkata", "UTC"]
# Around clock changes of 2026 (both directions) in the zones above.
ANCHORS = [
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 4, 5, 15, 0, tzinfo=UTC),
    datetime(2026, 9, 27, 13, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
]


def reference(frequency, start, end, weekdays, n, interval, completions_utc, frozen, now_utc, time_zone, grace):
    """The rules written the plainest way: walk every day from the start, in the client's zone."""
    tz = ZoneInfo(time_zone)
    local_now = now_utc.astimezone(tz)
    today = local_now.date()
    open_from = today - timedelta(days=1) if local_now.hour < grace else today
    done = {c.astimezone(tz).date() for c in completions_utc}
    last = min(end, today) if end else today
    run = longest = 0
    if frequency == "times_per_week":
        day = start - timedelta(days=start.weekday())
        while day <= last:
            week = [day + timedelta(days=i) for i in range(7)]
            usable = [d for d in week if start <= d and (end is None or d <= end) and d not in frozen]
            if usable:
                need = -(-n * len(usable) // 7)
                got = len([d for d in usable if d in done and d <= today])
                if got >= need:
                    run += 1
                    longest = max(longest, run)
                elif usable[-1] < open_from:
                    run = 0
            day += timedelta(days=7)
        return run, longest
    day = start
    while day <= last:
        due = {
            "daily": True,
            "weekdays": day.isoweekday() in weekdays,
            "every_n_days": (day - start).days % interval == 0,
        }[frequency]
        if due and day not in frozen:
            if day in done:
                run += 1
                longest = max(longest, run)
            elif day < open_from:
                run = 0
        day += timedelta(days=1)
    return run, longest


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    frequency=st.sampled_from(["daily", "weekdays", "every_n_days", "times_per_week"]),
    time_zone=st.sampled_from(ZONES),
    anchor=st.sampled_from(ANCHORS),
    now_offset_minutes=st.integers(min_value=-36 * 60, max_value=36 * 60),
    start_back=st.integers(min_value=0, max_value=40),
    length=st.one_of(st.none(), st.integers(min_value=1, max_value=45)),
    weekdays=st.frozensets(st.integers(min_value=1, max_value=7), min_size=1),
    n=st.integers(min_value=1, max_value=7),
    interval=st.integers(min_value=2, max_value=5),
    completion_minutes=st.lists(st.integers(min_value=0, max_value=45 * 24 * 60), max_size=60),
    frozen_back=st.lists(st.integers(min_value=0, max_value=45), max_size=6),
    grace=st.integers(min_value=0, max_value=23),
)
def test_streaks_match_a_day_by_day_reference(
    frequency,
    time_zone,
    anchor,
    now_offset_minutes,
    start_back,
    length,
    weekdays,
    n,
    interval,
    completion_minutes,
    frozen_back,
    grace,
):
    now = anchor + timedelta(minutes=now_offset_minutes)
    today = now.astimezone(ZoneInfo(time_zone)).date()
    start = today - timedelta(days=start_back)
    end = start + timedelta(days=length - 1) if length else None
    origin = datetime.combine(start, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    completions = [origin + timedelta(minutes=m) for m in completion_minutes]
    completions = [c for c in completions if c <= now]
    frozen = {today - timedelta(days=b) for b in frozen_back}
    schedule = rules.Schedule(frequency, start, end, weekdays=weekdays, times_per_week=n, interval_days=interval)
    done = {rules.local_date(c, time_zone) for c in completions}
    got = rules.habit_stats(schedule, done, frozen, rules.clock_at(now, time_zone, grace))
    expected = reference(frequency, start, end, weekdays, n, interval, completions, frozen, now, time_zone, grace)
    assert (got.current_streak, got.longest_streak) == expected
    assert got.current_streak <= got.longest_streak
    breaks = rules.streak_breaks(schedule, done, frozen, rules.clock_at(now, time_zone, grace))
    assert all(length >= 1 for _day, length in breaks)
    assert max([length for _d, length in breaks] + [got.current_streak]) == got.longest_streak


# --- Services ----------------------------------------------------------------------------------------------


@pytest.fixture
def london_client(org):
    return ClientFactory(organization=org, time_zone="Europe/London", status="active")


@pytest.mark.django_db
@freeze_time("2026-03-10 09:00:00")
def test_log_is_idempotent_by_the_request_id_and_emits_completed_once(london_client):
    habit = HabitFactory(client=london_client, organization=london_client.organization, start_date=D(2026, 3, 1))
    request_id = uuid.uuid4()
    log, created = services.log_habit(habit=habit, client_uuid=request_id, done=True)
    again, created_again = services.log_habit(habit=habit, client_uuid=request_id, done=True)
    assert created and not created_again and again.pk == log.pk
    services.unlog_habit(habit=habit, client_uuid=uuid.uuid4())
    services.log_habit(habit=habit, client_uuid=uuid.uuid4(), done=True)  # ticked again the same day
    assert HabitLog.objects.filter(habit=habit).count() == 1
    events = Event.objects.filter(name="habit.completed")
    assert events.count() == 1
    assert events.get().payload["date"] == "2026-03-10"


@pytest.mark.django_db
def test_count_habit_completes_when_the_goal_is_reached(london_client):
    habit = HabitFactory(
        client=london_client, organization=london_client.organization, kind="count", goal=8, unit_label="glasses"
    )
    log, _ = services.log_habit(habit=habit, client_uuid=uuid.uuid4(), value=7)
    assert not log.is_complete
    log, _ = services.log_habit(habit=habit, client_uuid=uuid.uuid4(), value=8)
    assert log.is_complete and log.value == 8
    with pytest.raises(HabitError) as err:
        services.log_habit(habit=habit, client_uuid=uuid.uuid4(), value="2.5")
    assert err.value.field == "value"


@pytest.mark.django_db
def test_yesterday_can_be_logged_only_inside_the_grace_period(london_client):
    HabitSettingsFactory(organization=london_client.organization, grace_hour=3)
    habit = HabitFactory(client=london_client, organization=london_client.organization, start_date=D(2026, 3, 1))
    with freeze_time("2026-03-10 02:30:00"):  # 02:30 in London: 9 March still open
        log, _ = services.log_habit(habit=habit, client_uuid=uuid.uuid4(), day=D(2026, 3, 9), done=True)
        assert log.date == D(2026, 3, 9)
    with freeze_time("2026-03-10 03:30:00"), pytest.raises(HabitError) as err:
        services.log_habit(habit=habit, client_uuid=uuid.uuid4(), day=D(2026, 3, 8), done=True)
    assert err.value.field == "date"
    habit.grace_hour = 12  # the habit's own setting wins over the business's
    habit.save()
    with freeze_time("2026-03-11 11:00:00"):
        services.log_habit(habit=habit, client_uuid=uuid.uuid4(), day=D(2026, 3, 10), done=True)


@pytest.mark.django_db
def test_streak_broken_is_emitted_once_after_the_grace_period(london_client):
    org = london_client.organization
    habit = HabitFactory(client=london_client, organization=org, start_date=D(2026, 3, 1))
    for d in range(1, 6):  # 1–5 March done; 6 March missed
        with freeze_time(f"2026-03-0{d} 20:00:00"):
            services.log_habit(habit=habit, client_uuid=uuid.uuid4(), done=True)
    with freeze_time("2026-03-07 11:00:00"):  # before noon on the 7th: the 6th is still open
        assert services.record_streak_breaks() == 0
    with freeze_time("2026-03-07 12:30:00"):
        assert services.record_streak_breaks() == 1
        assert services.record_streak_breaks() == 0  # the next hourly run
    with freeze_time("2026-03-08 12:30:00"):
        assert services.record_streak_breaks() == 0  # the 7th missed too, but no streak ended there
    broken = HabitStreakBreak.objects.get()
    assert (broken.broken_on, broken.streak_length) == (D(2026, 3, 6), 5)
    event = Event.objects.get(name="habit.streak_broken")
    assert event.payload == {"habit_id": habit.pk, "habit": habit.name, "missed_on": "2026-03-06", "streak_length": 5}


@pytest.mark.django_db
def test_a_frozen_day_does_not_raise_a_broken_streak(london_client, owner):
    habit = HabitFactory(client=london_client, organization=london_client.organization, start_date=D(2026, 3, 1))
    with freeze_time("2026-03-05 20:00:00"):
        services.log_habit(habit=habit, client_uuid=uuid.uuid4(), done=True)
    services.grant_freeze(client=london_client, actor=owner, start_date=D(2026, 3, 6), end_date=D(2026, 3, 6))
    with freeze_time("2026-03-07 12:30:00"):
        assert services.record_streak_breaks() == 0


@pytest.mark.django_db
def test_assign_from_template_takes_its_rules_and_duration(london_client):
    from .factories import HabitTemplateFactory

    template = HabitTemplateFactory(organization=london_client.organization, duration_days=14)
    habit = services.assign_habit(client=london_client, template=template, start_date=D(2026, 3, 1))
    assert (habit.name, habit.kind, habit.goal, habit.end_date) == (template.name, "count", 8, D(2026, 3, 14))
    other_org_template = HabitTemplateFactory()
    with pytest.raises(HabitError):
        services.assign_habit(client=london_client, template=other_org_template)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Water", "kind": "count"}, "goal"),
        ({"name": "Walk", "frequency": "weekdays", "weekdays": []}, "weekdays"),
        ({"name": "Walk", "frequency": "times_per_week", "times_per_week": 9}, "times_per_week"),
        ({"name": "Walk", "frequency": "every_n_days", "interval_days": 1}, "interval_days"),
        ({"name": "Walk", "start_date": D(2026, 3, 5), "end_date": D(2026, 3, 1)}, "end_date"),
    ],
)
def test_bad_habit_rules_name_the_field(london_client, fields, field):
    with pytest.raises(HabitError) as err:
        services.assign_habit(client=london_client, **fields)
    assert err.value.field == field
