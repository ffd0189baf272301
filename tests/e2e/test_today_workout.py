"""In the browser, on a phone: a client logs today's workout set by set with the rest timer and
last time's figures beside each set, closes the tab halfway, finds every set kept, finishes and
sees the personal record celebrated."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory
from tests.training.factories import ExerciseFactory
from training import selectors, services
from training.models import PersonalRecord, WorkoutLog

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_client_logs_todays_workout_on_a_phone_resumes_and_sees_the_record(browser, live_server, screenshot_dir):
    org = MembershipFactory(role="coach").organization
    user = UserFactory()
    client = ClientFactory(organization=org, user=user, email=user.email, first_name="Mia")
    squat_ex = ExerciseFactory(organization=org, name="Back squat")
    program = services.create_program(organization=org, name="Base")
    workout = services.add_workout(week=program.weeks.get(), name="Lower body", day=1)
    squat = services.add_prescribed_exercise(
        block=services.add_block(workout=workout),
        exercise=squat_ex,
        sets=2,
        reps_min=5,
        load_type="kg",
        load_value=100,
        rest_seconds=90,
    )
    services.set_allowed_swaps(item=squat, exercises=[ExerciseFactory(organization=org, name="Goblet squat")])
    services.add_prescribed_exercise(
        block=services.add_block(workout=workout), exercise=ExerciseFactory(organization=org, name="Ring row"), sets=1
    )
    services.assign_program(program=program, clients=[client], start_date=selectors.client_today(client))
    services.log_workout(
        client=client,
        client_uuid=uuid.uuid4(),
        performed_at=timezone.now() - timedelta(days=7),
        sets=[{"exercise": squat_ex, "reps": 5, "load_kg": Decimal("100"), "rpe": Decimal("8")}],
    )

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    errors = []
    page = phone.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.clock.install()
    page.goto("/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(dashboard|portal)/"))
    page.goto("/portal/workouts/today/")  # where the home's "Today's workout" leads
    page.wait_for_url(re.compile(r"/portal/workouts/.+/session/$"))
    first = page.locator(".session-set").first
    expect(first.get_by_text("5 × 100 kg · RPE 8")).to_be_visible()  # last time
    expect(page.get_by_text("2 × 5 @ 100 kg · rest 90 s")).to_be_visible()

    # Set 1: heavier than ever. The rest timer starts at the prescribed 90 s and ends.
    page.get_by_label("Back squat, set 1: Load (kg)", exact=True).fill("110")
    page.get_by_role("button", name="More: Back squat, set 1: Reps").click()  # from the target 5 to 6
    expect(page.get_by_label("Back squat, set 1: Reps", exact=True)).to_have_value("6")
    page.get_by_role("button", name="Complete Back squat, set 1").click()
    expect(page.locator("[data-session-status]")).to_have_text("Set saved.")
    timer = page.locator("#rest-timer")
    expect(timer).to_be_visible()
    expect(timer.locator("[data-rest-left]")).to_have_text(re.compile(r"1:(30|29)"))
    page.clock.run_for(91_000)
    expect(page.locator("[data-session-status]")).to_have_text("Rest over: next set.")
    expect(timer).to_have_class(re.compile("is-over"))

    # The tab is closed halfway and opened again: the set is kept, the next one is up.
    url = page.url
    page.close()
    page = phone.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.clock.install()
    page.goto(url)
    expect(page.get_by_label("Back squat, set 1: Load (kg)", exact=True)).to_have_value("110")
    expect(page.get_by_label("Back squat, set 1: Reps", exact=True)).to_have_value("6")
    expect(page.locator(".session-set.is-done")).to_have_count(1)
    expect(page.locator(".session-set.is-next")).to_contain_text("Set 2")
    expect(page.get_by_role("button", name="Start workout")).to_have_count(0)

    page.get_by_role("button", name="Complete Back squat, set 2").click()  # as prescribed
    expect(page.locator(".session-set.is-done")).to_have_count(2)
    expect(page.locator("[data-session-status]")).to_have_text("Set saved.")
    page.get_by_label("Notes for your coach").fill("Depth felt good")
    page.clock.run_for(2_000)
    expect(page.locator("[data-session-status]")).to_have_text("Notes saved.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{screenshot_dir}/today-workout-phone.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{screenshot_dir}/today-workout-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})

    page.get_by_role("button", name="Finish workout").click()
    page.wait_for_url(re.compile(r"/portal/workouts/sessions/.+/$"))
    expect(page.get_by_role("heading", name=re.compile("new personal record", re.I))).to_be_visible()
    expect(page.locator(".session-records")).to_contain_text("Back squat")
    expect(page.locator(".summary-figures")).to_contain_text("1,160 kg")  # 6 × 110 + 5 × 100
    page.screenshot(path=f"{screenshot_dir}/today-workout-summary-phone.png", full_page=True)
    assert not errors, errors
    phone.close()

    log = WorkoutLog.objects.get(client=client, scheduled__isnull=False)
    assert log.notes == "Depth felt good" and log.status == "partial"  # the row was not done
    assert PersonalRecord.objects.filter(client=client, set_log__workout_log=log, kind="load").exists()
