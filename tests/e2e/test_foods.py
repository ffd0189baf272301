"""In the browser, on a phone-sized screen: a coach finds a food by a misspelt name as they
type, reads it per household portion, and adds a portion of the business's own."""

import re

import pytest
from playwright.sync_api import expect

from nutrition.models import FoodPortion
from nutrition.services.foods import load_food_database
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coach_finds_a_misspelt_food_and_adds_a_portion(page, live_server):
    load_food_database()
    coach = MembershipFactory(role="coach")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/login/")
    page.get_by_label("Email").fill(coach.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto("/nutrition/foods/")
    page.get_by_label("Search foods").fill("bananna")
    first = page.locator("#food-results tbody tr").first.get_by_role("link")
    expect(first).to_have_text("Bananas, raw")
    first.click()
    page.wait_for_url(re.compile(r"/nutrition/foods/\d+/$"))

    page.get_by_label("Show per").select_option(label="1 medium (7 to 7-7/8 in long) (118 g)")
    expect(page.locator("#food-nutrients")).to_contain_text("105.02 kcal")  # 89 kcal per 100 g × 118 g

    page.get_by_label("Measure").fill("smoothie handful")
    page.get_by_label("Grams").fill("0")
    page.get_by_role("button", name="Add portion").click()
    expect(page.locator(".errorlist")).to_be_visible()
    page.get_by_label("Grams").fill("60.5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/nutrition/foods/\d+/$"))
    expect(page.locator(".list-rows li", has_text="1 smoothie handful = 60.50 g")).to_be_visible()
    portion = FoodPortion.objects.get(organization=coach.organization)
    assert str(portion.gram_weight) == "60.50"
