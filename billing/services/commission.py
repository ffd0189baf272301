"""Coach commission rates: the share of their revenue each coach earns, set by owners."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mecto.events import emit, register_event_type
from mecto.roles import OWNER

from ..errors import BillingError
from ..models import CoachCommission

__all__ = ["checked_commission_rate", "set_commission_rate"]

register_event_type("commission_rate.changed", gettext_lazy("A coach's commission rate was set"))


def checked_commission_rate(value) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals, or a BillingError on `rate`."""
    try:
        rate = Decimal(str(value if value is not None else "").strip())
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not rate.is_finite() or not (Decimal(0) <= rate <= Decimal(100)):
        raise BillingError(_("The commission rate is a percentage between 0 and 100."), field="rate")
    if rate != rate.quantize(Decimal("0.01")):
        raise BillingError(_("Give the rate with at most two decimals, for example 12.50."), field="rate")
    return rate.quantize(Decimal("0.01"))


def set_commission_rate(*, organization, coach, rate, actor) -> CoachCommission:
    """Set one coach's commission rate. Only the business's owners may, and only for its coaches."""
    from accounts.selectors import team_members

    members = {m.user_id: m for m in team_members(organization=organization)}
    acting = members.get(getattr(actor, "pk", None))
    if acting is None or acting.role != OWNER:
        raise BillingError(_("Only the business's owners set commission rates."))
    target = members.get(getattr(coach, "pk", None))
    if target is None or target.role not in ("owner", "coach"):
        raise BillingError(_("Choose a coach of this business."), field="coach")
    value = checked_commission_rate(rate)
    with transaction.atomic():
        row, _created = CoachCommission.objects.select_for_update().get_or_create(
            organization=organization, coach=coach, defaults={"rate": value, "updated_by": actor}
        )
        previous = None if _created else row.rate
        if not _created:
            row.rate = value
            row.updated_by = actor
            row.save(update_fields=["rate", "updated_by", "updated_at"])
        emit(
            organization,
            "commission_rate.changed",
            {
                "coach_id": coach.pk,
                "rate": str(value),
                "previous_rate": str(previous) if previous is not None else None,
            },
            actor=actor,
        )
    return row
