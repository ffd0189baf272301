"""brand_of: the saved brand as the platform's Brand, read once per change (cache + memo), and
the public logo and icon files it points at."""

import pytest
from django.test import Client as Browser

from accounts.models import Organization
from branding import selectors, services
from mecto.branding import FEATURES, brand_for

from .brand_images import png_bytes, upload

pytestmark = pytest.mark.django_db


def test_a_business_that_saved_nothing_has_no_brand_and_gets_the_defaults(org):
    assert selectors.brand_of(org) is None
    brand = brand_for(org)
    assert brand.name == org.name and not brand.is_custom and brand.features == frozenset(FEATURES)


def test_the_saved_brand_becomes_the_platform_brand(org, owner, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://app.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_brand(
            organization=org,
            actor=owner,
            primary="#0f766e",
            accent="#7c2d12",
            font="serif",
            sender_name="Olivia",
            reply_to="hello@example.com",
            footer="Leeds",
            social_links=[{"label": "Instagram", "url": "https://instagram.com/x"}],
            features=["training", "messages"],
        )
        services.set_logo(organization=org, actor=owner, file=upload(png_bytes()))
        services.set_icon(organization=org, actor=owner, file=upload(png_bytes((256, 256))))
    brand = selectors.brand_of(Organization.objects.get(pk=org.pk))
    assert brand.is_custom and brand.name == org.name  # no display name: the business's own
    assert (brand.primary, brand.primary_contrast, brand.accent, brand.accent_contrast) == (
        "#0f766e",
        "#ffffff",
        "#7c2d12",
        "#ffffff",
    )
    assert brand.font == "serif" and "Georgia" in brand.font_stack
    assert brand.from_name == "Olivia" and brand.reply_to == "hello@example.com" and brand.footer == "Leeds"
    assert brand.social_links == (("Instagram", "https://instagram.com/x"),)
    assert brand.features == frozenset({"training", "messages"}) and not brand.shows("billing")
    assert brand.logo_url.startswith(f"https://app.example.com/brand/files/{org.pk}/")
    assert brand.icon_url.startswith(f"https://app.example.com/brand/files/{org.pk}/")
    assert brand.logo_url != brand.icon_url
    assert brand_for(org) == brand  # what pages and emails get


def test_the_logo_and_icon_files_are_served_to_anyone_and_cached(org, owner):
    row = services.set_logo(organization=org, actor=owner, file=upload(png_bytes()))
    path = selectors.file_url(row.logo.name).split("://", 1)[1].split("/", 1)[1]
    response = Browser().get("/" + path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_only_files_a_brand_points_at_are_served(org, owner, other_org_brand):
    row = services.set_logo(organization=org, actor=owner, file=upload(png_bytes()))
    filename = row.logo.name.rsplit("/", 1)[1]
    browser = Browser()
    assert browser.get(f"/brand/files/{org.pk}/{'0' * 32}.png").status_code == 404
    assert browser.get(f"/brand/files/{other_org_brand.organization_id}/{filename}").status_code == 404
    assert browser.get(f"/brand/files/{org.pk}/..%2F..%2Fsettings.py").status_code == 404
    assert browser.get(f"/brand/files/{org.pk}/{filename[:-4]}.svg").status_code == 404


@pytest.fixture
def other_org_brand(db):
    from tests.factories import OrganizationFactory

    other = OrganizationFactory()
    return services.save_brand(organization=other, primary="#0f766e")


def test_a_second_read_costs_no_query_and_a_save_is_seen_at_once(
    org, owner, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.save_brand(organization=org, actor=owner, primary="#0f766e")
    fresh = Organization.objects.get(pk=org.pk)
    with django_assert_num_queries(1):
        assert selectors.brand_of(fresh).primary == "#0f766e"  # read once, then cached
    another = Organization.objects.get(pk=org.pk)  # another request, another process's object
    with django_assert_num_queries(0):
        for _ in range(20):
            assert selectors.brand_of(another).primary == "#0f766e"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_brand(organization=org, actor=owner, primary="#1d4ed8")
    after_save = Organization.objects.get(pk=org.pk)
    with django_assert_num_queries(1):
        assert selectors.brand_of(after_save).primary == "#1d4ed8"


def test_a_business_without_a_brand_is_cached_too(org, django_assert_num_queries):
    selectors.brand_of(Organization.objects.get(pk=org.pk))
    again = Organization.objects.get(pk=org.pk)
    with django_assert_num_queries(0):
        assert selectors.brand_of(again) is None
        assert brand_for(again).name == again.name


def test_a_renamed_business_shows_its_new_name_without_a_brand_save(org, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.save_brand(organization=org, actor=owner, primary="#0f766e")
    selectors.brand_of(Organization.objects.get(pk=org.pk))
    Organization.objects.filter(pk=org.pk).update(name="Renamed Gym")
    assert selectors.brand_of(Organization.objects.get(pk=org.pk)).name == "Renamed Gym"


def test_brand_of_nothing_is_none():
    assert selectors.brand_of(None) is None
    assert selectors.brand_of(Organization()) is None


def test_a_page_render_reads_the_brand_once_however_often_it_is_used(
    client, org, owner, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        services.save_brand(organization=org, actor=owner, primary="#0f766e", display_name="Teal Gym")
    client.force_login(owner)
    client.get("/dashboard/")  # warms the cache
    with CaptureQueriesContext(connection) as warm:
        response = client.get("/dashboard/")
    assert response.status_code == 200 and b"Teal Gym" in response.content
    assert not [q["sql"] for q in warm.captured_queries if "branding_brandsettings" in q["sql"]]
    # The first page after a change reads the row exactly once, whatever the page asks.
    with django_capture_on_commit_callbacks(execute=True):
        services.save_brand(organization=org, actor=owner, display_name="Teal Gym Leeds")
    with CaptureQueriesContext(connection) as cold:
        response = client.get("/dashboard/")
    assert b"Teal Gym Leeds" in response.content
    assert len([q for q in cold.captured_queries if "branding_brandsettings" in q["sql"]]) == 1
