"""The business's billing settings: number prefixes, payment terms, invoice footer."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mecto.services import check_fields, update_model

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


SETTINGS_FIELDS = {
    "invoice_prefix",
    "credit_note_prefix",
    "payment_terms_days",
    "business_address",
    "tax_number",
    "invoice_footer",
}
ADDRESS_MAX_LINES = 6


@transaction.atomic
def update_billing_settings(*, organization, actor=None, **fields) -> BillingSettings:
    check_fields(fields, SETTINGS_FIELDS, error=BillingError)
    for key in ("invoice_prefix", "credit_note_prefix"):
        if key in fields:
            value = (fields[key] or "").strip().upper()
            if not value or not value.replace("-", "").isalnum():
                raise BillingError(_("Use letters and digits only, for example INV."), field=key)
            fields[key] = value
    if "business_address" in fields:
        lines = [line.strip() for line in (fields["business_address"] or "").splitlines() if line.strip()]
        if len(lines) > ADDRESS_MAX_LINES:
            raise BillingError(
                _("Write the address on at most %(n)s lines.") % {"n": ADDRESS_MAX_LINES}, field="business_address"
            )
        fields["business_address"] = "\n".join(lines)
    if "tax_number" in fields:
        value = " ".join((fields["tax_number"] or "").split()).upper()
        if value and not all(ch.isalnum() or ch in " -." for ch in value):
            raise BillingError(
                _("Use letters, digits, spaces, dots and dashes, for example GB 123 4567 89."), field="tax_number"
            )
        fields["tax_number"] = value
    row, _changed = update_model(
        billing_settings(organization),
        fields,
        allowed=SETTINGS_FIELDS,
        error=BillingError,
        exclude=["organization"],
        validate_unique=True,
    )
    return row
