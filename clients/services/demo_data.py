"""Demo data: the sample clients `seed_demo` adds are marked `is_demo`; one action removes
them and everything that hangs from them, leaving the business's own records alone."""

from __future__ import annotations

from django.db import transaction

from mecto.demo import demo_removers

from ..models import Client
from .records import delete_client

__all__ = ["remove_demo_data"]


@transaction.atomic
def remove_demo_data(*, organization, actor=None) -> int:
    """Delete the business's demo clients (their workouts, bookings, messages, invoices…) and
    return how many went. A business with none is left as it is."""
    demo = list(Client.objects.for_org(organization).filter(is_demo=True).select_related("user").order_by("pk"))
    ids = [client.pk for client in demo]
    if not ids:
        return 0
    for remover in demo_removers():
        remover(organization=organization, client_ids=ids)
    for client in demo:
        delete_client(client=client, actor=actor)
    return len(ids)
