"""Checking and cleaning uploaded images with Pillow.

Only what Pillow decodes as a real JPEG, PNG, WebP or HEIC/HEIF (iPhone photos, through
pillow-heif) is accepted; a photo is re-encoded as JPEG, which drops EXIF (GPS included) and
anything hidden around the pixels, after turning it upright. A logo or icon goes through the
same checks and is re-encoded as PNG, keeping its transparency (`clean_logo`, `clean_icon`).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from mecto.errors import DomainError

try:
    from pillow_heif import register_heif_opener
except ImportError:  # pinned in requirements/base.txt; an environment without it refuses HEIC by name
    register_heif_opener = None

if register_heif_opener is not None:
    register_heif_opener()

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # 50 megapixels: above any phone camera, far below a decompression bomb
MIN_SIDE = 64
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"} | ({"HEIF"} if register_heif_opener is not None else set())
FULL_SIDE = 2560
THUMB_SIDE = 480
# Markers of a file that is also a page, a script or an archive (a polyglot): refused outright.
POLYGLOT_MARKERS = (b"<script", b"<html", b"<!doctype", b"<svg", b"<?php", b"<iframe", b"javascript:", b"%pdf-")


class ImageError(DomainError):
    pass


@dataclass
class CleanImage:
    full: bytes
    thumbnail: bytes
    width: int
    height: int


def accepted_formats_message() -> str:
    if "HEIF" in ALLOWED_FORMATS:
        return _("This file type is not accepted: upload a JPEG, PNG, WebP or HEIC photo.")
    return _("This file type is not accepted: upload a JPEG, PNG or WebP photo.")


def _looks_like_polyglot(data: bytes) -> bool:
    lowered = data.lower()
    if any(marker in lowered for marker in POLYGLOT_MARKERS):
        return True
    # A ZIP (or JAR, DOCX) appended to an image ends with its central directory record.
    return b"PK\x05\x06" in data[-65_557:]


def _encode(image: Image.Image, side: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True, progressive=True)  # no exif= : metadata dropped
    return out.getvalue()


@dataclass(frozen=True)
class _Wording:
    too_large: str
    too_many_pixels: str
    too_small: str
    not_plain: str
    unreadable: str


def _photo_wording() -> _Wording:
    return _Wording(
        too_large=_("The photo is larger than 15 MB."),
        too_many_pixels=_("The photo has too many pixels (50 megapixels at most)."),
        too_small=_("The photo is too small."),
        not_plain=_("This file is not a plain photo."),
        unreadable=_("This file is not a photo we can read (it may be damaged)."),
    )


def _decode(
    upload, *, field: str, wording: _Wording, min_side: int, formats_message, svg_message: str = ""
) -> Image.Image:
    """Read `upload`, refuse what is not a sound image, and return it decoded and upright.

    The checks every upload shares: size, polyglot markers, a real decode by Pillow in an
    allowed format, the pixel budget (decompression bombs) and a smallest side."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImageError(wording.too_large, field=field)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageError(wording.too_large, field=field)
    if not data:
        raise ImageError(_("The file is empty."), field=field)
    if svg_message and _looks_like_svg(data):
        raise ImageError(svg_message, field=field)
    if _looks_like_polyglot(data):
        raise ImageError(wording.not_plain, field=field)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise ImageError(formats_message(), field=field)
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageError(wording.too_many_pixels, field=field)
            if min(width, height) < min_side:
                raise ImageError(wording.too_small, field=field)
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
            return ImageOps.exif_transpose(image)
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError(wording.too_many_pixels, field=field)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
            raise ImageError(wording.unreadable, field=field)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head


def clean_image(upload, *, field: str = "image") -> CleanImage:
    """Validate an uploaded file and return the re-encoded photo and thumbnail (JPEG).

    Raises ImageError (a 400 with `field`) for anything that is not a sound image."""
    image = _decode(
        upload, field=field, wording=_photo_wording(), min_side=MIN_SIDE, formats_message=accepted_formats_message
    )
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    return CleanImage(
        full=_encode(image, FULL_SIDE, 88),
        thumbnail=_encode(image, THUMB_SIDE, 80),
        width=image.width,
        height=image.height,
    )


# --- Logos and icons: PNG, transparency kept ------------------------------------------------------
LOGO_BOX = (600, 200)  # a header logo fits within this; smaller ones are not enlarged
ICON_SIDE = 512  # app icon and favicon source: always this square
LOGO_MIN_SIDE = 16
ICON_MIN_SIDE = 128


@dataclass
class CleanPicture:
    png: bytes
    width: int
    height: int


def _graphic_wording() -> _Wording:
    return _Wording(
        too_large=_("The image is larger than 15 MB."),
        too_many_pixels=_("The image has too many pixels (50 megapixels at most)."),
        too_small=_("The image is too small."),
        not_plain=_("This file is not a plain image."),
        unreadable=_("This file is not an image we can read (it may be damaged)."),
    )


def _graphic_formats_message() -> str:
    return _("This file type is not accepted: upload a PNG (transparency is kept), JPEG or WebP image.")


def _svg_refused() -> str:
    return _("SVG files are not accepted: upload a PNG (a transparent background is kept).")


def _with_alpha(image: Image.Image) -> Image.Image:
    """RGBA when the image has any transparency (alpha channel or a palette's transparent
    colour), else RGB: the pixels only, no metadata."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)  # no pnginfo, icc_profile or exif: metadata dropped
    return out.getvalue()


def clean_logo(upload, *, field: str = "logo", box: tuple[int, int] = LOGO_BOX) -> CleanPicture:
    """A logo: the photo checks (a real decode, size and pixel limits, no polyglots, no SVG),
    then a PNG that keeps transparency, shrunk to fit within `box` (never enlarged)."""
    image = _decode(
        upload,
        field=field,
        wording=_graphic_wording(),
        min_side=LOGO_MIN_SIDE,
        formats_message=_graphic_formats_message,
        svg_message=_svg_refused(),
    )
    image = _with_alpha(image)
    image.thumbnail(box, Image.Resampling.LANCZOS)
    return CleanPicture(png=_png(image), width=image.width, height=image.height)


def clean_icon(upload, *, field: str = "icon", background: str = "#ffffff", side: int = ICON_SIDE) -> CleanPicture:
    """A square app icon: the same checks, scaled so its longer side is `side` and centred on
    a `side`x`side` canvas of `background` (opaque: home screens show no transparency)."""
    image = _decode(
        upload,
        field=field,
        wording=_graphic_wording(),
        min_side=ICON_MIN_SIDE,
        formats_message=_graphic_formats_message,
        svg_message=_svg_refused(),
    )
    image = _with_alpha(image).convert("RGBA")
    scale = side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (side, side), background)
    canvas.alpha_composite(image, ((side - size[0]) // 2, (side - size[1]) // 2))
    return CleanPicture(png=_png(canvas.convert("RGB")), width=side, height=side)
