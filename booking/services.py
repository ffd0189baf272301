"""Every write about booking. Credits: a ledger whose balance can never go negative."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from automation.events import emit, register_event_type
from clients.models import Client
from mecto.errors import DomainError

from .models import CreditEntry, CreditGrant
from .selectors import grants_with_remaining

register_event_type("credits.granted", _("Session credits were granted to a client"))


class BookingError(DomainError):
    pass


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
def consume_credit(*, client: Client, reference: str, actor=None, at: datetime | None = None) -> CreditEntry:
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
                kind=CreditEntry.Kind.CONSUME,
                delta=-1,
                reference=reference,
                idempotency_key=key,
                actor=actor if getattr(actor, "pk", None) else None,
            )
    raise BookingError(_("No session credits left. Buy a package or ask your coach."), code="no_credits")


@transaction.atomic
def return_credit(*, client: Client, reference: str, actor=None, note: str = "") -> CreditEntry | None:
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
    return CreditEntry.objects.create(
        organization=client.organization,
        grant=consumed.grant,
        client=client,
        kind=CreditEntry.Kind.RETURN,
        delta=1,
        reference=reference,
        idempotency_key=key,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def forfeit_credit(*, client: Client, reference: str, actor=None, note: str = "") -> CreditEntry | None:
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
        kind=CreditEntry.Kind.FORFEIT,
        delta=0,
        reference=reference,
        idempotency_key=key,
        note=note,
        actor=actor if getattr(actor, "pk", None) else None,
    )
