"""The demo business has its own brand: a drawn logo (transparent around the wordmark), an icon,
colours that read on white, a footer and links; seeding again changes nothing."""

import pytest
from freezegun import freeze_time

from accounts.models import User
from branding.demo import ACCENT, PRIMARY, draw_logo, seed_brand
from branding.models import BrandSettings
from mecto.branding import MIN_CONTRAST, brand_for, contrast_ratio
from tests.shared_data import DEMO_NOW

from .brand_images import opened

pytestmark = pytest.mark.django_db


@freeze_time(DEMO_NOW)
def test_the_demo_business_has_a_brand_once(demo):
    row = BrandSettings.objects.get(organization=demo)
    assert (row.primary, row.accent) == (PRIMARY, ACCENT)
    assert contrast_ratio(PRIMARY, "#ffffff") >= MIN_CONTRAST and contrast_ratio(ACCENT, "#ffffff") >= MIN_CONTRAST
    assert row.footer and row.social_links and row.sender_name
    # The files went to the media folder of the test that built the demo: their names and sizes are checked here.
    assert row.logo.name.endswith(".png") and row.icon.name.endswith(".png")
    assert 0 < row.logo_width <= 600 and 0 < row.logo_height <= 200
    brand = brand_for(demo)
    assert brand.is_custom and brand.logo_url and brand.icon_url

    before = (row.updated_at, row.logo.name, row.icon.name)
    seed_brand(organization=demo, owner=User.objects.get(email="owner@demo.mecto.test"))
    row.refresh_from_db()
    assert (row.updated_at, row.logo.name, row.icon.name) == before
    assert BrandSettings.objects.filter(organization=demo).count() == 1


def test_the_drawn_logo_is_stored_transparent_around_its_wordmark(org, owner):
    import io

    from PIL import Image

    from branding import services
    from branding.demo import draw_icon

    from .brand_images import upload

    image = Image.open(io.BytesIO(draw_logo("Northside Strength")))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((5, image.height // 2))[:3] == tuple(int(PRIMARY[i : i + 2], 16) for i in (1, 3, 5))
    row = services.set_logo(organization=org, actor=owner, file=upload(draw_logo(org.name)))
    logo = opened(row.logo)
    assert logo.mode == "RGBA" and logo.width <= 600 and logo.height <= 200
    assert logo.getpixel((logo.width - 1, 0))[3] == 0
    row = services.set_icon(organization=org, actor=owner, file=upload(draw_icon(org.name)))
    assert opened(row.icon).size == (512, 512)
