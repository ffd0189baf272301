"""Payment links: a client pays an invoice or buys a plan without logging in."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client

from .. import notifications
from ..errors import BillingError
from ..models import Invoice, PaymentLink, Plan
from ._common import _actor
from .settings import billing_settings

__all__ = ["payment_link_url", "create_payment_link", "revoke_payment_link", "mark_link_opened"]


def payment_link_url(token: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL + reverse("billing:pay", args=[token])


@transaction.atomic
def create_payment_link(
    *,
    client: Client,
    plan: Plan | None = None,
    invoice: Invoice | None = None,
    message: str = "",
    actor=None,
    send: bool = True,
) -> tuple[PaymentLink, str]:
    """A link for a client to pay an open invoice, or buy a plan by card, without logging in.
    Returns the link and its URL (shown once; only a hash of the token is stored)."""
    organization = client.organization
    if (plan is None) == (invoice is None):
        raise BillingError(_("Choose either a plan or an invoice."), field="plan")
    if plan is not None:
        if plan.organization_id != organization.id:
            raise BillingError(_("Choose one of your plans."), field="plan")
        if not plan.is_active:
            raise BillingError(_("This plan is no longer sold."), field="plan")
        if not billing_settings(organization).takes_card_payments:
            raise BillingError(
                _("Connect Stripe to sell plans by link; or invoice the plan and send a link to the invoice."),
                field="plan",
            )
    if invoice is not None:
        if invoice.organization_id != organization.id or invoice.client_id != client.id:
            raise BillingError(_("Choose an invoice of this client."), field="invoice")
        if invoice.status != Invoice.Status.OPEN:
            raise BillingError(_("Only an open invoice can be paid."), field="invoice")
    if not client.email and send:
        raise BillingError(_("Add an email address to the client first."), field="client")
    if len(message or "") > 500:
        raise BillingError(_("The message is at most 500 characters."), field="message")
    token, token_hash = PaymentLink.new_token()
    link = PaymentLink.objects.create(
        organization=organization,
        client=client,
        plan=plan,
        invoice=invoice,
        token_hash=token_hash,
        message=(message or "").strip(),
        created_by=_actor(actor),
        expires_at=timezone.now() + PaymentLink.TTL,
    )
    url = payment_link_url(token)
    if send:
        notifications.queue_payment_link_email(link, url)
    return link, url


@transaction.atomic
def revoke_payment_link(*, link: PaymentLink, actor=None) -> PaymentLink:
    link = PaymentLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def mark_link_opened(link: PaymentLink) -> None:
    if link.opened_at is None:
        PaymentLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())
