"""One spelling per address, so a bounce or a STOP found by one spelling applies to all."""

from __future__ import annotations

import uuid
from functools import lru_cache
from importlib import resources

import phonenumbers

from .models import Channel, MessageChannel


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA time zone -> ISO country, from the tz database's zone.tab (read once, lazily)."""
    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    countries = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            if len(parts) >= 3:
                countries[parts[2]] = parts[0]
    return countries


def region_for_time_zone(time_zone: str | None) -> str | None:
    """The country a local phone number most likely belongs to ("Europe/London" -> "GB")."""
    return _zone_countries().get(time_zone or "")


def normalise_phone(value: str, *, time_zone: str | None = None) -> str:
    """E.164 (`+447700900123`) for a valid number, local numbers read in the country of
    `time_zone`; '' when the number cannot be a real one."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else region_for_time_zone(time_zone))
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    return value.lower() if "@" in value else ""


def normalise_push(value: str) -> str:
    """A push address is the device's subscription id (a UUID)."""
    try:
        return str(uuid.UUID(str(value or "").strip()))
    except ValueError:
        return ""


def normalise(channel: str, value: str, *, time_zone: str | None = None) -> str:
    if channel == Channel.SMS:
        return normalise_phone(value, time_zone=time_zone)
    if channel == MessageChannel.PUSH:
        return normalise_push(value)
    return normalise_email(value)
