"""Browser tests: Playwright drives Debian's Chromium (headless) against a live server."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by tests
# (reading outbox email, creating fixtures) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _shared_data_rolled_back_before_the_live_server(django_db_blocker):
    """Browser tests are transactional and run after the tests that share data (tests/shared_data.py),
    but their session fixtures (the live server) are set up before a test's own database
    fixtures roll that data back: roll it back first, so the server starts on a clean database."""
    from tests import shared_data

    shared_data.teardown(django_db_blocker)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        browser.new_context = _service_workers_blocked_unless_asked(browser.new_context)
        yield browser
        browser.close()


def _service_workers_blocked_unless_asked(new_context):
    """The app's service worker is driven by the installable-app tests, which pass
    `service_workers="allow"`; elsewhere it is blocked, so a page flow measures the pages and
    not the worker's background fetches (install, start-page refresh) racing them."""

    def with_default(*args, **kwargs):
        kwargs.setdefault("service_workers", "block")
        return new_context(*args, **kwargs)

    return with_default


@pytest.fixture
def page(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None,
    )
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


@pytest.fixture
def screenshot_dir():
    path = os.environ.get("E2E_SCREENSHOTS", "var/screenshots")
    os.makedirs(path, exist_ok=True)
    return path
