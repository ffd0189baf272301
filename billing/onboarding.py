"""Billing's step of the setup checklist (`mecto.onboarding`)."""

from django.utils.translation import gettext_lazy as _

from mecto.onboarding import Step, register_step


def payments_connected(organization) -> bool:
    """Stripe connected, or bank details for transfers on the invoices (manual payments)."""
    from .models import BillingSettings

    billing = BillingSettings.objects.for_org(organization).first()
    return bool(billing and (billing.stripe_account_id or billing.invoice_footer.strip()))


def register() -> None:
    register_step(
        Step(
            "payments",
            _("Connect payments"),
            "billing:settings",
            payments_connected,
            order=60,
            hint=_("Stripe for cards, or your bank details for transfers"),
        )
    )
