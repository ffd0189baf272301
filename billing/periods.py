"""Billing periods computed in the business's local time, so they survive DST changes.

Every period is counted from one anchor (never chained from the previous period), so a
monthly membership anchored on 31 January renews on 28 February and again on 31 March.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from mecto.localization import zone


def _step(interval: str, n: int) -> relativedelta:
    if interval == "week":
        return relativedelta(weeks=n)
    if interval == "year":
        return relativedelta(years=n)
    return relativedelta(months=n)


def period_bounds(*, anchor: datetime, interval: str, index: int, time_zone: str) -> tuple[datetime, datetime]:
    """The UTC start and end of period `index` (0 = the first paid period)."""
    local_anchor = anchor.astimezone(zone(time_zone))
    start = local_anchor + _step(interval, index)
    end = local_anchor + _step(interval, index + 1)
    return start.astimezone(UTC), end.astimezone(UTC)


def add_local_days(moment: datetime, days: int, time_zone: str) -> datetime:
    """The same wall-clock time `days` later in the business's zone (23 or 25 hours across DST)."""
    local = moment.astimezone(zone(time_zone))
    return (local + timedelta(days=days)).astimezone(UTC)


def local_midnight(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone(time_zone)).astimezone(UTC)


def local_today(time_zone: str, now: datetime | None = None) -> date:
    from django.utils import timezone

    return (now or timezone.now()).astimezone(zone(time_zone)).date()


def month_start(moment: datetime, time_zone: str) -> datetime:
    """Start (UTC) of the local calendar month containing `moment`."""
    local = moment.astimezone(zone(time_zone))
    return local_midnight(local.date().replace(day=1), time_zone)


def shift_months(moment: datetime, months: int, time_zone: str) -> datetime:
    local = moment.astimezone(zone(time_zone))
    return (local + relativedelta(months=months)).astimezone(UTC)
