"""On a phone-sized screen a client fills in their weekly check-in with a photo from the
camera; the coach finds it in the review queue, sees the photo and replies, and the reply is
in the client's messages."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.services import sign_up_business
from clients import services
from clients.models import CheckIn, Message, Metric, ProgressEntry, ProgressPhoto
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_client_submits_a_checkin_with_a_photo_and_the_coach_replies(page, tmp_path, screenshot_dir):
    coach, org = sign_up_business(email="cora@example.com", password=PASSWORD, business_name="Cora Coaching")
    EmailAddress.objects.create(user=coach, email=coach.email, verified=True, primary=True)
    portal_user = UserFactory(email="tia@example.com")
    portal_user.set_password(PASSWORD)
    portal_user.save()
    EmailAddress.objects.update_or_create(
        user=portal_user, primary=True, defaults={"email": portal_user.email, "verified": True}
    )
    member = ClientFactory(
        organization=org, first_name="Tia", last_name="Roe", user=portal_user, email=portal_user.email, coach=coach
    )
    services.ensure_builtin_metrics(organization=org)
    form = services.create_checkin_form(organization=org, name="Weekly check-in")
    services.add_checkin_question(form=form, label="How was your week?", kind="scale", required=True)
    weight = Metric.objects.get(organization=org, key="weight")
    services.add_checkin_question(form=form, label="Weight", kind="metric", metric=weight)
    services.add_checkin_question(form=form, label="Front photo", kind="photo", pose="front")
    # Weekly since last week: exactly one check-in has come due.
    services.save_checkin_schedule(
        client=member,
        form=form,
        weekday=0,
        local_time="08:00",
        starts_on="2020-01-06",
        since=timezone.now() - datetime.timedelta(days=7),
    )
    services.open_due_checkins()
    checkin = CheckIn.objects.get(client=member, status="due")

    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, portal_user.email)
    page.wait_for_url(re.compile(r"/portal/"))
    page.goto("/portal/checkins/")
    page.get_by_role("link", name="Fill in").first.click()
    expect(page.get_by_role("heading", name="Weekly check-in")).to_be_visible()
    page.get_by_label("8", exact=True).check()
    page.get_by_label(re.compile(r"^Weight")).fill("71.5")
    photo = tmp_path / "front.jpg"
    Image.new("RGB", (600, 800), (90, 120, 200)).save(photo, "JPEG")
    page.get_by_label("Front photo").set_input_files(str(photo))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{screenshot_dir}/checkin-portal-phone.png", full_page=True)
    page.get_by_role("button", name="Send check-in").click()
    expect(page.get_by_text("Check-in sent.")).to_be_visible()
    checkin.refresh_from_db()
    assert checkin.status == "submitted"
    assert ProgressPhoto.objects.filter(client=member, pose="front").count() == 1
    assert ProgressEntry.objects.get(client=member, metric=weight).value == 71.5

    page.context.clear_cookies()
    _login(page, coach.email)
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.goto("/clients/checkins/")
    expect(page.get_by_role("cell", name=re.compile("Tia Roe"))).to_be_visible()
    page.get_by_role("link", name="Review").first.click()
    expect(page.get_by_role("cell", name="71.5 kg")).to_be_visible()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.photo-pair img')).every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=f"{screenshot_dir}/checkin-review-phone.png", full_page=True)
    page.get_by_label("Reply to the client").fill("Lovely week, Tia. Keep the walks going!")
    page.get_by_role("button", name="Send and mark reviewed").click()
    expect(page.get_by_text("Reply sent and check-in marked reviewed.")).to_be_visible()
    expect(page.get_by_text("Nothing waiting")).to_be_visible()
    message = Message.objects.get(client=member)
    assert message.body == "Lovely week, Tia. Keep the walks going!" and message.sender == coach
    checkin.refresh_from_db()
    assert checkin.status == "reviewed"
