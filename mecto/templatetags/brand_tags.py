"""The brand in templates: its CSS variables, an email-safe font stack and its social links."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from mecto.branding import DEFAULT_FONT, FONTS, HEX_COLOUR, Brand

register = template.Library()

_DEFAULTS = Brand()
_COLOURS = ("primary", "primary_contrast", "accent", "accent_contrast", "background", "text")


def _colour(brand, name: str) -> str:
    value = getattr(brand, name, "") or ""
    return value if HEX_COLOUR.match(value) else getattr(_DEFAULTS, name)


def _font_stack(brand) -> str:
    return FONTS.get(getattr(brand, "font", DEFAULT_FONT), FONTS[DEFAULT_FONT])[1]


@register.filter
def brand_css(brand) -> str:
    """`:root{--primary:…}` for a page's <style>: only `#rrggbb` colours and a known font stack
    get through, so a stored value can never end the rule or the element."""
    rules = [f"--{name.replace('_', '-')}:{_colour(brand, name)}" for name in _COLOURS]
    rules.append(f"--font:{_font_stack(brand)}")
    return mark_safe(":root{" + ";".join(rules) + ";}")


@register.filter
def colour(brand, name: str) -> str:
    """One checked colour of the brand, for an email's inline style."""
    return _colour(brand, name)


@register.filter
def email_font(brand) -> str:
    """The brand's font stack for an inline `style="…"` attribute (single quotes only; one of
    the platform's own stacks, never a stored string, so it needs no escaping)."""
    return mark_safe(_font_stack(brand).replace('"', "'"))


@register.filter
def web_links(brand) -> list[dict]:
    """The brand's social links that are web addresses (http or https), as label/url pairs."""
    links = []
    for pair in getattr(brand, "social_links", ()) or ():
        try:
            label, url = pair
        except (TypeError, ValueError):
            continue
        if isinstance(url, str) and url.lower().startswith(("https://", "http://")) and label:
            links.append({"label": str(label), "url": url})
    return links


@register.simple_tag
def brand_favicon(brand, fallback: str) -> str:
    """The brand's square icon, else the default favicon."""
    url = getattr(brand, "icon_url", "") or ""
    if url:
        return mark_safe(f'<link rel="icon" href="{escape(url)}">')
    return mark_safe(f'<link rel="icon" href="{escape(fallback)}" type="image/svg+xml">')
