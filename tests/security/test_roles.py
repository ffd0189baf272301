"""The role matrix: what owners, coaches and assistants may do with client data, checked on
every surface that guards it (pages, their links, the API) and against the documented table."""

import re
from pathlib import Path

import pytest
from django.test import Client as Browser
from django.urls import reverse

from mecto.events import emit
from mecto.roles import ROLE_CAPABILITIES, role_can
from tests.clients.factories import IntakeSubmissionFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
ROLES = ("owner", "coach", "assistant")
DOC = Path(__file__).resolve().parents[2] / "docs" / "platform.md"


def documented_matrix() -> dict[str, set[str]]:
    """The role matrix of docs/platform.md: `| `capability` | ✓ | ✓ | — | what |` per row."""
    matrix = {}
    for line in DOC.read_text().splitlines():
        line = line.strip()
        match = re.match(r"\|\s*`([a-z_]+\.[a-z_]+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|", line)
        if match:
            cells = [cell.strip() for cell in match.groups()[1:]]
            matrix[match.group(1)] = {role for role, cell in zip(ROLES, cells, strict=True) if cell == "✓"}
    return matrix


def test_the_documented_role_matrix_is_the_one_enforced():
    enforced = {}
    for role, capabilities in ROLE_CAPABILITIES.items():
        for capability in capabilities:
            enforced.setdefault(capability, set()).add(role)
    assert documented_matrix() == enforced


class World:
    def __init__(self, role):
        self.org = OrganizationFactory()
        self.user = MembershipFactory(organization=self.org, role=role).user
        self.client = ClientFactory(organization=self.org, coach=self.user, needs_medical_clearance=True)
        self.submission = IntakeSubmissionFactory(organization=self.org, client=self.client, review="pending")
        self.others = ClientFactory(organization=self.org)  # nobody's: seen on the whole business only
        emit(self.org, "intake.submitted", {"needs_medical_clearance": True}, client=self.client)
        self.browser = Browser()
        self.browser.force_login(self.user)
        self.api = api_as(self.user)


def _status(response, allowed_codes):
    """True when allowed, False when refused with a 403 (or a 404); anything else fails."""
    if response.status_code in allowed_codes:
        return True
    assert response.status_code in (403, 404), response.status_code
    return False


def _health_shown(world) -> bool:
    detail = world.browser.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    listing = world.browser.get(reverse("clients:list")).content.decode()
    shown = [
        reverse("clients:intake", args=[world.client.pk]) in detail,
        "Medical clearance needed." in detail,
        'title="Medical clearance needed"' in listing,
    ]
    assert len(set(shown)) == 1, shown  # all three or none
    return shown[0]


def _timeline_flagged(world) -> bool:
    page = world.browser.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    api = str(world.api.get(f"/api/v1/clients/{world.client.pk}/timeline/").json())
    shown = ["health screening flagged" in text for text in (page, api)]
    assert len(set(shown)) == 1, shown  # page and API agree
    return shown[0]


# (capability, what is checked): each returns True when the surface let the person through.
SURFACES = [
    (
        "clients.view_all",
        "the whole business on ?scope=all (list page and API)",
        lambda w: (
            w.others in w.browser.get(reverse("clients:list"), {"scope": "all"}).context["page"].object_list
            and w.others.pk in {row["id"] for row in w.api.get("/api/v1/clients/", {"scope": "all"}).json()["results"]}
        ),
    ),
    ("clients.export", "export page", lambda w: _status(w.browser.get(reverse("clients:export")), (200,))),
    (
        "clients.export",
        "export link on the list",
        lambda w: "Export these as CSV" in w.browser.get(reverse("clients:list")).content.decode(),
    ),
    (
        "clients.health",
        "intake tab",
        lambda w: _status(w.browser.get(reverse("clients:intake", args=[w.client.pk])), (200,)),
    ),
    ("clients.health", "intake tab link, clearance banner and list badge", lambda w: _health_shown(w)),
    (
        "clients.health",
        "clearance received",
        lambda w: _status(w.browser.post(reverse("clients:clearance", args=[w.client.pk])), (302,)),
    ),
    (
        "clients.health",
        "accept a public-link submission",
        lambda w: _status(
            w.browser.post(
                reverse("clients:intake_review", args=[w.client.pk, w.submission.pk]), {"decision": "discard"}
            ),
            (302,),
        ),
    ),
    (
        "clients.health",
        "API intake answers",
        lambda w: _status(w.api.get(f"/api/v1/clients/{w.client.pk}/intake-answers/"), (200,)),
    ),
    (
        "clients.health",
        "API intake submissions",
        lambda w: _status(w.api.get(f"/api/v1/clients/{w.client.pk}/intake-submissions/"), (200,)),
    ),
    (
        "clients.health",
        "health screening on the timeline (page and API)",
        lambda w: _timeline_flagged(w),
    ),
    (
        "clients.health",
        "API clearance field",
        lambda w: (
            "needs_medical_clearance" in w.api.get(f"/api/v1/clients/{w.client.pk}/").json()
            and "needs_medical_clearance" in w.api.get("/api/v1/clients/").json()["results"][0]
        ),
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_client_data_only_as_the_matrix_says(role):
    world = World(role)
    reached = {(capability, name): check(world) for capability, name, check in SURFACES}
    expected = {(capability, name): role_can(role, capability) for capability, name, _check in SURFACES}
    assert reached == expected
