"""In the browser: the client app's manifest is valid, its service worker controls the portal, the
start page opens without a connection, and a workout logged offline is kept and arrives once the
phone is back online. The install prompt and the offline page are looked at on a phone."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _client_with_a_workout_today():
    from tests.training.factories import ExerciseFactory
    from training import selectors, services

    coach = MembershipFactory(role="coach")
    org = coach.organization
    user = UserFactory()
    client = ClientFactory(organization=org, user=user, email=user.email, first_name="Ana")
    program = services.create_program(organization=org, name="Base")
    workout = services.add_workout(week=program.weeks.get(), name="Lower body", day=1)
    services.add_prescribed_exercise(
        block=services.add_block(workout=workout),
        exercise=ExerciseFactory(organization=org, name="Back squat"),
        sets=1,
        reps_min=5,
    )
    services.assign_program(program=program, clients=[client], start_date=selectors.client_today(client))
    return client


def _phone(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        service_workers="allow",
        **options,
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None,
    )
    return context, page, errors


def _login(page, email):
    page.goto("/account/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(dashboard|portal)/"))


def _wait_until(check, timeout=8.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def test_a_workout_logged_offline_is_kept_and_arrives_back_online(browser, live_server, settings, screenshot_dir):
    from training.models import WorkoutLog

    settings.ALLOWED_HOSTS = ["*"]
    client = _client_with_a_workout_today()
    context, page, errors = _phone(browser, live_server)
    _login(page, client.user.email)
    page.goto("/portal/?source=pwa")

    # The manifest the page links to is fetched and is the business's own.
    manifest = page.evaluate(
        """async () => {
            const link = document.querySelector('link[rel="manifest"]');
            const response = await fetch(link.href, {credentials: 'include'});
            return {type: response.headers.get('content-type'), body: await response.json()};
        }"""
    )
    assert manifest["type"] == "application/manifest+json"
    assert manifest["body"]["name"] == client.organization.name
    assert manifest["body"]["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["body"]["icons"]} == {"192x192", "512x512"}

    # The service worker registers at the root and controls the page.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{live_server.url}/"
    # Chromium's own reading of the manifest: no errors, and nothing stops installing the app.
    cdp = context.new_cdp_session(page)
    read = cdp.send("Page.getAppManifest")
    assert read["errors"] == [] and json.loads(read["data"])["short_name"]
    blockers = {e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]}
    assert blockers <= {"in-incognito"}  # a Playwright context is incognito; nothing else stands in the way

    # Open the workout to log while online, so the app keeps it, then lose the connection.
    page.goto("/portal/workouts/")
    page.get_by_role("link", name="Log this workout").first.click()
    page.wait_for_url(re.compile(r"/portal/workouts/.+/log/"))
    log_url = page.url
    page.goto("/portal/?source=pwa")
    context.set_offline(True)

    # The start page opens from what the app kept.
    page.reload()
    expect(page.get_by_role("heading", name="Hi Ana, here is your day")).to_be_visible()

    # A page it never kept shows the offline page.
    page.goto("/portal/messages/")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/pwa-offline-phone.png")

    page.goto(log_url)
    page.get_by_label("Back squat, set 1: Reps").fill("5")
    page.get_by_role("button", name="Save workout").click()
    page.wait_for_url(re.compile(r"/offline/\?queued=1"))
    expect(page.get_by_role("heading", name="Saved on this device")).to_be_visible()
    expect(page.locator("#main").get_by_text("1 entry is waiting")).to_be_visible()
    expect(page.locator("#app-queue")).to_be_hidden()  # the page says it already
    assert not WorkoutLog.objects.filter(client=client).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{screenshot_dir}/pwa-offline-queued-phone.png", full_page=True)

    context.set_offline(False)
    assert _wait_until(lambda: WorkoutLog.objects.filter(client=client).exists()), "the kept workout never arrived"
    expect(page.get_by_text("everything saved offline was sent")).to_be_visible()
    log = WorkoutLog.objects.get(client=client)
    assert [(s.exercise.name, s.reps) for s in log.sets.all()] == [("Back squat", 5)]
    assert not errors, errors
    context.close()


def test_the_install_button_and_the_iphone_hint_on_a_phone(browser, live_server, settings, screenshot_dir):
    settings.ALLOWED_HOSTS = ["*"]
    client = _client_with_a_workout_today()

    context, page, errors = _phone(browser, live_server)
    _login(page, client.user.email)
    page.goto("/portal/")
    install = page.locator("#app-install")
    expect(install).to_be_hidden()
    # What Chromium fires when the app can be installed; the page keeps it for its own button.
    page.evaluate(
        """() => {
            const event = new Event('beforeinstallprompt', {cancelable: true});
            event.prompt = () => { window.promptShown = true; return Promise.resolve(); };
            event.userChoice = Promise.resolve({outcome: 'dismissed'});
            window.dispatchEvent(event);
        }"""
    )
    expect(install.get_by_role("button", name="Install")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{screenshot_dir}/pwa-install-phone.png")
    install.get_by_role("button", name="Install").click()
    assert page.evaluate("window.promptShown") is True
    expect(install).to_be_hidden()
    page.reload()
    page.evaluate("() => window.dispatchEvent(Object.assign(new Event('beforeinstallprompt'), {prompt() {}}))")
    expect(install).to_be_hidden()  # declined once: not offered again
    assert not errors, errors
    context.close()

    context, page, errors = _phone(browser, live_server, user_agent=IPHONE_SAFARI)
    _login(page, client.user.email)
    page.goto("/portal/")
    install = page.locator("#app-install")
    expect(install.get_by_text("Add to Home Screen")).to_be_visible()
    expect(install.get_by_role("button", name="Install")).to_be_hidden()
    page.screenshot(path=f"{screenshot_dir}/pwa-ios-hint-phone.png")
    install.get_by_role("button", name="Not now").click()
    expect(install).to_be_hidden()
    page.reload()
    expect(install).to_be_hidden()
    assert not errors, errors
    context.close()
