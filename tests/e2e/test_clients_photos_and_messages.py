"""A coach uploads a phone photo (its GPS is gone), compares before/after, and sees the
client's reply from the app appear in the conversation without reloading."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from PIL import Image
from playwright.sync_api import expect
from rest_framework.test import APIClient

from accounts.services import sign_up_business
from clients.models import ProgressPhoto
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


def _phone_photo(path, color) -> None:
    img = Image.new("RGB", (600, 400), color)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 12.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    img.save(path, "JPEG", exif=exif)


def test_photo_from_a_phone_compare_and_live_reply(page, tmp_path, screenshot_dir):
    user, org = sign_up_business(email="cory@example.com", password=PASSWORD, business_name="Cory Fitness")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    member = ClientFactory(organization=org, first_name="Tia", last_name="Roe", user=UserFactory(), coach=user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/dashboard/"))

    page.goto(f"/clients/{member.pk}/progress/")
    for day, color in (("2026-01-10", (200, 60, 60)), ("2026-03-10", (60, 160, 60))):
        photo = tmp_path / f"IMG_{day}.jpg"
        _phone_photo(photo, color)
        details = page.locator("#photos details")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        page.locator("#photo_image").set_input_files(str(photo))
        page.get_by_label("Taken on").fill(day)
        page.get_by_label("Pose").select_option("front")
        page.get_by_role("button", name="Upload photo").click()
        expect(page.get_by_text("Photo added.")).to_be_visible()
    stored = ProgressPhoto.objects.filter(client=member).order_by("taken_on")
    assert stored.count() == 2
    with stored[0].image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert not image.getexif().get_ifd(0x8825) and image.size == (400, 600)
    thumbs = page.locator(".photo-grid img")
    assert thumbs.count() == 2
    for src in page.evaluate("() => Array.from(document.querySelectorAll('.photo-grid img')).map(i => i.src)"):
        fetched = page.request.get(src)
        assert fetched.status == 200 and fetched.headers["content-type"] == "image/jpeg", (src, fetched.status)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.photo-grid img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=f"{screenshot_dir}/clients-photos-phone.png", full_page=True)

    page.get_by_role("link", name="Compare before and after").click()
    expect(page.get_by_text("59 days apart")).to_be_visible()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.compare img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=f"{screenshot_dir}/clients-compare-phone.png", full_page=True)

    # The coach writes; the client replies from the app; the page shows it by polling.
    page.get_by_role("link", name="Messages").click()
    page.get_by_label("Message", exact=True).fill("Great progress, Tia!")
    page.get_by_role("button", name="Send").click()
    page.locator(".message").first.wait_for()
    thread = member.threads.get()
    app = APIClient()
    app.force_authenticate(member.user)
    reply = app.post("/api/v1/me/messages/", {"thread": thread.pk, "body": "Thank you coach!"}, format="json")
    assert reply.status_code == 201
    page.get_by_text("Thank you coach!").wait_for(timeout=12000)
    page.screenshot(path=f"{screenshot_dir}/clients-messages-phone.png", full_page=True)
