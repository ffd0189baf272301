"""The business's billing settings: number prefixes, payment terms, the business details and
tax defaults printed on invoices, invoice footer."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mecto.services import check_fields, update_model

from ..errors import BillingError
from ..models import BillingSettings

__all__ = ["billing_settings", "checked_tax_rate", "SETTINGS_FIELDS", "update_billing_settings"]


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


def checked_tax_rate(value, *, field: str) -> Decimal:
    """A tax rate as a percentage from 0 to 100 with at most two decimals, or a BillingError."""
    try:
        rate = Decimal(str(value if value is not None else "").strip())
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not rate.is_finite() or not (Decimal(0) <= rate <= Decimal(100)):
        raise BillingError(_("The tax rate is a percentage between 0 and 100."), field=field)
    if rate != rate.quantize(Decimal("0.01")):
        raise BillingError(_("Give the tax rate with at most two decimals, for example 8.25."), field=field)
    return rate.quantize(Decimal("0.01"))


SETTINGS_FIELDS = {
    "invoice_prefix",
    "credit_note_prefix",
    "payment_terms_days",
    "legal_name",
    "business_address",
    "tax_number",
    "registration_details",
    "default_tax_rate",
    "prices_include_tax",
    "invoice_footer",
    "bank_account_holder",
    "bank_account_number",
    "bank_code",
    "reminders_enabled",
    "reminder_offsets",
}
ADDRESS_MAX_LINES = 6


BANK_LIMITS = {"bank_account_holder": 140, "bank_account_number": 64, "bank_code": 32}


def _check_payment_fields(fields: dict) -> None:
    """Bank details for transfers and the reminder schedule (see services/reminders.py)."""
    from .reminders import checked_reminder_offsets

    for key, limit in BANK_LIMITS.items():
        if key in fields:
            value = " ".join((fields[key] or "").split())
            if key != "bank_account_holder":
                value = value.upper()
                if value and not all(ch.isalnum() or ch in " -/" for ch in value):
                    raise BillingError(_("Use letters, digits, spaces and dashes."), field=key)
            if len(value) > limit:
                raise BillingError(_("At most %(n)s characters.") % {"n": limit}, field=key)
            fields[key] = value
    if "reminders_enabled" in fields:
        fields["reminders_enabled"] = bool(fields["reminders_enabled"])
    if "reminder_offsets" in fields:
        fields["reminder_offsets"] = checked_reminder_offsets(fields["reminder_offsets"])


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
    for key, limit in (("legal_name", 200), ("registration_details", 200)):
        if key in fields:
            value = " ".join((fields[key] or "").split())
            if len(value) > limit:
                raise BillingError(_("At most %(n)s characters.") % {"n": limit}, field=key)
            fields[key] = value
    if "default_tax_rate" in fields:
        fields["default_tax_rate"] = checked_tax_rate(fields["default_tax_rate"], field="default_tax_rate")
    if "prices_include_tax" in fields:
        fields["prices_include_tax"] = bool(fields["prices_include_tax"])
    _check_payment_fields(fields)
    row, _changed = update_model(
        billing_settings(organization),
        fields,
        allowed=SETTINGS_FIELDS,
        error=BillingError,
        exclude=["organization"],
        validate_unique=True,
    )
    return row
