"""Plan requests: without card payments a client asks for a plan, the coach approves (an
invoice is issued through the invoice service) or declines with a reason; the client is
emailed either way."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from clients.models import Client
from mecto import comms
from mecto.events import emit, register_event_type
from mecto.localization import format_money, zone
from mecto.roles import role_can

from .. import notifications
from ..errors import BillingError
from ..models import Invoice, Plan, PlanRequest, Subscription
from ._common import _actor
from .coupons import validate_coupon
from .invoices import sell_plan
from .memberships import start_membership
from .reminders import payment_instructions
from .settings import billing_settings

__all__ = [
    "request_plan",
    "approve_plan_request",
    "decline_plan_request",
    "cancel_plan_request",
    "plan_request_people",
    "MESSAGE_MAX",
    "REASON_MAX",
]

register_event_type("plan.requested", gettext_lazy("A client asked for a plan (the business takes no card payments)"))
register_event_type("plan.request_approved", gettext_lazy("A client's plan request was approved and invoiced"))
register_event_type("plan.request_declined", gettext_lazy("A client's plan request was declined"))

MESSAGE_MAX = 500
REASON_MAX = 300


def _payload(plan_request: PlanRequest, **extra) -> dict:
    return {
        "request_id": str(plan_request.public_id),
        "plan_id": str(plan_request.plan.public_id),
        "plan": plan_request.plan.name,
        "client_id": plan_request.client_id,
        **extra,
    }


@transaction.atomic
def request_plan(*, client: Client, plan: Plan, message: str = "", coupon_code: str = "", actor=None) -> PlanRequest:
    """The client asks for a plan on sale. One open request per client and plan; only when
    the business takes no card payments (otherwise they buy it at once). A coupon code is
    checked now (the reason comes back beside the field) and applied when the coach approves."""
    if plan.organization_id != client.organization_id or not (plan.is_active and plan.sold_online):
        raise BillingError(_("This plan is not on sale."), field="plan")
    if billing_settings(client.organization).takes_card_payments:
        raise BillingError(_("Buy this plan online: card payments are open."), field="plan")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise BillingError(_("The message is at most %(n)s characters.") % {"n": MESSAGE_MAX}, field="message")
    if (coupon_code or "").strip():
        coupon_code = validate_coupon(
            organization=client.organization, code=coupon_code, client=client, plans=[plan]
        ).code
    else:
        coupon_code = ""
    # Lock the client: two quick taps must not make two requests.
    client = Client.objects.select_for_update().get(pk=client.pk)
    if PlanRequest.objects.for_org(client.organization).pending().filter(client=client, plan=plan).exists():
        raise BillingError(_("You already asked for %(plan)s; your coach will answer soon.") % {"plan": plan.name})
    if (
        plan.is_recurring
        and Subscription.objects.for_org(client.organization)
        .filter(client=client, plan=plan, status__in=Subscription.LIVE_STATUSES)
        .exists()
    ):
        raise BillingError(_("You already have this membership."), field="plan")
    try:
        with transaction.atomic():
            plan_request = PlanRequest.objects.create(
                organization=client.organization, client=client, plan=plan, message=message, coupon_code=coupon_code
            )
    except IntegrityError:
        raise BillingError(
            _("You already asked for %(plan)s; your coach will answer soon.") % {"plan": plan.name}
        ) from None
    emit(client.organization, "plan.requested", _payload(plan_request, message=message), actor=actor, client=client)
    return plan_request


def _locked(plan_request: PlanRequest) -> PlanRequest:
    return (
        PlanRequest.objects.select_for_update(of=("self",))
        .select_related("client", "plan", "organization")
        .get(pk=plan_request.pk)
    )


@transaction.atomic
def approve_plan_request(*, plan_request: PlanRequest, actor=None) -> PlanRequest:
    """Invoice the requested plan: a membership starts (paid by hand, first period invoiced),
    a package or service is invoiced. Approving again changes nothing (the row is locked)."""
    plan_request = _locked(plan_request)
    if plan_request.status == PlanRequest.Status.APPROVED:
        return plan_request
    if not plan_request.is_pending:
        raise BillingError(_("This request was already answered."))
    client, plan = plan_request.client, plan_request.plan
    # The client's code, if it still applies; one that expired or ran out since is left off and
    # the coach is told why (`coupon_dropped`), rather than the request being stuck.
    code = plan_request.coupon_code
    plan_request.coupon_dropped = ""
    if code:
        try:
            validate_coupon(organization=client.organization, code=code, client=client, plans=[plan])
        except BillingError as exc:
            plan_request.coupon_dropped, code = exc.message, ""
    if plan.is_recurring:
        subscription = start_membership(client=client, plan=plan, actor=actor, coupon_code=code)
        plan_request.subscription = subscription
        plan_request.invoice = (
            Invoice.objects.for_org(client.organization).filter(subscription=subscription).order_by("id").first()
        )
    else:
        plan_request.invoice = sell_plan(client=client, plan=plan, actor=actor, coupon_code=code)
    plan_request.status = PlanRequest.Status.APPROVED
    plan_request.decided_by = _actor(actor)
    plan_request.decided_at = timezone.now()
    plan_request.save()
    invoice = plan_request.invoice
    emit(
        client.organization,
        "plan.request_approved",
        _payload(plan_request, invoice_id=str(invoice.public_id) if invoice else None),
        actor=actor,
        client=client,
    )
    _email_client(plan_request, "approved")
    return plan_request


@transaction.atomic
def decline_plan_request(*, plan_request: PlanRequest, reason: str, actor=None) -> PlanRequest:
    """Say no, with the reason the client reads in their email."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise BillingError(_("Tell the client why."), field="reason")
    if len(reason) > REASON_MAX:
        raise BillingError(_("The reason is at most %(n)s characters.") % {"n": REASON_MAX}, field="reason")
    plan_request = _locked(plan_request)
    if not plan_request.is_pending:
        raise BillingError(_("This request was already answered."))
    plan_request.status = PlanRequest.Status.DECLINED
    plan_request.decline_reason = reason
    plan_request.decided_by = _actor(actor)
    plan_request.decided_at = timezone.now()
    plan_request.save()
    emit(
        plan_request.organization,
        "plan.request_declined",
        _payload(plan_request, reason=reason),
        actor=actor,
        client=plan_request.client,
    )
    _email_client(plan_request, "declined")
    return plan_request


@transaction.atomic
def cancel_plan_request(*, plan_request: PlanRequest, actor=None) -> PlanRequest:
    """The client withdraws a request the coach has not answered yet."""
    plan_request = _locked(plan_request)
    if plan_request.status == PlanRequest.Status.CANCELLED:
        return plan_request
    if not plan_request.is_pending:
        raise BillingError(_("This request was already answered."))
    plan_request.status = PlanRequest.Status.CANCELLED
    plan_request.decided_at = timezone.now()
    plan_request.save(update_fields=["status", "decided_at"])
    return plan_request


def _email_client(plan_request: PlanRequest, outcome: str) -> None:
    """In the client's language (the sending mechanism picks it from the recipient)."""
    client = plan_request.client
    if not client.email:
        return
    invoice = plan_request.invoice
    context = {
        "client": client,
        "plan_request": plan_request,
        "invoice": invoice,
        "due": format_money(invoice.amount_due_minor, invoice.currency) if invoice else "",
        "bank": payment_instructions(plan_request.organization, reference=invoice.number) if invoice else None,
        "portal_url": settings.SITE_URL + reverse("billing:portal") if client.user_id else "",
    }
    with timezone.override(zone(plan_request.organization.time_zone)):
        _queue(plan_request, outcome, context)


def _queue(plan_request: PlanRequest, outcome: str, context: dict) -> None:
    client = plan_request.client
    comms.queue_email(
        organization=plan_request.organization,
        to=client.email,
        topic=notifications.TOPIC,
        key=f"plan-request:{plan_request.public_id}:{outcome}",
        template=f"billing_plan_request_{outcome}",
        context=context,
        reply_to=plan_request.decided_by.email if plan_request.decided_by_id else "",
        client_id=client.pk,
    )


def plan_request_people(*, client: Client) -> list:
    """Who answers a client's request: their coach when they manage billing, else everyone in
    the business who does."""
    members = list(Membership.objects.filter(organization=client.organization, is_active=True).select_related("user"))
    if client.coach_id:
        coach = next((m for m in members if m.user_id == client.coach_id), None)
        if coach is not None and role_can(coach.role, "billing.manage"):
            return [coach.user]
    return [m.user for m in members if role_can(m.role, "billing.manage")]
