"""The one place that talks to Stripe, through the official SDK.

The platform's secret key (STRIPE_SECRET_KEY) acts on each business's connected account
through the `Stripe-Account` header; nothing else of Stripe's is stored but ids.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import StripeUnavailable

logger = logging.getLogger(__name__)


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    if not is_configured():
        raise StripeUnavailable(_("Card payments are not set up on this platform."))
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        max_network_retries=getattr(settings, "BILLING_STRIPE_MAX_RETRIES", 2),
    )


def options(account_id: str | None = None, idempotency_key: str | None = None) -> dict:
    opts: dict[str, Any] = {}
    if account_id:
        opts["stripe_account"] = account_id
    if idempotency_key:
        opts["idempotency_key"] = idempotency_key
    return opts


def call(what: str, func, *args, **kwargs):
    """Run one SDK call; Stripe's errors become a StripeUnavailable with a readable message."""
    try:
        return func(*args, **kwargs)
    except stripe.StripeError as exc:
        logger.warning("Stripe %s failed: %s", what, exc)
        detail = getattr(exc, "user_message", None) or _("Stripe did not accept the request.")
        raise StripeUnavailable(_("Stripe: %(detail)s") % {"detail": detail}) from exc


def as_dict(obj) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
