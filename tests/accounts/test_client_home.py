"""The client's home, history and progress: today's sections, streaks and the week on the
client's own calendar (across a clock change), empty states, the business's brand and hidden
sections, only the client's own data, and a constant number of queries."""

import datetime
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework import throttling  # noqa: F401  (imported before time is frozen: it keeps the real clock)

from nutrition.models import HabitLog
from tests.booking.factories import BookingFactory
from tests.clients.factories import CheckInFactory, HealthDayFactory, ProgressPhotoFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, OrganizationFactory, UserFactory
from tests.nutrition.factories import FoodLogEntryFactory, HabitFactory, HabitLogFactory, NutritionTargetFactory
from tests.platform.brand_helpers import CSS_VARIABLES, harbour_brand
from tests.training.factories import ScheduledWorkoutFactory, SetLogFactory, WorkoutLogFactory

pytestmark = pytest.mark.django_db
custom_brand = pytest.fixture(harbour_brand)
UTC = datetime.UTC
# London leaves summer time on Sunday 25 October 2026 (02:00 BST -> 01:00 GMT).
NOW = datetime.datetime(2026, 11, 4, 12, 0, tzinfo=UTC)  # Wednesday 4 November, 12:00 in London


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def londoner(org):
    user = UserFactory()
    return ClientFactory(organization=org, user=user, email=user.email, time_zone="Europe/London")


def _workout(client, day: date, name: str, logged_at: str | None = None):
    scheduled = ScheduledWorkoutFactory(organization=client.organization, client=client, date=day, workout__name=name)
    if logged_at:
        WorkoutLogFactory(
            organization=client.organization,
            client=client,
            scheduled=scheduled,
            workout=scheduled.workout,
            name=name,
            performed_at=at(logged_at),
        )
    return scheduled


def _training_weeks(client):
    """Five weeks around the clock change, each with a time-zone edge."""
    _workout(client, date(2026, 10, 14), "Upper A", "2026-10-14T18:00")
    # Monday 19 October 00:30 BST is still Sunday in UTC: the week of the 19th, not the 12th.
    WorkoutLogFactory(
        organization=client.organization, client=client, name="Park run", performed_at=at("2026-10-18T23:30")
    )
    # Sunday 1 November 23:30 GMT (after the change): the week of 26 October.
    _workout(client, date(2026, 11, 1), "Lower A", "2026-11-01T23:30")
    # This week: due Friday, not done yet.
    return _workout(client, date(2026, 11, 6), "Full body")


def test_workout_streak_counts_weeks_on_the_clients_calendar_across_the_clock_change(londoner):
    upcoming = _training_weeks(londoner)
    # The week of 5 October has nothing scheduled or logged: it ends the run before.
    _workout(londoner, date(2026, 9, 30), "Old", "2026-09-30T18:00")
    with freeze_time(NOW):
        data = api_as(londoner.user).get("/api/v1/me/home/").json()
    streak = next(s for s in data["streaks"] if s["key"] == "workouts")
    # 12, 19 and 26 October kept; this week still running neither adds nor breaks.
    assert (streak["current"], streak["longest"], streak["unit"]) == (3, 3, "week")
    assert data["today"]["date"] == "2026-11-04" and data["time_zone"] == "Europe/London"
    assert data["today"]["training"] == {
        "workouts": [],
        "next": {"public_id": str(upcoming.public_id), "name": "Full body", "date": "2026-11-06"},
    }
    week = data["week"]
    assert (week["start"], week["end"]) == ("2026-11-02", "2026-11-08")
    assert (week["workouts_planned"], week["workouts_done"], week["workouts_extra"]) == (1, 0, 0)

    # The next Monday: last week was not kept (Full body never done), so the run ends.
    with freeze_time(at("2026-11-09T09:00")):
        data = api_as(londoner.user).get("/api/v1/me/home/").json()
    streak = next(s for s in data["streaks"] if s["key"] == "workouts")
    assert (streak["current"], streak["longest"]) == (0, 3)


def test_today_is_the_clients_date_far_from_utc(org):
    user = UserFactory()
    kiwi = ClientFactory(organization=org, user=user, email=user.email, time_zone="Pacific/Auckland")
    _workout(kiwi, date(2026, 11, 4), "Yesterday's")
    today = _workout(kiwi, date(2026, 11, 5), "Thursday session")
    # 11:30 UTC on the 4th is 00:30 on Thursday 5 November in Auckland (UTC+13).
    with freeze_time(at("2026-11-04T11:30")):
        data = api_as(user).get("/api/v1/me/home/").json()
    assert data["today"]["date"] == "2026-11-05"
    assert data["today"]["training"]["workouts"] == [
        {"public_id": str(today.public_id), "name": "Thursday session", "is_done": False}
    ]
    assert data["week"]["start"] == "2026-11-02"

    # West of UTC: a log at 02:00 UTC on the 4th is the evening of the 3rd in Los Angeles.
    user = UserFactory()
    west = ClientFactory(organization=org, user=user, email=user.email, time_zone="America/Los_Angeles")
    _workout(west, date(2026, 11, 3), "Evening lift", "2026-11-04T02:00")
    _workout(west, date(2026, 11, 3), "Not done")
    with freeze_time(at("2026-11-04T11:30")):
        history = api_as(user).get("/api/v1/me/history/", {"month": "2026-11"}).json()
    (day,) = history["days"]
    assert day["date"] == "2026-11-03"
    assert [(e["title"], e["status"]) for e in day["events"]] == [("Evening lift", "done"), ("Not done", "missed")]


def test_habit_streak_and_week_share_across_the_clock_change(londoner):
    with freeze_time(NOW):
        habit = HabitFactory(client=londoner, name="Walk", start_date=date(2026, 10, 20))
        for offset in range(15):  # 20 October to 3 November, every day
            HabitLogFactory(habit=habit, client=londoner, date=date(2026, 10, 20) + datetime.timedelta(days=offset))
        HealthDayFactory(
            organization=londoner.organization, client=londoner, kind="steps", day=date(2026, 11, 2), value=6000
        )
        HealthDayFactory(
            organization=londoner.organization, client=londoner, kind="steps", day=date(2026, 11, 3), value=9000
        )
        HealthDayFactory(
            organization=londoner.organization, client=londoner, kind="sleep", day=date(2026, 11, 3), value=27000
        )
        data = api_as(londoner.user).get("/api/v1/me/home/").json()
    streak = next(s for s in data["streaks"] if s["key"] == f"habit-{habit.pk}")
    assert (streak["current"], streak["longest"], streak["unit"]) == (15, 15, "day")
    # Monday and Tuesday done; today is still open and does not count against the week.
    assert (data["week"]["habits_done"], data["week"]["habits_due"], data["week"]["habits_percent"]) == (2, 2, 100)
    assert data["week"]["average_steps"] == 7500 and data["week"]["average_sleep_hours"] == 7.5
    habits = data["today"]["habits"]
    assert (habits["done"], habits["due"]) == (0, 1)
    assert habits["habits"][0]["name"] == "Walk" and habits["habits"][0]["streak"] == 15


def test_home_page_shows_today_and_ticks_a_habit_in_one_tap(client, londoner, custom_brand):
    org = londoner.organization
    with freeze_time(NOW):
        scheduled = _workout(londoner, date(2026, 11, 4), "Push day")
        habit = HabitFactory(client=londoner, name="Stretch", start_date=date(2026, 11, 1))
        checkin = CheckInFactory(
            organization=org, client=londoner, status="due", submitted_at=None, form__name="Weekly"
        )
        booking = BookingFactory(organization=org, client=londoner, session__service__name="PT session")
        NutritionTargetFactory(organization=org, client=londoner, energy_kcal=2000)
        FoodLogEntryFactory(organization=org, client=londoner, date=date(2026, 11, 4), energy_kcal=650)
        client.force_login(londoner.user)
        page = client.get(reverse("portal:home")).content.decode()
        assert "Push day" in page and reverse("training:portal_session", args=[scheduled.public_id]) in page
        assert "Check-in due" in page and reverse("clients:portal_checkin", args=[checkin.public_id]) in page
        assert booking.session.service.name in page
        assert "650 of 2,000 kcal" in page
        assert "Stretch" in page and "Mark Stretch done" in page
        assert all(variable in page for variable in CSS_VARIABLES)  # the business's brand
        form = {"request_id": "5f0c6c1e-3b9a-4c51-9a55-2f8f0b3f0a11", "date": "2026-11-04", "op": "tick"}
        response = client.post(
            reverse("nutrition:portal_log_habit", args=[habit.pk]), {**form, "next": "/portal/#habits-title"}
        )
        assert response.status_code == 302 and response["Location"] == "/portal/#habits-title"
        assert HabitLog.objects.get(habit=habit, date=date(2026, 11, 4)).is_complete
        # Somewhere else than the portal is not followed.
        form["request_id"] = "9a1f0c6c-3b9a-4c51-9a55-2f8f0b3f0a12"
        response = client.post(
            reverse("nutrition:portal_log_habit", args=[habit.pk]),
            {**form, "op": "untick", "next": "https://evil.example/"},
        )
        assert response["Location"].startswith(reverse("nutrition:portal_habits"))


def test_new_client_home_and_api_say_how_to_begin(client, client_record):
    client.force_login(client_record.user)
    page = client.get(reverse("portal:home")).content.decode()
    for text in (
        "Welcome! Here is how to begin",
        "No workouts scheduled yet.",
        "No habits due today.",
        "Nothing logged yet today.",
        "No session booked.",
        "Your streaks start with your first workout or habit.",
        "Book your first session",
        "shows here once you log your first workout or habit.",
    ):
        assert text in page, text
    data = api_as(client_record.user).get("/api/v1/me/home/").json()
    assert data["today"]["training"] == {"workouts": [], "next": None}
    assert data["today"]["habits"] == {"habits": [], "done": 0, "due": 0}
    assert data["today"]["checkins"] == {"due": [], "next_due_at": None} and data["today"]["next_session"] is None
    assert data["week"]["habits_percent"] is None and data["week"]["average_steps"] is None
    history = client.get(reverse("portal:history")).content.decode()
    assert "Nothing this month yet." in history


def test_hidden_sections_leave_the_home_history_and_api(client, londoner, custom_brand):
    custom_brand.switch_off("training", "habits", "booking")
    with freeze_time(NOW):
        _training_weeks(londoner)
        HabitFactory(client=londoner, name="Hidden habit", start_date=date(2026, 11, 1))
        client.force_login(londoner.user)
        page = client.get(reverse("portal:home")).content.decode()
        data = api_as(londoner.user).get("/api/v1/me/home/").json()
        history = api_as(londoner.user).get("/api/v1/me/history/", {"month": "2026-10"}).json()
    assert "Today's workout" not in page and "Hidden habit" not in page and "Next session" not in page
    assert "Food today" in page
    assert data["today"]["training"] is None and data["today"]["habits"] is None and data["streaks"] == []
    assert "training" not in data["sections"] and "nutrition" in data["sections"]
    assert history["days"] == []


def test_history_marks_each_day_and_opens_one(client, londoner):
    org = londoner.organization
    other = ClientFactory(organization=org, user=UserFactory())
    with freeze_time(NOW):
        _training_weeks(londoner)
        _workout(londoner, date(2026, 10, 21), "Skipped")
        CheckInFactory(organization=org, client=londoner, form__name="Weekly", submitted_at=at("2026-10-25T09:00"))
        BookingFactory(
            organization=org,
            client=londoner,
            session__service__name="PT",
            session__start_at=at("2026-10-25T23:30"),
            session__end_at=at("2026-10-26T00:30"),
        )
        _workout(other, date(2026, 10, 14), "Their workout", "2026-10-14T10:00")
        client.force_login(londoner.user)
        page = client.get(reverse("portal:history"), {"month": "2026-10", "day": "2026-10-19"}).content.decode()
        api = api_as(londoner.user).get("/api/v1/me/history/", {"month": "2026-10"}).json()
        wrong = client.get(reverse("portal:history"), {"month": "2026-13"})
        assert wrong.status_code == 400 and "That month was not understood" in wrong.content.decode()
        bad = api_as(londoner.user).get("/api/v1/me/history/", {"month": "October"})
    assert "Park run" in page and "Their workout" not in page
    assert 'href="/portal/history/?month=2026-09"' in page and 'href="/portal/history/?month=2026-11"' in page
    assert 'aria-label="Sun 25 Oct: 1 check-in, 1 session"' in page
    assert 'aria-label="Wed 21 Oct: 1 workout"' in page and 'aria-pressed="true"' in page
    days = {d["date"]: d["events"] for d in api["days"]}
    assert api["month"] == "2026-10" and (api["previous"], api["next"]) == ("2026-09", "2026-11")
    assert [e["title"] for e in days["2026-10-19"]] == ["Park run"]  # 00:30 BST, not the 18th
    assert [(e["kind"], e["status"]) for e in days["2026-10-21"]] == [("workout", "missed")]
    assert {e["kind"] for e in days["2026-10-25"]} == {"checkin", "session"}
    assert bad.status_code == 400 and "month" in bad.json()["errors"]


def test_progress_page_charts_volume_and_compares_two_dates(client, londoner):
    org = londoner.organization
    with freeze_time(NOW):
        SetLogFactory(organization=org, client=londoner, reps=5, load_kg=100, performed_at=at("2026-10-28T18:00"))
        first = ProgressPhotoFactory(organization=org, client=londoner, taken_on=date(2026, 9, 1))
        middle = ProgressPhotoFactory(organization=org, client=londoner, taken_on=date(2026, 10, 1))
        ProgressPhotoFactory(organization=org, client=londoner, taken_on=date(2026, 11, 1))
        client.force_login(londoner.user)
        page = client.get(
            reverse("clients:portal_progress"), {"before": str(first.public_id), "after": str(middle.public_id)}
        )
    html = page.content.decode()
    assert "Training volume per week" in html and "more-chart-data" in html
    assert page.context["compare"]["days_between"] == 30 and "30 days apart" in html
    assert f'value="{middle.public_id}" selected' in html and f'value="{middle.pk}"' not in html


def test_home_and_history_are_for_the_signed_in_client_only(client, coach, client_record):
    elsewhere = ClientFactory(organization=OrganizationFactory(), user=UserFactory())
    _workout(elsewhere, timezone.localdate(), "Another business's workout", timezone.now().isoformat()[:19])
    client.force_login(client_record.user)
    for url in (reverse("portal:home"), reverse("portal:history")):
        assert "Another business" not in client.get(url).content.decode()
    assert "Another business" not in api_as(client_record.user).get("/api/v1/me/history/").content.decode()
    client.force_login(coach)
    assert client.get(reverse("portal:history")).status_code == 404
    assert api_as(coach).get("/api/v1/me/home/").status_code == 403
    assert api_as(coach).get("/api/v1/me/history/").status_code == 403
    client.logout()
    assert client.get(reverse("portal:history")).status_code == 302


def _fill(client, n: int):
    org = client.organization
    for i in range(n):
        day = date(2026, 10, 1) + datetime.timedelta(days=i % 35)
        _workout(client, day, f"W{i}", f"{day.isoformat()}T18:00")
        SetLogFactory(organization=org, client=client, performed_at=at(f"{day.isoformat()}T18:10"))
        HabitFactory(client=client, start_date=date(2026, 10, 1))
        CheckInFactory(organization=org, client=client, submitted_at=at(f"{day.isoformat()}T08:00"))
        BookingFactory(organization=org, client=client, session__start_at=at(f"{day.isoformat()}T07:00"))


def test_query_counts_stay_the_same_with_more_data(client, londoner, django_assert_max_num_queries):
    client.force_login(londoner.user)
    api = api_as(londoner.user)
    urls = [reverse("portal:home"), "/api/v1/me/home/", reverse("portal:history") + "?month=2026-10"]
    urls.append("/api/v1/me/history/?month=2026-10")
    with freeze_time(NOW):
        _fill(londoner, 2)
        for url in urls:
            (client if url.startswith("/portal") else api).get(url)  # warm session and brand caches
        counts = {}
        for url in urls:
            with django_assert_max_num_queries(100) as few:
                (client if url.startswith("/portal") else api).get(url)
            counts[url] = len(few.captured_queries)
        _fill(londoner, 12)
        for url in urls:
            with django_assert_max_num_queries(counts[url]):
                response = (client if url.startswith("/portal") else api).get(url)
            assert response.status_code == 200


def test_the_home_reads_the_clients_habits_once(client, londoner, django_assert_max_num_queries):
    """Today's habits, the streaks and the week's figure share one read of the habits."""
    client.force_login(londoner.user)
    with freeze_time(NOW):
        _fill(londoner, 3)
        for url in (reverse("portal:home"), "/api/v1/me/home/"):
            (client if url.startswith("/portal") else api_as(londoner.user)).get(url)
            with django_assert_max_num_queries(100) as few:
                (client if url.startswith("/portal") else api_as(londoner.user)).get(url)
            habit_reads = [
                q["sql"]
                for q in few.captured_queries
                if q["sql"].lstrip().startswith("SELECT") and 'FROM "nutrition_habit" ' in q["sql"]
            ]
            assert len(habit_reads) == 1, habit_reads
