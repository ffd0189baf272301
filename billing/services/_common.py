"""What the billing services share: the limits of an amount and a line, the acting user,
tasks queued after commit, and the numbering of invoices and credit notes."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F

from ..errors import BillingError
from ..models import BillingSettings
from .settings import billing_settings

__all__ = ["BillingError", "MAX_UNIT_MINOR", "MAX_QUANTITY", "MAX_LINES"]

logger = logging.getLogger(__name__)


MAX_UNIT_MINOR = 100_000_000
MAX_QUANTITY = 1000
MAX_LINES = 50


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _on_commit_task(task, *args) -> None:
    def enqueue():
        try:
            task.delay(*args)
        except Exception:  # the broker is down: the message is lost, the books are not
            logger.exception("Could not enqueue %s%s", task.name, args)

    transaction.on_commit(enqueue)


def _take_number(organization, kind: str = "invoice") -> tuple[int, str]:
    """Next number in the business's sequence. Locks the settings row until commit, so two
    invoices never share a number and a rolled-back invoice gives its number back."""
    row = BillingSettings.objects.select_for_update().get(pk=billing_settings(organization).pk)
    if kind == "invoice":
        sequence, prefix = row.next_invoice_number, row.invoice_prefix
        row.next_invoice_number = F("next_invoice_number") + 1
        row.save(update_fields=["next_invoice_number"])
    else:
        sequence, prefix = row.next_credit_note_number, row.credit_note_prefix
        row.next_credit_note_number = F("next_credit_note_number") + 1
        row.save(update_fields=["next_credit_note_number"])
    return sequence, f"{prefix}-{sequence:05d}"
