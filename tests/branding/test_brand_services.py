"""save_brand, set_logo and set_icon: what they accept, what they refuse and why, what they store."""

import colorsys

import pytest
from django.core.files.storage import default_storage

from branding import services
from branding.models import BrandSettings
from mecto.branding import MIN_CONTRAST, contrast_ratio, readable_text_on
from mecto.errors import DomainError
from mecto.images import MAX_BYTES
from mecto.models import Event

from .brand_images import SVG, jpeg_bytes, opened, png_bytes, upload

pytestmark = pytest.mark.django_db


def _lightness(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[1]


def test_a_light_primary_is_refused_with_its_ratio_and_a_darker_shade_that_passes(org, owner):
    with pytest.raises(services.BrandError) as caught:
        services.save_brand(organization=org, actor=owner, primary="#4ade80")
    error = caught.value
    assert error.field == "primary"
    ratio = contrast_ratio("#4ade80", "#ffffff")
    assert services.format_ratio(ratio) in error.message  # "1.74:1"
    assert "4.5:1" in error.message
    suggestion = services.passing_shade("#4ade80")
    assert suggestion in error.message
    assert contrast_ratio(suggestion, "#ffffff") >= MIN_CONTRAST
    assert _lightness(suggestion) < _lightness("#4ade80")
    assert not BrandSettings.objects.filter(organization=org).exists()  # nothing saved


def test_the_suggested_shade_is_the_nearest_darker_one_that_passes():
    for colour in ("#4ade80", "#facc15", "#38bdf8", "#f472b6", "#a3a3a3", "#ff0000"):
        shade = services.passing_shade(colour)
        assert contrast_ratio(shade, "#ffffff") >= MIN_CONTRAST
        r, g, b = (int(shade[i : i + 2], 16) / 255 for i in (1, 3, 5))
        hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
        lighter = "#{:02x}{:02x}{:02x}".format(
            *(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness + 0.01, saturation))
        )
        assert contrast_ratio(lighter, "#ffffff") < MIN_CONTRAST, (colour, shade)
    assert services.passing_shade("#15803d") == "#15803d"  # already passing: itself


def test_a_light_accent_is_refused_too(org, owner):
    with pytest.raises(services.BrandError) as caught:
        services.save_brand(organization=org, actor=owner, accent="#fde047")
    assert caught.value.field == "accent" and "#" in caught.value.message


def test_the_text_colour_on_each_is_derived_and_stored(org, owner):
    row = services.save_brand(organization=org, actor=owner, primary="#0F766E", accent="#7c2d12")
    row.refresh_from_db()
    assert row.primary == "#0f766e" and row.accent == "#7c2d12"
    assert row.primary_text == readable_text_on("#0f766e")
    assert row.accent_text == readable_text_on("#7c2d12")
    assert contrast_ratio(row.primary_text, row.primary) >= MIN_CONTRAST
    assert contrast_ratio(row.accent_text, row.accent) >= MIN_CONTRAST


def test_text_colours_cannot_be_chosen(org, owner):
    with pytest.raises(services.BrandError):
        services.save_brand(organization=org, actor=owner, primary_text="#ffff00")


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"primary": "green"}, "primary"),
        ({"primary": "#12345"}, "primary"),
        ({"accent": "#gggggg"}, "accent"),
        ({"font": "comic-sans"}, "font"),
        ({"display_name": "Two\nlines"}, "display_name"),
        ({"display_name": "x" * 121}, "display_name"),
        ({"sender_name": "Coach\r\nBcc: victim@example.com"}, "sender_name"),
        ({"sender_name": "Coach <boss@bank.example>"}, "sender_name"),
        ({"sender_name": "a@b"}, "sender_name"),
        ({"reply_to": "not an address"}, "reply_to"),
        ({"reply_to": "a@b.com\nBcc: c@d.com"}, "reply_to"),
        ({"footer": "x" * 501}, "footer"),
        ({"footer": "Visit <a href='https://evil.example'>us</a>"}, "footer"),
        ({"social_links": [{"label": "Instagram", "url": "http://instagram.com/x"}]}, "social_links"),
        ({"social_links": [{"label": "Instagram", "url": "javascript:alert(1)"}]}, "social_links"),
        ({"social_links": [{"label": "MySpace", "url": "https://myspace.com/x"}]}, "social_links"),
        ({"social_links": [{"label": "Website", "url": "https://user:pw@example.com"}]}, "social_links"),
        ({"social_links": [{"label": "Website", "url": f"https://example.com/{n}"} for n in range(9)]}, "social_links"),
        ({"social_links": "https://example.com"}, "social_links"),
        ({"social_links": [["Website", "https://example.com"]]}, "social_links"),
        ({"features": ["training", "casino"]}, "features"),
        ({"features": "training"}, "features"),
    ],
)
def test_bad_fields_are_refused_on_their_field_and_save_nothing(org, owner, fields, field):
    with pytest.raises(services.BrandError) as caught:
        services.save_brand(organization=org, actor=owner, **fields)
    assert caught.value.field == field
    assert not BrandSettings.objects.filter(organization=org).exists()


def test_good_fields_are_stored_cleaned(org, owner):
    row = services.save_brand(
        organization=org,
        actor=owner,
        display_name="  North   Side  ",
        font="serif",
        sender_name=" Olivia at Northside ",
        reply_to="hello@example.com",
        footer="12 Mill Lane\r\nLeeds",
        social_links=[
            {"label": "instagram", "url": "https://instagram.com/northside"},
            {"label": "Website", "url": "https://northside.example.com"},
        ],
        features=["training", "booking", "training"],
    )
    row.refresh_from_db()
    assert row.display_name == "North Side"
    assert row.sender_name == "Olivia at Northside"
    assert row.footer == "12 Mill Lane\nLeeds"
    assert row.social_links == [
        {"label": "Instagram", "url": "https://instagram.com/northside"},
        {"label": "Website", "url": "https://northside.example.com"},
    ]
    assert row.features == ["booking", "training"]
    assert row.updated_by == owner


def test_a_change_emits_brand_updated_and_a_repeat_emits_nothing(org, owner):
    services.save_brand(organization=org, actor=owner, primary="#0f766e")
    services.save_brand(organization=org, actor=owner, primary="#0f766e")
    events = list(Event.objects.filter(organization=org, name="brand.updated"))
    assert len(events) == 1
    assert events[0].actor == owner


def test_a_png_logo_keeps_its_transparency_and_fits_600_by_200(org, owner):
    row = services.set_logo(organization=org, actor=owner, file=upload(png_bytes((1200, 400))))
    image = opened(row.logo)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.size == (600, 200) and (row.logo_width, row.logo_height) == (600, 200)
    assert image.getpixel((0, 0))[3] == 0  # the transparent corner is still transparent
    assert image.getpixel((599, 199))[3] == 255
    assert row.logo.name.startswith(f"brand/{org.pk}/") and row.logo.name.endswith(".png")


def test_a_small_logo_is_not_enlarged_and_a_jpeg_becomes_png(org, owner):
    row = services.set_logo(organization=org, actor=owner, file=upload(jpeg_bytes((300, 150)), "l.jpg", "image/jpeg"))
    image = opened(row.logo)
    assert image.format == "PNG" and image.size == (300, 150) and image.mode == "RGB"


def test_a_wide_icon_is_padded_to_a_512_square(org, owner):
    row = services.set_icon(organization=org, actor=owner, file=upload(jpeg_bytes((300, 150))))
    image = opened(row.icon).convert("RGB")
    assert image.size == (512, 512)
    assert image.getpixel((256, 10)) == (255, 255, 255)  # padding above the picture: the page background
    red = image.getpixel((256, 256))
    assert red[0] > 150 and red[1] < 80  # the picture itself, centred


@pytest.mark.parametrize(
    "data, words",
    [
        (b"this is not an image at all", "not an image we can read"),
        (png_bytes((200, 200)) + b"<script>alert(document.cookie)</script>", "not a plain image"),
        (png_bytes((200, 200)) + b"PK\x05\x06" + b"\x00" * 18, "not a plain image"),
        (SVG, "SVG files are not accepted"),
        (b"GIF89a" + b"\x00" * 100, "not an image we can read"),
        (b"", "empty"),
    ],
    ids=["text", "script polyglot", "zip polyglot", "svg", "broken gif", "empty"],
)
def test_hostile_or_fake_logos_are_refused_and_store_nothing(org, owner, data, words):
    with pytest.raises(DomainError) as caught:
        services.set_logo(organization=org, actor=owner, file=upload(data))
    assert words in caught.value.message and caught.value.field == "logo"
    assert not BrandSettings.objects.filter(organization=org).exclude(logo="").exists()


def test_a_logo_over_15_mb_is_refused(org, owner):
    big = upload(png_bytes((200, 200)) + b"\x00" * (MAX_BYTES + 1))
    with pytest.raises(DomainError) as caught:
        services.set_logo(organization=org, actor=owner, file=big)
    assert "15 MB" in caught.value.message


def test_a_logo_with_too_many_pixels_is_refused(org, owner, monkeypatch):
    monkeypatch.setattr("mecto.images.MAX_PIXELS", 100 * 100)
    with pytest.raises(DomainError) as caught:
        services.set_logo(organization=org, actor=owner, file=upload(png_bytes((400, 200))))
    assert "too many pixels" in caught.value.message


def test_an_icon_too_small_is_refused(org, owner):
    with pytest.raises(DomainError) as caught:
        services.set_icon(organization=org, actor=owner, file=upload(png_bytes((64, 64))))
    assert caught.value.field == "icon" and "too small" in caught.value.message


def test_replacing_and_removing_the_logo_deletes_the_old_files(org, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.set_logo(organization=org, actor=owner, file=upload(png_bytes())).logo.name
    assert default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.set_logo(organization=org, actor=owner, file=upload(png_bytes())).logo.name
    assert second != first and default_storage.exists(second)
    assert not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        row = services.remove_logo(organization=org, actor=owner)
    assert not row.logo and row.logo_width is None
    assert not default_storage.exists(second)


def test_replacing_and_removing_the_icon_deletes_the_old_files(org, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.set_icon(organization=org, actor=owner, file=upload(png_bytes((256, 256)))).icon.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.set_icon(organization=org, actor=owner, file=upload(png_bytes((256, 256)))).icon.name
    assert not default_storage.exists(first) and default_storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_icon(organization=org, actor=owner)
    assert not default_storage.exists(second)
    assert services.remove_icon(organization=org, actor=owner).icon.name == ""  # removing again is harmless
