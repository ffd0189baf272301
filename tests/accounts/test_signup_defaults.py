"""A new business starts in the browser's time zone and its currency, not UTC and USD."""

import json
import re

import pytest

from mecto.localization import currency_for_time_zone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("time_zone", "currency"),
    [
        ("Europe/London", "GBP"),
        ("Europe/Berlin", "EUR"),
        ("America/New_York", "USD"),
        ("Australia/Sydney", "AUD"),
        ("Asia/Tokyo", "JPY"),
        ("Africa/Lagos", "USD"),  # a currency we do not offer: the default
        ("Not/AZone", "USD"),
    ],
)
def test_currency_follows_the_time_zones_country(time_zone, currency):
    assert currency_for_time_zone(time_zone) == currency


def test_signup_page_asks_the_browser_for_its_time_zone_and_knows_each_zones_currency(client):
    page = client.get("/account/signup/").content.decode()
    assert re.search(r'<select name="time_zone"[^>]*data-browser-time-zone', page)
    raw = re.search(r'<select name="currency"[^>]*data-zone-currencies="([^"]+)"', page).group(1)
    currencies = json.loads(raw.replace("&quot;", '"'))
    assert currencies["Europe/Paris"] == "EUR" and currencies["Pacific/Auckland"] == "NZD"


def test_signup_refuses_a_time_zone_that_is_not_one(client):
    response = client.post(
        "/account/signup/",
        {
            "full_name": "Nora",
            "email": "nora@example.com",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "business_name": "Nora Lab",
            "time_zone": "Mars/Olympus_Mons",
            "currency": "EUR",
            "unit_system": "metric",
        },
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    # A form shown again keeps what was sent: the browser's zone does not overwrite it.
    assert "data-browser-time-zone" not in response.content.decode()


def test_signup_page_says_sign_up_as_the_top_bar_does(client):
    page = client.get("/account/signup/").content.decode()
    assert "Sign up" in page and "Sign Up" not in page and "Signup" not in page
