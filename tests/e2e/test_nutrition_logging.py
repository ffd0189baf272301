"""In the browser, on a phone: a client searches as they type, logs a meal of two foods and
sees the day's totals against their targets; the coach sees the day in the week view."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from nutrition.models import FoodLogEntry
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory, NutritionTargetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_client_logs_a_meal_of_two_foods_on_a_phone_and_sees_the_totals(browser, page, live_server, screenshot_dir):
    coach = MembershipFactory(role="coach")
    org = coach.organization
    user = UserFactory()
    client = ClientFactory(organization=org, user=user, email=user.email, first_name="Mia", time_zone="Europe/London")
    NutritionTargetFactory(client=client, organization=org, energy_kcal=2000, protein_g=Decimal(120))
    oats = FoodFactory(organization=org, name="Oats, rolled", energy_kcal=Decimal(380), protein_g=Decimal(13))
    FoodPortionFactory(food=oats, organization=org, description="cup", gram_weight=Decimal(80))
    FoodFactory(organization=org, name="Banana, raw", energy_kcal=Decimal(90), protein_g=Decimal(1))

    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    errors = []
    mobile = phone.new_page()
    mobile.set_default_timeout(15000)
    mobile.on("pageerror", lambda exc: errors.append(str(exc)))
    mobile.goto("/account/login/")
    mobile.get_by_label("Email").fill(user.email)
    mobile.locator("#id_password").fill(PASSWORD)
    mobile.get_by_role("button", name="Log in").click()
    mobile.wait_for_url(re.compile(r"/(dashboard|portal)/"))
    mobile.goto("/portal/nutrition/")
    expect(mobile.get_by_text("Nothing logged on this day yet.")).to_be_visible()

    # First food: typed, found as-you-type, one cup.
    mobile.get_by_label("Search foods").press_sequentially("oat", delay=50)
    mobile.get_by_role("link", name="Oats, rolled").click()
    mobile.wait_for_url(re.compile(r"/portal/nutrition/foods/\d+/"))
    mobile.locator("#id_meal").select_option("breakfast")
    mobile.locator("#id_amount").fill("1")
    mobile.locator("#id_unit").select_option(label="1 cup (80 g)")
    mobile.get_by_role("button", name="Log it").click()
    expect(mobile.get_by_text("Logged Oats, rolled.")).to_be_visible()

    # Second food: by grams.
    mobile.get_by_label("Search foods").press_sequentially("banan", delay=50)
    mobile.get_by_role("link", name="Banana, raw").click()
    mobile.locator("#id_meal").select_option("breakfast")
    mobile.locator("#id_amount").fill("120")
    mobile.locator("#id_unit").select_option("g")
    mobile.get_by_role("button", name="Log it").click()
    expect(mobile.get_by_text("Logged Banana, raw.")).to_be_visible()

    # 380 × 0.8 = 304 kcal + 90 × 1.2 = 108 kcal → 412 of 2,000 kcal.
    energy = mobile.locator('[data-nutrient="energy_kcal"]')
    expect(energy.get_by_text("412 / 2,000 kcal")).to_be_visible()
    expect(mobile.locator('[data-nutrient="protein_g"]').get_by_text("12 / 120 g")).to_be_visible()
    expect(mobile.get_by_role("heading", name="Breakfast")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    mobile.screenshot(path=f"{screenshot_dir}/nutrition-portal-day-phone.png", full_page=True)
    assert FoodLogEntry.objects.filter(client=client).count() == 2
    phone.close()
    assert not errors, errors

    # The coach sees the day in the week view.
    page.goto("/account/login/")
    page.get_by_label("Email").fill(coach.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/clients/{client.pk}/nutrition/")
    expect(page.get_by_role("cell", name="412 / 2,000 under")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/nutrition-coach-week.png", full_page=True)
    page.goto(
        f"/clients/{client.pk}/nutrition/targets/?activity=moderate&goal=lose&protein_g_per_kg=1.8&fat_percent=30"
    )
    expect(page.get_by_text("no weight logged").first).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/nutrition-coach-targets.png", full_page=True)
