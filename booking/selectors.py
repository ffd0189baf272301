from datetime import datetime

from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import CreditEntry, CreditGrant


def grants_with_remaining(*, client, at: datetime | None = None):
    """The client's unexpired grants, oldest expiry first, each annotated with `remaining`."""
    at = at or timezone.now()
    moved = (
        CreditEntry.objects.filter(grant=OuterRef("pk")).values("grant").annotate(total=Sum("delta")).values("total")
    )
    return (
        CreditGrant.objects.for_org(client.organization)
        .filter(client=client)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))
        .annotate(remaining=Coalesce(Subquery(moved, output_field=IntegerField()), Value(0)) + F("quantity"))
        .order_by("expires_at", "created_at", "pk")
    )


def credit_balance(*, client, at: datetime | None = None) -> int:
    """Credits a client can use now: derived from the ledger, never stored."""
    return sum(max(g.remaining, 0) for g in grants_with_remaining(client=client, at=at))
