"""The back office lists brands with a logo thumbnail and edits them through the same checks."""

import pytest
from django.urls import reverse

from branding import services
from tests.factories import UserFactory

from .brand_images import png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_list_shows_a_thumbnail_and_filters(staff, org, owner):
    services.save_brand(organization=org, actor=owner, display_name="Teal Gym")
    services.set_logo(organization=org, actor=owner, file=upload(png_bytes()))
    url = reverse("admin:branding_brandsettings_changelist")
    html = staff.get(url).content.decode()
    assert "Teal Gym" in html and f"/brand/files/{org.pk}/" in html
    assert staff.get(url, {"q": "Teal"}).status_code == 200
    assert staff.get(url, {"font__exact": "system"}).status_code == 200


def test_an_unreadable_colour_is_refused_in_the_admin_too(staff, org, owner):
    row = services.save_brand(organization=org, actor=owner, display_name="Teal Gym")
    url = reverse("admin:branding_brandsettings_change", args=[row.pk])
    assert staff.get(url).status_code == 200
    data = {
        "display_name": "Teal Gym",
        "primary": "#4ade80",
        "accent": "#1d4ed8",
        "font": "system",
        "sender_name": "",
        "reply_to": "",
        "footer": "",
        "social_links": "[]",
        "features": '["training"]',
    }
    response = staff.post(url, data)
    assert response.status_code == 200 and services.passing_shade("#4ade80") in response.content.decode()
    row.refresh_from_db()
    assert row.primary == "#15803d"
    response = staff.post(url, {**data, "primary": "#0f766e", "new_logo": upload(png_bytes())})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.primary == "#0f766e" and row.features == ["training"] and row.logo
