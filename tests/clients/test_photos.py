"""Progress photos: hostile uploads refused with nothing stored, EXIF/GPS removed, upright,
thumbnails, permission-checked serving and before/after comparison."""

import io
import os
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from clients import services
from clients.models import ProgressPhoto
from mecto.images import MAX_BYTES
from tests.clients.factories import jpeg_bytes
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def phone_photo() -> bytes:
    """A JPEG as a phone makes it: sideways pixels with Orientation=6 and GPS in EXIF."""
    img = Image.new("RGB", (400, 300), (30, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<b>hi</b>")
    return out.getvalue()


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10000, 8000)).save(out, "PNG", optimize=True)
    return out.getvalue()


HOSTILE = {
    "not an image": (b"just some text, not a photo", "not a photo we can read"),
    "truncated": (jpeg_bytes(800, 600, (10, 200, 30))[:1500], "not a photo we can read"),
    "script polyglot": (jpeg_bytes() + b"<script>alert(document.cookie)</script>", "not a plain photo"),
    "zip polyglot": (jpeg_bytes() + _zip(), "not a plain photo"),
    "svg with script": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
        "not a plain photo",
    ),
    "over 15 MB": (b"\xff\xd8\xff\xe0" + b"\0" * MAX_BYTES, "larger than 15 MB"),
    "decompression bomb": (_bomb(), "too many pixels"),
}


def _stored_files() -> list[str]:
    root = settings.MEDIA_ROOT
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files] if os.path.isdir(root) else []


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_uploads_get_a_clear_400_and_store_nothing(coach_api, org, name):
    data, message = HOSTILE[name]
    client = ClientFactory(organization=org)
    upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    response = coach_api.post(
        f"/api/v1/clients/{client.pk}/photos/", {"image": upload, "pose": "front"}, format="multipart"
    )
    assert response.status_code == 400, response.data
    assert message in response.data["errors"]["image"][0]
    assert not ProgressPhoto.objects.exists()
    assert _stored_files() == []


def test_phone_photo_loses_exif_and_gps_and_is_turned_upright(coach_api, org):
    client = ClientFactory(organization=org)
    upload = SimpleUploadedFile("IMG_0001.jpg", phone_photo(), content_type="image/jpeg")
    response = coach_api.post(
        f"/api/v1/clients/{client.pk}/photos/",
        {"image": upload, "pose": "side", "taken_on": "2026-02-01"},
        format="multipart",
    )
    assert response.status_code == 201, response.data
    photo = ProgressPhoto.objects.get()
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.size == (300, 400)  # rotated upright
        exif = stored.getexif()
        assert not exif.get_ifd(0x8825) and 0x0112 not in exif and 0x010F not in exif
    with photo.thumbnail.open("rb") as handle:
        assert max(Image.open(handle).size) <= 480
    assert "IMG_0001" not in photo.image.name and photo.image.name.startswith(f"clients/{org.pk}/")
    image = coach_api.get(response.data["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def _heic() -> bytes:
    """A tiny iPhone-style HEIC, made by pillow-heif itself (a requirement of the project)."""
    import pillow_heif

    out = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (320, 240), (200, 40, 40))).save(out, format="HEIF", quality=60)
    return out.getvalue()


def test_an_iphone_heic_photo_is_accepted_and_stored_as_jpeg(coach_api, org):
    data = _heic()
    assert data[4:12] == b"ftypheic"
    client = ClientFactory(organization=org)
    upload = SimpleUploadedFile("IMG_0002.HEIC", data, content_type="image/heic")
    response = coach_api.post(
        f"/api/v1/clients/{client.pk}/photos/", {"image": upload, "pose": "front"}, format="multipart"
    )
    assert response.status_code == 201, response.data
    photo = ProgressPhoto.objects.get()
    with photo.image.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG" and stored.size == (320, 240)
        red, green, _blue = stored.getpixel((160, 120))
        assert red > 150 and green < 90


def test_an_unaccepted_format_is_refused_naming_the_accepted_ones(coach_api, org):
    out = io.BytesIO()
    Image.new("RGB", (200, 200), (0, 0, 0)).save(out, "GIF")
    client = ClientFactory(organization=org)
    upload = SimpleUploadedFile("anim.gif", out.getvalue(), content_type="image/gif")
    response = coach_api.post(
        f"/api/v1/clients/{client.pk}/photos/", {"image": upload, "pose": "front"}, format="multipart"
    )
    assert response.status_code == 400
    assert "JPEG, PNG, WebP or HEIC" in response.data["errors"]["image"][0]
    assert not ProgressPhoto.objects.exists()


def test_a_client_cannot_reach_another_clients_photo(org):
    owner = ClientFactory(organization=org, user=UserFactory())
    other = ClientFactory(organization=org, user=UserFactory())
    photo = services.upload_photo(
        client=owner, file=SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    )
    mine = api_as(owner.user)
    assert mine.get(f"/api/v1/me/photos/{photo.pk}/image/").status_code == 200
    intruder = api_as(other.user)
    assert intruder.get(f"/api/v1/me/photos/{photo.pk}/").status_code == 404
    assert intruder.get(f"/api/v1/me/photos/{photo.pk}/image/").status_code == 404
    assert intruder.get("/api/v1/me/photos/").data["count"] == 0
    from django.test import Client as Browser

    browser = Browser()
    browser.force_login(other.user)
    assert browser.get(reverse("clients:photo_file", args=[photo.public_id, "full"])).status_code == 404
    browser.force_login(owner.user)
    assert browser.get(reverse("clients:photo_file", args=[photo.public_id, "thumb"])).status_code == 200
    browser.logout()
    assert browser.get(reverse("clients:photo_file", args=[photo.public_id, "full"])).status_code == 404


def test_coach_of_another_business_gets_404_for_the_file(org):
    photo = services.upload_photo(
        client=ClientFactory(organization=org), file=SimpleUploadedFile("a.jpg", jpeg_bytes())
    )
    from django.test import Client as Browser

    from tests.factories import MembershipFactory

    browser = Browser()
    browser.force_login(MembershipFactory().user)
    assert browser.get(reverse("clients:photo_file", args=[photo.public_id, "full"])).status_code == 404


def test_client_uploads_from_the_app_and_coach_compares(client, coach, org):
    me = ClientFactory(organization=org, user=UserFactory())
    api = api_as(me.user)
    for day, color in (("2026-01-01", (200, 0, 0)), ("2026-03-01", (0, 200, 0))):
        upload = SimpleUploadedFile("p.png", _png(color), content_type="image/png")
        response = api.post(
            "/api/v1/me/photos/", {"image": upload, "pose": "front", "taken_on": day}, format="multipart"
        )
        assert response.status_code == 201 and response.data["source"] == "client"
    client.force_login(coach)
    page = client.get(reverse("clients:photo_compare", args=[me.pk]), {"pose": "front"})
    assert page.status_code == 200 and page.context["days_between"] == 59
    assert page.context["before"].taken_on.isoformat() == "2026-01-01"
    progress = client.get(reverse("clients:progress", args=[me.pk])).content.decode()
    assert "Compare before and after" in progress


def test_page_upload_and_delete_remove_files(client, coach, org):
    target = ClientFactory(organization=org)
    client.force_login(coach)
    client.post(
        reverse("clients:photo_upload", args=[target.pk]),
        {"image": SimpleUploadedFile("x.jpg", jpeg_bytes()), "taken_on": "2026-02-02", "pose": "back"},
    )
    photo = ProgressPhoto.objects.get()
    assert len(_stored_files()) == 2
    bad = client.post(
        reverse("clients:photo_upload", args=[target.pk]),
        {"image": SimpleUploadedFile("x.svg", HOSTILE["svg with script"][0]), "taken_on": "2026-02-02", "pose": "back"},
        follow=True,
    )
    assert "not a plain photo" in bad.content.decode()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("clients:photo_delete", args=[target.pk, photo.pk]))
    assert not ProgressPhoto.objects.exists() and _stored_files() == []


def _png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (100, 120), (*color, 255)).save(out, "PNG")
    return out.getvalue()


def test_deleting_a_client_removes_their_photo_files(org, django_capture_on_commit_callbacks):
    target = ClientFactory(organization=org)
    services.upload_photo(client=target, file=SimpleUploadedFile("a.jpg", jpeg_bytes()))
    assert len(_stored_files()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_client(client=target)
    assert _stored_files() == []
