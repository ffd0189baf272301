"""A coach sets hours and a service; a stranger books on the public page, gets the email
with the invite, reschedules with its link; the coach sees it in the week view and marks
attendance. A late cancel through the email link forfeits a package credit."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from booking import selectors, services
from booking.models import Booking, Session
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, user):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_coach_sets_up_stranger_books_reschedules_coach_marks_attendance(page, live_server, screenshot_dir):
    org = OrganizationFactory(name="Northside Strength", slug="northside", time_zone="Europe/London")
    coach = MembershipFactory(organization=org, role="owner", user__full_name="Casey Coach").user

    # The coach sets hours (every day, two stretches) and a service.
    _log_in(page, coach)
    page.goto("/booking/availability/")
    for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]:
        page.get_by_label(day).fill("00:00-12:00, 12:30-23:30")
    page.get_by_role("button", name="Save hours").click()
    page.wait_for_selector("text=Weekly hours saved.")
    page.screenshot(path=f"{screenshot_dir}/booking-hours.png", full_page=True)
    page.goto("/booking/services/new/")
    page.get_by_label("Name").fill("Strength 1:1")
    page.get_by_label("Duration (minutes)").fill("60")
    page.get_by_label("Address").fill("4 Mill Lane, Leeds")
    page.get_by_label("Price").fill("45")
    page.get_by_role("button", name="Save service").click()
    page.wait_for_url(re.compile(r"/booking/services/$"))
    expect(page.get_by_role("link", name="Strength 1:1")).to_be_visible()
    page.locator("details.account-menu summary").click()
    page.get_by_role("button", name="Log out").click()

    # A stranger in New York books on the public page: service → day → slot → details → confirm.
    stranger = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, timezone_id="America/New_York"
    )
    coach_page, page = page, stranger.new_page()
    page.set_default_timeout(15000)
    page.goto("/book/northside/")
    page.screenshot(path=f"{screenshot_dir}/booking-public-services.png", full_page=True)
    page.get_by_role("link", name=re.compile("Strength 1:1")).click()
    page.locator("a.day-choice").nth(2).click()  # two days out: well before the 24 h deadline
    page.screenshot(path=f"{screenshot_dir}/booking-public-slots.png", full_page=True)
    page.locator("a.slot-choice").first.click()
    page.get_by_label("First name").fill("Sally")
    page.get_by_label("Last name").fill("Stranger")
    page.locator("#id_email").fill("sally@example.com")
    page.screenshot(path=f"{screenshot_dir}/booking-public-details.png", full_page=True)
    page.get_by_role("button", name="Confirm booking").click()
    page.wait_for_selector("text=You're booked!")
    page.screenshot(path=f"{screenshot_dir}/booking-public-booked.png", full_page=True)

    booking = Booking.objects.get(client__email="sally@example.com")
    assert booking.client.status == "lead" and booking.client.time_zone == "America/New_York"
    assert booking.client.coach == coach and booking.client.source == "booking"
    [confirmation] = [m for m in mail.outbox if m.to == ["sally@example.com"]]
    [invite] = [a for a in confirmation.attachments if a[0] == "invite.ics"]
    [event] = Calendar.from_ical(invite[1]).walk("VEVENT")
    assert event.decoded("dtstart") == booking.session.start_at

    # She reschedules with the link from the email.
    link = re.search(r"https?://\S+/book/manage/\S+/", confirmation.body).group(0)
    page.goto(_path(link))
    page.get_by_role("link", name="Reschedule").click()
    old_start = booking.session.start_at
    page.locator("a.day-choice").nth(3).click()  # a whole day ahead, whatever the time of day now
    page.locator("button.slot-choice").nth(1).click()
    page.wait_for_selector("text=Moved. We sent you an updated invite.")
    booking.refresh_from_db()
    assert booking.session.start_at != old_start
    assert any("Moved" in m.subject for m in mail.outbox if m.to == ["sally@example.com"])

    # The coach was told on the dashboard, sees it in the week view, and marks attendance.
    stranger.close()
    page = coach_page
    _log_in(page, coach)
    expect(page.get_by_text("Sally Stranger booked Strength 1:1").first).to_be_visible()
    local_day = booking.session.start_at.astimezone(ZoneInfo("Europe/London")).date()
    page.goto(f"/booking/?date={local_day.isoformat()}")
    expect(page.get_by_text("Sally Stranger").first).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/booking-week.png", full_page=True)
    now = timezone.now()
    Session.objects.filter(pk=booking.session_id).update(
        start_at=now - timedelta(minutes=70), end_at=now - timedelta(minutes=10)
    )  # the session has taken place
    page.goto(f"/booking/sessions/{booking.session_id}/")
    page.get_by_role("button", name="Attended").click()
    page.wait_for_selector("text=Sally Stranger marked as Attended.")
    page.screenshot(path=f"{screenshot_dir}/booking-session.png", full_page=True)
    booking.refresh_from_db()
    assert booking.attendance == Booking.Attendance.ATTENDED


def test_late_cancel_through_the_email_link_forfeits_the_credit(page, live_server, screenshot_dir):
    org = OrganizationFactory(name="Credit Gym", slug="credit-gym", time_zone="Europe/London")
    coach = MembershipFactory(organization=org, role="owner").user
    profile = services.ensure_coach_profile(organization=org, user=coach)
    service = services.save_service_type(
        organization=org, name="Package session", address="Gym", payment_requirement="credit", coaches=[coach]
    )
    client = ClientFactory(organization=org, email="pat@example.com", first_name="Pat")
    services.grant_credits(client=client, quantity=1, source_ref="package:1")
    soon = (timezone.now() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    booking = services.book_session(service=service, coach=coach, client=client, start_at=soon)
    assert selectors.credit_balance(client=client) == 0 and profile.pk

    from booking.tokens import manage_url

    page.goto(_path(manage_url(booking)))
    expect(page.get_by_text("cancelling now is a late cancel")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/booking-late-cancel.png", full_page=True)
    page.get_by_role("button", name="Cancel anyway (late cancel)").click()
    page.wait_for_selector("text=This was a late cancel")
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.attendance == "late_cancel"
    assert selectors.credit_balance(client=client) == 0
    assert booking.credit_entries.filter(kind="forfeit").exists()


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector` (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_stranger_books_on_a_phone_with_the_keyboard_only(browser, live_server, settings, screenshot_dir):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = live_server.url
    org = OrganizationFactory(name="Keys Gym", slug="keys-gym", time_zone="Europe/London")
    coach = MembershipFactory(organization=org, role="owner", user__full_name="Kim Keys").user
    services.ensure_coach_profile(organization=org, user=coach)
    from datetime import time

    services.set_weekly_hours(organization=org, coach=coach, intervals=[(d, time(6), time(22)) for d in range(7)])
    services.save_service_type(organization=org, name="Keyboard 1:1", address="1 Key St", coaches=[coach])
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, timezone_id="Europe/London"
    )
    page = context.new_page()
    page.goto("/book/keys-gym/")
    _tab_to(page, "a.service-choice")
    page.keyboard.press("Enter")
    page.wait_for_selector("a.day-choice")
    _tab_to(page, "a.day-choice")
    page.screenshot(path=f"{screenshot_dir}/booking-keyboard-day-focus.png", full_page=True)
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused day shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_selector("a.slot-choice")
    _tab_to(page, "a.slot-choice")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_first_name")
    _tab_to(page, "#id_first_name")
    page.keyboard.type("Kit")
    _tab_to(page, "#id_email")
    page.keyboard.type("kit@example.com")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=You're booked!")
    page.screenshot(path=f"{screenshot_dir}/booking-keyboard-booked.png", full_page=True)
    context.close()
    assert Booking.objects.get(client__email="kit@example.com").status == Booking.Status.CONFIRMED


def test_booking_pages_fit_a_phone_screen(browser, live_server, settings, screenshot_dir):
    """No booking page scrolls sideways at 390 px: wide tables scroll inside themselves."""
    from datetime import time

    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = live_server.url
    org = OrganizationFactory(name="Narrow Gym", slug="narrow-gym", time_zone="Europe/London")
    coach = MembershipFactory(organization=org, role="owner", user__full_name="Nia Narrow").user
    services.ensure_coach_profile(organization=org, user=coach)
    services.set_weekly_hours(organization=org, coach=coach, intervals=[(d, time(6), time(22)) for d in range(7)])
    group = services.save_service_type(
        organization=org, name="Small-group strength", address="1 Long Street", capacity=6, coaches=[coach]
    )
    people = [ClientFactory(organization=org, first_name=f"Person{n}", last_name="Withalongsurname") for n in range(3)]
    start = (timezone.now() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    bookings = [services.book_session(service=group, coach=coach, client=p, start_at=start) for p in people]
    services.grant_credits(client=people[0], quantity=5, source_ref="narrow", reason="A ten-session package")
    from booking.tokens import manage_url

    token_url = _path(manage_url(bookings[0]))

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _log_in(page, coach)
    pages = [
        "/booking/",
        f"/booking/?view=day&date={start.date().isoformat()}",
        f"/booking/sessions/{bookings[0].session_id}/",
        "/booking/services/",
        f"/booking/services/{group.pk}/",
        "/booking/availability/",
        f"/booking/credits/?client={people[0].pk}",
        "/booking/new/",
        "/booking/policy/",
        "/book/narrow-gym/",
        f"/book/narrow-gym/{group.slug}/",
        f"/book/narrow-gym/{group.slug}/{start.date().isoformat()}/",
        token_url,
    ]
    for path in pages:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
    page.goto(f"/booking/sessions/{bookings[0].session_id}/")
    page.screenshot(path=f"{screenshot_dir}/booking-session-phone.png", full_page=True)
    context.close()
