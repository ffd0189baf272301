"""Package credits: a ledger per client that never goes negative."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from mecto.events import emit, register_event_type

from ..models import Booking, CreditEntry, CreditGrant
from ..selectors import grants_with_remaining
from ._common import BookingError

__all__ = ["grant_credits", "consume_credit", "return_credit", "forfeit_credit", "revoke_refunded_credits"]

register_event_type("credits.granted", gettext_lazy("Session credits were granted to a client"))
register_event_type("credits.revoked", gettext_lazy("Unused session credits were taken back after a refund"))


def _lock_client(client: Client) -> Client:
    # Lock the client row: credit movements of one client must not interleave, so two
    # concurrent bookings can never both take the last credit.
    return Client.objects.select_for_update().get(pk=client.pk)


@transaction.atomic
def grant_credits(
    *,
    client: Client,
    quantity: int,
    source_ref: str,
    expires_at: datetime | None = None,
    reason: str = "",
    actor=None,
) -> CreditGrant:
    """Give a client `quantity` session credits. A `source_ref` grants once: calling again
    with the same source (a replayed webhook, a retried task) returns the first grant."""
    if quantity <= 0:
        raise BookingError(_("Grant at least one credit."), field="quantity")
    existing = CreditGrant.objects.for_org(client.organization).filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            grant = CreditGrant.objects.create(
                organization=client.organization,
                client=client,
                quantity=quantity,
                expires_at=expires_at,
                reason=reason,
                source_ref=source_ref,
                granted_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:  # a concurrent grant from the same source won
        return CreditGrant.objects.for_org(client.organization).get(source_ref=source_ref)
    emit(
        client.organization,
        "credits.granted",
        {
            "client_id": client.pk,
            "quantity": quantity,
            "source_ref": source_ref,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        actor=actor,
        client=client,
    )
    return grant


def _existing_entry(client: Client, key: str) -> CreditEntry | None:
    return CreditEntry.objects.for_org(client.organization).filter(idempotency_key=key).first()


@transaction.atomic
def consume_credit(
    *, client: Client, reference: str, actor=None, at: datetime | None = None, booking: Booking | None = None
) -> CreditEntry:
    """Use one credit (the one expiring soonest) for `reference` (e.g. 'booking:42'), once."""
    key = f"consume:{reference}"
    client = _lock_client(client)
    if (entry := _existing_entry(client, key)) is not None:
        return entry
    for grant in grants_with_remaining(client=client, at=at):
        if grant.remaining > 0:
            return CreditEntry.objects.create(
                organization=client.organization,
                grant=grant,
                client=client,
                booking=booking,
                kind=CreditEntry.Kind.CONSUME,
                delta=-1,
                reference=reference,
                idempotency_key=key,
                actor=actor if getattr(actor, "pk", None) else None,
            )
    raise BookingError(_("No session credits left. Buy a package or ask your coach."), code="no_credits")


@transaction.atomic
def return_credit(
    *, client: Client, reference: str, actor=None, note: str = "", booking: Booking | None = None
) -> CreditEntry | None:
    """Give back the credit `reference` consumed (an in-policy cancellation), once."""
    client = _lock_client(client)
    consumed = _existing_entry(client, f"consume:{reference}")
    if consumed is None:
        return None
    key = f"return:{reference}"
    if (entry := _existing_entry(client, key)) is not None:
        return entry
    if _existing_entry(client, f"forfeit:{reference}") is not None:
        raise BookingError(_("This credit was already forfeited."))
    entry = CreditEntry.objects.create(
        organization=client.organization,
        grant=consumed.grant,
        client=client,
        booking=booking or consumed.booking,
        kind=CreditEntry.Kind.RETURN,
        delta=1,
        reference=reference,
        idempotency_key=key,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    # A credit coming back to a refunded purchase is taken back too: the client has the money.
    _settle_revocation(client=client, grant=consumed.grant, reference=reference, actor=actor)
    return entry


@transaction.atomic
def forfeit_credit(
    *, client: Client, reference: str, actor=None, note: str = "", booking: Booking | None = None
) -> CreditEntry | None:
    """Record that the credit `reference` consumed stays used (late cancel, no-show), once."""
    client = _lock_client(client)
    consumed = _existing_entry(client, f"consume:{reference}")
    if consumed is None:
        return None
    key = f"forfeit:{reference}"
    if (entry := _existing_entry(client, key)) is not None:
        return entry
    if _existing_entry(client, f"return:{reference}") is not None:
        raise BookingError(_("This credit was already returned."))
    return CreditEntry.objects.create(
        organization=client.organization,
        grant=consumed.grant,
        client=client,
        booking=booking or consumed.booking,
        kind=CreditEntry.Kind.FORFEIT,
        delta=0,
        reference=reference,
        idempotency_key=key,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _settle_revocation(*, client: Client, grant: CreditGrant, reference: str, actor=None, note: str = "") -> int:
    """Revoke what a grant's refunds still owe, as far as credits are unused. The client row
    is locked by the caller. Returns the credits revoked now."""
    grant = CreditGrant.objects.get(pk=grant.pk)
    entries = CreditEntry.objects.filter(grant=grant)
    revoked = -(entries.filter(kind=CreditEntry.Kind.REVOKE).aggregate(total=Sum("delta"))["total"] or 0)
    remaining = grant.quantity + (entries.aggregate(total=Sum("delta"))["total"] or 0)
    count = min(grant.refunded_quantity - revoked, remaining)
    if count <= 0:
        return 0
    done = 0
    while done < count:  # one entry moves at most 1000 credits (the ledger's sanity bound)
        step = min(count - done, 1000)
        CreditEntry.objects.create(
            organization=client.organization,
            grant=grant,
            client=client,
            kind=CreditEntry.Kind.REVOKE,
            delta=-step,
            reference=reference,
            # Keyed by how many credits were revoked before: a replay finds the same key taken.
            idempotency_key=f"revoke:{grant.pk}:{revoked + done}",
            note=note,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        done += step
    emit(
        client.organization,
        "credits.revoked",
        {"client_id": client.pk, "quantity": count, "source_ref": grant.source_ref, "reference": reference},
        actor=actor if getattr(actor, "pk", None) else None,
        client=client,
    )
    return count


@transaction.atomic
def revoke_refunded_credits(
    *, organization, source_ref: str, refunded_quantity: int, reference: str, actor=None, note: str = ""
) -> int:
    """A refund takes back `refunded_quantity` credits of the grant from `source_ref` in all
    (a running total, not an increment: calling again with the same or a smaller number
    revokes nothing more). Only unused credits are revoked, so the balance never goes below
    zero; a credit used now and returned later is revoked when it comes back.
    Returns the credits revoked by this call."""
    grant = CreditGrant.objects.for_org(organization).filter(source_ref=source_ref).select_related("client").first()
    if grant is None:
        return 0
    client = _lock_client(grant.client)
    grant = CreditGrant.objects.get(pk=grant.pk)
    target = max(0, min(int(refunded_quantity), grant.quantity))
    if target > grant.refunded_quantity:
        grant.refunded_quantity = target
        grant.save(update_fields=["refunded_quantity"])
    return _settle_revocation(client=client, grant=grant, reference=reference, actor=actor, note=note)
