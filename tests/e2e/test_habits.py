"""In the browser: on a phone, a client ticks a habit and adds glasses of water, and sees the
streak go up; the coach sees the streak on the client's Habits tab."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from nutrition import habits as rules
from nutrition.models import HabitLog
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory
from tests.nutrition.factories import HabitFactory, HabitLogFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(dashboard|portal)/"))


def test_client_completes_habits_on_a_phone_and_the_streak_goes_up(browser, live_server, page, screenshot_dir):
    membership = MembershipFactory(role="owner")
    org = membership.organization
    user = UserFactory()
    client = ClientFactory(organization=org, user=user, email=user.email, time_zone="Europe/London", status="active")
    today = rules.local_date(timezone.now(), client.time_zone)
    walk = HabitFactory(client=client, organization=org, name="Evening walk", start_date=today - timedelta(days=5))
    for offset in (1, 2):
        HabitLogFactory(habit=walk, client=client, organization=org, date=today - timedelta(days=offset))
    water = HabitFactory(
        client=client, organization=org, name="Water", kind="count", goal=2, unit_label="glasses", start_date=today
    )

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    errors = []
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    mobile.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(mobile, user.email)
    mobile.get_by_role("link", name="Habits").first.click()
    mobile.wait_for_url(re.compile(r"/portal/habits/"))
    walk_card = mobile.locator(f"#habit-{walk.pk}")
    expect(walk_card.get_by_text("2-day streak")).to_be_visible()
    mobile.screenshot(path=f"{screenshot_dir}/habits-portal-phone.png", full_page=True)
    walk_card.get_by_role("button", name="Mark Evening walk done").last.click()
    expect(walk_card.get_by_text("3-day streak")).to_be_visible()
    expect(walk_card.get_by_role("button", name="Evening walk: done. Tap to undo").last).to_be_visible()

    water_card = mobile.locator(f"#habit-{water.pk}")
    plus = water_card.get_by_role("button", name="One more for Water")
    box = plus.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a thumb-sized target
    plus.click()
    expect(water_card.get_by_text("0-day streak")).to_be_visible()
    water_card.get_by_role("button", name="One more for Water").click()
    expect(water_card.get_by_text("1-day streak")).to_be_visible()
    expect(water_card.get_by_text("Goal reached")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    mobile.screenshot(path=f"{screenshot_dir}/habits-portal-phone-done.png", full_page=True)
    assert not errors, errors
    phone.close()
    assert HabitLog.objects.get(habit=water, date=today).value == 2

    _login(page, membership.user.email)
    page.goto(f"/clients/{client.pk}/habits/")
    expect(page.locator(f"#habit-{walk.pk}").get_by_text("3-day streak")).to_be_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{screenshot_dir}/habits-coach-client-1366.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{screenshot_dir}/habits-coach-client-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto("/nutrition/habits/")
    expect(page.get_by_role("heading", name="Habit library")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/habits-library-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
