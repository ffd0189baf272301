from datetime import datetime

from .models import ConnectedAccount, ExternalBusyTime


def busy_intervals(*, organization, coach_id: int, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Busy times pulled from the coach's connected calendars that overlap [start, end)."""
    return list(
        ExternalBusyTime.objects.for_org(organization)
        .filter(
            coach_id=coach_id, start_at__lt=end, end_at__gt=start, connection__status=ConnectedAccount.Status.ACTIVE
        )
        .values_list("start_at", "end_at")
    )


def connections_for(*, organization, user):
    return ConnectedAccount.objects.for_org(organization).filter(user=user).order_by("provider")


def active_connection(*, organization, user, provider: str) -> ConnectedAccount | None:
    return ConnectedAccount.objects.for_org(organization).active().filter(user=user, provider=provider).first()
