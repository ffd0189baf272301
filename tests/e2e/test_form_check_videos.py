"""A client records a clip in the browser and sends it as a form check: the page draws its
first frame as the poster; the coach watches it and replies about it."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.services import sign_up_business
from clients.models import FormCheckReply, FormCheckVideo
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"

# A real WebM, made by the browser itself: a canvas animation recorded for a second.
RECORD_AND_PICK = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 320; canvas.height = 240;
  const ctx = canvas.getContext("2d");
  const stream = canvas.captureStream(25);
  const recorder = new MediaRecorder(stream, { mimeType: "video/webm" });
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  let frame = 0;
  const paint = () => { ctx.fillStyle = `hsl(${(frame++ * 12) % 360} 70% 50%)`; ctx.fillRect(0, 0, 320, 240); };
  const timer = setInterval(paint, 40);
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, 700));
  await new Promise((resolve) => { recorder.onstop = resolve; recorder.stop(); });
  clearInterval(timer);
  const file = new File(chunks, "squat.webm", { type: "video/webm" });
  const input = document.querySelector("#id_video");
  const transfer = new DataTransfer();
  transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}"""


def _log_in(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_form_check_video_from_the_browser_to_the_coachs_reply(page, screenshot_dir):
    coach, org = sign_up_business(email="vera@example.com", password=PASSWORD, business_name="Vera Strength")
    EmailAddress.objects.create(user=coach, email=coach.email, verified=True, primary=True)
    user = UserFactory(email="tom@example.com")
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    member = ClientFactory(
        organization=org, first_name="Tom", last_name="Reyes", user=user, email=user.email, coach=coach
    )

    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, user.email)
    page.wait_for_url(re.compile(r"/portal/"))
    page.goto("/portal/messages/")
    page.evaluate(RECORD_AND_PICK)
    page.wait_for_function("() => document.querySelector('input[name=poster]').files.length === 1")
    page.locator("#id_body").fill("Is my squat depth OK?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".form-check-video video")).to_be_visible()
    video = FormCheckVideo.objects.get(client=member)
    assert video.container == "webm" and video.poster and 0.3 < video.duration_ms / 1000 < 3

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_in(page, coach.email)
    page.wait_for_url(re.compile(r"/dashboard/"))
    page.goto(f"/clients/{member.pk}/messages/")
    player = page.locator(".form-check-video video")
    expect(player).to_have_attribute("poster", re.compile(rf"/videos/{video.public_id}/poster/"))
    page.wait_for_function("() => document.querySelector('.form-check-video video').readyState >= 1")
    page.screenshot(path=f"{screenshot_dir}/form-check-coach-1366.png", full_page=True)
    page.get_by_text("Reply about this video").click()
    page.get_by_label("Your feedback on the movement").fill("Good depth: keep the chest up at the bottom.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.locator(".form-check-quote").first).to_be_visible()
    assert FormCheckReply.objects.get().video == video
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{screenshot_dir}/form-check-coach-390.png", full_page=True)
