"""Booking's figure on the clients list (`clients.list_figures`): session credits left, as
`selectors.credit_balance` counts them (unexpired grants, none below zero); None for a
client who never had credits."""

from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from clients import list_figures

from .models import CreditEntry, CreditGrant


def credits_left(*, now, user):
    moved = (
        CreditEntry.objects.filter(grant=OuterRef("pk"))
        .order_by()
        .values("grant")
        .annotate(total=Sum("delta"))
        .values("total")
    )
    remaining = Coalesce(Subquery(moved, output_field=IntegerField()), Value(0)) + F("quantity")
    grants = (
        CreditGrant.objects.filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(
            left=Coalesce(
                Sum(Greatest(remaining, Value(0)), filter=Q(expires_at__isnull=True) | Q(expires_at__gt=now)),
                Value(0),
            )
        )
        .values("left")
    )
    return Subquery(grants, output_field=IntegerField())


def register() -> None:
    list_figures.register("credits_left", credits_left)
