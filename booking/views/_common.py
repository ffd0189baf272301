"""What the booking pages share: dates from a query string and wall-clock times."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# Days a page may be asked for; beyond them date arithmetic would overflow.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _parse_date(value: str | None, default: date) -> date:
    try:
        parsed = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return parsed if EARLIEST_DAY <= parsed <= LATEST_DAY else default


def _wall(moment: datetime, tz) -> datetime:
    """Wall-clock time in `tz`, naive, so templates show it as is (they would convert an
    aware datetime back to the active zone)."""
    return moment.astimezone(tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)).replace(tzinfo=None)
