"""One way to write dates and times in English everywhere, the back office included:
"1 Dec 2026", "1 Dec 2026, 18:30", "Tue 1 Dec" (day-first, 24-hour, as coaches outside the
US write them and as the pages already do)."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
