"""Stripe webhooks: verify the signature, store the event by its id, apply it once.

Events may arrive twice or out of order. Each is stored under its unique Stripe id and
applied in a transaction that holds its row, so a replay finds it processed. Everything
an event creates is keyed by the Stripe object it came from (checkout session, invoice,
refund), and a subscription snapshot older than the one applied is ignored; so the
order of arrival does not change the result.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import stripe
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client

from . import services
from . import stripe_gateway as gateway
from .models import BillingSettings, Invoice, Payment, PaymentLink, Plan, StripeCustomer, StripeEvent, Subscription
from .models_access import AccessGrant
from .services import LineInput

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class InvalidWebhook(Exception):
    """The request is not a genuine Stripe event (bad or missing signature, bad body)."""


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _id(value) -> str:
    """An expandable field: an id, or an expanded object carrying one."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


# --- Receiving -------------------------------------------------------------------------------------
def _signed_at(header: str | None) -> int | None:
    """The `t=` timestamp of a `Stripe-Signature` header (the first, as the SDK reads it)."""
    for item in (header or "").split(","):
        key, _sep, value = item.strip().partition("=")
        if key == "t":
            return int(value) if value.isdigit() else None
    return None


def verify(payload: bytes, signature: str | None) -> dict:
    """Check the `Stripe-Signature` header with the SDK and return the parsed event."""
    # Several secrets (comma-separated) let an operator roll the signing secret over.
    secrets = [s.strip() for s in settings.STRIPE_WEBHOOK_SECRET.split(",") if s.strip()]
    if not secrets:
        raise InvalidWebhook("webhooks are not configured")
    tolerance = getattr(settings, "BILLING_WEBHOOK_TOLERANCE", 300)
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWebhook("not UTF-8") from exc
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(text, signature, secret, tolerance=tolerance)
            break
        except stripe.SignatureVerificationError:
            continue
    else:
        raise InvalidWebhook("no valid signature")
    # The SDK refuses only timestamps too far in the past; a timestamp ahead of our clock by
    # more than the tolerance is as suspect (a signature made to be replayed later).
    signed_at = _signed_at(signature)
    if signed_at is None or abs(time.time() - signed_at) > tolerance:
        raise InvalidWebhook("timestamp outside the tolerance")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidWebhook("not JSON") from exc
    if not (
        isinstance(data, dict)
        and isinstance(data.get("id"), str)
        and isinstance(data.get("type"), str)
        and isinstance(data.get("created"), int)
        and 0 < data["created"] < 10**11
        and isinstance((data.get("data") or {}).get("object"), dict)
    ):
        raise InvalidWebhook("not an event")
    return data


def record(data: dict) -> StripeEvent:
    """Store the event under its id (a replay returns the stored one)."""
    account = data.get("account") or ""
    organization = None
    if account:
        row = BillingSettings.objects.filter(stripe_account_id=account).select_related("organization").first()
        organization = row.organization if row else None
    event, _created = StripeEvent.objects.get_or_create(
        event_id=data["id"][:64],
        defaults={
            "type": data["type"][:64],
            "account": account[:64],
            "organization": organization,
            "created": _ts(data["created"]),
            "livemode": bool(data.get("livemode")),
            "payload": data,
        },
    )
    return event


def process(event_pk: int) -> StripeEvent:
    """Apply a stored event exactly once; a failure is kept for the retry sweep."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update(of=("self",)).select_related("organization").get(pk=event_pk)
        if event.processed_at is not None:
            return event
        handler = HANDLERS.get(event.type)
        try:
            with transaction.atomic():
                outcome = handler(event) if handler else "not handled"
        except Exception as exc:
            logger.exception("Stripe event %s (%s) failed", event.event_id, event.type)
            event.attempts += 1
            event.last_error = f"{type(exc).__name__}: {exc}"[:4000]
            event.save(update_fields=["attempts", "last_error"])
            return event
        event.processed_at = timezone.now()
        event.attempts += 1
        event.outcome = (outcome or "applied")[:300]
        event.last_error = ""
        event.save(update_fields=["processed_at", "attempts", "outcome", "last_error"])
    return event


def retry_pending(older_than: timedelta = timedelta(minutes=1), limit: int = 200) -> int:
    """Beat: apply events that failed or were never applied."""
    ids = StripeEvent.objects.filter(
        processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS, received_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)[:limit]
    count = 0
    for pk in list(ids):
        if process(pk).processed_at is not None:
            count += 1
    return count


# --- Finding our rows from Stripe's objects ------------------------------------------------------------
def _client_for(organization, metadata: dict, customer_id: str = "") -> Client | None:
    public_id = (metadata or {}).get("client_id")
    if public_id:
        try:
            client = Client.objects.for_org(organization).filter(public_id=public_id).first()
        except (ValueError, TypeError):  # not a UUID
            client = None
        if client is not None:
            return client
    if customer_id:
        link = (
            StripeCustomer.objects.for_org(organization)
            .filter(customer_id=customer_id)
            .select_related("client")
            .first()
        )
        if link is not None:
            return link.client
    return None


def _plan_for(organization, metadata: dict, price_id: str = "") -> Plan | None:
    public_id = (metadata or {}).get("plan_id")
    if public_id:
        try:
            plan = Plan.objects.for_org(organization).filter(public_id=public_id).first()
        except (ValueError, TypeError):
            plan = None
        if plan is not None:
            return plan
    if price_id:
        return Plan.objects.for_org(organization).filter(stripe_price_id=price_id).first()
    return None


def _foreign_metadata(organization, metadata: dict) -> bool:
    """Metadata naming another business than the account's: never trust it."""
    org_id = (metadata or {}).get("organization_id")
    return bool(org_id) and org_id != str(organization.pk)


def _subscription_from(
    organization, stripe_subscription_id: str, *, client: Client | None, plan: Plan | None, started_at: datetime
) -> Subscription | None:
    """Our membership for a Stripe subscription: found, or created from what the event knows
    (whichever of checkout, subscription or invoice events arrives first)."""
    found = Subscription.objects.for_org(organization).filter(stripe_subscription_id=stripe_subscription_id).first()
    if found is not None or client is None or plan is None or not plan.is_recurring:
        return found
    try:
        with transaction.atomic():
            return services.new_subscription(
                client=client,
                plan=plan,
                collection=Subscription.Collection.STRIPE,
                started_at=started_at,
                stripe_subscription_id=stripe_subscription_id,
            )
    except IntegrityError:
        return Subscription.objects.for_org(organization).get(stripe_subscription_id=stripe_subscription_id)


def _first_price_id(obj: dict) -> str:
    items = ((obj.get("items") or {}).get("data")) or []
    if items:
        return _id((items[0] or {}).get("price"))
    return ""


def _invoice_subscription(obj: dict) -> tuple[str, dict]:
    parent = obj.get("parent") or {}
    details = parent.get("subscription_details") or obj.get("subscription_details") or {}
    subscription = details.get("subscription") or obj.get("subscription")
    return _id(subscription), details.get("metadata") or {}


def _invoice_line_period(obj: dict) -> tuple[datetime | None, datetime | None]:
    for line in (obj.get("lines") or {}).get("data") or []:
        period = line.get("period") or {}
        if period.get("start") and period.get("end"):
            return _ts(period["start"]), _ts(period["end"])
    return _ts(obj.get("period_start")), _ts(obj.get("period_end"))


def _invoice_price_id(obj: dict) -> str:
    for line in (obj.get("lines") or {}).get("data") or []:
        pricing = line.get("pricing") or {}
        price = (pricing.get("price_details") or {}).get("price") or line.get("price")
        if price:
            return _id(price)
    return ""


def _payment_intent_of_invoice(organization, obj: dict) -> str:
    for item in (obj.get("payments") or {}).get("data") or []:
        intent = _id((item.get("payment") or {}).get("payment_intent"))
        if intent:
            return intent
    try:
        from . import stripe_services

        return stripe_services.payment_intent_for_invoice(organization=organization, stripe_invoice_id=obj["id"])
    except services.BillingError:
        return ""


def _line_discounts(obj: dict, stripe_lines: list[dict]) -> list[int]:
    """What Stripe's discounts took off each line (its `discount_amounts`), or the invoice's
    total discount shared among the lines by amount when only the invoice carries it."""
    from .money import allocate

    amounts = [int(line.get("amount") or 0) for line in stripe_lines]
    per_line = [sum(int(d.get("amount") or 0) for d in (line.get("discount_amounts") or [])) for line in stripe_lines]
    if not any(per_line):
        total = sum(int(d.get("amount") or 0) for d in (obj.get("total_discount_amounts") or []))
        per_line = allocate(min(total, sum(amounts)), amounts) if total > 0 else per_line
    return [min(max(d, 0), a) for d, a in zip(per_line, amounts, strict=True)]


def _coupon_of(organization, session: dict):
    """Our coupon a checkout session was discounted with (its metadata names it)."""
    from .models import Coupon

    public_id = (session.get("metadata") or {}).get("coupon_id")
    if not public_id:
        return None
    try:
        return Coupon.objects.for_org(organization).filter(public_id=public_id).first()
    except (ValueError, TypeError):
        return None


def _record_checkout_coupon(organization, session: dict, client, *, invoice=None, subscription=None) -> None:
    """The coupon used at checkout counts as used: Stripe already gave the discount, so the
    use is recorded even past a limit (Stripe holds the total limit on the promotion code)."""
    coupon = _coupon_of(organization, session)
    if coupon is None:
        return
    services.redeem_coupon(
        coupon=coupon,
        client=client,
        invoice=invoice,
        subscription=subscription,
        amount_off_minor=int((session.get("total_details") or {}).get("amount_discount") or 0),
        source="stripe",
        stripe_reference=f"checkout:{session['id']}",
        enforce=False,
    )


def _our_invoice(subscription: Subscription, obj: dict, start, end, issued_at) -> Invoice:
    """Our numbered invoice mirroring a Stripe membership invoice, once per Stripe invoice."""
    existing = Invoice.objects.for_org(subscription.organization).filter(stripe_invoice_id=obj["id"]).first()
    if existing is not None:
        return existing
    lines = []
    stripe_lines = (obj.get("lines") or {}).get("data") or []
    if stripe_lines and all((line.get("amount") or 0) >= 0 for line in stripe_lines):
        discounts = _line_discounts(obj, stripe_lines)
        for line, discount in zip(stripe_lines, discounts, strict=True):
            lines.append(
                LineInput(
                    description=(line.get("description") or subscription.plan.name)[:200],
                    unit_price_minor=int(line.get("amount") or 0),
                    tax_rate=subscription.tax_rate,
                    tax_inclusive=True,
                    plan=subscription.plan,
                    discount_minor=discount,
                )
            )
    else:  # prorations with credits: one line for what was charged
        lines.append(
            LineInput(
                description=subscription.plan.name,
                unit_price_minor=int(obj.get("total") or obj.get("amount_due") or 0),
                tax_rate=subscription.tax_rate,
                tax_inclusive=True,
                plan=subscription.plan,
            )
        )
    return services.create_invoice(
        client=subscription.client,
        lines=lines,
        subscription=subscription,
        period=(start, end) if start and end else None,
        source_key=f"stripe_invoice:{obj['id']}",
        stripe_invoice_id=obj["id"],
        issue=True,
        send_email=False,
        due_at=_ts(obj.get("due_date")) or issued_at,
    )


# --- Handlers ------------------------------------------------------------------------------------------
def _checkout_completed(event: StripeEvent) -> str:
    organization = event.organization
    if organization is None:
        return "ignored: no business has this account"
    session = event.payload["data"]["object"]
    metadata = session.get("metadata") or {}
    if _foreign_metadata(organization, metadata):
        return "ignored: metadata names another business"
    client = _client_for(organization, metadata, _id(session.get("customer")))
    if client is None:
        return "ignored: unknown client"
    if session.get("mode") == "subscription":
        plan = _plan_for(organization, metadata)
        subscription = _subscription_from(
            organization, _id(session.get("subscription")), client=client, plan=plan, started_at=event.created
        )
        if subscription is not None:
            _record_checkout_coupon(organization, session, client, subscription=subscription)
        _mark_link_completed(organization, metadata)
        if subscription is not None:
            services.grant_subscription_access(subscription=subscription)
        return "membership linked" if subscription else "ignored: unknown plan"
    # A promotion code that takes off the whole price: Stripe charges nothing and says so.
    free = session.get("payment_status") == "no_payment_required" and metadata.get("kind") == "plan"
    if session.get("payment_status") != "paid" and not free:
        return "waiting: not paid yet"
    key = f"checkout:{session['id']}"
    amount = int(session.get("amount_total") or 0)
    intent = _id(session.get("payment_intent"))
    kind = metadata.get("kind")
    if amount <= 0 and not (free and amount == 0):
        return "ignored: nothing charged"
    if kind == "plan":
        plan = _plan_for(organization, metadata)
        if plan is None or plan.is_recurring:
            return "ignored: unknown plan"
        # The price before the coupon and what it took off: the discount shows on the invoice
        # and tax is on the discounted price, as on an invoice made here.
        discount = int((session.get("total_details") or {}).get("amount_discount") or 0)
        subtotal = int(session.get("amount_subtotal") or 0)
        if discount <= 0 or subtotal != amount + discount:
            subtotal, discount = amount, 0
        if subtotal <= 0:
            return "ignored: nothing charged"
        invoice = services.create_invoice(
            client=client,
            lines=[
                LineInput(
                    description=plan.name,
                    unit_price_minor=subtotal,
                    tax_rate=plan.tax_rate,
                    tax_inclusive=True,
                    plan=plan,
                    discount_minor=discount,
                )
            ],
            source_key=key,
            issue=True,
            send_email=False,
            due_at=event.created,
        )
        if discount:
            _record_checkout_coupon(organization, session, client, invoice=invoice)
        if amount > 0:
            _pay(invoice, amount, key, intent, event.created)  # a free one was settled when issued
        _mark_link_completed(organization, metadata)
        return f"package paid: {invoice.number}"
    if kind == "invoice":
        invoice = Invoice.objects.for_org(organization).filter(public_id=metadata.get("invoice_id")).first()
        if invoice is None:
            return "ignored: unknown invoice"
        if invoice.status != Invoice.Status.OPEN:
            return f"attention: invoice {invoice.number} was not open; refund {intent} in Stripe if charged twice"
        _pay(invoice, min(amount, invoice.amount_due_minor), key, intent, event.created)
        return f"invoice paid: {invoice.number}"
    if kind == "booking":
        return _booking_paid(organization, client, metadata, amount, key, intent, event)
    return "ignored: not ours"


def _pay(invoice: Invoice, amount: int, key: str, intent: str, at: datetime) -> Payment:
    return services.record_payment(
        invoice=invoice,
        amount_minor=amount,
        method=Payment.Method.CARD_ONLINE,
        idempotency_key=key,
        stripe_payment_intent_id=intent,
        received_at=min(at, timezone.now()),
    )


def _mark_link_completed(organization, metadata: dict) -> None:
    link_id = (metadata or {}).get("payment_link_id")
    if link_id and str(link_id).isdigit():
        PaymentLink.objects.for_org(organization).filter(pk=int(link_id), completed_at__isnull=True).update(
            completed_at=timezone.now()
        )


def _booking_paid(organization, client, metadata, amount, key, intent, event) -> str:
    """A booking paid through the booking seam: invoiced and receipted here, then booking is
    told. Booking's model and service are looked up lazily: booking is a separate app."""
    booking_model = apps.get_model("booking", "Booking")
    booking = (
        booking_model.objects.filter(organization=organization, public_id=metadata.get("booking_public_id"))
        .select_related("client", "session__service")
        .first()
    )
    if booking is None:
        return "ignored: unknown booking"
    # The service's price includes its tax; the rate is the one in force when the money came in.
    tax_rate = getattr(booking.session.service, "tax_rate", None) or 0
    invoice = services.create_invoice(
        client=client,
        lines=[
            LineInput(description=str(booking)[:200], unit_price_minor=amount, tax_rate=tax_rate, tax_inclusive=True)
        ],
        source_key=key,
        issue=True,
        send_email=False,
        due_at=event.created,
    )
    payment = _pay(invoice, amount, key, intent, event.created)
    from booking import services as booking_services

    booking_services.mark_booking_paid(booking=booking, amount_minor=amount, reference=f"payment:{payment.pk}")
    return f"booking paid: {invoice.number}"


def _apply_subscription_snapshot(subscription: Subscription, obj: dict, event: StripeEvent) -> str:
    subscription = (
        Subscription.objects.select_for_update(of=("self",)).select_related("plan", "client").get(pk=subscription.pk)
    )
    if subscription.status == Subscription.Status.CANCELLED:
        return "membership already ended"
    deleted = event.type == "customer.subscription.deleted"
    if not deleted and subscription.stripe_snapshot_at and event.created < subscription.stripe_snapshot_at:
        return "stale snapshot ignored"
    status = obj.get("status") or ""
    items = (obj.get("items") or {}).get("data") or []
    item = items[0] if items else {}
    start = _ts(item.get("current_period_start") or obj.get("current_period_start"))
    end = _ts(item.get("current_period_end") or obj.get("current_period_end"))
    if start and end:
        subscription.current_period_start, subscription.current_period_end = start, end
    subscription.trial_ends_at = _ts(obj.get("trial_end")) or subscription.trial_ends_at
    cancel_at = _ts(obj.get("cancel_at"))
    if not cancel_at and obj.get("cancel_at_period_end"):
        cancel_at = end
    subscription.cancel_at = cancel_at
    subscription.stripe_status = status[:24]
    subscription.stripe_snapshot_at = event.created
    if deleted or status in ("canceled", "incomplete_expired"):
        subscription.save()
        services.end_subscription(
            subscription, at=_ts(obj.get("ended_at")) or _ts(obj.get("canceled_at")) or event.created
        )
        return "membership ended"
    if status == "trialing":
        subscription.status = Subscription.Status.TRIALING
    elif status == "active":
        failing = subscription.invoices.filter(status=Invoice.Status.OPEN, payment_failed_at__gt=event.created).exists()
        if not failing:
            subscription.status = Subscription.Status.ACTIVE
            subscription.past_due_since = None
    elif status == "incomplete" and subscription.status != Subscription.Status.INCOMPLETE:
        pass  # a first payment is pending; our status follows invoice.paid
    # past_due / unpaid / paused: dunning decides when a membership is past due.
    subscription.save()
    return f"membership {subscription.status}"


def _subscription_event(event: StripeEvent) -> str:
    organization = event.organization
    if organization is None:
        return "ignored: no business has this account"
    obj = event.payload["data"]["object"]
    metadata = obj.get("metadata") or {}
    if _foreign_metadata(organization, metadata):
        return "ignored: metadata names another business"
    subscription = _subscription_from(
        organization,
        obj["id"],
        client=_client_for(organization, metadata, _id(obj.get("customer"))),
        plan=_plan_for(organization, metadata, _first_price_id(obj)),
        started_at=_ts(obj.get("start_date")) or event.created,
    )
    if subscription is None:
        return "ignored: unknown client or plan"
    return _apply_subscription_snapshot(subscription, obj, event)


def _membership_invoice_context(event: StripeEvent):
    organization = event.organization
    if organization is None:
        return None, "ignored: no business has this account"
    obj = event.payload["data"]["object"]
    subscription_id, metadata = _invoice_subscription(obj)
    if not subscription_id:
        return None, "ignored: not a membership invoice"
    if _foreign_metadata(organization, metadata):
        return None, "ignored: metadata names another business"
    start, end = _invoice_line_period(obj)
    subscription = _subscription_from(
        organization,
        subscription_id,
        client=_client_for(organization, metadata, _id(obj.get("customer"))),
        plan=_plan_for(organization, metadata, _invoice_price_id(obj)),
        started_at=start or event.created,
    )
    if subscription is None:
        return None, "ignored: unknown client or plan"
    return (subscription, obj, start, end), ""


def _invoice_paid(event: StripeEvent) -> str:
    context, outcome = _membership_invoice_context(event)
    if context is None:
        return outcome
    subscription, obj, start, end = context
    amount = int(obj.get("amount_paid") or 0)
    paid_at = _ts((obj.get("status_transitions") or {}).get("paid_at")) or event.created
    number = ""
    if amount > 0:
        invoice = _our_invoice(subscription, obj, start, end, issued_at=event.created)
        number = invoice.number
        if invoice.status == Invoice.Status.OPEN:
            _pay(
                invoice,
                min(amount, invoice.amount_due_minor),
                f"stripe_invoice:{obj['id']}",
                _payment_intent_of_invoice(event.organization, obj),
                paid_at,
            )
    if start and end:
        services.grant_period_credits(subscription, start, end)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != Subscription.Status.CANCELLED:
        if subscription.status in (Subscription.Status.PAST_DUE, Subscription.Status.INCOMPLETE):
            subscription.status = Subscription.Status.ACTIVE
            subscription.past_due_since = None
        if start and end and end > subscription.current_period_end:
            subscription.current_period_start, subscription.current_period_end = start, end
        subscription.save()
        services.grant_subscription_access(subscription=subscription, reason=AccessGrant.Reason.MEMBERSHIP_PAID)
    return f"membership period paid {number}".strip()


def _invoice_payment_failed(event: StripeEvent) -> str:
    context, outcome = _membership_invoice_context(event)
    if context is None:
        return outcome
    subscription, obj, start, end = context
    if int(obj.get("amount_due") or 0) <= 0:
        return "ignored: nothing due"
    invoice = _our_invoice(subscription, obj, start, end, issued_at=event.created)
    if invoice.status != Invoice.Status.OPEN:
        return f"ignored: invoice {invoice.number} already {invoice.status}"
    services.record_failed_payment(
        invoice=invoice,
        amount_minor=int(obj.get("amount_due") or 0),
        idempotency_key=f"stripe_invoice_failed:{obj['id']}:{obj.get('attempt_count') or 0}",
        failure_message=_("The card payment was declined."),
        failed_at=event.created,
    )
    return f"payment failed on {invoice.number}"


def _refunds_of(organization, charge: dict) -> list[dict]:
    refunds = charge.get("refunds")
    if isinstance(refunds, dict) and isinstance(refunds.get("data"), list) and not refunds.get("has_more"):
        return refunds["data"]
    row = services.billing_settings(organization)
    result = gateway.call(
        "list refunds",
        gateway.client().v1.refunds.list,
        {"charge": charge["id"], "limit": 100},
        gateway.options(row.stripe_account_id),
    )
    return gateway.as_dict(result).get("data", [])


def _charge_refunded(event: StripeEvent) -> str:
    organization = event.organization
    if organization is None:
        return "ignored: no business has this account"
    charge = event.payload["data"]["object"]
    intent = _id(charge.get("payment_intent"))
    payments = Payment.objects.for_org(organization).filter(status=Payment.Status.SUCCEEDED)
    payment = (payments.filter(stripe_payment_intent_id=intent).first() if intent else None) or payments.filter(
        stripe_charge_id=charge["id"]
    ).first()
    if payment is None:
        return "ignored: no payment matches this charge"
    if not payment.stripe_charge_id:
        Payment.objects.filter(pk=payment.pk).update(stripe_charge_id=charge["id"])
    notes = []
    for refund in sorted(_refunds_of(organization, charge), key=lambda r: (r.get("created") or 0, r.get("id"))):
        if refund.get("status") not in ("succeeded", "pending"):
            continue
        try:
            with transaction.atomic():
                note = services.issue_credit_note(
                    payment=payment,
                    amount_minor=int(refund.get("amount") or 0),
                    reason=refund.get("reason") or _("Refunded in Stripe"),
                    stripe_refund_id=refund["id"],
                    issued_at=_ts(refund.get("created")),
                )
        except services.BillingError as exc:
            notes.append(f"{refund['id']} not recorded: {exc.message}")
            continue
        notes.append(note.number)
    return "refunds: " + (", ".join(notes) or "none")


def _account_updated(event: StripeEvent) -> str:
    from . import stripe_services

    row = stripe_services.apply_account_status(account=event.payload["data"]["object"], as_of=event.created)
    return "account status recorded" if row else "ignored: no business has this account"


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
    "customer.subscription.created": _subscription_event,
    "customer.subscription.updated": _subscription_event,
    "customer.subscription.deleted": _subscription_event,
    "charge.refunded": _charge_refunded,
    "account.updated": _account_updated,
}
