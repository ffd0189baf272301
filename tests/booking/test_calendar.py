"""The coach's calendar: week and month grids, the feed API, and moving a session by drag
and drop (or the Move dialog) through the booking service and all its rules."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from freezegun import freeze_time

from booking import services
from booking.models import Session
from integrations.models import ConnectedAccount, ExternalBusyTime
from mecto.models import Event
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory
from tests.training.factories import ScheduledWorkoutFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOW = "2026-06-01 06:00"  # Monday; the studio's coach works Mon–Fri 09:00–17:00 (London)
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def coach_web(client, studio):
    client.force_login(studio.coach)
    return client


def _book(studio, start, name="Ivy"):
    client = ClientFactory(organization=studio.org, first_name=name, email=f"{name.lower()}@example.com")
    return services.book_session(service=studio.service, coach=studio.coach, client=client, start_at=start)


def _move(web, session, day, at, **extra):
    return web.post(reverse("booking:calendar_move", args=[session.pk]), {"date": day, "time": at}, **extra)


@freeze_time(NOW)
def test_dragging_a_session_to_another_day_moves_it_and_emails_the_client(
    coach_web, studio, django_capture_on_commit_callbacks
):
    booking = _book(studio, TUE_10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _move(coach_web, booking.session, "2026-06-03", "14:00", **JSON)
    assert response.status_code == 200 and response.json()["ok"] is True
    assert "moved to Wed 3 Jun, 14:00" in response.json()["message"]
    booking.session.refresh_from_db()
    assert booking.session.start_at == datetime(2026, 6, 3, 14, 0, tzinfo=LONDON)
    [moved] = [m for m in mail.outbox if m.to == ["ivy@example.com"]]
    assert "Moved" in moved.subject and "Was: Tuesday 2 June 2026" in moved.body  # the old time is named


@freeze_time(NOW)
def test_moves_outside_hours_or_onto_another_session_are_refused_and_change_nothing(coach_web, studio):
    booking = _book(studio, TUE_10)
    other = _book(studio, datetime(2026, 6, 3, 14, 0, tzinfo=LONDON), name="Otto")
    events_before = Event.objects.count()
    cases = [
        (("2026-06-02", "18:00"), "outside"),  # after hours
        (("2026-06-06", "10:00"), "outside"),  # Saturday: no hours
        (("2026-06-03", "14:30"), "clashes"),  # overlaps Otto's session
        (("2026-06-03", "15:00"), "clashes"),  # inside the 15 minutes kept free after it
    ]
    services.save_service_type(
        organization=studio.org, actor=studio.coach, service=studio.service, buffer_after_minutes=15
    )
    for (day, at), reason in cases:
        response = _move(coach_web, booking.session, day, at, **JSON)
        assert response.status_code == 400, (day, at)
        assert reason in response.json()["message"], response.json()
    bad = _move(coach_web, booking.session, "not a day", "10:00", **JSON)
    assert bad.status_code == 400 and bad.json()["field"] == "date"
    # Without JavaScript the Move dialog's form posts and comes back with the reason.
    page = _move(coach_web, booking.session, "2026-06-02", "18:00", follow=True)
    assert "outside" in page.content.decode()
    booking.session.refresh_from_db()
    other.session.refresh_from_db()
    assert booking.session.start_at == TUE_10 and booking.session.sequence == 0
    assert Event.objects.count() == events_before
    assert not [m for m in mail.outbox if "Moved" in m.subject]


@freeze_time(NOW)
def test_week_grid_shows_sessions_workouts_busy_times_and_free_hours_to_book(coach_web, studio):
    booking = _book(studio, TUE_10)
    ScheduledWorkoutFactory(
        organization=studio.org, client=booking.client, workout__name="Lower A", date=date(2026, 6, 4)
    )
    account = ConnectedAccount.objects.create(
        organization=studio.org, user=studio.coach, provider="google", access_token="x"
    )
    ExternalBusyTime.objects.create(
        organization=studio.org,
        connection=account,
        coach=studio.coach,
        external_id="e1",
        start_at=datetime(2026, 6, 3, 12, 0, tzinfo=LONDON),
        end_at=datetime(2026, 6, 3, 13, 0, tzinfo=LONDON),
    )
    query = {"date": "2026-06-02", "colour": "service", "client": booking.client_id}
    html = coach_web.get(reverse("booking:calendar"), query).content.decode()
    assert f'data-session="{booking.session_id}"' in html and 'data-time="10:00"' in html
    # 10:00 of a 24-hour day is 10/24 down the column.
    assert f"#cal-ev-{booking.session_id}-1{{top:41.6667%;height:4.1667%" in html
    assert "Ivy" in html and "Lower A" in html and "Busy in a connected calendar" in html
    assert 'class="cal-busy"' in html and studio.service.name in html  # the legend names the service
    # A free hour books, with the client the calendar was opened for filled in.
    assert f"{reverse('booking:new')}?date=2026-06-03&amp;time=09:00&amp;client={booking.client_id}" in html
    month = coach_web.get(reverse("booking:calendar"), {"date": "2026-06-02", "view": "month"}).content.decode()
    assert 'data-date="2026-06-01"' in month and 'data-date="2026-07-05"' in month  # whole weeks
    assert f'data-session="{booking.session_id}"' in month
    assert "1 workout" in month


@freeze_time("2026-10-01 06:00")
def test_the_week_the_clocks_go_back_has_a_25_hour_sunday_in_the_grid_and_the_feed(coach_web, studio):
    late = _book(studio, datetime(2026, 10, 25, 23, 30, tzinfo=LONDON))  # Sunday, after the change
    _book(studio, datetime(2026, 10, 26, 0, 30, tzinfo=LONDON), name="Next")  # Monday: next week
    html = coach_web.get(reverse("booking:calendar"), {"date": "2026-10-21"}).content.decode()
    assert 'data-date="2026-10-25" data-hours="25"' in html and "Clocks go back: 01:00–02:00 happens twice." in html
    assert f"#cal-ev-{late.session_id}-6{{top:97.9167%" in html
    feed = api_as(studio.coach).get("/api/v1/booking/calendar/", {"start": "2026-10-19", "days": 7})
    assert feed.status_code == 200
    body = feed.json()
    assert body["start"] == "2026-10-18T23:00:00Z" and body["end"] == "2026-10-26T00:00:00Z"  # 169 hours
    assert [s["id"] for s in body["sessions"]] == [late.session_id]
    assert body["sessions"][0]["local_start"] == "2026-10-25T23:30:00+00:00"
    spring = coach_web.get(reverse("booking:calendar"), {"date": "2026-03-29"}).content.decode()
    assert 'data-hours="23"' in spring and "01:00–02:00 does not happen" in spring


@freeze_time(NOW)
def test_api_reschedule_keeps_the_rules_and_feed_filters_by_service(studio):
    booking = _book(studio, TUE_10)
    api = api_as(studio.coach)
    url = f"/api/v1/booking/sessions/{booking.session_id}/reschedule/"
    refused = api.post(url, {"start_at": "2026-06-02T19:00:00+01:00"}, format="json")
    assert refused.status_code == 400 and "working hours" in str(refused.json())
    assert api.post(url, {"start_at": "soon"}, format="json").status_code == 400
    moved = api.post(url, {"start_at": "2026-06-02T15:00:00+01:00"}, format="json")
    assert moved.status_code == 200 and moved.json()["start_at"] == "2026-06-02T14:00:00Z"
    feed = api.get("/api/v1/booking/calendar/", {"start": "2026-06-01", "service": studio.service.pk}).json()
    assert [s["clients"][0]["client_name"] for s in feed["sessions"]] == [booking.client.full_name]
    assert api.get("/api/v1/booking/calendar/", {"start": "2026-06-01", "service": 0}).json()["sessions"] == []
    assert api.get("/api/v1/booking/calendar/", {"days": 400}).status_code == 400


@freeze_time(NOW)
def test_another_business_can_neither_see_nor_move_a_session(client, studio):
    booking = _book(studio, TUE_10)
    other = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    client.force_login(other)
    assert _move(client, booking.session, "2026-06-02", "15:00", **JSON).status_code == 404
    api = api_as(other)
    assert (
        api.post(
            f"/api/v1/booking/sessions/{booking.session_id}/reschedule/", {"start_at": "2026-06-02T15:00:00+01:00"}
        ).status_code
        == 404
    )
    feed = api.get("/api/v1/booking/calendar/", {"start": "2026-06-01", "coach": studio.coach.pk, "scope": "all"})
    assert feed.status_code == 200 and feed.json()["sessions"] == []
    html = client.get(reverse("booking:calendar"), {"date": "2026-06-02", "scope": "all"}).content.decode()
    assert f'data-session="{booking.session_id}"' not in html
    assert Session.objects.get(pk=booking.session_id).start_at == TUE_10


@freeze_time(NOW)
def test_calendar_queries_do_not_grow_with_sessions_and_workouts(coach_web, studio):
    api = api_as(studio.coach)

    def count(url, query):
        with CaptureQueriesContext(connection) as ctx:
            assert (api if url.startswith("/api") else coach_web).get(url, query).status_code == 200
        return len(ctx.captured_queries)

    def add(n, day):
        for hour in range(9, 9 + n):
            booking = _book(studio, datetime(2026, 6, day, hour, 0, tzinfo=LONDON), name=f"P{day}{hour}")
            ScheduledWorkoutFactory(organization=studio.org, client=booking.client, date=date(2026, 6, day))

    pages = [
        (reverse("booking:calendar"), {"date": "2026-06-02"}),
        (reverse("booking:calendar"), {"date": "2026-06-02", "view": "month"}),
        ("/api/v1/booking/calendar/", {"start": "2026-06-01"}),
    ]
    add(1, 2)
    [count(url, query) for url, query in pages]  # warm the per-process caches (brand, formats)
    before = [count(url, query) for url, query in pages]
    add(6, 3)
    add(6, 4)
    assert [count(url, query) for url, query in pages] == before


@freeze_time(NOW)
def test_the_session_page_moves_by_the_same_rules_unless_the_coach_says_anyway(coach_web, studio):
    booking = _book(studio, TUE_10)
    page = reverse("booking:session", args=[booking.session_id])
    refused = coach_web.post(page, {"action": "move", "date": "2026-06-03", "time": "20:00"})
    assert (
        refused.status_code == 400
        and "outside" in refused.content.decode()
        and "working hours" in refused.content.decode()
    )
    booking.session.refresh_from_db()
    assert booking.session.start_at == TUE_10
    moved = coach_web.post(page, {"action": "move", "date": "2026-06-03", "time": "20:00", "anyway": "on"})
    assert moved.status_code == 302
    booking.session.refresh_from_db()
    assert booking.session.start_at == datetime(2026, 6, 3, 20, 0, tzinfo=LONDON)
