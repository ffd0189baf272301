"""Demo: Northside Strength gets its own brand: a logo drawn here (initials on its green and
a wordmark, transparent around them), an app icon, colours, a sender name, a footer and links."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from mecto.demo import demo_seeder

PRIMARY = "#0f766e"  # teal 700: 5.47:1 on white
ACCENT = "#b45309"  # amber 700: 5.02:1 on white
FOOTER = "Northside Strength · 12 Mill Lane, Leeds LS1 4AB · Mon–Sat 6:00–21:00"
LINKS = [
    {"label": "Instagram", "url": "https://www.instagram.com/northsidestrength"},
    {"label": "YouTube", "url": "https://www.youtube.com/@northsidestrength"},
    {"label": "Website", "url": "https://northside-strength.example.com"},
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)  # Pillow's bundled font: no system fonts needed


def draw_logo(name: str, colour: str = PRIMARY) -> bytes:
    """A wordmark: the initials in white on a rounded `colour` square, the name beside it, on
    a transparent background (PNG)."""
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "M"
    height = 160
    wordmark = _font(64)
    width = height + 32 + int(ImageDraw.Draw(Image.new("RGBA", (1, 1))).textlength(name, font=wordmark)) + 16
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, height - 1, height - 1), radius=32, fill=colour)
    draw.text((height / 2, height / 2), initials, font=_font(72), fill="#ffffff", anchor="mm")
    draw.text((height + 32, height / 2), name, font=wordmark, fill=colour, anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def draw_icon(name: str, colour: str = PRIMARY) -> bytes:
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "M"
    image = Image.new("RGB", (512, 512), colour)
    ImageDraw.Draw(image).text((256, 256), initials, font=_font(240), fill="#ffffff", anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@transaction.atomic
@demo_seeder(order=5)
def seed_brand(*, organization, owner, **context) -> None:
    from . import services
    from .models import BrandSettings

    if BrandSettings.objects.filter(organization=organization).exists():
        return
    services.save_brand(
        organization=organization,
        actor=owner,
        primary=PRIMARY,
        accent=ACCENT,
        font="humanist",
        sender_name="Olivia at Northside Strength",
        reply_to="hello@northside-strength.example.com",
        footer=FOOTER,
        social_links=LINKS,
    )
    services.set_logo(
        organization=organization,
        actor=owner,
        file=SimpleUploadedFile("logo.png", draw_logo(organization.name), content_type="image/png"),
    )
    services.set_icon(
        organization=organization,
        actor=owner,
        file=SimpleUploadedFile("icon.png", draw_icon(organization.name), content_type="image/png"),
    )
