"""Writes that go through Stripe: Connect onboarding, plan sync, customers, Checkout, the
customer portal, cancellations and refunds. Each business is paid into its own connected
account: every call carries its `Stripe-Account`.

Network calls are made outside database transactions; what they return is recorded in
short transactions afterwards.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client

from . import stripe_gateway as gateway
from .models import BillingSettings, Coupon, Invoice, Payment, PaymentLink, Plan, StripeCustomer, Subscription
from .money import line_amounts
from .services import BillingError, billing_settings

logger = logging.getLogger(__name__)


def _site(path: str) -> str:
    return settings.SITE_URL + path


def _connected(organization) -> BillingSettings:
    row = billing_settings(organization)
    if not gateway.is_configured():
        raise BillingError(_("Card payments are not set up on this platform; record payments by hand."))
    if not row.stripe_account_id:
        raise BillingError(_("This business has not connected Stripe yet."))
    if not row.stripe_charges_enabled:
        raise BillingError(_("This business's Stripe account cannot take payments yet; finish onboarding."))
    return row


# --- Connect ------------------------------------------------------------------------------------------
def start_onboarding(*, organization, actor) -> str:
    """Create the business's connected account on first use and return a single-use Stripe
    onboarding link (account links). Only the account id is kept."""
    stripe = gateway.client()
    row = billing_settings(organization)
    if not row.stripe_account_id:
        account = gateway.call(
            "create account",
            stripe.v1.accounts.create,
            {
                "type": "standard",
                "email": getattr(actor, "email", None) or None,
                "business_profile": {"name": organization.name},
                "metadata": {"organization_id": str(organization.pk), "organization_slug": organization.slug},
            },
            gateway.options(idempotency_key=f"connect:{organization.pk}:{row.pk}"),
        )
        with transaction.atomic():
            locked = BillingSettings.objects.select_for_update().get(pk=row.pk)
            if not locked.stripe_account_id:
                locked.stripe_account_id = account.id
                locked.stripe_charges_enabled = bool(getattr(account, "charges_enabled", False))
                locked.stripe_details_submitted = bool(getattr(account, "details_submitted", False))
                locked.stripe_payouts_enabled = bool(getattr(account, "payouts_enabled", False))
                locked.save()
            row = locked
    link = gateway.call(
        "create account link",
        stripe.v1.account_links.create,
        {
            "account": row.stripe_account_id,
            "refresh_url": _site(reverse("billing:stripe_refresh")),
            "return_url": _site(reverse("billing:stripe_return")),
            "type": "account_onboarding",
        },
    )
    return link.url


def apply_account_status(*, account: dict, as_of: datetime | None = None) -> BillingSettings | None:
    """Record what Stripe says about a connected account (from the API or `account.updated`).
    An older snapshot than the one recorded is ignored."""
    with transaction.atomic():
        row = BillingSettings.objects.select_for_update().filter(stripe_account_id=account.get("id")).first()
        if row is None:
            return None
        if as_of and row.stripe_synced_at and as_of < row.stripe_synced_at:
            return row
        was_enabled = row.stripe_charges_enabled
        row.stripe_charges_enabled = bool(account.get("charges_enabled"))
        row.stripe_details_submitted = bool(account.get("details_submitted"))
        row.stripe_payouts_enabled = bool(account.get("payouts_enabled"))
        row.stripe_synced_at = as_of or timezone.now()
        row.save()
    if row.stripe_charges_enabled and not was_enabled:
        from . import tasks

        transaction.on_commit(lambda: tasks.sync_all_plans.delay(row.organization_id))
    return row


def refresh_account_status(*, organization) -> BillingSettings:
    """Ask Stripe for the connected account's state (after the owner returns from onboarding)."""
    row = billing_settings(organization)
    if not row.stripe_account_id:
        return row
    account = gateway.call("retrieve account", gateway.client().v1.accounts.retrieve, row.stripe_account_id)
    return apply_account_status(account=gateway.as_dict(account)) or row


@transaction.atomic
def disconnect_stripe(*, organization, actor=None) -> BillingSettings:
    """Forget the connected account: card payments stop; invoices and history stay."""
    row = BillingSettings.objects.select_for_update().get(pk=billing_settings(organization).pk)
    row.stripe_account_id = ""
    row.stripe_charges_enabled = row.stripe_details_submitted = row.stripe_payouts_enabled = False
    row.stripe_portal_configuration_id = ""
    row.stripe_synced_at = None
    row.save()
    Plan.objects.for_org(organization).update(stripe_product_id="", stripe_price_id="", stripe_price_signature="")
    return row


# --- Plans → products and prices ----------------------------------------------------------------
def sync_plan(*, plan: Plan) -> Plan:
    """Mirror a plan as a Stripe product with a price of what the client pays (tax included).
    Prices are immutable in Stripe: a changed amount gets a new price and the old one is archived."""
    plan = Plan.objects.select_related("organization").get(pk=plan.pk)
    row = billing_settings(plan.organization)
    if not (gateway.is_configured() and row.stripe_account_id):
        return plan
    stripe = gateway.client()
    account = row.stripe_account_id
    product_fields = {
        "name": plan.name,
        "description": plan.description[:500] or None,
        "active": plan.is_active,
        "metadata": {"plan_id": str(plan.public_id), "kind": plan.kind},
    }
    if plan.stripe_product_id:
        gateway.call(
            "update product",
            stripe.v1.products.update,
            plan.stripe_product_id,
            product_fields,
            gateway.options(account),
        )
        product_id = plan.stripe_product_id
    else:
        product = gateway.call(
            "create product",
            stripe.v1.products.create,
            product_fields,
            gateway.options(account, idempotency_key=f"product:{plan.public_id}:{account}"),
        )
        product_id = product.id
    price_id, signature = plan.stripe_price_id, plan.stripe_price_signature
    if plan.is_active and signature != plan.stripe_signature():
        params = {
            "product": product_id,
            "currency": plan.currency.lower(),
            "unit_amount": plan.gross_minor,
            "metadata": {"plan_id": str(plan.public_id)},
        }
        if plan.is_recurring:
            params["recurring"] = {"interval": plan.interval, "interval_count": 1}
        price = gateway.call(
            "create price",
            stripe.v1.prices.create,
            params,
            gateway.options(account, idempotency_key=f"price:{plan.public_id}:{plan.stripe_signature()}:{account}"),
        )
        if plan.stripe_price_id:
            gateway.call(
                "archive price",
                stripe.v1.prices.update,
                plan.stripe_price_id,
                {"active": False},
                gateway.options(account),
            )
        price_id, signature = price.id, plan.stripe_signature()
    Plan.objects.filter(pk=plan.pk).update(
        stripe_product_id=product_id, stripe_price_id=price_id, stripe_price_signature=signature
    )
    plan.stripe_product_id, plan.stripe_price_id, plan.stripe_price_signature = product_id, price_id, signature
    return plan


def _price_for(plan: Plan) -> str:
    if not plan.stripe_price_id or plan.stripe_price_signature != plan.stripe_signature():
        plan = sync_plan(plan=plan)
    return plan.stripe_price_id


# --- Customers ----------------------------------------------------------------------------------------
def ensure_customer(*, client: Client) -> str:
    """The client's Stripe customer on the business's account, created once."""
    row = _connected(client.organization)
    account = row.stripe_account_id
    existing = StripeCustomer.objects.filter(client=client, account_id=account).first()
    if existing is not None:
        return existing.customer_id
    customer = gateway.call(
        "create customer",
        gateway.client().v1.customers.create,
        {
            "email": client.email or None,
            "name": client.full_name,
            "phone": client.phone or None,
            "metadata": {"client_id": str(client.public_id)},
        },
        gateway.options(account, idempotency_key=f"customer:{client.public_id}:{account}"),
    )
    try:
        with transaction.atomic():
            StripeCustomer.objects.create(
                organization=client.organization, client=client, account_id=account, customer_id=customer.id
            )
    except IntegrityError:  # created concurrently (the idempotency key returned the same customer)
        pass
    return StripeCustomer.objects.get(client=client, account_id=account).customer_id


# --- Coupons → coupons and promotion codes -------------------------------------------------------------
def _coupon_signature(coupon: Coupon, products: list[str]) -> str:
    off = f"{coupon.percent_off}%" if coupon.percent_off is not None else f"{coupon.amount_off_minor}{coupon.currency}"
    return f"{off}:{coupon.duration}:{coupon.duration_periods or ''}:{','.join(sorted(products))}"[:200]


def ensure_promotion_code(*, coupon: Coupon, account: str) -> str:
    """The coupon as a Stripe Coupon with a PromotionCode of the same code on the business's
    connected account, made once (again when its terms or plans changed). Limits and expiry
    are checked by Mecto before checkout; Stripe also holds the total limit and the expiry."""
    plans = list(coupon.plans.all())
    products = [_product_for(plan) for plan in plans]
    signature = _coupon_signature(coupon, products)
    if coupon.stripe_promotion_code_id and coupon.stripe_account_id == account and coupon.stripe_signature == signature:
        return coupon.stripe_promotion_code_id
    stripe = gateway.client()
    params: dict = {
        "name": coupon.code,
        "duration": coupon.duration,
        "metadata": {"coupon_id": str(coupon.public_id)},
    }
    if coupon.percent_off is not None:
        params["percent_off"] = float(coupon.percent_off)
    else:
        params["amount_off"] = coupon.amount_off_minor
        params["currency"] = coupon.currency.lower()
    if coupon.duration == Coupon.Duration.REPEATING:
        params["duration_in_months"] = coupon.duration_periods
    if products:
        params["applies_to"] = {"products": products}
    key = f"coupon:{coupon.public_id}:{account}:{signature}"
    stripe_coupon = gateway.call(
        "create coupon", stripe.v1.coupons.create, params, gateway.options(account, idempotency_key=key)
    )
    promotion: dict = {
        "promotion": {"type": "coupon", "coupon": stripe_coupon.id},
        "code": coupon.code,
        "metadata": {"coupon_id": str(coupon.public_id)},
    }
    if coupon.max_redemptions:
        promotion["max_redemptions"] = coupon.max_redemptions
    if coupon.expires_at:
        promotion["expires_at"] = int(coupon.expires_at.timestamp())
    code = gateway.call(
        "create promotion code",
        stripe.v1.promotion_codes.create,
        promotion,
        gateway.options(account, idempotency_key=f"promotion:{key}"),
    )
    if coupon.stripe_promotion_code_id and coupon.stripe_account_id == account:
        deactivate_promotion_code(coupon=coupon)
    Coupon.objects.filter(pk=coupon.pk).update(
        stripe_account_id=account,
        stripe_coupon_id=stripe_coupon.id,
        stripe_promotion_code_id=code.id,
        stripe_signature=signature,
    )
    coupon.stripe_account_id, coupon.stripe_coupon_id = account, stripe_coupon.id
    coupon.stripe_promotion_code_id, coupon.stripe_signature = code.id, signature
    return code.id


def deactivate_promotion_code(*, coupon: Coupon) -> None:
    """Switch the coupon's promotion code off in Stripe (archived, or replaced)."""
    if not (gateway.is_configured() and coupon.stripe_promotion_code_id and coupon.stripe_account_id):
        return
    gateway.call(
        "deactivate promotion code",
        gateway.client().v1.promotion_codes.update,
        coupon.stripe_promotion_code_id,
        {"active": False},
        gateway.options(coupon.stripe_account_id),
    )


def _product_for(plan: Plan) -> str:
    if not plan.stripe_product_id:
        plan = sync_plan(plan=plan)
    return plan.stripe_product_id


# --- Checkout ------------------------------------------------------------------------------------------
def _metadata(client: Client, **extra) -> dict:
    return {"organization_id": str(client.organization_id), "client_id": str(client.public_id), **extra}


def checkout_for_plan(
    *,
    client: Client,
    plan: Plan,
    success_url: str,
    cancel_url: str,
    payment_link: PaymentLink | None = None,
    coupon_code: str = "",
) -> str:
    """A Stripe Checkout page where the client pays for a package or signs up to a membership;
    a valid `coupon_code` is applied as the coupon's promotion code on the connected account."""
    if plan.organization_id != client.organization_id or not plan.is_active:
        raise BillingError(_("This plan is not on sale."), field="plan")
    if plan.is_recurring and (
        Subscription.objects.for_org(client.organization)
        .filter(client=client, plan=plan, status__in=Subscription.LIVE_STATUSES)
        .exists()
    ):
        raise BillingError(_("You already have this membership."), field="plan")
    coupon = None
    if (coupon_code or "").strip():
        from .services import validate_coupon

        coupon = validate_coupon(organization=client.organization, code=coupon_code, client=client, plans=[plan])
    row = _connected(client.organization)
    price_id = _price_for(plan)
    customer = ensure_customer(client=client)
    metadata = _metadata(client, kind="plan", plan_id=str(plan.public_id))
    if coupon is not None:
        metadata["coupon_id"] = str(coupon.public_id)
    if payment_link is not None:
        metadata["payment_link_id"] = str(payment_link.pk)
    params = {
        "mode": "subscription" if plan.is_recurring else "payment",
        "customer": customer,
        "client_reference_id": str(client.public_id),
        "line_items": [{"price": price_id, "quantity": 1}],
        "metadata": metadata,
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if plan.is_recurring:
        params["subscription_data"] = {"metadata": metadata}
        if plan.trial_days:
            params["subscription_data"]["trial_period_days"] = plan.trial_days
            if plan.trial_price_minor:  # a paid trial: a one-off item, charged when the trial starts
                trial = line_amounts(
                    unit_minor=plan.trial_price_minor,
                    quantity=1,
                    tax_rate=plan.tax_rate,
                    tax_inclusive=plan.price_includes_tax,
                ).total
                params["line_items"].append(
                    {
                        "price_data": {
                            "currency": plan.currency.lower(),
                            "unit_amount": trial,
                            "product_data": {"name": _("%(plan)s, trial") % {"plan": plan.name}},
                        },
                        "quantity": 1,
                    }
                )
    else:
        params["payment_intent_data"] = {"metadata": metadata}
        params["invoice_creation"] = {"enabled": False}
    if coupon is not None:
        params["discounts"] = [{"promotion_code": ensure_promotion_code(coupon=coupon, account=row.stripe_account_id)}]
    session = gateway.call(
        "create checkout session",
        gateway.client().v1.checkout.sessions.create,
        params,
        gateway.options(row.stripe_account_id),
    )
    return session.url


def checkout_for_invoice(
    *, invoice: Invoice, success_url: str, cancel_url: str, payment_link: PaymentLink | None = None
) -> str:
    """A Stripe Checkout page to pay what is due on an open invoice."""
    invoice = Invoice.objects.select_related("client", "organization").get(pk=invoice.pk)
    if invoice.status != Invoice.Status.OPEN or invoice.amount_due_minor <= 0:
        raise BillingError(_("This invoice has nothing left to pay."))
    client = invoice.client
    row = _connected(invoice.organization)
    customer = ensure_customer(client=client)
    metadata = _metadata(client, kind="invoice", invoice_id=str(invoice.public_id))
    if payment_link is not None:
        metadata["payment_link_id"] = str(payment_link.pk)
    session = gateway.call(
        "create checkout session",
        gateway.client().v1.checkout.sessions.create,
        {
            "mode": "payment",
            "customer": customer,
            "client_reference_id": str(client.public_id),
            "line_items": [
                {
                    "price_data": {
                        "currency": invoice.currency.lower(),
                        "unit_amount": invoice.amount_due_minor,
                        "product_data": {"name": _("Invoice %(number)s") % {"number": invoice.number}},
                    },
                    "quantity": 1,
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
        },
        gateway.options(row.stripe_account_id),
    )
    return session.url


def booking_checkout(*, booking, amount_minor: int, currency: str, success_url: str, cancel_url: str) -> str | None:
    """The booking seam (mecto.payments): a Checkout page for a booking that needs payment, or
    None when the business takes no card payments (the session is then paid in person)."""
    organization = booking.organization
    row = billing_settings(organization)
    if not row.takes_card_payments:
        return None
    if not isinstance(amount_minor, int) or amount_minor <= 0:
        raise BillingError(_("The amount to pay must be above zero."))
    client = booking.client
    customer = ensure_customer(client=client)
    metadata = _metadata(client, kind="booking", booking_public_id=str(booking.public_id))
    session = gateway.call(
        "create checkout session",
        gateway.client().v1.checkout.sessions.create,
        {
            "mode": "payment",
            "customer": customer,
            "client_reference_id": str(client.public_id),
            "line_items": [
                {
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": amount_minor,
                        "product_data": {"name": str(booking)[:250]},
                    },
                    "quantity": 1,
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
        },
        gateway.options(row.stripe_account_id),
    )
    return session.url


# --- Customer portal ---------------------------------------------------------------------------------------
def _portal_configuration(row: BillingSettings) -> str:
    """A portal where clients update cards and see invoices. Cancelling goes through Mecto,
    which applies the minimum term; so the portal's own cancel button is off."""
    if row.stripe_portal_configuration_id:
        return row.stripe_portal_configuration_id
    configuration = gateway.call(
        "create portal configuration",
        gateway.client().v1.billing_portal.configurations.create,
        {
            "business_profile": {"headline": row.organization.name[:60]},
            "features": {
                "payment_method_update": {"enabled": True},
                "invoice_history": {"enabled": True},
                "customer_update": {"enabled": True, "allowed_updates": ["email", "address", "phone"]},
                "subscription_cancel": {"enabled": False},
            },
        },
        gateway.options(row.stripe_account_id, idempotency_key=f"portal-config:{row.stripe_account_id}"),
    )
    BillingSettings.objects.filter(pk=row.pk).update(stripe_portal_configuration_id=configuration.id)
    return configuration.id


def customer_portal_url(*, client: Client, return_url: str) -> str:
    row = _connected(client.organization)
    customer = ensure_customer(client=client)
    session = gateway.call(
        "create portal session",
        gateway.client().v1.billing_portal.sessions.create,
        {"customer": customer, "return_url": return_url, "configuration": _portal_configuration(row)},
        gateway.options(row.stripe_account_id),
    )
    return session.url


# --- Memberships, invoices, refunds -----------------------------------------------------------------------
def cancel_stripe_subscription(*, subscription: Subscription, at: datetime | None) -> None:
    row = billing_settings(subscription.organization)
    stripe = gateway.client()
    if at is None:
        gateway.call(
            "cancel subscription",
            stripe.v1.subscriptions.cancel,
            subscription.stripe_subscription_id,
            {},
            gateway.options(row.stripe_account_id),
        )
    else:
        gateway.call(
            "schedule cancellation",
            stripe.v1.subscriptions.update,
            subscription.stripe_subscription_id,
            {"cancel_at": int(at.timestamp())},
            gateway.options(row.stripe_account_id),
        )


def resume_stripe_subscription(*, subscription: Subscription) -> None:
    row = billing_settings(subscription.organization)
    gateway.call(
        "resume subscription",
        gateway.client().v1.subscriptions.update,
        subscription.stripe_subscription_id,
        {"cancel_at": ""},
        gateway.options(row.stripe_account_id),
    )


def void_stripe_invoice(*, invoice: Invoice) -> None:
    row = billing_settings(invoice.organization)
    gateway.call(
        "void invoice",
        gateway.client().v1.invoices.void_invoice,
        invoice.stripe_invoice_id,
        {},
        gateway.options(row.stripe_account_id),
    )


def payment_intent_for_invoice(*, organization, stripe_invoice_id: str) -> str:
    """The payment intent that paid a Stripe invoice (invoice payments API)."""
    row = billing_settings(organization)
    result = gateway.call(
        "list invoice payments",
        gateway.client().v1.invoice_payments.list,
        {"invoice": stripe_invoice_id, "status": "paid"},
        gateway.options(row.stripe_account_id),
    )
    for item in gateway.as_dict(result).get("data", []):
        intent = (item.get("payment") or {}).get("payment_intent")
        if intent:
            return intent if isinstance(intent, str) else intent.get("id", "")
    return ""


def refund_online(*, payment: Payment, amount_minor: int, reason: str = "") -> str:
    """Refund a card payment through Stripe; returns the refund id. The idempotency key makes a
    double click one refund."""
    row = billing_settings(payment.organization)
    if not (gateway.is_configured() and row.stripe_account_id):
        raise BillingError(_("Stripe is not connected, so this card payment cannot be refunded here."))
    intent = payment.stripe_payment_intent_id
    if not intent and payment.invoice.stripe_invoice_id:
        intent = payment_intent_for_invoice(
            organization=payment.organization, stripe_invoice_id=payment.invoice.stripe_invoice_id
        )
        if intent:
            Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent)
    params = {"amount": amount_minor, "metadata": {"payment_id": str(payment.pk), "reason": reason[:200]}}
    if intent:
        params["payment_intent"] = intent
    elif payment.stripe_charge_id:
        params["charge"] = payment.stripe_charge_id
    else:
        raise BillingError(_("Stripe does not know this payment; refund it from the Stripe dashboard."))
    refund = gateway.call(
        "create refund",
        gateway.client().v1.refunds.create,
        params,
        gateway.options(
            row.stripe_account_id,
            idempotency_key=f"refund:{payment.pk}:{payment.amount_refunded_minor}:{amount_minor}",
        ),
    )
    return refund.id
