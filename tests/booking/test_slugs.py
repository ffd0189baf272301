"""Addresses of services and coaches for names in any script: readable, unique per business,
and the public booking pages open for them."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from freezegun import freeze_time

from booking import services
from booking.models import Booking
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _service(org, name, **fields):
    return services.save_service_type(organization=org, name=name, location_type="virtual", **fields)


def test_cyrillic_and_japanese_names_keep_their_letters():
    org = OrganizationFactory()
    assert _service(org, "Силовая тренировка").slug == "силовая-тренировка"
    assert _service(org, "パーソナル").slug == "パーソナル"
    assert _service(org, "Café Stretch").slug == "café-stretch"


def test_duplicate_and_emoji_only_names_get_distinct_addresses():
    org = OrganizationFactory()
    first = _service(org, "Силовая тренировка")
    second = _service(org, "силовая  тренировка!")
    emoji = _service(org, "💪🔥")
    emoji_again = _service(org, "🏋️")
    slugs = [first.slug, second.slug, emoji.slug, emoji_again.slug]
    assert slugs == ["силовая-тренировка", "силовая-тренировка-2", "service", "service-2"]
    other_org = OrganizationFactory()
    assert _service(other_org, "Силовая тренировка").slug == "силовая-тренировка"  # unique per business only


def test_saving_a_service_without_renaming_keeps_its_address():
    org = OrganizationFactory()
    emoji = _service(org, "💪")
    _service(org, "🔥")
    again = services.save_service_type(organization=org, service=emoji, name="💪", description="Hard")
    assert again.slug == "service"


def test_coach_with_a_cyrillic_name_gets_a_readable_address():
    org = OrganizationFactory()
    coach = MembershipFactory(organization=org, role="coach", user__full_name="Анна Петрова").user
    profile = services.ensure_coach_profile(organization=org, user=coach)
    assert profile.slug == "анна-петрова"
    profile = services.update_coach_profile(profile=profile, slug="Анна")
    assert profile.slug == "анна"
    with pytest.raises(services.BookingError):
        services.update_coach_profile(profile=profile, slug="💪")


@freeze_time("2026-06-01 06:00")
@pytest.mark.parametrize("name", ["Силовая тренировка", "パーソナル", "🔥🔥"])
def test_public_booking_pages_open_for_non_latin_names(client, studio, name):
    service = services.save_service_type(organization=studio.org, service=studio.service, name=name)
    coach = studio.coach
    coach.full_name = "Анна Петрова"
    coach.save()
    services.update_coach_profile(profile=studio.profile, slug="анна")

    org_page = client.get(reverse("booking:public_org", args=[studio.org.slug]))
    assert org_page.status_code == 200
    assert unquote(reverse("booking:public_days", args=[studio.org.slug, service.slug])) in unquote(
        org_page.content.decode()
    )
    coach_page = client.get(reverse("booking:public_coach", args=[studio.org.slug, "анна"]))
    assert coach_page.status_code == 200 and name in coach_page.content.decode()

    days = client.get(reverse("booking:public_days", args=[studio.org.slug, service.slug]) + "?tz=Europe/London")
    assert days.status_code == 200 and name in days.content.decode()
    slots = client.get(reverse("booking:public_slots", args=[studio.org.slug, service.slug, "2026-06-02"]))
    assert slots.status_code == 200
    book_url = re.search(r'href="(/book/[^"]+/book/\?start=[^"]+)"', slots.content.decode()).group(1)
    book_url = book_url.replace("&amp;", "&")
    details = client.get(book_url)
    assert details.status_code == 200
    done = client.post(book_url, {"first_name": "Ира", "last_name": "Смирнова", "email": "ira@example.com"})
    assert done.status_code == 302
    assert Booking.objects.get(client__email="ira@example.com").session.service == service
