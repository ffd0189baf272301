"""Every page a person can reach by following links works: signed in as each role of the demo
business, follow every same-site link from the dashboard (breadth first) and require that none
answers with an error. A broken link, a page that crashes on real data, or a link shown to someone
who may not follow it fails here."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from freezegun import freeze_time

from accounts.models import User
from tests.shared_data import DEMO_NOW

# The demo business (the `demo` fixture) is built once per test process as of DEMO_NOW; the
# pages are read at that moment too, so "this week" is the week its calendar was filled for.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

HREF = re.compile(r'href="([^"]+)"')
# Not pages: files to download, the back office (covered by test_admin_coverage) and the API.
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/account/logout", "/healthz")
SKIP_SUFFIXES = (".csv", ".pdf", ".ics", ".png", ".jpg", ".webp", ".svg")
MAX_PAGES = 400
# Pages of one shape (same path with numbers and ids masked, same query keys) are visited at most
# twice, so endless "next week" links and long lists stay cheap while every kind of page is seen.
PER_SHAPE = 2
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")


def _shape(url: str) -> tuple[str, frozenset]:
    parts = urlsplit(url)
    keys = frozenset(pair.split("=", 1)[0] for pair in parts.query.split("&") if pair)
    return ID.sub("#", parts.path), keys


def _links(html: str) -> set[str]:
    found = set()
    for raw in HREF.findall(html):
        url = urldefrag(raw.replace("&amp;", "&"))[0]
        if not url.startswith("/") or url.startswith("//"):
            continue
        path = urlsplit(url).path
        if path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES):
            continue
        found.add(url)
    return found


def _crawl(client, start: str) -> tuple[dict[str, int], dict[str, str]]:
    seen: dict[str, int] = {}
    found_on: dict[str, str] = {}
    shapes: dict[tuple, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        shape = _shape(url)
        if url in seen or shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for link in _links(response.content.decode()):
                if link not in seen:
                    found_on.setdefault(link, url)
                    queue.append(link)
    return seen, found_on


ROLES = [
    ("owner@demo.mecto.test", "/dashboard/"),
    ("coach@demo.mecto.test", "/dashboard/"),
    ("assistant@demo.mecto.test", "/dashboard/"),
    ("client@demo.mecto.test", "/portal/"),
]


@pytest.mark.parametrize(("email", "start"), ROLES, ids=[email.split("@")[0] for email, _start in ROLES])
@freeze_time(DEMO_NOW)
def test_every_linked_page_answers_without_error_for_each_role(client, email, start):
    client.force_login(User.objects.get(email=email))
    seen, found_on = _crawl(client, start)
    broken = {url: (status, found_on.get(url)) for url, status in seen.items() if status >= 400}
    assert not broken, f"{email}: links that fail (status, found on): {broken}"
    assert len(seen) >= 15, (email, seen)  # the crawl really walked the site


@freeze_time(DEMO_NOW)
def test_every_linked_public_page_answers_without_error_for_a_stranger(client):
    """The landing page and the business's public booking page down to the details form."""
    for start in ("/", "/book/northside-strength/"):
        seen, found_on = _crawl(client, start)
        broken = {url: (status, found_on.get(url)) for url, status in seen.items() if status >= 400}
        assert not broken, f"anonymous: links that fail (status, found on): {broken}"
    assert any("/book/northside-strength/" in url and url.count("/") > 4 for url in seen), seen
