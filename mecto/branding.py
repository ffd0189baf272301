"""The brand applied to pages, emails, PDFs and the app API. Defaults: green, white and black.

The platform imports no app: the branding app registers a provider (`register_provider`)
that turns a business's saved brand into a `Brand`; without one, or for a business that has
saved nothing, the defaults below apply under the business's own name.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.1 AA: 4.5:1 for body text, and for text on a button. Large text alone needs 3:1,
# but a button label is ordinary text, so the stricter figure applies to every pair we use.
MIN_CONTRAST = 4.5

# Fonts a page can use without downloading anything: system stacks that every phone and
# laptop renders, so no font file is fetched from a third party.
FONTS = {
    "system": (
        _("System (default)"),
        'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    ),
    "humanist": (
        _("Humanist sans"),
        'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, sans-serif',
    ),
    "geometric": (_("Geometric sans"), 'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif'),
    "classical": (_("Classical serif"), 'Optima, Candara, "Noto Sans", source-sans-pro, sans-serif'),
    "serif": (_("Serif"), 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif'),
    "rounded": (
        _("Rounded"),
        'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, Manjari, "Arial Rounded MT", sans-serif',
    ),
    "mono": (
        _("Monospace"),
        'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, "DejaVu Sans Mono", monospace',
    ),
}
DEFAULT_FONT = "system"

# Sections of the client portal and app a business can switch off. Home and account are always on.
FEATURES = {
    "training": _("Workouts and programs"),
    "nutrition": _("Nutrition and food log"),
    "habits": _("Habits"),
    "progress": _("Progress, measurements and photos"),
    "checkins": _("Check-ins"),
    "messages": _("Messages"),
    "booking": _("Booking sessions"),
    "billing": _("Payments and invoices"),
}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour."""
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text_on(colour: str) -> str:
    """White or near-black, whichever reads better on `colour`."""
    return "#ffffff" if contrast_ratio(colour, "#ffffff") >= contrast_ratio(colour, "#0b0b0b") else "#0b0b0b"


@dataclass(frozen=True)
class Brand:
    name: str = "Mecto"
    primary: str = "#15803d"  # green 700: 5.0:1 on white, readable for text and buttons
    primary_contrast: str = "#ffffff"
    accent: str = "#1d4ed8"  # blue 700: 6.7:1 on white
    accent_contrast: str = "#ffffff"
    background: str = "#ffffff"
    text: str = "#0b0b0b"
    font: str = DEFAULT_FONT
    logo_url: str = ""  # absolute or site-relative URL of the logo as served (resized)
    icon_url: str = ""  # square icon (favicon, app icon)
    sender_name: str = ""  # the "From" name of emails; empty: the brand name
    reply_to: str = ""
    footer: str = ""
    social_links: tuple[tuple[str, str], ...] = ()  # (network label, URL)
    features: frozenset[str] = field(default_factory=lambda: frozenset(FEATURES))
    is_custom: bool = False  # a business saved its own brand

    @property
    def font_stack(self) -> str:
        return FONTS.get(self.font, FONTS[DEFAULT_FONT])[1]

    @property
    def from_name(self) -> str:
        return self.sender_name or self.name

    def shows(self, feature: str) -> bool:
        """Whether clients see a section of the portal and app (see FEATURES)."""
        return feature in self.features

    def as_dict(self) -> dict:
        data = asdict(self)
        data["features"] = sorted(self.features)
        data["social_links"] = [{"label": label, "url": url} for label, url in self.social_links]
        data["font_stack"] = self.font_stack
        return data


_providers = []


def register_provider(func) -> None:
    """The branding app registers a function org -> Brand | None."""
    _providers.append(func)


def brand_for(organization) -> Brand:
    for provider in _providers:
        brand = provider(organization)
        if brand is not None:
            return brand
    if organization is not None:
        return Brand(name=organization.name)
    return Brand()
