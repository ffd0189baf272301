"""The coach drags a session to another day on the week grid; the client gets the
reschedule email. The week also fits a phone, as a day-by-day agenda."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from booking import services
from booking.models import CoachProfile
from tests.booking.factories import ServiceTypeFactory
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

from .test_booking import _log_in

pytestmark = pytest.mark.django_db(transaction=True)
LONDON = ZoneInfo("Europe/London")


def test_coach_drags_a_session_to_another_day_and_the_client_is_told(page, screenshot_dir):
    org = OrganizationFactory(name="Drag Gym", slug="drag-gym", time_zone="Europe/London")
    coach = MembershipFactory(organization=org, role="owner", user__full_name="Casey Coach").user
    profile = services.ensure_coach_profile(organization=org, user=coach)
    CoachProfile.objects.filter(pk=profile.pk).update(time_zone="Europe/London", min_notice_minutes=0)
    services.set_weekly_hours(organization=org, coach=coach, intervals=[(d, time(8), time(20)) for d in range(7)])
    service = ServiceTypeFactory(organization=org, coaches=[coach], name="Strength 1:1", duration_minutes=60)
    today = timezone.now().astimezone(LONDON).date()
    tuesday = today + timedelta(days=7 - today.weekday() + 1)  # next week's Tuesday
    ivy = ClientFactory(organization=org, first_name="Ivy", last_name="Stone", email="ivy@example.com")
    booking = services.book_session(
        service=service, coach=coach, client=ivy, start_at=datetime.combine(tuesday, time(10), tzinfo=LONDON)
    )
    mail.outbox.clear()

    page.set_viewport_size({"width": 1366, "height": 900})
    _log_in(page, coach)
    page.goto(f"/booking/?date={tuesday.isoformat()}")
    event = page.locator(f'.cal-event[data-session="{booking.session_id}"]')
    wednesday = page.locator(f'.cal-col[data-date="{(tuesday + timedelta(days=1)).isoformat()}"]')
    start, column = event.bounding_box(), wednesday.bounding_box()
    grab_y = start["y"] + 8
    # 14:00 is 14/24 down Wednesday's column; keep the grab point's offset into the session.
    target_y = column["y"] + column["height"] * 14 / 24 + 8
    page.screenshot(path=f"{screenshot_dir}/calendar-week-1366.png")
    page.mouse.move(start["x"] + 20, grab_y)
    page.mouse.down()
    page.mouse.move(column["x"] + 20, target_y, steps=8)
    page.mouse.up()
    expect(page.locator(".messages, [role=status]").get_by_text(re.compile("moved to"))).to_be_visible()
    booking.session.refresh_from_db()
    assert booking.session.start_at == datetime.combine(tuesday + timedelta(days=1), time(14), tzinfo=LONDON)
    assert [m.subject for m in mail.outbox if m.to == ["ivy@example.com"]][0].startswith("Moved")
    page.screenshot(path=f"{screenshot_dir}/calendar-week-moved-1366.png")

    page.goto(f"/booking/?date={tuesday.isoformat()}&view=month")
    page.screenshot(path=f"{screenshot_dir}/calendar-month-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/booking/?date={tuesday.isoformat()}")
    expect(page.locator(".cal-agenda").get_by_text("Ivy Stone")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{screenshot_dir}/calendar-week-390.png", full_page=True)
    page.goto(f"/booking/?date={tuesday.isoformat()}&view=month")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{screenshot_dir}/calendar-month-390.png", full_page=True)
