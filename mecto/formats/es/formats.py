"""Dates and numbers as Spanish readers write them: "2 dic 2026", "14:30", "1.234,5" and "19,99 €".
Typed dates are read ISO first, then day first. The names are those of mecto/formats/en."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
MONTH_DAY_FORMAT = "j M"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2006-10-25'
    "%d/%m/%Y",  # '25/10/2006'
    "%d/%m/%y",  # '25/10/06'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]

# The project's named formats (mecto.localization.PROJECT_DATE_FORMATS).
WEEKDAY_FORMAT = "D"
WEEKDAY_MONTH_DAY_FORMAT = "D j M"
WEEKDAY_DATE_FORMAT = "D j M Y"
WEEKDAY_DATETIME_FORMAT = "D j M Y, H:i"
LONG_DATE_FORMAT = r"l j \d\e F \d\e Y"
# Money (mecto.localization.format_money): the amount, then the symbol or code.
CURRENCY_FORMAT = "{sign}{number}\u00a0{symbol}"
