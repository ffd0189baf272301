"""The sign-up form starts in the browser's time zone and that zone's currency."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_signup_starts_in_the_browsers_time_zone_and_currency(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    context = browser.new_context(
        base_url=live_server.url, timezone_id="Europe/London", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/account/signup/")
    assert page.get_by_label("Time zone").input_value() == "Europe/London"
    assert page.get_by_label("Currency").input_value() == "GBP"
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    assert page.get_by_label("Currency").input_value() == "EUR"
    page.get_by_label("Currency").select_option("USD")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    assert page.get_by_label("Currency").input_value() == "USD"  # the person's own pick stays
    context.close()
