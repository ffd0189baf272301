"""Every page a person can reach by following links works: signed in as each role of the demo
business, follow every same-site link from the dashboard (breadth first) and require that none
answers with an error, that no page repeats an element id (a repeated id leaves a field without
its label), and, in a phone-sized browser, that no page is wider than the screen. A broken link,
a page that crashes on real data, or a link shown to someone who may not follow it fails here."""

import re
from collections import Counter, deque
from html.parser import HTMLParser
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


class _Ids(HTMLParser):
    """Element ids of a page, outside <template> (its content is not in the document)."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self._in_template = 0

    def handle_starttag(self, tag, attrs):
        if tag == "template":
            self._in_template += 1
        elif not self._in_template:
            self.ids.extend(value for name, value in attrs if name == "id" and value)

    def handle_endtag(self, tag):
        if tag == "template" and self._in_template:
            self._in_template -= 1


def _duplicate_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted(i for i, n in Counter(parser.ids).items() if n > 1)


def _crawl(client, start: str, pages: dict[str, str] | None = None) -> tuple[dict[str, int], dict[str, str]]:
    """Visit every linked page from `start`; `pages` (if given) collects each HTML page's text."""
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
            html = response.content.decode()
            if pages is not None:
                pages[url] = html
            for link in _links(html):
                if link not in seen:
                    found_on.setdefault(link, url)
                    queue.append(link)
    return seen, found_on


PUBLIC_STARTS = ("/", "/book/northside-strength/")
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
    pages: dict[str, str] = {}
    seen, found_on = _crawl(client, start, pages)
    broken = {url: (status, found_on.get(url)) for url, status in seen.items() if status >= 400}
    assert not broken, f"{email}: links that fail (status, found on): {broken}"
    assert len(seen) >= 15, (email, seen)  # the crawl really walked the site
    repeated = {url: ids for url, html in pages.items() if (ids := _duplicate_ids(html))}
    assert not repeated, f"{email}: pages that repeat an element id: {repeated}"
    wide = _overflowing_pages(_one_page_per_shape(pages))
    assert not wide, f"{email}: {PHONE_PROBLEMS}: {wide}"


@freeze_time(DEMO_NOW)
def test_every_linked_public_page_answers_without_error_for_a_stranger(client):
    """The landing page and the business's public booking page down to the details form."""
    pages: dict[str, str] = {}
    for start in PUBLIC_STARTS:
        seen, found_on = _crawl(client, start, pages)
        broken = {url: (status, found_on.get(url)) for url, status in seen.items() if status >= 400}
        assert not broken, f"anonymous: links that fail (status, found on): {broken}"
    repeated = {url: ids for url, html in pages.items() if (ids := _duplicate_ids(html))}
    assert not repeated, f"anonymous: pages that repeat an element id: {repeated}"
    wide = _overflowing_pages(_one_page_per_shape(pages))
    assert not wide, f"anonymous: {PHONE_PROBLEMS}: {wide}"
    assert any("/book/northside-strength/" in url and url.count("/") > 4 for url in seen), seen


# One phone-sized browser pass over one page of each shape the crawl found, for every role. The
# pages are the HTML the crawl already fetched (as of DEMO_NOW); the browser gets them and the
# static files through request routing, so no server runs and nothing is fetched twice.
PHONE = {"width": 390, "height": 844}
PHONE_PROBLEMS = "pages too wide for a 390 px phone, with clipped cells, small targets or unreadable text"
OVERFLOW_JS = """() => {
  const root = document.documentElement, width = root.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(el => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) return false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX !== 'visible' && style.overflowX !== 'clip') return false;  // it scrolls inside
    }
    return true;
  });
  const leaves = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const small = [...document.querySelectorAll('input[type=checkbox], input[type=radio]')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && (box.width < 24 || box.height < 24);  // WCAG 2.2 target size
  });
  // A table cell cut off at the screen's edge (inside a frame that scrolls sideways) counts too.
  const clipped = [...document.querySelectorAll('td, th')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && (box.right > width + 1 || box.left < -1);
  });
  // Text that cannot be read: its colour against the background it sits on below 3:1 (WCAG's
  // floor for large text and controls), e.g. a current tab whose text takes the brand colour of
  // its own background.
  const rgb = value => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(c => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const backdrop = el => {
    for (let node = el; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] > 0.5)) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const unreadable = [...document.querySelectorAll('body *')].filter(el => {
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!text || box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') return false;
    if (el.closest('.visually-hidden, [hidden], [aria-hidden=true]')) return false;
    const [a, b] = [luminance(rgb(getComputedStyle(el).color).slice(0, 3)), luminance(backdrop(el))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) < 3;
  });
  return {overflow: root.scrollWidth - width, small_targets: small.length, culprits: leaves.slice(0, 5).map(el =>
    name(el) + ' ' + Math.round(el.getBoundingClientRect().right - width) + 'px'),
    clipped_cells: clipped.length,
    clipped: clipped.slice(0, 3).map(el => name(el) + ' ' + el.textContent.trim().slice(0, 30)),
    unreadable: unreadable.length,
    unreadable_text: unreadable.slice(0, 3).map(el => name(el) + ' ' + el.textContent.trim().slice(0, 30))};
}"""


def _one_page_per_shape(pages: dict[str, str]) -> dict[str, str]:
    chosen: dict[tuple, tuple[str, str]] = {}
    for url, html in pages.items():
        chosen.setdefault(_shape(url), (url, html))
    return dict(chosen.values())


def _overflowing_pages(pages: dict[str, str]) -> dict[str, dict]:
    """Open every page in a 390 px wide Chromium; answer {url: problems} for the pages wider than
    the screen, with a table cell cut off at the screen's edge, with a checkbox or radio button
    smaller than a 24 px target, or with text too close to its background's colour to read."""
    from django.contrib.staticfiles import finders
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    def serve(route):
        parts = urlsplit(route.request.url)
        if parts.path.startswith("/static/") and (path := finders.find(parts.path.removeprefix("/static/"))):
            with open(path, "rb") as file:
                return route.fulfill(status=200, body=file.read(), content_type=_content_type(path))
        if route.request.resource_type == "document":
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            return route.fulfill(status=200, body=pages.get(url, ""), content_type="text/html; charset=utf-8")
        return route.fulfill(status=204, body="")

    found: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=PHONE)
        page.route("**/*", serve)
        for url in pages:
            page.goto("http://testserver" + url, wait_until="load")
            result = page.evaluate(OVERFLOW_JS)
            if result["overflow"] > 0 or result["small_targets"] or result["clipped_cells"] or result["unreadable"]:
                found[url] = result
        browser.close()
    return found


def _content_type(path: str) -> str:
    for suffix, kind in ((".css", "text/css"), (".js", "text/javascript"), (".svg", "image/svg+xml")):
        if path.endswith(suffix):
            return kind
    return "application/octet-stream"
