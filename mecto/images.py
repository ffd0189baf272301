"""Checking and cleaning uploaded images with Pillow.

Only what Pillow decodes as a real JPEG, PNG, WebP or HEIC/HEIF (iPhone photos, through
pillow-heif) is accepted; it is re-encoded as JPEG, which drops EXIF (GPS included) and
anything hidden around the pixels, after turning it upright.
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


def clean_image(upload, *, field: str = "image") -> CleanImage:
    """Validate an uploaded file and return the re-encoded photo and thumbnail (JPEG).

    Raises ImageError (a 400 with `field`) for anything that is not a sound image."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ImageError(_("The photo is larger than 15 MB."), field=field)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageError(_("The photo is larger than 15 MB."), field=field)
    if not data:
        raise ImageError(_("The file is empty."), field=field)
    if _looks_like_polyglot(data):
        raise ImageError(_("This file is not a plain photo."), field=field)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise ImageError(accepted_formats_message(), field=field)
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageError(_("The photo has too many pixels (50 megapixels at most)."), field=field)
            if min(width, height) < MIN_SIDE:
                raise ImageError(_("The photo is too small."), field=field)
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            elif image.mode == "L":
                image = image.convert("RGB")
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError(_("The photo has too many pixels (50 megapixels at most)."), field=field)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
            raise ImageError(_("This file is not a photo we can read (it may be damaged)."), field=field)
    return CleanImage(
        full=_encode(image, FULL_SIDE, 88),
        thumbnail=_encode(image, THUMB_SIDE, 80),
        width=image.width,
        height=image.height,
    )
