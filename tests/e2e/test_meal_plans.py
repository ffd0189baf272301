"""In the browser: a coach builds a day of a meal plan from a recipe and a food found by
search, changes an amount to half a portion, and sees the totals follow each change."""

import os
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from nutrition.models import MealItem
from nutrition.services.recipes import create_recipe
from tests.factories import PASSWORD, MembershipFactory
from tests.nutrition.factories import FoodFactory, FoodPortionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))


def _search(page, meal_label, query, button_name):
    """Open a meal's picker, type, and wait for the result (typed again if htmx was not
    listening yet)."""
    section = page.locator(".plan-meal", has=page.get_by_role("heading", name=meal_label, exact=True)).first
    summary = section.locator("details.picker > summary")
    if not section.locator("details.picker[open]").count():
        summary.click()
    box = section.get_by_label("Search foods and recipes")
    button = section.get_by_role("button", name=button_name)
    for _attempt in range(3):
        box.fill(query)
        try:
            button.wait_for(timeout=3000)
            break
        except Exception:
            box.fill("")
    return section, button


def test_coach_builds_a_day_from_a_recipe_and_a_searched_food_and_sees_totals(page, live_server, screenshot_dir):
    member = MembershipFactory(role="coach")
    org = member.organization
    oats = FoodFactory(organization=org, name="Oats, rolled", energy_kcal=Decimal("380"), protein_g=Decimal("13"))
    create_recipe(organization=org, name="Overnight oats", servings=2, ingredients=[{"food": oats.pk, "amount": 100}])
    banana = FoodFactory(organization=org, name="Bananas, raw", energy_kcal=Decimal("89"), protein_g=Decimal("1"))
    FoodPortionFactory(food=banana, organization=org, description="medium", gram_weight=Decimal("118"))
    _login(page, member.user.email)

    page.get_by_role("link", name="Meal plans").first.click()
    page.get_by_role("link", name="Build a meal plan").click()
    page.get_by_label("Name").fill("Lean week")
    page.get_by_label("Number of days").fill("3")
    page.get_by_label("Energy (kcal)").fill("2000")
    page.get_by_role("button", name="Create and open the builder").click()
    page.wait_for_url(re.compile(r"/nutrition/plans/\d+/$"))
    expect(page.get_by_role("heading", name="Day 3")).to_be_visible()

    day1 = page.locator(".plan-day").first
    _section, add_recipe = _search(page, "Breakfast", "overnight", "Add Overnight oats")
    add_recipe.click()
    # 1 serving: half of 100 g oats.
    expect(day1.locator(".day-totals")).to_contain_text("Energy: 190 / 2000 kcal (10 %)")

    # Part of a word finds the food (search as you type).
    section, add_banana = _search(page, "Snack", "banan", "Add Bananas, raw")
    add_banana.click()
    expect(day1.locator(".day-totals")).to_contain_text("Energy: 295 / 2000 kcal")  # + 118 g banana = 105 kcal

    amount = page.get_by_label("Amount of Bananas, raw")
    amount.fill("0.5")
    amount.press("Enter")
    expect(day1.locator(".day-totals")).to_contain_text("Energy: 243 / 2000 kcal")  # + 59 g banana = 52.5 kcal
    assert MealItem.objects.get(food=banana).grams == Decimal("59.00")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator(".plan-day").first.locator(".day-totals")).to_contain_text("243")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
    page.screenshot(path=os.path.join(screenshot_dir, "meal-plan-builder-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    page.screenshot(path=os.path.join(screenshot_dir, "meal-plan-builder-1366.png"))
