"""The business's billing settings: number prefixes, payment terms, invoice footer."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..errors import BillingError
from ..models import BillingSettings

__all__ = ["billing_settings", "SETTINGS_FIELDS", "update_billing_settings"]


def billing_settings(organization) -> BillingSettings:
    """The business's billing settings, created with defaults on first use."""
    row = BillingSettings.objects.filter(organization=organization).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return BillingSettings.objects.create(organization=organization)
    except IntegrityError:  # created concurrently
        return BillingSettings.objects.get(organization=organization)


SETTINGS_FIELDS = {"invoice_prefix", "credit_note_prefix", "payment_terms_days", "invoice_footer"}


@transaction.atomic
def update_billing_settings(*, organization, actor=None, **fields) -> BillingSettings:
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise BillingError(_("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))})
    row = BillingSettings.objects.select_for_update().get(pk=billing_settings(organization).pk)
    for key in ("invoice_prefix", "credit_note_prefix"):
        if key in fields:
            value = (fields[key] or "").strip().upper()
            if not value or not value.replace("-", "").isalnum():
                raise BillingError(_("Use letters and digits only, for example INV."), field=key)
            fields[key] = value
    for key, value in fields.items():
        setattr(row, key, value)
    row.full_clean(exclude=["organization"])
    row.save()
    return row
