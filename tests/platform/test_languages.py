"""The demo business in Spanish and in German: the owner, a coach, a client and a stranger on
its booking page each read their pages in their language, and so do an email to the client and
the client's invoice PDF. A page fails on an English interface string left on it:

- a fixed list of frequent interface words and phrases (MARKERS), wherever they stand as a
  text or a label of their own, unless the language writes them the same way (German "Status");
- any text of the catalogue (locale/<lang>/LC_MESSAGES/django.po) that has no translation yet
  and stands on a visited page as a text or a label of its own.

The failure names each page and the English strings on it, and lists the missing strings
once, so a translator knows exactly what to add (docs/languages.md). Demo content (names,
exercises, messages) is the business's own writing and is not looked at.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real
from freezegun import freeze_time

from accounts.models import Organization, User
from tests.shared_data import DEMO_NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

LANGUAGES = ["es", "de"]
OWNER, COACH, CLIENT = "owner@demo.mecto.test", "coach@demo.mecto.test", "client@demo.mecto.test"

# The pages each person visits; "first:<regex>" follows the first link of the page before that
# matches (a client's record, a program in the builder, a day of a booking page).
PAGES: dict[str | None, list[str]] = {
    OWNER: [
        "/dashboard/",
        "/clients/",
        r"first:^/clients/\d+/$",
        "/training/exercises/",
        "/training/programs/",
        r"first:^/training/programs/\d+/$",
        "/booking/",
        "/billing/",
        "/nutrition/plans/",
        "/nutrition/habits/",
        "/settings/organization/",
        "/account/email/",
    ],
    COACH: ["/clients/", r"first:^/clients/\d+/$", r"first:^/clients/\d+/messages/"],
    CLIENT: [
        "/portal/",
        "/portal/workouts/",
        "/portal/progress/",
        "/portal/messages/",
        "/portal/bookings/",
        "/portal/billing/",
        "/portal/nutrition/",
    ],
    None: ["/book/northside-strength/", r"first:^/book/northside-strength/[^/]+/$"],
}

# Frequent interface words and phrases of the visited pages (English msgids).
MARKERS = [
    *["Dashboard", "Clients", "Client", "Add client", "New client", "Settings", "Save", "Cancel", "Delete"],
    *["Edit", "Search", "Filter", "Messages", "Message", "Send", "Programs", "Program", "Exercises"],
    *["Exercise", "Training", "Billing", "Invoices", "Invoice", "Payments", "Bookings", "Booking", "Calendar"],
    *["Nutrition", "Habits", "Meal plans", "Check-ins", "Progress", "Workouts", "Workout", "Account"],
    *["Log out", "Menu", "Team", "Business settings", "Back", "Next", "Previous", "Today", "This week"],
    *["Upcoming", "Overdue", "Paid", "Draft", "Open", "Active", "Name", "Email", "Phone", "Notes", "Actions"],
    *["Status", "Total", "Amount", "Due", "Date", "Time", "Coach", "Owner", "Assistant", "Language"],
    *["Book a session", "Book", "Sessions", "Session", "Available", "No results", "View", "Details", "Tasks"],
    *["Automations", "Marketing", "Integrations", "Alerts", "Skip to content", "Notifications", "Units"],
    *["Time zone", "Currency", "Invoice", "Receipt", "Number", "Issued", "Subtotal", "Tax", "Reminder"],
    *["Account menu for", "Two-factor", "Sign in", "Sign up", "Log in", "Save language"],
]
# Day and month names of English dates ("Wednesday 25 November", "Wed 25 Nov"): looked for
# beside a number inside any text, as (the word, Django's msgid for it).
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
MONTHS += ["October", "November", "December"]
CALENDAR_WORDS = [
    *[(day, day) for day in WEEKDAYS],
    *[(day[:3], day[:3]) for day in WEEKDAYS],
    *[(month, month) for month in MONTHS],
    *[(month[:3], month[:3].lower()) for month in MONTHS],
]
# Text that is the same in every language (units, codes), never a marker.
SAME_EVERYWHERE = re.compile(r"^[\W\d_]*$|^(kg|lb|cm|in|kcal|RPE|1RM|%|PDF|CSV|ICS|URL|API|ID|OK)$")
# Elements whose text the reader does not see as the page's wording.
SKIP_TAGS = {"script", "style", "template", "code", "pre", "textarea"}
LABEL_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}


class _Texts(HTMLParser):
    """The texts a reader sees (text nodes, labels of controls), each normalised."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self._skip += 1
        attributes = dict(attrs)
        for name in LABEL_ATTRIBUTES:
            if attributes.get(name):
                self._add(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self._add(attributes["value"])

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._add(data)

    def _add(self, text):
        text = " ".join(text.split())
        if text and not SAME_EVERYWHERE.match(text):
            self.texts.append(text)


# The business's own footer (its address, its opening hours) is demo content.
BRAND_FOOTER = re.compile(r'<div class="brand-footer">.*?</div>', re.S)


def texts_of(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(BRAND_FOOTER.sub("", html))
    return parser.texts


def _catalogue(language: str):
    """Every translation Django uses for `language` (the project's, the apps', Django's own)."""
    return trans_real.translation(language)._catalog


@lru_cache(maxsize=1)
def _po_parser():
    """The build's catalogue reader (scripts/compile_messages.py)."""
    spec = importlib.util.spec_from_file_location("compile_messages", settings.BASE_DIR / "scripts/compile_messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse


def _untranslated(language: str) -> set[str]:
    """English texts of the catalogue with no translation in `language`."""
    parse = _po_parser()
    done = _catalogue(language)
    missing = set()
    for path in settings.LOCALE_PATHS:
        po = path / language / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        for entry in parse(po.read_text(encoding="utf-8")):
            msgid = entry["msgid"]
            if msgid and "msgctxt" not in entry and "%" not in msgid and "{" not in msgid and done.get(msgid) is None:
                missing.add(" ".join(msgid.split()))
    return missing


class Markers:
    """What counts as English in `language`: a text (or its start, before a colon) that is one
    of MARKERS not written the same way in that language, or an untranslated catalogue text;
    an English day or month name beside a number."""

    def __init__(self, language: str):
        done = _catalogue(language)
        self.words = {m for m in MARKERS if done.get(m) != m} | _untranslated(language)
        # Words the language writes the same way (German "April", "Nov") are no sign of English.
        same = {word for word, msgid in CALENDAR_WORDS if done.get(msgid, msgid).lower() == msgid.lower()}
        names = "|".join(sorted({word for word, _msgid in CALENDAR_WORDS} - same))
        self.calendar = re.compile(rf"\b({names})\b,?\s+\d|\d\.?\s+({names})\b")

    def found(self, texts: list[str], own: str = "") -> set[str]:
        """The English in `texts`; `own` is the business's own writing (its footer), left out."""
        hits = set()
        for text in texts:
            for part in own.split(" · ") if own else ():
                text = text.replace(part, "")
            for candidate in (text, text.rstrip(":*.… ").strip()):
                if candidate in self.words:
                    hits.add(candidate)
            if match := self.calendar.search(text):
                hits.add(match.group(1) or match.group(2))
        return hits


def _visit(client, paths: list[str]) -> dict[str, str]:
    pages: dict[str, str] = {}
    previous = ""
    for path in paths:
        if path.startswith("first:"):
            wanted = re.compile(path.removeprefix("first:"))
            links = [urlsplit(h).path for h in re.findall(r'href="(/[^"#]*)"', pages[previous])]
            path = next((link for link in links if wanted.match(link)), None)
            assert path, f"no link matching {wanted.pattern} on {previous}"
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[path] = response.content.decode()
        previous = path
    return pages


def _pdf_texts(content: bytes) -> list[str]:
    """The strings an invoice PDF draws (standard fonts: WinAnsi text in `(...) Tj`)."""
    from tests.billing.test_pdf import _drawing

    drawn = re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", _drawing(content))
    unescape = re.compile(rb"\\([0-7]{1,3}|.)")

    def one(raw: bytes) -> str:
        value = unescape.sub(lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit() else m[1], raw)
        return " ".join(value.decode("cp1252").split())

    return [t for t in map(one, drawn) if t and not SAME_EVERYWHERE.match(t)]


@pytest.mark.parametrize("language", LANGUAGES)
@freeze_time(DEMO_NOW)
def test_the_demo_business_reads_in_each_language(client, demo, language, monkeypatch):
    from billing import pdf
    from billing.models import Invoice
    from booking.models import Booking
    from booking.notifications import queue_reminder
    from mecto.branding import brand_for
    from mecto.comms.models import OutboundMessage

    User.objects.filter(email__in=[OWNER, COACH, CLIENT]).update(language=language)
    Organization.objects.filter(pk=demo.pk).update(language=language)  # the stranger's language
    markers = Markers(language)
    found: dict[str, set[str]] = {}
    try:
        for email, paths in PAGES.items():
            client.logout()
            if email:
                client.force_login(User.objects.get(email=email))
            for path, html in _visit(client, paths).items():
                assert f'<html lang="{language}"' in html, (email, path)
                if hits := markers.found(texts_of(html)):
                    found[f"{email or 'stranger'} {path}"] = hits

        # Sent from a worker (or a coach's request) in English: written in the client's language all the same.
        booking = Booking.objects.filter(client__user__email=CLIENT).order_by("pk").first()
        with translation.override("en"):
            message = queue_reminder(booking=booking, channel="email", offset_minutes=60)
        message = OutboundMessage.objects.get(pk=message.pk)
        assert message.language == language
        footer = " ".join(brand_for(demo).footer.split())
        if hits := markers.found([message.subject, *texts_of(message.body_html)], own=footer):
            found["email booking_reminder"] = hits

        monkeypatch.setattr(pdf, "_fonts", lambda: ("Helvetica", "Helvetica-Bold"))  # readable text
        invoice = Invoice.objects.filter(client__user__email=CLIENT).exclude(number="").order_by("pk").first()
        with translation.override("en"):  # the PDF follows its client, not the request's language
            if hits := markers.found(_pdf_texts(pdf.invoice_pdf(invoice)), own=footer):
                found[f"invoice PDF {invoice.number}"] = hits
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the requests switched this thread's language

    missing = sorted(set().union(*found.values())) if found else []
    report = "\n".join(f"  {where}: {sorted(hits)}" for where, hits in found.items())
    assert not found, (
        f"English left on the {language} pages ({len(missing)} strings to translate in "
        f"locale/{language}/LC_MESSAGES/django.po, or to mark for translation):\n{report}\n"
        f"missing: {missing}"
    )
