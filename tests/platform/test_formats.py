"""One date format per language, in pages and the back office alike."""

from datetime import date, datetime

from django.utils import formats, translation


def test_english_dates_are_written_day_first_everywhere():
    with translation.override("en"):
        assert formats.date_format(date(2026, 12, 1)) == "1 Dec 2026"
        assert formats.date_format(datetime(2026, 12, 1, 18, 30), "DATETIME_FORMAT") == "1 Dec 2026, 18:30"
        assert formats.localize(date(2026, 12, 1)) == "1 Dec 2026"  # how the admin shows a date column
        assert "." not in formats.date_format(date(2026, 12, 1))  # never "Dec. 1, 2026"
