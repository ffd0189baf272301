"""The availability engine: hours, exceptions, notice, horizon, buffers, busy times,
group places, and daylight-saving days in London and New York."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from booking import selectors, services
from booking.models import AvailabilityException
from integrations.models import ConnectedAccount, ExternalBusyTime
from tests.factories import ClientFactory

from .conftest import Studio
from .factories import ServiceTypeFactory

pytestmark = pytest.mark.django_db
LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")


def local_times(slots, tz=LONDON) -> list[str]:
    return [s.start.astimezone(tz).strftime("%H:%M") for s in slots]


def day_slots(studio, day: date, service=None, tz="Europe/London", now=None):
    start, end = selectors.local_day_bounds(day, tz)
    return selectors.open_slots(
        service=service or studio.service, coach_id=studio.coach.pk, start=start, end=end, now=now
    )


@freeze_time("2026-06-01 06:00")  # a Monday, 07:00 in London
def test_several_intervals_a_day_at_the_slot_step(studio):
    services.set_weekly_hours(
        organization=studio.org, coach=studio.coach, intervals=[(0, time(9), time(12)), (0, time(13), time(15, 30))]
    )
    studio.profile_update(slot_step_minutes=60)
    assert local_times(day_slots(studio, date(2026, 6, 1))) == ["09:00", "10:00", "11:00", "13:00", "14:00"]


@freeze_time("2026-06-01 06:00")
def test_existing_session_blocks_with_buffers_both_ways(studio):
    studio.profile_update(slot_step_minutes=15)
    studio.service.buffer_after_minutes = 15
    studio.service.save()
    client = ClientFactory(organization=studio.org)
    services.book_session(
        service=studio.service, coach=studio.coach, client=client, start_at=datetime(2026, 6, 1, 11, 0, tzinfo=LONDON)
    )
    times = local_times(day_slots(studio, date(2026, 6, 1)))
    # 11:00–12:00 is taken; its 15 min buffer after keeps 12:00 free of a start; a new
    # session's own buffer after must not reach 11:00, so 09:45 is the last start before.
    assert "09:45" in times and "10:00" not in times and "11:00" not in times
    assert "12:00" not in times and "12:15" in times


@freeze_time("2026-06-01 06:00")
def test_busy_times_from_a_connected_calendar_block_slots(studio):
    connection = ConnectedAccount.objects.create(
        organization=studio.org, user=studio.coach, provider="google", access_token="x"
    )
    ExternalBusyTime.objects.create(
        organization=studio.org,
        connection=connection,
        coach=studio.coach,
        external_id="evt1",
        start_at=datetime(2026, 6, 1, 13, 0, tzinfo=LONDON),
        end_at=datetime(2026, 6, 1, 14, 30, tzinfo=LONDON),
    )
    times = local_times(day_slots(studio, date(2026, 6, 1)))
    assert "12:00" in times and "12:30" not in times and "14:00" not in times and "14:30" in times
    connection.status = ConnectedAccount.Status.REVOKED
    connection.save()
    assert "13:00" in local_times(day_slots(studio, date(2026, 6, 1)))


@freeze_time("2026-06-01 08:10")  # 09:10 in London
def test_minimum_notice_and_booking_horizon(studio):
    studio.profile_update(min_notice_minutes=120, max_days_ahead=3)
    times = local_times(day_slots(studio, date(2026, 6, 1)))
    assert times[0] == "11:30"  # 09:10 + 2 h = 11:10, next start on the grid
    assert local_times(day_slots(studio, date(2026, 6, 4))) == ["09:00"]  # 3 days ahead ends at 09:10
    assert not day_slots(studio, date(2026, 6, 5))


@freeze_time("2026-06-01 06:00")
def test_exceptions_time_off_and_extra_hours(studio):
    services.add_exception(organization=studio.org, coach=studio.coach, date=date(2026, 6, 2))
    services.add_exception(
        organization=studio.org,
        coach=studio.coach,
        date=date(2026, 6, 3),
        start_time=time(9),
        end_time=time(15),
    )
    services.add_exception(
        organization=studio.org,
        coach=studio.coach,
        date=date(2026, 6, 6),
        kind=AvailabilityException.Kind.EXTRA,
        start_time=time(10),
        end_time=time(12),
    )
    assert day_slots(studio, date(2026, 6, 2)) == []
    assert local_times(day_slots(studio, date(2026, 6, 3)))[0] == "15:00"
    assert local_times(day_slots(studio, date(2026, 6, 6))) == ["10:00", "10:30", "11:00"]  # a Saturday


@freeze_time("2026-06-01 06:00")
def test_group_class_offers_places_left_and_closes_when_full(studio):
    group = ServiceTypeFactory(organization=studio.org, coaches=[studio.coach], capacity=2, duration_minutes=60)
    start = datetime(2026, 6, 1, 10, 0, tzinfo=LONDON)
    services.book_session(
        service=group, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=start
    )
    slot = next(s for s in day_slots(studio, date(2026, 6, 1), service=group) if s.start == start)
    assert slot.seats_left == 1 and slot.session_id
    # A 1:1 can't overlap the class
    assert "10:00" not in local_times(day_slots(studio, date(2026, 6, 1)))
    services.book_session(
        service=group, coach=studio.coach, client=ClientFactory(organization=studio.org), start_at=start
    )
    assert start not in [s.start for s in day_slots(studio, date(2026, 6, 1), service=group)]


# --- Daylight saving ---------------------------------------------------------------------------------
@freeze_time("2026-03-20 12:00")
def test_london_spring_forward_day_has_the_real_hours():
    studio = Studio()
    services.set_weekly_hours(organization=studio.org, coach=studio.coach, intervals=[(6, time(0), time(4))])
    studio.profile_update(slot_step_minutes=60)
    slots = day_slots(studio, date(2026, 3, 29))  # clocks go 01:00 → 02:00
    assert local_times(slots) == ["00:00", "02:00", "03:00"]  # three real hours, no 01:00
    assert [s.start.astimezone(UTC).hour for s in slots] == [0, 1, 2]


@freeze_time("2026-03-20 12:00")
def test_london_same_wall_clock_time_either_side_of_the_change():
    studio = Studio()
    services.set_weekly_hours(
        organization=studio.org, coach=studio.coach, intervals=[(5, time(9), time(10)), (0, time(9), time(10))]
    )
    before = day_slots(studio, date(2026, 3, 28))
    after = day_slots(studio, date(2026, 3, 30))
    assert [s.start for s in before] == [datetime(2026, 3, 28, 9, 0, tzinfo=UTC)]
    assert [s.start for s in after] == [datetime(2026, 3, 30, 8, 0, tzinfo=UTC)]


@freeze_time("2026-10-20 12:00")
def test_london_fall_back_day_has_the_repeated_hour():
    studio = Studio()
    services.set_weekly_hours(organization=studio.org, coach=studio.coach, intervals=[(6, time(0), time(4))])
    studio.profile_update(slot_step_minutes=60)
    slots = day_slots(studio, date(2026, 10, 25))  # clocks go 02:00 → 01:00
    assert local_times(slots) == ["00:00", "01:00", "01:00", "02:00", "03:00"]
    assert len({s.start for s in slots}) == 5  # five distinct real hours
    start, end = selectors.local_day_bounds(date(2026, 10, 25), "Europe/London")
    assert end - start == timedelta(hours=25)


@freeze_time("2026-03-01 12:00")
def test_new_york_spring_forward_and_fall_back():
    studio = Studio(tz="America/New_York")
    services.set_weekly_hours(
        organization=studio.org,
        coach=studio.coach,
        intervals=[(6, time(1), time(4)), (5, time(9), time(10)), (0, time(9), time(10))],
    )
    studio.profile_update(slot_step_minutes=60)
    spring = day_slots(studio, date(2026, 3, 8), tz="America/New_York")  # 02:00 → 03:00
    assert local_times(spring, NEW_YORK) == ["01:00", "03:00"]
    assert day_slots(studio, date(2026, 3, 7), tz="America/New_York")[0].start == datetime(
        2026, 3, 7, 14, 0, tzinfo=UTC
    )
    assert day_slots(studio, date(2026, 3, 9), tz="America/New_York")[0].start == datetime(
        2026, 3, 9, 13, 0, tzinfo=UTC
    )
    with freeze_time("2026-10-28 12:00"):
        fall = day_slots(studio, date(2026, 11, 1), tz="America/New_York")  # 02:00 → 01:00
        assert local_times(fall, NEW_YORK) == ["01:00", "01:00", "02:00", "03:00"]


@freeze_time("2026-03-09 12:00")
def test_client_in_another_zone_sees_slots_on_their_own_day_and_clock():
    """A London coach's 09:00 is 05:00 in New York while only the US has changed its clocks
    (8–29 March 2026), and 04:00 after London changes too."""
    studio = Studio()
    services.set_weekly_hours(organization=studio.org, coach=studio.coach, intervals=[(1, time(9), time(10))])
    studio.profile_update(slot_step_minutes=60)
    start, end = selectors.local_day_bounds(date(2026, 3, 10), "America/New_York")
    slots = selectors.open_slots(service=studio.service, coach_id=studio.coach.pk, start=start, end=end)
    assert local_times(slots, NEW_YORK) == ["05:00"]
    start, end = selectors.local_day_bounds(date(2026, 3, 31), "America/New_York")
    slots = selectors.open_slots(service=studio.service, coach_id=studio.coach.pk, start=start, end=end)
    assert local_times(slots, NEW_YORK) == ["04:00"]
    # A client in Auckland sees Tuesday's 09:00 London slot on Tuesday night (22:00, NZDT).
    start, end = selectors.local_day_bounds(date(2026, 3, 10), "Pacific/Auckland")
    slots = selectors.open_slots(service=studio.service, coach_id=studio.coach.pk, start=start, end=end)
    days = selectors.slots_by_day(slots, "Pacific/Auckland")
    assert [(d.isoformat(), local_times(s, ZoneInfo("Pacific/Auckland"))) for d, s in days.items()] == [
        ("2026-03-10", ["22:00"])
    ]
