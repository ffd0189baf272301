"""Billing's domain errors: shown as 400 in the API and beside the field on pages."""

from mecto.errors import DomainError


class BillingError(DomainError):
    """A billing rule was broken by the input."""


class StripeUnavailable(BillingError):
    """Stripe is not set up, or refused or failed a request; the message is for people."""
