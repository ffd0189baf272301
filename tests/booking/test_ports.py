"""Booking's ports: with integrations registered (the normal install), meeting links and
busy times come from it; without it, online sessions get Jitsi rooms and no outside time
is busy."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from booking import ports, selectors, services
from booking.models import CoachProfile, ServiceType
from integrations.models import ExternalBusyTime
from tests.integrations.factories import ConnectedAccountFactory

from .factories import SessionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TUE_10 = datetime(2026, 6, 2, 10, 0, tzinfo=LONDON)


@pytest.fixture
def without_integrations(monkeypatch):
    monkeypatch.setattr(ports, "_video", None)
    monkeypatch.setattr(ports, "_busy_times", [])


def _online(studio):
    studio.service.location_type = ServiceType.Location.VIRTUAL
    studio.service.address = ""
    studio.service.save()


def _busy_from_one_to_half_past_two(studio):
    connection = ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="google")
    ExternalBusyTime.objects.create(
        organization=studio.org,
        connection=connection,
        coach=studio.coach,
        external_id="evt1",
        start_at=datetime(2026, 6, 1, 13, 0, tzinfo=LONDON),
        end_at=datetime(2026, 6, 1, 14, 30, tzinfo=LONDON),
    )


def _starts(studio) -> list[str]:
    start, end = selectors.local_day_bounds(date(2026, 6, 1), "Europe/London")
    slots = selectors.open_slots(service=studio.service, coach_id=studio.coach.pk, start=start, end=end)
    return [slot.start.astimezone(LONDON).strftime("%H:%M") for slot in slots]


def test_integrations_registers_its_video_provider_and_busy_times():
    from integrations import selectors as integration_selectors
    from integrations import video

    assert ports._video.provider_for is video.provider_for and ports._video.ensure_meeting is video.ensure_meeting
    assert integration_selectors.busy_intervals in ports._busy_times


@freeze_time("2026-06-01 06:00")
def test_without_integrations_a_coach_preferring_zoom_gets_a_jitsi_room(studio, run_on_commit, without_integrations):
    _online(studio)
    CoachProfile.objects.filter(pk=studio.profile.pk).update(video_provider="zoom")
    ConnectedAccountFactory(organization=studio.org, user=studio.coach, provider="zoom")
    booking = run_on_commit(
        services.book_from_public_page,
        service=studio.service,
        coach=studio.coach,
        start_at=TUE_10,
        first_name="V",
        email="v@example.com",
    )
    booking.session.refresh_from_db()
    assert booking.session.video_provider == "jitsi"
    assert booking.session.video_url.startswith("https://meet.jit.si/")
    [confirmation] = [m for m in mail.outbox if m.to == ["v@example.com"]]
    assert booking.session.video_url in confirmation.body


def test_without_integrations_an_online_session_without_a_link_gets_one_jitsi_room(without_integrations):
    session = SessionFactory(location_type=ServiceType.Location.VIRTUAL, video_url="")
    url = ports.ensure_meeting(session)
    assert url.startswith("https://meet.jit.si/") and session.video_provider == "jitsi"
    assert ports.ensure_meeting(session) == url  # made once
    in_person = SessionFactory(organization=session.organization)
    assert ports.ensure_meeting(in_person) == ""


@freeze_time("2026-06-01 06:00")
def test_without_integrations_no_outside_time_is_busy(studio, without_integrations):
    _busy_from_one_to_half_past_two(studio)
    assert "13:00" in _starts(studio) and "14:00" in _starts(studio)


@freeze_time("2026-06-01 06:00")
def test_with_integrations_a_connected_calendar_blocks_slots(studio):
    _busy_from_one_to_half_past_two(studio)
    assert "13:00" not in _starts(studio) and "14:30" in _starts(studio)
