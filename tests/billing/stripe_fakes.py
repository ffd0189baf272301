"""Stripe at the HTTP boundary: payloads shaped like Stripe's documented objects (API
version 2025+: invoice `parent.subscription_details`, subscription item periods, invoice
`payments`), real webhook signatures, and a `responses` registry for the API calls."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from itertools import count
from urllib.parse import parse_qs

import responses

API = "https://api.stripe.com"
WEBHOOK_SECRET = "whsec_test_4eC39HqLyjWDarjtT1zdp7dc"
_ids = count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):08d}TEST"


# --- Objects --------------------------------------------------------------------------------------
def account(account_id: str, *, charges_enabled=True, details_submitted=True, payouts_enabled=True) -> dict:
    return {
        "id": account_id,
        "object": "account",
        "business_type": "individual",
        "charges_enabled": charges_enabled,
        "country": "GB",
        "default_currency": "gbp",
        "details_submitted": details_submitted,
        "email": "owner@example.com",
        "payouts_enabled": payouts_enabled,
        "type": "standard",
        "metadata": {},
    }


def checkout_session(
    *,
    mode: str = "payment",
    amount_total: int = 50000,
    currency: str = "gbp",
    customer: str = "cus_TEST",
    metadata: dict | None = None,
    payment_intent: str | None = None,
    subscription: str | None = None,
    payment_status: str = "paid",
    session_id: str | None = None,
    amount_discount: int = 0,
    promotion_code: str | None = None,
) -> dict:
    """`amount_total` is what was charged; `amount_discount` what a promotion code took off."""
    session_id = session_id or new_id("cs_test")
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": amount_total + amount_discount,
        "amount_total": amount_total,
        "discounts": [{"coupon": None, "promotion_code": promotion_code}] if promotion_code else [],
        "total_details": {"amount_discount": amount_discount, "amount_shipping": 0, "amount_tax": 0},
        "client_reference_id": (metadata or {}).get("client_id"),
        "created": int(time.time()),
        "currency": currency,
        "customer": customer,
        "livemode": False,
        "metadata": metadata or {},
        "mode": mode,
        "payment_intent": payment_intent if mode == "payment" else None,
        "payment_status": payment_status,
        "status": "complete",
        "subscription": subscription if mode == "subscription" else None,
        "success_url": "https://example.com/success",
        "url": None,
    }


def subscription(
    *,
    sub_id: str,
    customer: str = "cus_TEST",
    status: str = "active",
    price_id: str = "price_TEST",
    period_start: int,
    period_end: int,
    metadata: dict | None = None,
    cancel_at: int | None = None,
    cancel_at_period_end: bool = False,
    canceled_at: int | None = None,
    ended_at: int | None = None,
    trial_end: int | None = None,
    amount: int = 12000,
) -> dict:
    return {
        "id": sub_id,
        "object": "subscription",
        "billing_cycle_anchor": period_start,
        "cancel_at": cancel_at,
        "cancel_at_period_end": cancel_at_period_end,
        "canceled_at": canceled_at,
        "collection_method": "charge_automatically",
        "created": period_start,
        "currency": "gbp",
        "customer": customer,
        "ended_at": ended_at,
        "items": {
            "object": "list",
            "data": [
                {
                    "id": new_id("si"),
                    "object": "subscription_item",
                    "current_period_end": period_end,
                    "current_period_start": period_start,
                    "price": {
                        "id": price_id,
                        "object": "price",
                        "currency": "gbp",
                        "recurring": {"interval": "month", "interval_count": 1},
                        "type": "recurring",
                        "unit_amount": amount,
                    },
                    "quantity": 1,
                    "subscription": sub_id,
                }
            ],
            "has_more": False,
        },
        "latest_invoice": None,
        "livemode": False,
        "metadata": metadata or {},
        "start_date": period_start,
        "status": status,
        "trial_end": trial_end,
        "trial_start": period_start if trial_end else None,
    }


def invoice(
    *,
    invoice_id: str | None = None,
    customer: str = "cus_TEST",
    sub_id: str,
    metadata: dict | None = None,
    amount: int = 12000,
    paid: bool = True,
    period_start: int,
    period_end: int,
    payment_intent: str | None = None,
    attempt_count: int = 1,
    billing_reason: str = "subscription_cycle",
    price_id: str = "price_TEST",
    description: str = "1 × Monthly membership",
    include_payments: bool = True,
    discount: int = 0,
) -> dict:
    """`amount` is the line's price; `discount` what a coupon took off it (the invoice's
    total and what was paid are the price less the discount)."""
    invoice_id = invoice_id or new_id("in")
    line_amount, amount = amount, amount - discount
    payments = []
    if paid and payment_intent:
        payments.append(
            {
                "id": new_id("inpay"),
                "object": "invoice_payment",
                "amount_paid": amount,
                "amount_requested": amount,
                "currency": "gbp",
                "invoice": invoice_id,
                "is_default": True,
                "payment": {"type": "payment_intent", "payment_intent": payment_intent},
                "status": "paid",
            }
        )
    body = {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount,
        "attempt_count": attempt_count,
        "attempted": True,
        "billing_reason": billing_reason,
        "collection_method": "charge_automatically",
        "created": period_start,
        "currency": "gbp",
        "customer": customer,
        "due_date": None,
        "lines": {
            "object": "list",
            "data": [
                {
                    "id": new_id("il"),
                    "object": "line_item",
                    "amount": line_amount,
                    "currency": "gbp",
                    "description": description,
                    "discount_amounts": [{"amount": discount, "discount": "di_TEST"}] if discount else [],
                    "period": {"start": period_start, "end": period_end},
                    "pricing": {"type": "price_details", "price_details": {"price": price_id, "product": "prod_TEST"}},
                    "quantity": 1,
                }
            ],
            "has_more": False,
        },
        "livemode": False,
        "metadata": {},
        "number": f"STRIPE-{invoice_id[-6:]}",
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": metadata or {}, "subscription": sub_id},
        },
        "period_end": period_end,
        "period_start": period_start,
        "status": "paid" if paid else "open",
        "status_transitions": {"finalized_at": period_start, "paid_at": period_start if paid else None},
        "subtotal": line_amount,
        "total": amount,
        "total_discount_amounts": [{"amount": discount, "discount": "di_TEST"}] if discount else [],
    }
    if include_payments:
        body["payments"] = {"object": "list", "data": payments, "has_more": False}
    return body


def charge(
    *, charge_id: str | None = None, payment_intent: str, amount: int, refunds: list[dict], customer: str = "cus_TEST"
) -> dict:
    refunded = sum(r["amount"] for r in refunds)
    return {
        "id": charge_id or new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": refunded,
        "captured": True,
        "currency": "gbp",
        "customer": customer,
        "paid": True,
        "payment_intent": payment_intent,
        "refunded": refunded >= amount,
        "refunds": {"object": "list", "data": refunds, "has_more": False},
        "status": "succeeded",
    }


def refund(*, refund_id: str | None = None, amount: int, payment_intent: str, created: int | None = None) -> dict:
    return {
        "id": refund_id or new_id("re"),
        "object": "refund",
        "amount": amount,
        "currency": "gbp",
        "created": created or int(time.time()),
        "payment_intent": payment_intent,
        "reason": "requested_by_customer",
        "status": "succeeded",
    }


def event(event_type: str, obj: dict, *, account_id: str | None, created: int | None = None, event_id=None) -> dict:
    return {
        "id": event_id or new_id("evt"),
        "object": "event",
        "account": account_id,
        "api_version": "2026-10-28.endive",
        "created": created if created is not None else int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


# --- Webhook signing ---------------------------------------------------------------------------------
def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header: t=<unix time>,v1=<HMAC-SHA256 of "t.payload">."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def post_event(client, data: dict, *, secret: str = WEBHOOK_SECRET, signature: str | None = None):
    """Deliver an event to our webhook the way Stripe does: raw JSON body, signed header."""
    payload = json.dumps(data)
    header = signature if signature is not None else sign(payload, secret=secret)
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
    return client.post("/webhooks/stripe/", data=payload, content_type="application/json", **extra)


# --- The API --------------------------------------------------------------------------------------------
def form(call) -> dict:
    """The form-encoded body Stripe's SDK sent, as {key: value} (Stripe's bracket notation)."""
    body = call.request.body or ""
    if isinstance(body, bytes):
        body = body.decode()
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(body, keep_blank_values=True).items()}


class StripeApi:
    """Registers Stripe endpoints on a `responses` mock and remembers what was asked."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock

    def calls(self, method: str, path: str) -> list:
        return [c for c in self.mock.calls if c.request.method == method and c.request.url.split("?")[0] == API + path]

    def add(self, method: str, path: str, body: dict, status: int = 200):
        self.mock.add(method, API + path, json=body, status=status)

    def account_created(self, account_id: str, **kwargs):
        self.add("POST", "/v1/accounts", account(account_id, **kwargs))

    def account_link(self, url: str = "https://connect.stripe.com/setup/s/acct_TEST/abc"):
        self.add(
            "POST",
            "/v1/account_links",
            {"object": "account_link", "created": int(time.time()), "expires_at": int(time.time()) + 300, "url": url},
        )

    def account_retrieved(self, account_id: str, **kwargs):
        self.add("GET", f"/v1/accounts/{account_id}", account(account_id, **kwargs))

    def product_created(self, product_id: str = "prod_TEST"):
        self.add("POST", "/v1/products", {"id": product_id, "object": "product", "active": True, "name": "Plan"})

    def product_updated(self, product_id: str = "prod_TEST"):
        self.add("POST", f"/v1/products/{product_id}", {"id": product_id, "object": "product", "active": True})

    def price_created(self, price_id: str = "price_TEST", unit_amount: int = 0, recurring=None):
        self.add(
            "POST",
            "/v1/prices",
            {
                "id": price_id,
                "object": "price",
                "active": True,
                "currency": "gbp",
                "product": "prod_TEST",
                "recurring": recurring,
                "type": "recurring" if recurring else "one_time",
                "unit_amount": unit_amount,
            },
        )

    def price_updated(self, price_id: str):
        self.add("POST", f"/v1/prices/{price_id}", {"id": price_id, "object": "price", "active": False})

    def coupon_created(self, coupon_id: str = "coupon_TEST", **fields):
        body = {"id": coupon_id, "object": "coupon", "valid": True, "duration": "once", **fields}
        self.add("POST", "/v1/coupons", body)

    def promotion_code_created(self, promotion_id: str = "promo_TEST", code: str = "WELCOME20"):
        body = {
            "id": promotion_id,
            "object": "promotion_code",
            "active": True,
            "code": code,
            "promotion": {"type": "coupon", "coupon": "coupon_TEST"},
            "times_redeemed": 0,
        }
        self.add("POST", "/v1/promotion_codes", body)

    def promotion_code_updated(self, promotion_id: str = "promo_TEST"):
        self.add("POST", f"/v1/promotion_codes/{promotion_id}", {"id": promotion_id, "object": "promotion_code"})

    def customer_created(self, customer_id: str = "cus_TEST"):
        self.add("POST", "/v1/customers", {"id": customer_id, "object": "customer", "email": "client@example.com"})

    def checkout_created(
        self, session_id: str = "cs_test_NEW", url: str = "https://checkout.stripe.com/c/pay/cs_test_NEW"
    ):
        body = checkout_session(session_id=session_id, payment_status="unpaid")
        body.update(status="open", url=url)
        self.add("POST", "/v1/checkout/sessions", body)

    def portal_configuration_created(self, configuration_id: str = "bpc_TEST"):
        self.add(
            "POST",
            "/v1/billing_portal/configurations",
            {"id": configuration_id, "object": "billing_portal.configuration", "active": True},
        )

    def portal_session_created(self, url: str = "https://billing.stripe.com/p/session/test_123"):
        self.add(
            "POST", "/v1/billing_portal/sessions", {"id": "bps_TEST", "object": "billing_portal.session", "url": url}
        )

    def refund_created(self, refund_id: str, amount: int, payment_intent: str):
        self.add("POST", "/v1/refunds", refund(refund_id=refund_id, amount=amount, payment_intent=payment_intent))

    def subscription_updated(self, sub_id: str, **kwargs):
        self.add("POST", f"/v1/subscriptions/{sub_id}", {"id": sub_id, "object": "subscription", **kwargs})

    def subscription_cancelled(self, sub_id: str):
        self.add(
            "DELETE", f"/v1/subscriptions/{sub_id}", {"id": sub_id, "object": "subscription", "status": "canceled"}
        )

    def invoice_payments_listed(self, invoice_id: str, payment_intent: str):
        self.add(
            "GET",
            "/v1/invoice_payments",
            {
                "object": "list",
                "data": [
                    {
                        "id": new_id("inpay"),
                        "object": "invoice_payment",
                        "invoice": invoice_id,
                        "payment": {"type": "payment_intent", "payment_intent": payment_intent},
                        "status": "paid",
                    }
                ],
                "has_more": False,
                "url": "/v1/invoice_payments",
            },
        )
