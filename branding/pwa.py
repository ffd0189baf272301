"""The installable client app: the business's web app manifest, its app icons and what the
service worker needs (the app shell to keep, the offline page, the posts it may keep offline).

A client installs the app of the business they are a client of; on a business's own host name
the host's business; anyone else gets the platform's. Icons are drawn with Pillow from the
brand's icon (or logo, or initials on the primary colour) and addressed by a version that
changes with the brand, so a new logo or colour reaches installed apps.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from mecto.branding import Brand, brand_for
from mecto.page_brand import request_brand, request_organization

ICON_SIZES = (192, 512)
PURPOSES = ("any", "maskable")
SHORT_NAME_MAX = 12
# Bump when the drawing below changes: every installed app then fetches the new icons.
ICON_STYLE = "1"
# The maskable safe zone is a circle of 40% radius in the middle of the icon (W3C manifest
# spec): the mark is fitted so that its whole box, corners included, lies inside that circle.
SAFE_ZONE_DIAMETER = 0.8
ICON_CACHE_SECONDS = 60 * 60 * 24 * 30
# App shell files the service worker keeps, as static names (hashed in production).
SHELL_STATIC = ("css/app.css", "css/pwa.css", "js/app.js", "js/pwa.js", "vendor/htmx/htmx.min.js")
# The push helper's handlers, imported by the service worker when the file exists.
PUSH_SCRIPT = "js/sw-push.js"


@dataclass(frozen=True)
class OfflinePost:
    """A kind of post the service worker keeps while offline and sends when back online: it
    is safe to send twice because the server stores one row per `key` (the idempotency key)."""

    url_name: str
    pattern: str  # a JavaScript regular expression over the path
    key: str  # the body field holding the idempotency key


OFFLINE_POSTS = (
    OfflinePost("training:portal_log", r"^/portal/workouts/[0-9a-f-]{36}/log/$", "client_uuid"),
    # Today's workout, set by set: each set (and the notes, the finish) has its own key, so
    # saving one set twice offline sends its latest save once.
    OfflinePost(
        "training:portal_session_action",
        r"^/portal/workouts/[0-9a-f-]{36}/session/(start|set|swap|notes|finish)/$",
        "entry_key",
    ),
    OfflinePost("nutrition:portal_add_food", r"^/portal/nutrition/foods/\d+/$", "client_entry_id"),
    OfflinePost("nutrition:portal_quick_add", r"^/portal/nutrition/quick-add/$", "client_entry_id"),
    OfflinePost("api:my-workout-log-list", r"^/api/v1/me/workout-logs/$", "client_uuid"),
    OfflinePost(
        "api:my-workout-session-sets", r"^/api/v1/me/workout-sessions/[0-9a-f-]{36}/(sets|swap|finish)/$", "entry_key"
    ),
    OfflinePost("api:my-food-log-list", r"^/api/v1/me/food-log/$", "client_entry_id"),
)


def app_organization(request):
    """The business whose app this request installs: the signed-in person's business, which on a
    business's own host name is the host's; None for the platform's app."""
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "organization", None) if tenant is not None else None


def app_brand(request) -> tuple[object | None, Brand]:
    organization = app_organization(request)
    if organization is not None and organization == request_organization(request):
        return organization, request_brand(request)  # the page's own brand, worked out once per request
    return organization, brand_for(organization)


def short_name(name: str) -> str:
    """At most 12 characters for the home screen: the name itself, else its leading words that
    fit, else its initials, else the name cut short."""
    name = " ".join(name.split())
    if len(name) <= SHORT_NAME_MAX:
        return name
    words = name.split(" ")
    fitted = ""
    for word in words:
        candidate = f"{fitted} {word}".strip()
        if len(candidate) > SHORT_NAME_MAX:
            break
        fitted = candidate
    if fitted and len(fitted) >= 4:
        return fitted
    initials = "".join(word[0] for word in words if word[:1].isalnum()).upper()
    if 2 <= len(initials) <= SHORT_NAME_MAX:
        return initials
    return name[:SHORT_NAME_MAX].rstrip()


def initials(name: str) -> str:
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or "M"


def _without_query(url: str) -> str:
    # A signed storage URL changes at every request; its path names the file.
    return url.split("?", 1)[0]


def icon_version(brand: Brand) -> str:
    """Changes whenever anything drawn in the icons changes (name, colours, icon or logo file)."""
    parts = [
        ICON_STYLE,
        brand.name,
        brand.primary,
        brand.primary_contrast,
        brand.background,
        _without_query(brand.icon_url),
        _without_query(brand.logo_url),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def icon_url(organization, brand: Brand, *, size: int, purpose: str) -> str:
    version = icon_version(brand)
    if organization is None:
        return reverse("pwa:platform_icon", kwargs={"version": version, "purpose": purpose, "size": size})
    return reverse("pwa:icon", kwargs={"slug": organization.slug, "version": version, "purpose": purpose, "size": size})


def _brand_mark(organization) -> Image.Image | None:
    """The business's square icon, else its logo, as an RGBA image; None when it saved neither
    (or the file cannot be read: the initials stand in rather than the app having no icon)."""
    if organization is None:
        return None
    from .models import BrandSettings

    saved = BrandSettings.objects.for_org(organization).only("icon", "logo").first()
    if saved is None:
        return None
    for field in (saved.icon, saved.logo):
        if not field:
            continue
        try:
            with field.open("rb") as handle:
                image = Image.open(handle)
                image.load()
        except (OSError, UnidentifiedImageError, ValueError):
            continue
        return ImageOps.exif_transpose(image).convert("RGBA")
    return None


def _fit(mark: Image.Image, box: int) -> Image.Image:
    copy = mark.copy()
    copy.thumbnail((box, box), Image.Resampling.LANCZOS)
    if max(copy.size) < box:  # a small mark is scaled up to the box, not left tiny
        ratio = box / max(copy.size)
        copy = mark.resize((max(1, round(copy.width * ratio)), max(1, round(copy.height * ratio))), Image.LANCZOS)
    return copy


def _safe_box(mark: Image.Image, size: int) -> int:
    """Longest side of the mark such that its box fits inside the safe-zone circle."""
    width, height = mark.size
    diagonal_per_side = (width**2 + height**2) ** 0.5 / max(width, height)
    return int(size * SAFE_ZONE_DIAMETER / diagonal_per_side)


def _draw_initials(canvas: Image.Image, text: str, colour: str, *, box: int) -> None:
    draw = ImageDraw.Draw(canvas)
    font_size = box
    while font_size > 8:
        font = ImageFont.load_default(size=font_size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= box and bottom - top <= box:
            break
        font_size = int(font_size * 0.9)
    size = canvas.width
    x = (size - (right - left)) / 2 - left
    y = (size - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=colour)


def render_icon(*, brand: Brand, mark: Image.Image | None, size: int, purpose: str) -> bytes:
    """A `size`-square PNG. `any`: the icon edge to edge (a logo on the page colour); `maskable`:
    the mark inside the safe zone on the primary colour, which fills the whole square."""
    if mark is None:
        canvas = Image.new("RGBA", (size, size), brand.primary)
        box = _safe_box(Image.new("L", (1, 1)), size) if purpose == "maskable" else int(size * 0.7)
        _draw_initials(canvas, initials(brand.name), brand.primary_contrast, box=box)
    elif purpose == "maskable":
        canvas = Image.new("RGBA", (size, size), brand.primary)
        fitted = _fit(mark, _safe_box(mark, size))
        canvas.alpha_composite(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    else:
        is_square = abs(mark.width - mark.height) <= max(mark.size) * 0.05
        canvas = Image.new("RGBA", (size, size), (0, 0, 0, 0) if is_square else brand.background)
        fitted = _fit(mark, size if is_square else int(size * 0.9))
        canvas.alpha_composite(fitted, ((size - fitted.width) // 2, (size - fitted.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def icon_png(organization, brand: Brand, *, size: int, purpose: str) -> bytes:
    """The icon, drawn once per brand version and kept in the cache."""
    key = f"pwa-icon:{organization.pk if organization else 0}:{icon_version(brand)}:{purpose}:{size}"
    png = cache.get(key)
    if png is None:
        png = render_icon(brand=brand, mark=_brand_mark(organization), size=size, purpose=purpose)
        cache.set(key, png, ICON_CACHE_SECONDS)
    return png


def start_url() -> str:
    return reverse("portal:home") + "?source=pwa"


def manifest(request) -> dict:
    """The web app manifest of the business this request installs."""
    organization, brand = app_brand(request)
    icons = [
        {
            "src": icon_url(organization, brand, size=size, purpose=purpose),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for purpose in PURPOSES
        for size in ICON_SIZES
    ]
    portal = reverse("portal:home")
    return {
        # One app per business on a shared host: the id keeps two businesses' apps apart.
        "id": f"{portal}?app={organization.slug}" if organization is not None else portal,
        "name": brand.name,
        "short_name": short_name(brand.name),
        "description": _("Your workouts, food log, sessions and messages with %(name)s.") % {"name": brand.name},
        "lang": translation.get_language() or "en",
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "start_url": start_url(),
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": brand.primary,
        "background_color": brand.background,
        "categories": ["health", "fitness", "lifestyle"],
        "icons": icons,
    }


def user_key(user) -> str:
    """An opaque, stable key of the signed-in person: the service worker tags what it keeps
    offline with it and sends only a person's own entries while that person is signed in."""
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("mecto.pwa.user", str(user.pk)).hexdigest()[:32]


@lru_cache(maxsize=1)
def push_script_exists() -> bool:
    return finders.find(PUSH_SCRIPT) is not None


def _static_fingerprint(urls: list[str]) -> str:
    """In production the static names carry their content hash; elsewhere the files' change
    times stand in, so an edited app.css still refreshes the cached shell."""
    parts = list(urls)
    for name in SHELL_STATIC:
        found = finders.find(name)
        if found:
            parts.append(str(os.stat(found).st_mtime_ns))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


SERVICE_WORKER_STYLE = "1"  # bump when templates/pwa/sw.js changes in a way old caches must not survive


def service_worker_config(request) -> dict:
    organization, brand = app_brand(request)
    shell = [static(name) for name in SHELL_STATIC]
    offline_url = reverse("pwa:offline")
    icons = [icon_url(organization, brand, size=size, purpose="any") for size in ICON_SIZES]
    version = hashlib.sha256(
        "\n".join([SERVICE_WORKER_STYLE, _static_fingerprint(shell), icon_version(brand), offline_url]).encode()
    ).hexdigest()[:12]
    return {
        "version": version,
        "shell": [*shell, offline_url, *icons],
        "offlineUrl": offline_url,
        "startUrl": start_url(),
        "sessionUrl": reverse("pwa:session"),
        "loginPath": reverse("account_login"),
        "logoutPath": reverse("account_logout"),
        "cachePages": reverse("portal:home"),
        "offlinePosts": [{"pattern": post.pattern, "key": post.key} for post in OFFLINE_POSTS],
        "pushScript": static(PUSH_SCRIPT) if push_script_exists() else "",
        "queuedMessage": _("Saved offline — will send when you're back online."),
    }


def service_worker_config_json(request) -> str:
    # Inside a script file, not HTML: JSON is valid JavaScript; "<" is escaped all the same.
    return json.dumps(service_worker_config(request)).replace("<", "\\u003c")
