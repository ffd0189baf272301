"""The seam between booking and billing: booking asks for a checkout link for a booking
that needs payment; billing (when installed and connected to Stripe) provides it.

Billing registers its provider in AppConfig.ready(); with no provider (or no Stripe
account connected) the answer is None and the booking is paid at the session.
"""

from collections.abc import Callable

_providers: list[Callable[..., str | None]] = []


def register_booking_checkout(func: Callable[..., str | None]) -> Callable[..., str | None]:
    """`func(*, booking, amount_minor, currency, success_url, cancel_url) -> url | None`."""
    _providers.append(func)
    return func


def booking_checkout_url(*, booking, amount_minor: int, currency: str, success_url: str, cancel_url: str) -> str | None:
    for provider in _providers:
        url = provider(
            booking=booking,
            amount_minor=amount_minor,
            currency=currency,
            success_url=success_url,
            cancel_url=cancel_url,
        )
        if url:
            return url
    return None
