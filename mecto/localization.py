"""Time zones, currencies, units, and the named date and number formats shared by every app."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils import formats, numberformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

METRIC, IMPERIAL = "metric", "imperial"
UNIT_SYSTEM_CHOICES = [(METRIC, _("Metric (kg, cm)")), (IMPERIAL, _("Imperial (lb, in)"))]

# ISO 4217 codes businesses are likely to charge in, with their minor-unit exponent.
CURRENCIES: dict[str, int] = {
    "AED": 2,
    "AUD": 2,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CLP": 0,
    "CNY": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "ISK": 0,
    "JPY": 0,
    "KRW": 0,
    "MXN": 2,
    "MYR": 2,
    "NOK": 2,
    "NZD": 2,
    "PHP": 2,
    "PLN": 2,
    "RON": 2,
    "SAR": 2,
    "SEK": 2,
    "SGD": 2,
    "THB": 2,
    "TRY": 2,
    "TWD": 2,
    "USD": 2,
    "ZAR": 2,
}
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCIES)]

# The currency of each country whose money is in CURRENCIES (ISO 3166 -> ISO 4217).
_EURO = [
    "AT",
    "BE",
    "CY",
    "DE",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MC",
    "MT",
    "NL",
    "PT",
    "SI",
    "SK",
    "SM",
    "VA",
    "AD",
    "ME",
    "XK",
]
COUNTRY_CURRENCIES: dict[str, str] = {
    **dict.fromkeys(_EURO, "EUR"),
    **{"AE": "AED", "AU": "AUD", "BR": "BRL", "CA": "CAD", "CH": "CHF", "LI": "CHF", "CL": "CLP"},
    **{"CN": "CNY", "CZ": "CZK", "DK": "DKK", "FO": "DKK", "GL": "DKK", "GB": "GBP", "GG": "GBP"},
    **{"IM": "GBP", "JE": "GBP", "HK": "HKD", "HU": "HUF", "ID": "IDR", "IL": "ILS", "IN": "INR"},
    **{"IS": "ISK", "JP": "JPY", "KR": "KRW", "MX": "MXN", "MY": "MYR", "NO": "NOK", "NZ": "NZD"},
    **{"PH": "PHP", "PL": "PLN", "RO": "RON", "SA": "SAR", "SE": "SEK", "SG": "SGD", "TH": "THB"},
    **{"TR": "TRY", "TW": "TWD", "US": "USD", "PR": "USD", "ZA": "ZAR"},
}
DEFAULT_CURRENCY = "USD"


def currency_for_time_zone(time_zone: str | None) -> str:
    """The likely currency of a business in `time_zone` ("Europe/London" -> "GBP"), USD if unknown."""
    from mecto.comms.addresses import region_for_time_zone

    return COUNTRY_CURRENCIES.get(region_for_time_zone(time_zone) or "", DEFAULT_CURRENCY)


def time_zone_currencies() -> dict[str, str]:
    """Every time zone whose country's currency is known, with that currency (for sign-up)."""
    return {name: code for name in time_zone_names() if (code := currency_for_time_zone(name)) != DEFAULT_CURRENCY}


@lru_cache(maxsize=1)
def time_zone_names() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))) + ["UTC"]


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value}, code="invalid")


def validate_currency(value: str) -> None:
    if value not in CURRENCIES:
        raise ValidationError(_("“%(value)s” is not a supported currency."), params={"value": value}, code="invalid")


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")


def minor_units(currency: str) -> int:
    return CURRENCIES.get(currency, 2)


# Symbols shown before the amount where they are unambiguous for the currency; every
# other currency is written with its ISO code ("CHF 19.99"), as invoices commonly do.
CURRENCY_SYMBOLS: dict[str, str] = {
    "AUD": "A$",
    "BRL": "R$",
    "CAD": "CA$",
    "CNY": "CN¥",
    "EUR": "€",
    "GBP": "£",
    "HKD": "HK$",
    "JPY": "¥",
    "MXN": "MX$",
    "NZD": "NZ$",
    "SGD": "S$",
    "TWD": "NT$",
    "USD": "$",
}


def format_money(amount_minor: int, currency: str) -> str:
    """1999, 'GBP' -> '£19.99'; -500, 'EUR' -> '-€5.00'; 1999, 'CHF' -> 'CHF 19.99' in English;
    '19,99 €' and '1.234,00 CHF' in Spanish and German (the active language's CURRENCY_FORMAT
    and separators, mecto/formats/<lang>/formats.py).

    Amounts are integers in minor units; the exponent comes from ISO 4217.
    """
    exponent = minor_units(currency)
    value = Decimal(abs(int(amount_minor))) / (Decimal(10) ** exponent)
    sign = "-" if int(amount_minor) < 0 else ""
    number = numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=exponent,
        grouping=formats.get_format("NUMBER_GROUPING"),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    pattern = _format_setting("CURRENCY_FORMAT", "")
    symbol = CURRENCY_SYMBOLS.get(currency)
    if pattern:
        return pattern.format(sign=sign, number=number, symbol=symbol or currency)
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{currency}\u00a0{number}"


def _format_setting(name: str, default: str) -> str:
    """A project setting of the active language's formats module (not one Django knows)."""
    for module in formats.get_format_modules(get_language()):
        if hasattr(module, name):
            return getattr(module, name)
    return default


# Body data is stored in SI units and shown in the person's preferred units.
KG_PER_LB = Decimal("0.45359237")
CM_PER_IN = Decimal("2.54")


def kg_to_display(kg: Decimal | float | None, unit_system: str) -> Decimal | None:
    if kg is None:
        return None
    kg = Decimal(str(kg))
    return (kg / KG_PER_LB).quantize(Decimal("0.1")) if unit_system == IMPERIAL else kg.quantize(Decimal("0.1"))


def display_to_kg(value: Decimal | float, unit_system: str) -> Decimal:
    value = Decimal(str(value))
    return (value * KG_PER_LB).quantize(Decimal("0.001")) if unit_system == IMPERIAL else value


def cm_to_display(cm: Decimal | float | None, unit_system: str) -> Decimal | None:
    if cm is None:
        return None
    cm = Decimal(str(cm))
    return (cm / CM_PER_IN).quantize(Decimal("0.1")) if unit_system == IMPERIAL else cm.quantize(Decimal("0.1"))


def display_to_cm(value: Decimal | float, unit_system: str) -> Decimal:
    value = Decimal(str(value))
    return (value * CM_PER_IN).quantize(Decimal("0.01")) if unit_system == IMPERIAL else value


def weight_unit(unit_system: str) -> str:
    return "lb" if unit_system == IMPERIAL else "kg"


def length_unit(unit_system: str) -> str:
    return "in" if unit_system == IMPERIAL else "cm"


# --- Named date formats --------------------------------------------------------------
# Pages, emails, PDFs and the admin write dates through names, never through a format
# string of their own, so one page never mixes "Wed 02 Dec" with "1 Dec 2026". Django's
# names (DATE_FORMAT, DATETIME_FORMAT, SHORT_DATE_FORMAT, TIME_FORMAT, MONTH_DAY_FORMAT,
# YEAR_MONTH_FORMAT) work with the `date` filter; the project's own names below are looked
# up in the active language's formats module (mecto/formats/<lang>/formats.py) by
# `format_date` and the `named_date` filter.
PROJECT_DATE_FORMATS: dict[str, str] = {
    "WEEKDAY_FORMAT": "D",  # "Wed": a day chip
    "WEEKDAY_MONTH_DAY_FORMAT": "D j M",  # "Wed 2 Dec": days of a week or the next fortnight
    "WEEKDAY_DATE_FORMAT": "D j M Y",  # "Wed 2 Dec 2026": a session or an exception
    "WEEKDAY_DATETIME_FORMAT": "D j M Y, H:i",  # "Wed 2 Dec 2026, 18:30": a logged workout
    "LONG_DATE_FORMAT": "l j F Y",  # "Wednesday 2 December 2026": a booking's heading
}
# Machine formats, allowed in templates where the value is read by code (URLs, datetime=).
MACHINE_DATE_FORMATS = frozenset({"c", "U", "Y-m-d"})


def date_format_string(name: str) -> str:
    """The format string for a named format in the active language ("DATE_FORMAT" -> "j M Y")."""
    if name in PROJECT_DATE_FORMATS:
        return _format_setting(name, PROJECT_DATE_FORMATS[name])
    if name in formats.FORMAT_SETTINGS:
        return formats.get_format(name)
    raise ValueError(f"{name!r} is not a named date format")


def format_date(value: date | datetime | None, name: str = "DATE_FORMAT") -> str:
    """A date or (already local) datetime in a named format: "1 Dec 2026", "Wed 2 Dec, 18:30"."""
    if value is None:
        return ""
    return formats.date_format(value, date_format_string(name))


def format_time(value, name: str = "TIME_FORMAT") -> str:
    """A time of day in the locale's one time format ("18:30")."""
    if value is None:
        return ""
    return formats.time_format(value, date_format_string(name))


# --- Numbers -------------------------------------------------------------------------
def format_number(value, places: int = 1) -> str:
    """A measured value rounded to `places` decimals with trailing zeros trimmed and the
    locale's separators: 31.666 -> "31.7", 75.80 -> "75.8", 80.0 -> "80", 12345 -> "12,345".

    Every body and load value (kg, lb, cm, %, kcal, volume) is shown through this one rule.
    """
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    number = number.quantize(Decimal(1).scaleb(-max(places, 0)), rounding=ROUND_HALF_UP)
    # Trim trailing zeros ("75.80" -> "75.8", "80.0" -> "80") without normalize()'s "8E+1".
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    if number == 0:
        number = abs(number)  # never "-0"
    return numberformat.format(
        number,
        formats.get_format("DECIMAL_SEPARATOR"),
        grouping=formats.get_format("NUMBER_GROUPING"),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def format_quantity(value, unit: str, places: int = 1) -> str:
    """format_number with its unit: (31.666, "kg") -> "31.7 kg"; nothing for no value."""
    number = format_number(value, places)
    return f"{number} {unit}" if number and unit else number
