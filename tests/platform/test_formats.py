"""One date format per language, one number rule, real plurals and sentence case, in pages,
emails and the back office alike; plain-text emails carry no HTML entities."""

import datetime
import json
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import formats, translation

from mecto.localization import (
    MACHINE_DATE_FORMATS,
    PROJECT_DATE_FORMATS,
    format_date,
    format_number,
    format_quantity,
    format_time,
)

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {"node_modules", ".venv", "var", "media", "static", "tests", "migrations", "bench", "__pycache__"}
DJANGO_DATE_NAMES = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
}


def _files(*suffixes):
    """The project's own source files (apps, mecto/, templates/), not tests or vendored code."""
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        for name in names:
            if name.endswith(suffixes):
                yield Path(folder) / name


def _templates():
    return [p for p in _files(".html", ".txt") if "templates" in p.relative_to(ROOT).parts]


def test_english_dates_are_written_day_first_everywhere():
    with translation.override("en"):
        assert formats.date_format(date(2026, 12, 1)) == "1 Dec 2026"
        assert formats.date_format(datetime.datetime(2026, 12, 1, 18, 30), "DATETIME_FORMAT") == "1 Dec 2026, 18:30"
        assert formats.localize(date(2026, 12, 1)) == "1 Dec 2026"  # how the admin shows a date column
        assert "." not in formats.date_format(date(2026, 12, 1))  # never "Dec. 1, 2026"


def test_named_formats_of_the_project():
    day = date(2026, 12, 2)
    moment = datetime.datetime(2026, 12, 2, 7, 5)
    with translation.override("en"):
        assert format_date(day) == "2 Dec 2026"
        assert format_date(day, "SHORT_DATE_FORMAT") == "2 Dec 2026"
        assert format_date(day, "MONTH_DAY_FORMAT") == "2 Dec"
        assert format_date(day, "YEAR_MONTH_FORMAT") == "December 2026"
        assert format_date(day, "WEEKDAY_FORMAT") == "Wed"
        assert format_date(day, "WEEKDAY_MONTH_DAY_FORMAT") == "Wed 2 Dec"
        assert format_date(day, "WEEKDAY_DATE_FORMAT") == "Wed 2 Dec 2026"
        assert format_date(moment, "WEEKDAY_DATETIME_FORMAT") == "Wed 2 Dec 2026, 07:05"
        assert format_date(day, "LONG_DATE_FORMAT") == "Wednesday 2 December 2026"
        assert format_time(datetime.time(19, 5)) == "19:05"  # one 24-hour time format
        assert format_date(None) == ""
        with pytest.raises(ValueError):
            format_date(day, "D j M")  # a format string is not a name
        page = engines["django"].from_string(
            '{{ d|named_date:"WEEKDAY_DATE_FORMAT" }}|{{ d|date:"DATE_FORMAT" }}|{{ t|time }}|{{ w|quantity:"kg" }}'
        )
        shown = page.render({"d": day, "t": datetime.time(18, 30), "w": 31.666})
        assert shown == "Wed 2 Dec 2026|2 Dec 2026|18:30|31.7 kg"


_DATE_FILTER = re.compile(r"""\|\s*(date|time|named_date)\s*:\s*(["'])(.*?)\2""")


def test_templates_write_dates_through_named_formats_only():
    """`|date:"D j M"` in a template makes one page mix formats: use a name (see docs/platform.md)."""
    allowed = {
        "date": DJANGO_DATE_NAMES | MACHINE_DATE_FORMATS,
        "time": {"TIME_FORMAT"},
        "named_date": DJANGO_DATE_NAMES | set(PROJECT_DATE_FORMATS),
    }
    found = []
    templates = _templates()
    assert len(templates) > 100
    for path in templates:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for kind, _quote, fmt in _DATE_FILTER.findall(line):
                if fmt not in allowed[kind]:
                    found.append(f"{path.relative_to(ROOT)}:{number}: |{kind}:{fmt!r}")
    assert found == []


_STRFTIME_WORDS = re.compile(r"""(strftime\(\s*["'][^"']*%[aAbBp]|:%[aAbBd] %|date_format\([^)]*,\s*["'][a-zA-Z] )""")


def test_python_writes_dates_for_people_through_named_formats():
    """ "%a %d %b" in code gives "Wed 02 Dec" beside the pages' "Wed 2 Dec": use format_date()."""
    found = []
    for path in _files(".py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if _STRFTIME_WORDS.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# "invoice(s)" and "%(n)s invoices voided." (said of one invoice too) are not plurals.
_PAREN_PLURAL = re.compile(r"[A-Za-z]\((s|es)\)")
_PAREN_PLURAL_IN_STRING = re.compile(r"""["'][^"'\n]*[A-Za-z]\((?:s|es)\)[^"'\n]*["']""")
_COUNTED_SINGULAR_ONLY = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*["']%\((?:n|count)\)[sd] [a-z]+s\b""")


def test_user_facing_text_has_real_plurals():
    found = []
    for path in [*_files(".py", ".js"), *_templates()]:
        in_code = path.suffix in (".py", ".js")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            parenthesised = (_PAREN_PLURAL_IN_STRING if in_code else _PAREN_PLURAL).search(line)
            if parenthesised or _COUNTED_SINGULAR_ONLY.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert found == []


def test_a_counted_phrase_agrees_with_its_count():
    page = engines["django"].from_string(
        "{% load i18n %}{% blocktranslate count d=days %}valid {{ d }} day{% plural %}valid {{ d }} days"
        "{% endblocktranslate %}"
    )
    assert page.render({"days": 1}) == "valid 1 day" and page.render({"days": 30}) == "valid 30 days"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (31.666, 1, "31.7"),
        (Decimal("75.80"), 1, "75.8"),
        (80.0, 1, "80"),
        (Decimal("100.5"), 1, "100.5"),
        (12345, 0, "12,345"),
        (1234567.891, 1, "1,234,567.9"),
        (-0.04, 1, "0"),
        ("2.50", 1, "2.5"),
        (None, 1, ""),
    ],
)
def test_one_number_rule_for_body_and_load_values(value, places, expected):
    with translation.override("en"):
        assert format_number(value, places) == expected


def test_quantities_carry_their_unit():
    assert format_quantity(Decimal("31.67"), "kg") == "31.7 kg"
    assert format_quantity(None, "kg") == ""


def test_prescribed_loads_read_like_logged_ones():
    from training.models import PrescribedExercise

    item = PrescribedExercise(load_type=PrescribedExercise.LoadType.KG, load_value=Decimal("31.67"))
    assert item.load_label == "31.7 kg"
    item = PrescribedExercise(load_type=PrescribedExercise.LoadType.RPE, load_value=Decimal("7.50"))
    assert item.load_label == "RPE 7.5"


# --- Emails ---------------------------------------------------------------------------------
HOSTILE = 'O\'Brien <b> & "Co"'
_DATE_NAME = re.compile(r"(_at|_on|date|_start|_end)$")
_NUMBER_NAMES = {"count", "n", "step", "unread", "sessions", "remaining", "quantity", "valid_days"}


def _value_for(name: str):
    if _DATE_NAME.search(name):
        return datetime.datetime(2026, 12, 1, 18, 30, tzinfo=datetime.UTC)
    if name in _NUMBER_NAMES:
        return 2
    return _Hostile()


class _Hostile(str):
    """A name with an apostrophe, `<` and `&`, whose every attribute is another such name (or a
    date or a number where the template needs one): any email template renders with it."""

    def __new__(cls):
        return super().__new__(cls, HOSTILE)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _value_for(name)

    def __getitem__(self, key):
        if isinstance(key, int | slice):
            return str.__getitem__(self, key)
        raise KeyError(key)

    def __call__(self):
        return self


def _email_templates() -> list[str]:
    names = {
        p.name.removesuffix(".txt")
        for p in _templates()
        if p.parent.name == "emails"
        and p.suffix == ".txt"
        and not p.name.endswith("_subject.txt")
        and not p.name.startswith("_")  # a part included by the emails above, checked through them
    }
    return sorted(names)


ENTITIES = re.compile(r"&(#x?[0-9a-fA-F]+|lt|gt|amp|quot|apos);")


@pytest.mark.django_db
@pytest.mark.parametrize("template", _email_templates())
def test_plain_text_emails_are_not_html_escaped(template):
    from mecto.comms.outbox import render_email

    source = "".join(
        p.read_text(encoding="utf-8") for p in _templates() if p.parent.name == "emails" and p.stem.startswith(template)
    )
    names = set(re.findall(r"(?:\{\{|\{%\s*(?:if|elif|for \w+ in)|=)\s*([a-z_]\w*)", source))
    context = {name: _value_for(name) for name in names}
    with translation.override("en"):
        subject, text, html = render_email(template, context)
    assert HOSTILE in text, "the template shows none of its names"
    assert not ENTITIES.search(text) and not ENTITIES.search(subject)
    assert "<b>" not in html and "O&#x27;Brien &lt;b&gt; &amp; &quot;Co&quot;" in html


def test_every_email_template_is_covered():
    assert {"booking_confirmed", "billing_invoice", "client_invitation", "member_invitation"} <= set(_email_templates())


@pytest.mark.django_db
def test_account_emails_are_plain_text_too(rf):
    from accounts.adapters import AccountAdapter

    adapter = AccountAdapter(rf.get("/"))
    context = {
        "user": _Hostile(),
        "recipient": _Hostile(),
        "brand_name": HOSTILE,
        "password_reset_url": "https://example.com/reset/?a=1&b=2",
        "activate_url": "https://example.com/confirm/?a=1&b=2",
        "code": "ABC123",
    }
    with translation.override("en"):
        message = adapter.render_mail("account/email/password_reset_key", "someone@example.com", context)
    assert "https://example.com/reset/?a=1&b=2" in message.body and HOSTILE in message.body
    assert not ENTITIES.search(message.body)


# --- Pages and the back office ----------------------------------------------------------------
@pytest.mark.django_db
def test_account_pages_speak_in_sentence_case(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Log in" in page
    for title_case in ("Sign In", "Sign Up", "Forgot Password", "Remember Me"):
        assert title_case not in page
    page = client.get(reverse("account_reset_password")).content.decode()
    assert "Password reset" in page and "Reset my password" in page and "Password Reset" not in page


@pytest.mark.django_db
def test_the_back_office_writes_dates_like_the_pages(client, org):
    from tests.factories import ClientFactory, UserFactory

    ClientFactory(organization=org, date_of_birth=date(1990, 12, 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with translation.override("en"):
        page = client.get(reverse("admin:clients_client_changelist"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    created = re.findall(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b", page)
    assert created, "no date column in the client list"
    assert not re.search(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{1,2}, \d{4}", page)


@pytest.mark.django_db
def test_progress_chart_axes_read_as_dates_not_iso(client, coach, org):
    from clients import services
    from tests.factories import ClientFactory

    services.ensure_builtin_metrics(organization=org)
    target = ClientFactory(organization=org)
    services.log_progress(client=target, values={"weight": Decimal("75.80")}, recorded_on=date(2026, 3, 1))
    client.force_login(coach)
    page = client.get(reverse("clients:progress", args=[target.pk])).content.decode()
    data = json.loads(page.split('id="chart-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    weight = next(series for series in data if series["key"] == "weight")
    assert weight["labels"] == ["1 Mar 2026"]
    assert "75.8 kg" in page and "75.80" not in page


@pytest.mark.django_db
def test_training_chart_axes_and_muscles_read_for_people(client, coach, org):
    from tests.factories import ClientFactory
    from tests.training.factories import ExerciseFactory, SetLogFactory

    target = ClientFactory(organization=org)
    back = ExerciseFactory(organization=org, primary_muscles=["lower back"], name="Back extension")
    SetLogFactory(organization=org, client=target, exercise=back, is_done=True, load_kg=Decimal("31.67"))
    client.force_login(coach)
    page = client.get(reverse("training:client", args=[target.pk])).content.decode()
    data = json.loads(page.split('id="training-chart-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", label) for label in data["adherence"]["week_labels"])
    assert list(data["volume"]["muscles"]) == ["Lower back"]
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", label) for label in data["e1rm"]["date_labels"].values())
    assert "31.7" in page and "31.67" not in page
    detail = client.get(reverse("training:exercise_detail", args=[back.pk])).content.decode()
    assert "Lower back" in detail and "lower back" not in detail
