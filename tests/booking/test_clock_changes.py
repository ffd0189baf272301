"""Wall-clock times a coach types on the days the clocks change."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse
from freezegun import freeze_time

from booking import services
from booking.models import Booking, RecurringSeries, Session
from booking.services import BookingError
from tests.conftest import api_as
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@freeze_time("2026-03-20 09:00")
def test_a_time_the_clocks_skip_is_refused_not_moved(client, studio):
    chloe = ClientFactory(organization=studio.org)
    client.force_login(studio.coach)
    body = {"client": chloe.pk, "service": studio.service.pk, "coach": studio.coach.pk, "repeat_weeks": 1}
    # London skips 01:00–02:00 on Sunday 29 March 2026.
    response = client.post(reverse("booking:new"), {**body, "date": "2026-03-29", "time": "01:30"})
    assert response.status_code == 400
    assert "01:30 does not exist on 29 Mar 2026 in Europe/London" in response.context["form"].errors["time"][0]
    assert not Session.objects.exists()
    # The hour after the change exists and is booked as typed: 02:30 BST is 01:30 UTC.
    assert client.post(reverse("booking:new"), {**body, "date": "2026-03-29", "time": "02:30"}).status_code == 302
    assert Session.objects.get().start_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@freeze_time("2026-10-20 09:00")
def test_a_time_the_clocks_repeat_is_its_first_occurrence(studio):
    start = services.local_start(day=date(2026, 10, 25), at=time(1, 30), time_zone="Europe/London")
    assert start.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST, not GMT
    booking = services.book_session(
        service=studio.service, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=start
    )
    assert booking.session.start_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@freeze_time("2026-03-20 09:00")
def test_moving_a_session_into_the_skipped_hour_says_why(client, studio):
    booking = services.book_session(
        service=studio.service,
        coach=studio.coach,
        client=ClientFactory(organization=studio.org),
        start_at=datetime(2026, 3, 24, 10, tzinfo=UTC),
    )
    client.force_login(studio.coach)
    response = client.post(
        reverse("booking:session", args=[booking.session_id]), {"action": "move", "date": "2026-03-29", "time": "01:15"}
    )
    assert response.status_code == 400 and "the clocks go forward" in response.context["move_form"].errors["time"][0]
    booking.session.refresh_from_db()
    assert booking.session.start_at == datetime(2026, 3, 24, 10, tzinfo=UTC)


@freeze_time("2026-03-10 09:00")
def test_weekly_sessions_through_a_skipped_hour_book_no_week(studio):
    chloe = ClientFactory(organization=studio.org)
    with pytest.raises(BookingError, match=r"Week 3 \(29 Mar 2026\): 01:30 does not exist"):
        services.create_recurring_series(
            service=studio.service,
            coach=studio.coach,
            client=chloe,
            first_date=date(2026, 3, 15),
            local_time=time(1, 30),
            weeks=4,
        )
    assert not Booking.objects.exists() and not RecurringSeries.objects.exists()
    response = api_as(studio.coach).post(
        "/api/v1/booking/recurring/",
        {
            "client": chloe.pk,
            "service": studio.service.pk,
            "coach": studio.coach.pk,
            "first_date": "2026-03-15",
            "local_time": "01:30",
            "weeks": 4,
        },
        format="json",
    )
    assert response.status_code == 400 and "local_time" in response.data["errors"]


@freeze_time("2026-03-01 09:00")
def test_a_client_sees_their_own_clock_change_while_the_coach_has_none(studio):
    """New York springs forward on 8 March 2026, London three weeks later: the same London
    hours (09:00–17:00 GMT) read 04:00–12:00 to a New Yorker on Friday the 6th and
    05:00–13:00 on Monday the 9th, with the same number of slots."""
    api = api_as(studio.coach)
    url = f"/api/v1/booking/services/{studio.service.pk}/slots/"
    friday_slots = api.get(url, {"start": "2026-03-06", "days": 1, "tz": "America/New_York"}).data
    monday_slots = api.get(url, {"start": "2026-03-09", "days": 1, "tz": "America/New_York"}).data
    friday = [s["local_start"] for s in friday_slots]
    monday = [s["local_start"] for s in monday_slots]
    assert friday[0] == "2026-03-06T04:00:00-05:00" and friday[-1] == "2026-03-06T11:00:00-05:00"
    assert monday[0] == "2026-03-09T05:00:00-04:00" and monday[-1] == "2026-03-09T12:00:00-04:00"
    assert len(friday) == len(monday) == 15  # 09:00–16:00 GMT every 30 minutes
