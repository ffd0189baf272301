"""The phone's health data as charts: the coach's progress tab and the client's progress page,
at phone and desktop widths, and the empty state that explains how to connect."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from accounts.services import sign_up_business
from clients import services
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


def _a_fortnight_from_the_phone(client) -> None:
    today = timezone.localdate()
    samples = []
    for back in range(14):
        day = today - datetime.timedelta(days=back)
        morning = datetime.datetime.combine(day, datetime.time(7), tzinfo=datetime.UTC)
        for hour in range(8, 20, 2):
            start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)
            samples.append(
                {
                    "id": f"steps-{day}-{hour}",
                    "kind": "steps",
                    "value": 600 + (back * 37 + hour * 53) % 900,
                    "start": start.isoformat(),
                    "end": (start + datetime.timedelta(hours=2)).isoformat(),
                    "source": "Apple Health",
                    "device": "iPhone",
                }
            )
        samples += [
            {
                "id": f"sleep-{day}",
                "kind": "sleep",
                "start": (morning - datetime.timedelta(hours=7, minutes=back * 7 % 60)).isoformat(),
                "end": morning.isoformat(),
                "source": "Apple Health",
                "device": "Apple Watch",
            },
            {"id": f"rhr-{day}", "kind": "resting_hr", "value": 52 + back % 5, "start": morning.isoformat()},
            {"id": f"ahr-{day}", "kind": "average_hr", "value": 70 + back % 9, "start": morning.isoformat()},
            {
                "id": f"kcal-{day}",
                "kind": "active_energy",
                "value": 350 + back * 11 % 200,
                "unit": "kcal",
                "start": morning.isoformat(),
            },
            {
                "id": f"w-{day}",
                "kind": "weight",
                "value": 81 - back * 0.1,
                "unit": "kg",
                "start": morning.isoformat(),
            },
        ]
    services.record_health_samples(client=client, samples=samples)


def _log_in(page, email, password, landing):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(landing))


def _charts_drawn(page):
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#health canvas')).every(c => c.chart !== undefined)"
    )


def test_coach_and_client_see_the_phones_daily_charts(page, screenshot_dir):
    user, org = sign_up_business(email="hana@example.com", password=PASSWORD, business_name="Hana Coaching")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    member_user = UserFactory()
    member = ClientFactory(
        organization=org, first_name="Lee", last_name="Park", user=member_user, email=member_user.email, coach=user
    )
    quiet = ClientFactory(organization=org, first_name="Ola", last_name="Berg", coach=user)
    _a_fortnight_from_the_phone(member)
    page.set_default_timeout(60_000)  # a week of charts per page; generous for a loaded CI machine

    _log_in(page, user.email, PASSWORD, r"/dashboard/")
    page.goto(f"/clients/{quiet.pk}/progress/")
    expect(page.get_by_text("Nothing from Ola's phone yet.")).to_be_visible()

    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/clients/{member.pk}/progress/")
        health = page.locator("#health")
        expect(health.get_by_role("heading", name="Health data from the phone")).to_be_visible()
        for name in ("Steps", "Sleep", "Resting heart rate", "Average heart rate", "Active energy"):
            expect(health.locator("figcaption strong", has_text=re.compile(f"^{name}$"))).to_be_visible()
        _charts_drawn(page)
        assert page.locator("#health canvas").count() == 5
        # The phone's weight is the Weight measurement's chart, not a second one.
        expect(page.locator("canvas#chart-weight")).to_have_count(1)
        scroll = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert scroll <= 0, f"the page scrolls sideways at {width}px"
        health.scroll_into_view_if_needed()
        page.screenshot(path=f"{screenshot_dir}/health-coach-{width}.png", full_page=True)

    page.context.clear_cookies()
    _log_in(page, member_user.email, "correct horse battery staple", r"/")
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/portal/progress/")
        _charts_drawn(page)
        assert page.locator("#health canvas").count() == 5
        page.screenshot(path=f"{screenshot_dir}/health-portal-{width}.png", full_page=True)
