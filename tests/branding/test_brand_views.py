"""The owner's brand page: who may open it, what it saves, and bad input shown beside its field."""

import re

import pytest

from branding.models import BrandSettings
from branding.services import passing_shade

from .brand_images import SVG, png_bytes, upload

pytestmark = pytest.mark.django_db
URL = "/settings/brand/"


def _form_values(html: str) -> dict:
    """What a browser would post back for the page as shown (text inputs, selects, checkboxes)."""
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None or name.group(1) == "csrfmiddlewaretoken" or 'type="file"' in tag:
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                data.setdefault(name.group(1), []).append(value.group(1) if value else "on")
            continue
        data[name.group(1)] = value.group(1) if value else ""
    for select in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
        data[select[0]] = chosen.group(1) if chosen else ""
    textarea = re.search(r'<textarea name="footer"[^>]*>(.*?)</textarea>', html, re.S)
    data["footer"] = textarea.group(1).strip() if textarea else ""
    return data


@pytest.fixture
def owner_browser(client, owner):
    client.force_login(owner)
    return client


def test_the_owner_sees_the_form_the_preview_and_a_nav_link(owner_browser):
    response = owner_browser.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Primary colour", "Accent colour", "Font", "Logo", "App icon", "Email sender name", "Footer"):
        assert label in html
    assert 'type="color"' in html and 'id="primary-contrast"' in html
    assert "brand-settings.js" in html and "Preview" in html
    assert 'href="/settings/brand/"' in html  # in the navigation
    assert "on white: readable" in html


def test_coaches_and_assistants_cannot_open_it_and_clients_get_404(client, coach, assistant, client_record):
    for user, code in ((coach, 403), (assistant, 403), (client_record.user, 404)):
        client.force_login(user)
        assert client.get(URL).status_code == code
        assert client.post(URL, {"primary": "#000000"}).status_code == code
    assert not BrandSettings.objects.exists()


def test_signed_out_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_posting_the_page_untouched_saves_the_defaults(owner_browser, org):
    data = _form_values(owner_browser.get(URL).content.decode())
    response = owner_browser.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = BrandSettings.objects.get(organization=org)
    assert row.primary == "#15803d" and row.font == "system" and row.updated_by is not None


def test_a_half_filled_post_is_a_form_error_not_a_500(owner_browser, org):
    response = owner_browser.post(URL, {"primary": "#0f766e"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_accent_error"' in html and 'id="id_font_error"' in html
    assert not BrandSettings.objects.filter(organization=org).exists()


def test_an_unreadable_colour_is_refused_with_the_reason_beside_the_field(owner_browser, org):
    data = _form_values(owner_browser.get(URL).content.decode())
    response = owner_browser.post(URL, {**data, "primary": "#4ade80", "display_name": "Kept in the form"})
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'<ul class="errorlist" id="id_primary_error"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert "1.74:1" in error and "4.5:1" in error and passing_shade("#4ade80") in error
    assert 'value="Kept in the form"' in html and 'value="#4ade80"' in html
    assert not BrandSettings.objects.filter(organization=org).exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"primary": "not a colour"}, "id_primary_error"),
        ({"primary": "#0f766e</style><script>"}, "id_primary_error"),
        ({"font": "papyrus"}, "id_font_error"),
        ({"sender_name": "Me <a@b.c>"}, "id_sender_name_error"),
        ({"reply_to": "nope"}, "id_reply_to_error"),
        ({"footer": "<b>bold</b>"}, "id_footer_error"),
        ({"features": ["training", "lottery"]}, "id_features_error"),
        ({"social_label_0": "Instagram", "social_url_0": "http://instagram.com/x"}, "social-error"),
        ({"social_label_0": "", "social_url_0": "https://instagram.com/x"}, "social-error"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_saves_nothing(owner_browser, org, changes, field):
    data = _form_values(owner_browser.get(URL).content.decode())
    response = owner_browser.post(URL, {**data, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}"' in html
    assert "</style><script>" not in html
    assert not BrandSettings.objects.filter(organization=org).exists()


def test_the_page_saves_everything_and_shows_it_again(owner_browser, org):
    data = _form_values(owner_browser.get(URL).content.decode())
    data.update(
        display_name="Teal Gym",
        primary="#0F766E",
        accent="#7c2d12",
        font="rounded",
        sender_name="Olivia",
        reply_to="olivia@example.com",
        footer="Leeds",
        features=["training", "booking"],
        social_label_0="Instagram",
        social_url_0="https://instagram.com/teal",
        logo=upload(png_bytes()),
        icon=upload(png_bytes((256, 256)), "icon.png"),
    )
    assert owner_browser.post(URL, data).status_code == 302
    row = BrandSettings.objects.get(organization=org)
    assert (row.display_name, row.primary, row.font) == ("Teal Gym", "#0f766e", "rounded")
    assert row.features == ["booking", "training"]
    assert row.social_links == [{"label": "Instagram", "url": "https://instagram.com/teal"}]
    assert row.logo and row.icon and row.logo_width == 600
    html = owner_browser.get(URL).content.decode()
    assert "Your current logo" in html and "Your current icon" in html and "Teal Gym" in html
    assert 'value="https://instagram.com/teal"' in html
    again = _form_values(html)
    assert owner_browser.post(URL, {**again, "remove_logo": "on"}).status_code == 302
    row.refresh_from_db()
    assert not row.logo and row.icon


def test_a_bad_logo_is_refused_beside_the_field_and_nothing_else_changes(owner_browser, org):
    data = _form_values(owner_browser.get(URL).content.decode())
    response = owner_browser.post(URL, {**data, "primary": "#0f766e", "logo": upload(SVG, "logo.svg", "image/svg+xml")})
    assert response.status_code == 400
    assert 'id="id_logo_error"' in response.content.decode()
    assert "SVG files are not accepted" in response.content.decode()
    assert not BrandSettings.objects.filter(organization=org).exists()  # the colour rolled back with it
