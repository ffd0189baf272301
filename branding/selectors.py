"""Reads of the brand: the platform's `Brand` of a business."""

from mecto.branding import Brand


def brand_of(organization) -> Brand | None:
    """The business's saved brand as the platform's `Brand`; None lets the defaults apply."""
    # The branding work fills this in (BrandSettings -> Brand, cached per request).
    return None
