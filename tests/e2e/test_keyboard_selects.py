"""Auto-submitting selects do not reload the page while a keyboard user moves through them."""

import re

import pytest

from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_switching_business_by_keyboard_waits_for_enter(page):
    owner = MembershipFactory(role="owner")
    MembershipFactory(user=owner.user, role="coach")
    page.goto("/account/login/")
    page.get_by_label("Email").fill(owner.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    select = page.locator("#org-switch")
    first = select.input_value()
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    select.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(800)
    assert navigations == []  # moving through the options does not submit
    assert select.input_value() != first
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#org-switch").input_value() != first
