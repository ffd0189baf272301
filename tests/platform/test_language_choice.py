"""Which language a person reads: their own choice > their business's default > the browser's
(mecto/language.py), on pages, in the API, in emails and PDFs, with dates and money written the
language's way."""

from datetime import date

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import Invitation
from accounts.services import INVITATIONS_TOPIC
from mecto import comms
from mecto.localization import format_date, format_money, format_number
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_english():
    yield
    translation.activate(settings.LANGUAGE_CODE)  # requests switch this thread's language


def _lang(response) -> str:
    return response["Content-Language"]


def test_the_persons_choice_beats_the_business_default_which_beats_the_browser(client, coach, org):
    org.language = "de"
    org.save(update_fields=["language"])
    client.force_login(coach)
    assert _lang(client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="es")) == "de"
    coach.language = "es"
    coach.save(update_fields=["language"])
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert _lang(response) == "es" and '<html lang="es">' in response.content.decode()
    client.logout()
    assert _lang(client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="de")) == "de"  # a platform page
    assert _lang(client.get(f"/book/{org.slug}/", HTTP_ACCEPT_LANGUAGE="es")) == "de"  # the business's page


def test_the_language_switcher_saves_a_choice_and_refuses_an_unknown_one(client, coach):
    client.force_login(coach)
    page = client.get("/account/email/").content.decode()
    assert 'name="language"' in page and 'lang="de"' in page and "Deutsch" in page
    response = client.post("/account/language/", {"language": "fr", "next": "/account/email/"})
    coach.refresh_from_db()
    assert response.status_code == 302 and coach.language == ""
    response = client.post("/account/language/", {"language": "de", "next": "https://evil.example/"})
    coach.refresh_from_db()
    assert response["Location"] == "/account/email/" and coach.language == "de"
    assert "Sprache gespeichert." in client.get("/account/email/").content.decode()


def test_my_language_and_my_business_default_through_the_api(coach, owner, org):
    api = api_as(coach)
    bad = api.patch("/api/v1/me/", {"language": "fr"}, format="json")
    assert bad.status_code == 400 and "language" in bad.json()["errors"]
    response = api.patch("/api/v1/me/", {"language": "es"}, format="json")
    assert response.status_code == 200 and response.json()["user"]["language"] == "es"
    assert response["Content-Language"] == "es"
    owner_api = api_as(owner)
    assert owner_api.patch("/api/v1/organization/", {"language": "xx"}, format="json").status_code == 400
    assert api.patch("/api/v1/organization/", {"language": "de"}, format="json").status_code == 403
    assert owner_api.patch("/api/v1/organization/", {"language": "de"}, format="json").json()["language"] == "de"
    org.refresh_from_db()
    assert org.language == "de"


def test_an_email_is_written_in_its_recipients_language(coach, org, client_record):
    org.language = "de"
    org.save(update_fields=["language"])
    coach.language = "es"
    coach.save(update_fields=["language"])
    invitation = Invitation(organization=org, email="new@example.com", role="coach")
    context = {"invitation": invitation, "inviter": coach, "org": org.name, "role": "coach", "url": "https://x.example"}
    sent = {
        to: comms.queue_email(
            organization=org, to=to, topic=INVITATIONS_TOPIC, key=to, template="member_invitation", context=context
        )
        for to in (coach.email, "new@example.com")
    }
    to_coach, to_stranger = sent.values()
    assert (to_coach.language, to_stranger.language) == ("es", "de")
    with translation.override("es"):
        spanish = comms.render_email("member_invitation", context, org)[0]
    assert to_coach.subject == spanish and to_stranger.subject != spanish


def test_dates_numbers_and_money_follow_the_language():
    day = date(2026, 12, 2)
    expected = {
        "en": ("€1,234.56", "2 Dec 2026", "12,345.5"),
        "es": ("1.234,56\u00a0€", "2 Dic 2026", "12.345,5"),
        "de": ("1.234,56\u00a0€", "2. Dez 2026", "12.345,5"),
    }
    for language, (money, when, number) in expected.items():
        with translation.override(language):
            assert (format_money(123456, "EUR"), format_date(day), format_number(12345.5)) == (money, when, number)


@pytest.mark.parametrize("language", ["es", "de"])
def test_the_catalogue_is_complete(language):
    """Every text of the product has its translation: none untranslated, none fuzzy (a guess
    `makemessages` left for a changed English text). New entries: docs/languages.md."""
    from tests.platform.test_languages import _po_parser

    po = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = [e for e in _po_parser()(po.read_text(encoding="utf-8")) if e["msgid"]]
    untranslated = [e["msgid"] for e in entries if not all(e.get("msgstr", {0: ""}).values())]
    fuzzy = [e["msgid"] for e in entries if e.get("fuzzy")]
    assert len(entries) > 4000
    assert not untranslated and not fuzzy, f"{language}: untranslated {untranslated[:50]}, fuzzy {fuzzy[:50]}"


def test_a_business_starts_in_the_language_its_owner_signed_up_in(client):
    from accounts.models import Organization
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    form = {"business_name": "Fuerza Sur", "time_zone": "Europe/Madrid", "currency": "EUR", "unit_system": "metric"}
    assert client.post("/business/new/", form, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").status_code == 302
    assert Organization.objects.get(name="Fuerza Sur").language == "es"
