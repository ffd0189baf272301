"""Reads of the brand: the platform's `Brand` of a business.

`brand_of` runs on every page and every email, so it reads the database once per change:
the Brand is kept in Django's cache under a key that carries a version, which every save
replaces (at once and after commit), and on the organisation object for the rest of the request.
"""

from __future__ import annotations

import dataclasses
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from mecto.branding import Brand

from .models import BrandSettings

CACHE_SECONDS = 24 * 3600
_MEMO = "_branding_brand"  # on the organisation instance: later calls in the request cost nothing
_NOTHING = "none"  # cached answer for a business that saved no brand (None would read as a miss)
_MISSING = object()


def _version_key(organization_id: int) -> str:
    return f"brand:version:{organization_id}"


def _brand_key(organization_id: int, version: str) -> str:
    return f"brand:{organization_id}:{version}"


def file_path(name: str) -> str:
    """The site-relative path a stored logo or icon is served at."""
    if not name:
        return ""
    # Stored as brand/<organisation id>/<random hex>.png (see BrandSettings' upload path).
    _folder, organization_id, filename = name.split("/", 2)
    return reverse("branding:file", kwargs={"organization_id": int(organization_id), "filename": filename})


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def file_url(name: str) -> str:
    """The absolute URL a logo or icon is served at (emails need the host as well as pages)."""
    return _absolute(file_path(name))


def brand_from_settings(row: BrandSettings, *, name: str) -> Brand:
    return Brand(
        name=row.display_name or name,
        primary=row.primary,
        primary_contrast=row.primary_text,
        accent=row.accent,
        accent_contrast=row.accent_text,
        font=row.font,
        logo_url=file_url(row.logo.name),
        icon_url=file_url(row.icon.name),
        sender_name=row.sender_name,
        reply_to=row.reply_to,
        footer=row.footer,
        social_links=tuple((link["label"], link["url"]) for link in row.social_links or ()),
        features=frozenset(row.features or ()),
        is_custom=True,
    )


def _current_version(organization_id: int) -> str:
    key = _version_key(organization_id)
    version = cache.get(key)
    if version is None:
        # First read since the cache was emptied: start a version no stale entry can carry.
        cache.add(key, uuid.uuid4().hex, None)
        version = cache.get(key) or "0"
    return version


def _cached_brand(organization) -> Brand | None:
    key = _brand_key(organization.pk, _current_version(organization.pk))
    hit = cache.get(key)
    if hit is None:
        row = BrandSettings.objects.filter(organization_id=organization.pk).first()
        # Kept without the business's name: a renamed business must not wait for a brand save.
        if row is None:
            hit = _NOTHING
        else:
            # Paths, not URLs, are kept: the host (SITE_URL) is added on the way out.
            hit = dataclasses.replace(
                brand_from_settings(row, name=""), logo_url=file_path(row.logo.name), icon_url=file_path(row.icon.name)
            )
        cache.set(key, hit, CACHE_SECONDS)
    if hit == _NOTHING:
        return None
    return dataclasses.replace(
        hit, name=hit.name or organization.name, logo_url=_absolute(hit.logo_url), icon_url=_absolute(hit.icon_url)
    )


def brand_of(organization) -> Brand | None:
    """The business's saved brand as the platform's `Brand`; None when it saved nothing (the
    platform's defaults apply under its own name)."""
    if organization is None or getattr(organization, "pk", None) is None:
        return None
    memo = organization.__dict__.get(_MEMO, _MISSING)
    if memo is not _MISSING:
        return memo
    brand = _cached_brand(organization)
    organization.__dict__[_MEMO] = brand
    return brand


def forget_brand(organization) -> None:
    """Every process reads the brand afresh: a new cache version now, for this transaction's
    own reads, and again after commit, since a read in between may have cached the old row."""
    organization.__dict__.pop(_MEMO, None)
    organization_id = organization.pk

    def bump():
        cache.set(_version_key(organization_id), uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def brand_settings_of(organization) -> BrandSettings | None:
    """The row the settings page and the API edit (None before the first save)."""
    return BrandSettings.objects.filter(organization=organization).first()
