"""Writes of the brand: what a business saves about its name, colours, font, sender identity,
footer, social links and sections, and its logo and icon.

Every check lives in `validate_brand` (the page, the API and the admin run it first to show
every error at once; `save_brand` runs it again and refuses the first). Colours must read as
text on the white page, since links and headings use them; the text colour on each is derived.
"""

from __future__ import annotations

import colorsys
import math
import re
import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.branding import FEATURES, FONTS, HEX_COLOUR, MIN_CONTRAST, Brand, contrast_ratio, readable_text_on
from mecto.errors import DomainError
from mecto.events import emit, register_event_type
from mecto.images import clean_icon, clean_logo

from .models import BrandSettings

register_event_type("brand.updated", gettext_lazy("The business changed its brand (colours, logo, sender, sections)"))

PAGE_BACKGROUND = Brand.background  # links and headings sit on this
FIELDS = (
    "display_name",
    "primary",
    "accent",
    "font",
    "sender_name",
    "reply_to",
    "footer",
    "social_links",
    "features",
)
SOCIAL_NETWORKS = ("Instagram", "Facebook", "YouTube", "TikTok", "X", "LinkedIn", "Threads", "Strava", "Website")
MAX_SOCIAL_LINKS = 8
MAX_URL = 300
MAX_FOOTER = 500
# A sender name is one display name: no line breaks (header injection) and none of the
# characters that would let it pose as an address ("Coach <boss@bank.com>").
SENDER_FORBIDDEN = re.compile(r'[\r\n\t<>@"\\;,\x00-\x1f\x7f]')
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


class BrandError(DomainError):
    pass


# --- Colour --------------------------------------------------------------------------------------
def _hex(r: float, g: float, b: float) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(c * 255))) for c in (r, g, b)))


def passing_shade(colour: str, background: str = PAGE_BACKGROUND, minimum: float = MIN_CONTRAST) -> str:
    """The lightest shade of `colour` (same hue and saturation, lower lightness) that reaches
    `minimum` contrast on `background`: the nearest darker colour that passes."""
    colour = colour.lower()
    if contrast_ratio(colour, background) >= minimum:
        return colour
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    low, high = 0.0, lightness  # black passes on white; the colour itself does not
    for _step in range(30):
        middle = (low + high) / 2
        if contrast_ratio(_hex(*colorsys.hls_to_rgb(hue, middle, saturation)), background) >= minimum:
            low = middle
        else:
            high = middle
    shade = _hex(*colorsys.hls_to_rgb(hue, low, saturation))
    while contrast_ratio(shade, background) < minimum:  # rounding to 8 bits may tip it back under
        low = max(0.0, low - 0.002)
        shade = _hex(*colorsys.hls_to_rgb(hue, low, saturation))
    return shade


def format_ratio(ratio: float) -> str:
    """`4.49:1`, rounded down so a ratio just short of the minimum never reads as reaching it."""
    return f"{math.floor(ratio * 100) / 100:.2f}:1"


def colour_problem(colour: str) -> str:
    """Why `colour` cannot be the brand's primary or accent colour, or "" when it can."""
    if not isinstance(colour, str) or not HEX_COLOUR.match(colour):
        return _("Enter a colour as # and six hexadecimal digits, for example #15803d.")
    ratio = contrast_ratio(colour, PAGE_BACKGROUND)
    if ratio >= MIN_CONTRAST:
        return ""
    return _(
        "This colour is hard to read as text on the white page: its contrast is %(ratio)s, and links and "
        "headings need at least %(minimum)s:1. The nearest darker shade that passes is %(suggestion)s."
    ) % {"ratio": format_ratio(ratio), "minimum": f"{MIN_CONTRAST:g}", "suggestion": passing_shade(colour)}


# --- Other fields --------------------------------------------------------------------------------
def _text_problem(value, *, max_length: int, label: str) -> str:
    if not isinstance(value, str):
        return _("%(label)s must be text.") % {"label": label}
    if len(value) > max_length:
        return _("%(label)s is too long (%(max)s characters at most).") % {"label": label, "max": max_length}
    return ""


def _clean_social_links(value) -> tuple[list[dict], str]:
    """The links as stored ([{label, url}]) and the first problem, if any."""
    if value in (None, ""):
        return [], ""
    if not isinstance(value, (list, tuple)):
        return [], _("Social links are a list of a network and an https address.")
    if len(value) > MAX_SOCIAL_LINKS:
        return [], _("At most %(max)s social links.") % {"max": MAX_SOCIAL_LINKS}
    known = {name.lower(): name for name in SOCIAL_NETWORKS}
    validate_url = URLValidator(schemes=["https"])
    links, seen = [], set()
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("label"), str) or not isinstance(item.get("url"), str):
            return [], _("Link %(n)s needs a network and an address.") % {"n": number}
        label, url = known.get(item["label"].strip().lower()), item["url"].strip()
        if label is None:
            return [], _("Link %(n)s: choose one of %(names)s.") % {"n": number, "names": ", ".join(SOCIAL_NETWORKS)}
        if len(url) > MAX_URL:
            return [], _("Link %(n)s: the address is too long (%(max)s characters at most).") % {
                "n": number,
                "max": MAX_URL,
            }
        try:
            validate_url(url)
        except ValidationError:
            return [], _("Link %(n)s: enter a full address starting with https://.") % {"n": number}
        parts = urlsplit(url)
        if parts.username or parts.password:
            return [], _("Link %(n)s: an address with a user name or password is not accepted.") % {"n": number}
        if url in seen:
            return [], _("Link %(n)s repeats an address already listed.") % {"n": number}
        seen.add(url)
        links.append({"label": label, "url": url})
    return links, ""


def validate_brand(data: dict) -> tuple[dict, dict[str, list[str]]]:
    """Check the brand fields present in `data`: the cleaned values and field → messages.

    Shared by the page, the API, the admin and `save_brand`."""
    cleaned: dict = {}
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(str(message))

    if "display_name" in data:
        value = data["display_name"] if data["display_name"] is not None else ""
        problem = _text_problem(value, max_length=120, label=_("The display name"))
        if not problem and ("\n" in value or "\r" in value):
            problem = _("The display name is one line.")
        if not problem and CONTROL.search(value):
            problem = _("The display name has characters that cannot be shown.")
        if problem:
            fail("display_name", problem)
        else:
            cleaned["display_name"] = " ".join(value.split())
    for field in ("primary", "accent"):
        if field in data:
            problem = colour_problem(data[field])
            if problem:
                fail(field, problem)
            else:
                cleaned[field] = data[field].lower()
    if "font" in data:
        if data["font"] not in FONTS:
            fail("font", _("Choose one of the fonts offered."))
        else:
            cleaned["font"] = data["font"]
    if "sender_name" in data:
        value = data["sender_name"] if data["sender_name"] is not None else ""
        problem = _text_problem(value, max_length=100, label=_("The sender name"))
        if not problem and SENDER_FORBIDDEN.search(value):
            problem = _('The sender name is a plain name on one line, without < > @ " ; , or \\.')
        if problem:
            fail("sender_name", problem)
        else:
            cleaned["sender_name"] = value.strip()
    if "reply_to" in data:
        value = (data["reply_to"] or "").strip() if isinstance(data["reply_to"], (str, type(None))) else None
        if value is None:
            fail("reply_to", _("Enter an email address."))
        elif value:
            try:
                validate_email(value)
            except ValidationError:
                fail("reply_to", _("Enter a valid email address for replies."))
            else:
                if len(value) > 254:
                    fail("reply_to", _("Enter a valid email address for replies."))
                else:
                    cleaned["reply_to"] = value
        else:
            cleaned["reply_to"] = ""
    if "footer" in data:
        value = data["footer"] if data["footer"] is not None else ""
        problem = _text_problem(value, max_length=MAX_FOOTER, label=_("The footer"))
        if not problem and HTML_TAG.search(value):
            problem = _("The footer is plain text: remove the HTML tags.")
        if not problem and CONTROL.search(value):
            problem = _("The footer has characters that cannot be shown.")
        if problem:
            fail("footer", problem)
        else:
            cleaned["footer"] = value.replace("\r\n", "\n").strip()
    if "social_links" in data:
        links, problem = _clean_social_links(data["social_links"])
        if problem:
            fail("social_links", problem)
        else:
            cleaned["social_links"] = links
    if "features" in data:
        value = data["features"] if data["features"] is not None else []
        if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
            fail("features", _("Choose the sections clients see."))
        elif set(value) - set(FEATURES):
            fail(
                "features",
                _("Unknown sections: %(names)s.") % {"names": ", ".join(sorted(set(value) - set(FEATURES)))},
            )
        else:
            cleaned["features"] = sorted(set(value))
    return cleaned, errors


# --- Writes --------------------------------------------------------------------------------------
def brand_settings(*, organization) -> BrandSettings | None:
    return BrandSettings.objects.filter(organization=organization).first()


def _row_for_update(organization) -> tuple[BrandSettings, bool]:
    """The business's row, locked; created (with the defaults) when it has none."""
    row = BrandSettings.objects.select_for_update().filter(organization=organization).first()
    if row is not None:
        return row, False
    row, created = BrandSettings.objects.get_or_create(organization=organization)
    return row, created


def _after_change(row: BrandSettings, organization, actor, changed: list[str]) -> None:
    from .selectors import forget_brand

    row.updated_by = actor if getattr(actor, "pk", None) else None
    row.save()
    emit(organization, "brand.updated", {"changed": sorted(changed)}, actor=actor)
    forget_brand(organization)


@transaction.atomic
def save_brand(*, organization, actor=None, **fields) -> BrandSettings:
    """Save the given brand fields (the others keep their values). Refuses the first problem
    (BrandError on its field) and saves nothing then; emits `brand.updated`."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise BrandError(_("Unknown brand fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    cleaned, errors = validate_brand(fields)
    if errors:
        field, messages = next(iter(errors.items()))
        raise BrandError(messages[0], field=field)
    row, created = _row_for_update(organization)
    changed = [name for name, value in cleaned.items() if getattr(row, name) != value]
    for name, value in cleaned.items():
        setattr(row, name, value)
    # The text on each colour is derived, never chosen: it is whichever of white and near-black reads better.
    row.primary_text = readable_text_on(row.primary)
    row.accent_text = readable_text_on(row.accent)
    if changed or created:
        _after_change(row, organization, actor, changed)
    return row


def _delete_on_commit(name: str) -> None:
    """Remove a replaced file once the row no longer points at it for good."""
    if name:
        transaction.on_commit(lambda: _delete_now(name))


def _delete_now(name: str) -> None:
    if name:
        try:
            default_storage.delete(name)
        except Exception:  # already gone is what we want
            pass


@transaction.atomic
def set_logo(*, organization, actor=None, file) -> BrandSettings:
    """Check the uploaded logo like a photo, store it as a PNG (transparency kept) that fits
    within 600x200, and remove the one it replaces."""
    if file is None:
        raise BrandError(_("Choose an image to upload."), field="logo")
    picture = clean_logo(file, field="logo")
    row, _created = _row_for_update(organization)
    old = row.logo.name or ""
    row.logo.save(f"{uuid.uuid4().hex}.png", ContentFile(picture.png), save=False)
    row.logo_width, row.logo_height = picture.width, picture.height
    try:
        _after_change(row, organization, actor, ["logo"])
    except Exception:
        _delete_now(row.logo.name)
        raise
    _delete_on_commit(old)
    return row


@transaction.atomic
def set_icon(*, organization, actor=None, file) -> BrandSettings:
    """Check the uploaded icon, store it as a 512x512 PNG (a picture that is not square is
    centred on the page background), and remove the one it replaces."""
    if file is None:
        raise BrandError(_("Choose an image to upload."), field="icon")
    picture = clean_icon(file, field="icon", background=PAGE_BACKGROUND)
    row, _created = _row_for_update(organization)
    old = row.icon.name or ""
    row.icon.save(f"{uuid.uuid4().hex}.png", ContentFile(picture.png), save=False)
    try:
        _after_change(row, organization, actor, ["icon"])
    except Exception:
        _delete_now(row.icon.name)
        raise
    _delete_on_commit(old)
    return row


@transaction.atomic
def remove_logo(*, organization, actor=None) -> BrandSettings | None:
    row = BrandSettings.objects.select_for_update().filter(organization=organization).first()
    if row is None or not row.logo:
        return row
    old = row.logo.name
    row.logo = ""
    row.logo_width = row.logo_height = None
    _after_change(row, organization, actor, ["logo"])
    _delete_on_commit(old)
    return row


@transaction.atomic
def remove_icon(*, organization, actor=None) -> BrandSettings | None:
    row = BrandSettings.objects.select_for_update().filter(organization=organization).first()
    if row is None or not row.icon:
        return row
    old = row.icon.name
    row.icon = ""
    _after_change(row, organization, actor, ["icon"])
    _delete_on_commit(old)
    return row
