"""The role matrix: what owners, coaches and assistants may do with client data, checked on
every surface that guards it (pages, their links, the API) and against the documented table."""

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from django.test import Client as Browser
from django.urls import reverse

from clients.models import IntakeSubmission
from clients.selectors import intake_answers
from mecto.events import emit
from mecto.roles import ROLE_CAPABILITIES, role_can
from tests.clients.factories import IntakeSubmissionFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory
from training import services as training_services
from training.generator.api import profile_from_intake

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


INJURY_NOTE = "ACL repair in 2023, cleared to train"
NEUTRAL = "adapted to the client's health screening"


class World:
    def __init__(self, role):
        self.org = OrganizationFactory()
        self.user = MembershipFactory(organization=self.org, role=role).user
        self.client = ClientFactory(
            organization=self.org,
            coach=self.user,
            needs_medical_clearance=True,
            date_of_birth=date(1990, 4, 17),
            emergency_contact_name="Erin Emergency",
            emergency_contact_phone="+447700900123",
            emergency_contact_relationship="sister",
        )
        IntakeSubmission.objects.create(
            organization=self.org,
            client=self.client,
            source=IntakeSubmission.Source.COACH,
            answers={
                "goal": "strength",
                "experience": "intermediate",
                "days_per_week": 3,
                "session_minutes": 60,
                "equipment": ["barbell", "dumbbell"],
                "injuries": ["shoulder"],
                "injury_notes": INJURY_NOTE,
                "parq_bone_joint": True,
            },
        )
        self.program = training_services.generate_draft(
            organization=self.org,
            profile=profile_from_intake(intake_answers(client=self.client)),
            seed=1,
            client=self.client,
        )
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


def _health_details_shown(world) -> bool:
    """Date of birth and emergency contact: page, edit form, API detail and list agree."""
    detail = world.browser.get(reverse("clients:detail", args=[world.client.pk])).content.decode()
    edit = world.browser.get(reverse("clients:edit", args=[world.client.pk])).content.decode()
    one = world.api.get(f"/api/v1/clients/{world.client.pk}/").json()
    listed = world.api.get("/api/v1/clients/").json()["results"][0]
    shown = [
        "17 Apr 1990" in detail and "Erin Emergency" in detail,
        'name="date_of_birth"' in edit and 'name="emergency_contact_phone"' in edit,
        one.get("date_of_birth") == "1990-04-17" and one.get("emergency_contact_name") == "Erin Emergency",
        "date_of_birth" in listed and "emergency_contact_phone" in listed,
    ]
    hidden = [
        "1990" not in detail and "Erin" not in detail and "+447700900123" not in detail,
        "date_of_birth" not in edit and "emergency_contact" not in edit,
        not any(key in one for key in ("date_of_birth", "emergency_contact_name", "emergency_contact_phone")),
        not any(key.startswith(("date_of_birth", "emergency_contact")) for key in listed),
    ]
    assert len(set(shown)) == 1 and all(hidden) == (not shown[0]), (shown, hidden)
    return shown[0]


def _health_details_written(world) -> bool:
    """A write of a health detail: saved (200), or a 400 naming the field that changes nothing."""
    response = world.api.patch(
        f"/api/v1/clients/{world.client.pk}/",
        {"date_of_birth": "1991-01-01", "emergency_contact_phone": "+447700900999"},
        format="json",
    )
    world.client.refresh_from_db()
    if response.status_code == 200:
        assert world.client.date_of_birth == date(1991, 1, 1)
        return True
    assert response.status_code == 400, response.status_code
    assert set(response.json()["errors"]) == {"date_of_birth", "emergency_contact_phone"}
    assert world.client.date_of_birth == date(1990, 4, 17) and world.client.emergency_contact_phone == "+447700900123"
    # The rest of a body without health fields still saves.
    assert (
        world.api.patch(f"/api/v1/clients/{world.client.pk}/", {"goals": "Run 5 km"}, format="json").status_code == 200
    )
    return False


def _generator_complaints_shown(world) -> bool:
    """The generator page, the builder's check and the API's check name the complaints for
    those who may see them; the others read the neutral sentence, and the draft avoids the
    same exercises either way."""
    generate = unescape(world.browser.get(reverse("training:generate"), {"client": world.client.pk}).content.decode())
    builder = unescape(world.browser.get(reverse("training:builder", args=[world.program.pk])).content.decode())
    api = world.api.get(f"/api/v1/programs/{world.program.pk}/validate/").json()
    shown = [
        INJURY_NOTE in generate and 'name="injury_notes"' in generate,
        "injuries: shoulder" in builder,  # the profile reads in the person's language, mid-sentence
        api["profile"]["injuries"] == ["shoulder"] and api["profile"]["injury_notes"] == INJURY_NOTE,
    ]
    neutral = [
        NEUTRAL in generate and INJURY_NOTE not in generate and 'name="injuries"' not in generate,
        "Adapted to the client's health screening." in builder and "injuries: shoulder" not in builder,
        api["profile"]["injuries"] == []
        and api["profile"]["injury_notes"] == ""
        and "Adapted to the client's health screening." in api["notes"],
    ]
    assert "ACL" not in builder or shown[1], "the builder names a complaint"
    assert len(set(shown)) == 1 and all(neutral) != shown[0], (shown, neutral)
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
    ("clients.health", "date of birth and emergency contact (page, edit form, API)", _health_details_shown),
    ("clients.health", "API write of date of birth and emergency contact", _health_details_written),
    (
        "clients.health",
        "the complaints on the generator page, builder check and API check",
        _generator_complaints_shown,
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
def test_each_role_reaches_client_data_only_as_the_matrix_says(role, library):
    world = World(role)
    reached = {(capability, name): check(world) for capability, name, check in SURFACES}
    expected = {(capability, name): role_can(role, capability) for capability, name, _check in SURFACES}
    assert reached == expected


@pytest.mark.parametrize("health", [True, False])
def test_the_back_office_shows_health_details_only_to_staff_with_the_health_permission(health):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    org = OrganizationFactory()
    client = ClientFactory(organization=org, date_of_birth=date(1990, 4, 17), emergency_contact_name="Erin Emergency")
    IntakeSubmissionFactory(organization=org, client=client)
    staff = UserFactory(is_staff=True)
    wanted = ["view_client", "view_intakesubmission"] + (["view_health"] if health else [])
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="clients", codename__in=wanted))
    browser = Browser()
    browser.force_login(staff)
    change = browser.get(reverse("admin:clients_client_change", args=[client.pk])).content.decode()
    listing = browser.get(reverse("admin:clients_client_changelist")).content.decode()
    support = browser.get(reverse("admin:clients_client_360", args=[client.pk])).content.decode()
    submissions = browser.get(reverse("admin:clients_intakesubmission_changelist"))
    shown = [
        "1990" in change and "Erin Emergency" in change,
        "needs_medical_clearance" in listing,
        "Needs medical clearance" in support,
        submissions.status_code == 200,
    ]
    assert shown == [health] * 4
    assert submissions.status_code in (200, 403)


def test_an_export_without_clients_health_leaves_the_health_columns_out(monkeypatch):
    monkeypatch.setitem(ROLE_CAPABILITIES, "coach", ROLE_CAPABILITIES["coach"] - {"clients.health"})
    org = OrganizationFactory()
    coach = MembershipFactory(organization=org, role="coach").user
    ClientFactory(organization=org, coach=coach, date_of_birth=date(1990, 4, 17), emergency_contact_name="Erin")
    browser = Browser()
    browser.force_login(coach)
    response = browser.get(reverse("clients:export"))
    text = b"".join(response.streaming_content).decode()
    header = text.splitlines()[0]
    assert "Goals" in header and "Date of birth" not in header and "Emergency contact" not in header
    assert "1990" not in text and "Erin" not in text
