"""The segment rule engine: every field and operator, validation, all/any, tenancy, one query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketing import segments
from marketing.segments import SEGMENT_FIELDS, SegmentError, evaluate, validate_rules
from tests.billing.factories import SubscriptionFactory
from tests.booking.factories import BookingFactory, CreditEntryFactory, CreditGrantFactory
from tests.clients.factories import CheckInFactory, ClientTagFactory, ConsentFactory, TagFactory
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory
from tests.nutrition.factories import HabitFactory, HabitLogFactory
from tests.training.factories import ScheduledWorkoutFactory, WorkoutLogFactory

pytestmark = pytest.mark.django_db


def ids(org, rules, match="all"):
    return set(evaluate(org, rules, match).values_list("pk", flat=True))


def rule(field, op, value=None):
    return {"field": field, "op": op, "value": value}


@pytest.fixture
def two(org):
    return ClientFactory(organization=org, status="lead"), ClientFactory(organization=org, status="active")


def test_no_rules_is_every_client_of_the_business(org, two):
    ClientFactory()  # another business
    assert ids(org, []) == {c.pk for c in two}


def test_status_is_and_is_not(org, two):
    lead, active = two
    assert ids(org, [rule("status", "is", "lead")]) == {lead.pk}
    assert ids(org, [rule("status", "is_not", "lead")]) == {active.pk}


def test_tags_any_all_none(org):
    a, b = TagFactory(organization=org, name="vip"), TagFactory(organization=org, name="hiit")
    both, only_a, none = (ClientFactory(organization=org) for _ in range(3))
    for client, tags in ((both, [a, b]), (only_a, [a])):
        for tag in tags:
            ClientTagFactory(organization=org, client=client, tag=tag)
    assert ids(org, [rule("tags", "has_any", [a.pk, b.pk])]) == {both.pk, only_a.pk}
    assert ids(org, [rule("tags", "has_all", [a.pk, b.pk])]) == {both.pk}
    assert ids(org, [rule("tags", "has_none", [b.pk])]) == {only_a.pk, none.pk}


def test_coach_is_and_is_none(org, coach):
    mine, nobody = ClientFactory(organization=org, coach=coach), ClientFactory(organization=org, coach=None)
    assert ids(org, [rule("coach", "is", coach.pk)]) == {mine.pk}
    assert ids(org, [rule("coach", "is_none")]) == {nobody.pk}


def test_created_before_after_within(org):
    old, new = ClientFactory(organization=org), ClientFactory(organization=org)
    old.__class__.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    cutoff = (timezone.now() - dt.timedelta(days=50)).date().isoformat()
    assert ids(org, [rule("created", "before", cutoff)]) == {old.pk}
    assert ids(org, [rule("created", "after", cutoff)]) == {new.pk}
    assert ids(org, [rule("created", "within", 30)]) == {new.pk}


def test_last_active_is_the_last_workout_logged(org):
    recent, stale, never = (ClientFactory(organization=org) for _ in range(3))
    WorkoutLogFactory(organization=org, client=recent, performed_at=timezone.now() - dt.timedelta(days=2))
    WorkoutLogFactory(organization=org, client=stale, performed_at=timezone.now() - dt.timedelta(days=40))
    assert ids(org, [rule("last_active", "within", 7)]) == {recent.pk}
    assert ids(org, [rule("last_active", "not_within", 7)]) == {stale.pk, never.pk}


def test_program_assigned_means_workouts_still_to_come(org):
    running, finished, none = (ClientFactory(organization=org) for _ in range(3))
    ScheduledWorkoutFactory(organization=org, client=running, date=timezone.now().date() + dt.timedelta(days=3))
    ScheduledWorkoutFactory(organization=org, client=finished, date=timezone.now().date() - dt.timedelta(days=30))
    assert ids(org, [rule("program", "assigned")]) == {running.pk}
    assert ids(org, [rule("program", "not_assigned")]) == {finished.pk, none.pk}


def test_credits_left_follow_the_ledger(org):
    three, zero, expired = (ClientFactory(organization=org) for _ in range(3))
    grant = CreditGrantFactory(organization=org, client=three, quantity=5)
    CreditEntryFactory(organization=org, client=three, grant=grant, delta=-1)
    CreditEntryFactory(organization=org, client=three, grant=grant, delta=-1)
    CreditGrantFactory(organization=org, client=expired, quantity=5, expires_at=timezone.now() - dt.timedelta(days=1))
    assert ids(org, [rule("credits", "eq", 3)]) == {three.pk}
    assert ids(org, [rule("credits", "gte", 1)]) == {three.pk}
    assert ids(org, [rule("credits", "lte", 0)]) == {zero.pk, expired.pk}


def test_membership_status(org):
    active, past_due, cancelled, none = (ClientFactory(organization=org) for _ in range(4))
    SubscriptionFactory(organization=org, client=active, status="active")
    SubscriptionFactory(organization=org, client=past_due, status="past_due")
    SubscriptionFactory(organization=org, client=cancelled, status="cancelled")
    assert ids(org, [rule("membership", "is", "active")]) == {active.pk}
    assert ids(org, [rule("membership", "is", "past_due")]) == {past_due.pk}
    assert ids(org, [rule("membership", "is", "cancelled")]) == {cancelled.pk}
    assert ids(org, [rule("membership", "is", "none")]) == {cancelled.pk, none.pk}


def test_booked_in_the_last_days(org):
    booked, cancelled, none = (ClientFactory(organization=org) for _ in range(3))
    BookingFactory(organization=org, client=booked)
    BookingFactory(organization=org, client=cancelled, status="cancelled")
    assert ids(org, [rule("booked", "within", 14)]) == {booked.pk}
    assert ids(org, [rule("booked", "not_within", 14)]) == {cancelled.pk, none.pk}


def test_habit_adherence(org):
    good, poor, no_habits = (ClientFactory(organization=org) for _ in range(3))
    today = timezone.now().astimezone(dt.UTC).date()
    start = today - dt.timedelta(days=30)
    good_habit = HabitFactory(client=good, organization=org, start_date=start)
    poor_habit = HabitFactory(client=poor, organization=org, start_date=start)
    for n in range(1, 11):  # 10 days before today
        HabitLogFactory(habit=good_habit, client=good, organization=org, date=today - dt.timedelta(days=n))
    HabitLogFactory(habit=poor_habit, client=poor, organization=org, date=today - dt.timedelta(days=1))
    last_10 = {"percent": 80, "days": 10}
    assert ids(org, [rule("habit_adherence", "gte", last_10)]) == {good.pk}
    assert ids(org, [rule("habit_adherence", "lte", {"percent": 20, "days": 10})]) == {poor.pk}
    assert no_habits.pk not in ids(org, [rule("habit_adherence", "lte", {"percent": 100, "days": 10})])


def test_checkin_adherence(org):
    diligent, lapsed = ClientFactory(organization=org), ClientFactory(organization=org)
    now = timezone.now()
    for n in (2, 9):
        CheckInFactory(organization=org, client=diligent, due_at=now - dt.timedelta(days=n))
        CheckInFactory(
            organization=org, client=lapsed, due_at=now - dt.timedelta(days=n), submitted_at=None, status="due"
        )
    assert ids(org, [rule("checkin_adherence", "gte", {"percent": 100, "days": 14})]) == {diligent.pk}
    assert ids(org, [rule("checkin_adherence", "lte", {"percent": 50, "days": 14})]) == {lapsed.pk}


def test_consent_is_the_latest_row_per_address(org):
    granted, withdrawn, never = (ClientFactory(organization=org) for _ in range(3))
    ConsentFactory(organization=org, client=granted, granted=True)
    ConsentFactory(organization=org, client=withdrawn, granted=True, recorded_at=timezone.now() - dt.timedelta(days=3))
    ConsentFactory(organization=org, client=withdrawn, granted=False)
    texter = ClientFactory(organization=org, phone="+447700900123")
    ConsentFactory(organization=org, client=texter, channel="sms", address="+447700900123", granted=True)
    assert ids(org, [rule("email_consent", "granted")]) == {granted.pk}
    assert ids(org, [rule("email_consent", "not_granted")]) == {withdrawn.pk, never.pk, texter.pk}
    assert ids(org, [rule("sms_consent", "granted")]) == {texter.pk}


def test_consent_of_another_business_does_not_count(org):
    client = ClientFactory(organization=org)
    ConsentFactory(organization=OrganizationFactory(), client=client, address=client.email)
    assert ids(org, [rule("email_consent", "granted")]) == set()


def test_all_and_any(org, two):
    lead, active = two
    rules = [rule("status", "is", "lead"), rule("status", "is", "active")]
    assert ids(org, rules, "all") == set()
    assert ids(org, rules, "any") == {lead.pk, active.pk}


def test_another_business_clients_are_never_counted(org):
    other = OrganizationFactory()
    ClientFactory(organization=other, status="lead")
    mine = ClientFactory(organization=org, status="lead")
    assert ids(org, [rule("status", "is", "lead")], "any") == {mine.pk}


@pytest.mark.parametrize(
    ("rules", "match", "message"),
    [
        ([rule("nope", "is", 1)], "all", "unknown field"),
        ([rule("status", "gte", "lead")], "all", "cannot use"),
        ([rule("status", "is", "vip")], "all", "Choose one of"),
        ([rule("created", "within", "soon")], "all", "number of days"),
        ([rule("created", "within", 0)], "all", "number of days"),
        ([rule("created", "before", "31/12/2024")], "all", "YYYY-MM-DD"),
        ([rule("credits", "gte", -1)], "all", "whole number"),
        ([rule("credits", "gte", True)], "all", "whole number"),
        ([rule("habit_adherence", "gte", 50)], "all", "percentage"),
        ([rule("habit_adherence", "gte", {"percent": 150, "days": 7})], "all", "0 to 100"),
        ([rule("tags", "has_any", [])], "all", "at least one tag"),
        (["status"], "all", "expected"),
        ({"field": "status"}, "all", "must be a list"),
        ([], "some", "Match"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(org, rules, match, message):
    with pytest.raises(SegmentError) as exc:
        validate_rules(org, rules, match)
    assert message.lower() in exc.value.message.lower()


def test_tag_or_coach_of_another_business_is_refused(org):
    other = OrganizationFactory()
    tag = TagFactory(organization=other)
    stranger = MembershipFactory(organization=other).user
    with pytest.raises(SegmentError, match="tags of this business"):
        validate_rules(org, [rule("tags", "has_any", [tag.pk])])
    with pytest.raises(SegmentError, match="coach of this business"):
        validate_rules(org, [rule("coach", "is", stranger.pk)])


def test_every_field_evaluates_in_one_query_whatever_the_number_of_clients(org, coach):
    tag = TagFactory(organization=org)
    rules = [
        rule("status", "is", "active"),
        rule("tags", "has_all", [tag.pk]),
        rule("coach", "is", coach.pk),
        rule("created", "within", 30),
        rule("last_active", "within", 7),
        rule("program", "assigned"),
        rule("credits", "gte", 1),
        rule("membership", "is", "active"),
        rule("booked", "within", 14),
        rule("habit_adherence", "gte", {"percent": 50, "days": 14}),
        rule("checkin_adherence", "gte", {"percent": 50, "days": 14}),
        rule("email_consent", "granted"),
        rule("sms_consent", "not_granted"),
    ]
    assert {r["field"] for r in rules} == set(SEGMENT_FIELDS)
    cleaned = validate_rules(org, rules)
    counts = []
    for batch in (1, 10):
        for _ in range(batch):
            client = ClientFactory(organization=org, coach=coach)
            ClientTagFactory(organization=org, client=client, tag=tag)
        for match in ("all", "any"):
            with CaptureQueriesContext(connection) as ctx:
                n = evaluate(org, cleaned, match, validated=True).count()
                list(evaluate(org, cleaned, match, validated=True)[:5])
            counts.append(len(ctx.captured_queries))
            assert n >= 0
    assert counts == [2, 2, 2, 2]


def test_sample_and_describe(org, two):
    total, first = segments.sample(org, [rule("status", "is", "lead")])
    assert total == 1 and first == [two[0]]
    assert segments.describe([rule("status", "is", "lead")]) == "Status is Lead"


def test_habit_adherence_counts_the_habits_due_in_the_window(org):
    """Due days come from the live habits overlapping the window; every completed day counts."""
    today = timezone.now().astimezone(dt.UTC).date()
    start = today - dt.timedelta(days=30)
    switched, archived_only, ended_before, ending_inside, starting_today, half_hearted = (
        ClientFactory(organization=org) for _ in range(6)
    )
    old = HabitFactory(client=switched, organization=org, start_date=start, is_archived=True)
    HabitFactory(client=switched, organization=org, start_date=start)
    gone = HabitFactory(client=archived_only, organization=org, start_date=start, is_archived=True)
    HabitFactory(client=ended_before, organization=org, start_date=start, end_date=today - dt.timedelta(days=20))
    HabitFactory(client=ending_inside, organization=org, start_date=start, end_date=today - dt.timedelta(days=5))
    HabitFactory(client=starting_today, organization=org, start_date=today)
    tried = HabitFactory(client=half_hearted, organization=org, start_date=start)
    for n in range(1, 11):
        day = today - dt.timedelta(days=n)
        HabitLogFactory(habit=old, client=switched, organization=org, date=day)
        HabitLogFactory(habit=gone, client=archived_only, organization=org, date=day)
        HabitLogFactory(habit=tried, client=half_hearted, organization=org, date=day, is_complete=False)
    last_10 = {"percent": 80, "days": 10}
    assert ids(org, [rule("habit_adherence", "gte", last_10)]) == {switched.pk}
    assert ids(org, [rule("habit_adherence", "lte", {"percent": 20, "days": 10})]) == {
        ending_inside.pk,
        half_hearted.pk,
    }


def test_credits_left_never_go_below_zero_per_grant(org):
    overdrawn, none = ClientFactory(organization=org), ClientFactory(organization=org)
    spent = CreditGrantFactory(organization=org, client=overdrawn, quantity=2)
    for _ in range(5):
        CreditEntryFactory(organization=org, client=overdrawn, grant=spent, delta=-1)
    CreditGrantFactory(organization=org, client=overdrawn, quantity=3)
    assert ids(org, [rule("credits", "eq", 3)]) == {overdrawn.pk}
    assert ids(org, [rule("credits", "eq", 0)]) == {none.pk}
    assert ids(org, [rule("credits", "gte", 0)]) == {overdrawn.pk, none.pk}
    assert ids(org, [rule("credits", "lte", 2)]) == {none.pk}


def test_sms_consent_is_the_latest_row_for_the_number_or_the_client(org):
    now = timezone.now()
    stopped, regranted, new_number, silent = (
        ClientFactory(organization=org, phone=f"+4477009001{n:02d}") for n in range(4)
    )
    nophone = ClientFactory(organization=org, phone="")
    # A STOP from a number the client no longer uses still withdraws their consent.
    ConsentFactory(
        organization=org, client=stopped, channel="sms", address=stopped.phone, recorded_at=now - dt.timedelta(days=9)
    )
    ConsentFactory(
        organization=org, client=stopped, channel="sms", address="+447700999999", granted=False, recorded_at=now
    )
    # Withdrawn for the client, then granted again on their number.
    ConsentFactory(
        organization=org,
        client=regranted,
        channel="sms",
        address="+447700888888",
        granted=False,
        recorded_at=now - dt.timedelta(days=9),
    )
    ConsentFactory(organization=org, client=regranted, channel="sms", address=regranted.phone, recorded_at=now)
    # Granted on an old number the client row still names: the client's row answers.
    ConsentFactory(organization=org, client=new_number, channel="sms", address="+447700777777", recorded_at=now)
    ConsentFactory(organization=org, client=nophone, channel="sms", address="+447700666666", recorded_at=now)
    assert ids(org, [rule("sms_consent", "granted")]) == {regranted.pk, new_number.pk}
    assert ids(org, [rule("sms_consent", "not_granted")]) == {stopped.pk, silent.pk, nophone.pk}
