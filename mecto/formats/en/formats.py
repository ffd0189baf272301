"""Dates as people read them in every country we serve: day, month name, year ("2 Dec 2026",
"14:30"), never the US month-first order Django's "en" locale uses. Typed dates are read
ISO first, then day first; a month-first "12/02/2026" is not guessed at.

Templates and code use these names only (see mecto/localization.py): Django's own below,
and the project's weekday and long formats at the end. Times are 24-hour."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2006-10-25'
    "%d/%m/%Y",  # '25/10/2006'
    "%d %b %Y",  # '25 Oct 2006'
    "%d %B %Y",  # '25 October 2006'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # '2006-10-25 14:30:59'
    "%Y-%m-%d %H:%M:%S.%f",  # '2006-10-25 14:30:59.000200'
    "%Y-%m-%d %H:%M",  # '2006-10-25 14:30'
    "%d/%m/%Y %H:%M:%S",  # '25/10/2006 14:30:59'
    "%d/%m/%Y %H:%M",  # '25/10/2006 14:30'
]

# The project's named formats (mecto.localization.PROJECT_DATE_FORMATS).
WEEKDAY_FORMAT = "D"
WEEKDAY_MONTH_DAY_FORMAT = "D j M"
WEEKDAY_DATE_FORMAT = "D j M Y"
WEEKDAY_DATETIME_FORMAT = "D j M Y, H:i"
LONG_DATE_FORMAT = "l j F Y"
