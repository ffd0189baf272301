"""/api/v1/brand/ (members read, owners change, JSON or multipart), the logo and icon routes,
the /me brand block, tenancy between businesses and API tokens."""

import json

import pytest
from rest_framework.test import APIClient

from branding import services
from branding.models import BrandSettings
from integrations import services_tokens
from tests.conftest import api_as
from tests.factories import MembershipFactory, OrganizationFactory

from .brand_images import SVG, png_bytes, upload

pytestmark = pytest.mark.django_db
URL = "/api/v1/brand/"


def test_members_read_the_defaults_before_anything_is_saved(coach_api, org):
    response = coach_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["primary"] == "#15803d" and body["logo_url"] == "" and body["font"] == "system"
    assert body["contrast"]["minimum"] == 4.5 and body["contrast"]["primary_on_page"] >= 4.5
    assert not BrandSettings.objects.exists()  # a read creates nothing


def test_only_the_owner_changes_it(coach_api, owner_api, org):
    assert coach_api.patch(URL, {"primary": "#0f766e"}, format="json").status_code == 403
    assert not BrandSettings.objects.exists()
    response = owner_api.patch(URL, {"primary": "#0F766E", "font": "serif"}, format="json")
    assert response.status_code == 200
    assert response.json()["primary"] == "#0f766e" and response.json()["primary_text"] == "#ffffff"
    assert BrandSettings.objects.get(organization=org).font == "serif"


def test_clients_cannot_use_it(client_record):
    api = api_as(client_record.user)
    assert api.get(URL).status_code == 403
    assert api.patch(URL, {"primary": "#0f766e"}, format="json").status_code == 403


def test_an_unreadable_colour_is_a_400_naming_the_ratio_and_a_shade(owner_api, org):
    response = owner_api.patch(URL, {"primary": "#4ade80", "accent": "#fde047", "font": "serif"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "1.74:1" in errors["primary"][0] and services.passing_shade("#4ade80") in errors["primary"][0]
    assert services.passing_shade("#fde047") in errors["accent"][0]
    assert not BrandSettings.objects.exists()  # the valid font was not saved either


@pytest.mark.parametrize(
    "body, field",
    [
        ({"font": "wingdings"}, "font"),
        ({"reply_to": "nope"}, "reply_to"),
        ({"sender_name": "x\ny"}, "sender_name"),
        ({"footer": "x" * 501}, "footer"),
        ({"social_links": [{"label": "Website", "url": "ftp://example.com"}]}, "social_links"),
        ({"social_links": "nonsense"}, "social_links"),
        ({"social_links": [{"label": "Website", "url": f"https://e.com/{n}"} for n in range(9)]}, "social_links"),
        ({"features": ["poker"]}, "features"),
        ({"primary": 12}, "primary"),
    ],
)
def test_bad_bodies_are_400_with_field_errors(owner_api, body, field):
    response = owner_api.patch(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in {key.split(".")[0] for key in response.json()["errors"]}
    assert not BrandSettings.objects.exists()


def test_put_replaces_the_brand_and_what_is_left_out_returns_to_its_default(owner_api, org):
    owner_api.patch(URL, {"font": "serif", "footer": "Leeds", "features": ["training"]}, format="json")
    response = owner_api.put(URL, {"primary": "#1e3a8a"}, format="json")
    assert response.status_code == 200
    row = BrandSettings.objects.get(organization=org)
    assert (row.primary, row.font, row.footer) == ("#1e3a8a", "system", "")
    assert len(row.features) == 8


def test_a_multipart_patch_carries_the_logo_icon_and_links(owner_api, org):
    response = owner_api.patch(
        URL,
        {
            "primary": "#0f766e",
            "logo": upload(png_bytes()),
            "icon": upload(png_bytes((300, 300)), "icon.png"),
            "social_links": json.dumps([{"label": "Instagram", "url": "https://instagram.com/x"}]),
            "features": ["training", "booking"],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["logo_url"].startswith("http") and body["icon_url"]
    assert (body["logo_width"], body["logo_height"]) == (600, 200)
    assert body["social_links"] == [{"label": "Instagram", "url": "https://instagram.com/x"}]
    assert body["features"] == ["booking", "training"]


def test_a_refused_logo_in_a_patch_saves_nothing_else(owner_api, org):
    response = owner_api.patch(URL, {"primary": "#0f766e", "logo": upload(SVG, "x.svg")}, format="multipart")
    assert response.status_code == 400 and "logo" in response.json()["errors"]
    assert not BrandSettings.objects.exists()


def test_the_logo_and_icon_routes_upload_and_remove(owner_api, coach_api, org):
    assert coach_api.post(f"{URL}logo/", {"file": upload(png_bytes())}, format="multipart").status_code == 403
    response = owner_api.post(f"{URL}logo/", {"file": upload(png_bytes())}, format="multipart")
    assert response.status_code == 200 and response.json()["logo_url"]
    response = owner_api.post(f"{URL}icon/", {"file": upload(png_bytes((256, 256)))}, format="multipart")
    assert response.status_code == 200 and response.json()["icon_url"]
    bad = owner_api.post(f"{URL}logo/", {"file": upload(b"not an image")}, format="multipart")
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
    assert owner_api.post(f"{URL}logo/", {}, format="multipart").status_code == 400
    assert owner_api.delete(f"{URL}logo/").status_code == 204
    assert owner_api.delete(f"{URL}icon/").status_code == 204
    assert owner_api.get(URL).json()["logo_url"] == "" and owner_api.get(URL).json()["icon_url"] == ""


def test_each_business_reads_and_changes_only_its_own_brand(org, owner_api):
    other = OrganizationFactory()
    other_owner = MembershipFactory(organization=other, role="owner").user
    owner_api.patch(URL, {"primary": "#0f766e", "display_name": "Mine"}, format="json")
    theirs = api_as(other_owner)
    assert theirs.get(URL).json()["display_name"] == ""
    assert theirs.get(URL, HTTP_X_ORGANIZATION=str(org.pk)).json()["display_name"] == ""
    theirs.patch(URL, {"display_name": "Theirs"}, format="json", HTTP_X_ORGANIZATION=str(org.pk))
    assert BrandSettings.objects.get(organization=org).display_name == "Mine"
    assert BrandSettings.objects.get(organization=other).display_name == "Theirs"


def test_api_tokens_cannot_read_or_change_the_brand(owner, org):
    _token, secret = services_tokens.create_token(
        organization=org, actor=owner, name="all", scopes=dict.fromkeys(("clients", "training", "booking"), "write")
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(URL).status_code == 403
    assert api.patch(URL, {"primary": "#0f766e"}, format="json").status_code == 403
    assert not BrandSettings.objects.exists()


def test_me_carries_the_default_brand_then_the_saved_one(owner_api, org, client_record):
    brand = owner_api.get("/api/v1/me/").json()["brand"]
    assert brand["name"] == org.name and brand["is_custom"] is False and brand["primary"] == "#15803d"
    owner_api.patch(
        URL,
        {
            "primary": "#0f766e",
            "display_name": "Teal",
            "features": ["training"],
            "social_links": [{"label": "X", "url": "https://x.com/teal"}],
        },
        format="json",
    )
    owner_api.post(f"{URL}logo/", {"file": upload(png_bytes())}, format="multipart")
    for api in (owner_api, api_as(client_record.user)):
        brand = api.get("/api/v1/me/").json()["brand"]
        assert brand["is_custom"] is True and brand["name"] == "Teal" and brand["primary"] == "#0f766e"
        assert brand["features"] == ["training"] and brand["social_links"] == [
            {"label": "X", "url": "https://x.com/teal"}
        ]
        assert brand["logo_url"].startswith("http") and "font_stack" in brand


def test_me_of_someone_without_a_business_has_the_platform_brand():
    from tests.factories import UserFactory

    brand = api_as(UserFactory()).get("/api/v1/me/").json()["brand"]
    assert brand["name"] == "Mecto" and brand["is_custom"] is False


def test_the_schema_describes_the_brand_routes(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "patch", "put"} <= set(paths["/api/v1/brand/"])
    assert "multipart/form-data" in paths["/api/v1/brand/"]["patch"]["requestBody"]["content"]
    assert {"post", "delete"} <= set(paths["/api/v1/brand/logo/"])
    me = schema["components"]["schemas"]["Me"]["properties"]
    assert "brand" in me
