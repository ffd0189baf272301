"""Whose programs (mecto.scope): a coach starts on the programs they wrote or of clients they
coach, `?scope=all` shows the whole library where the role allows it, and a role without
`clients.view_all` asking for `all` is answered with its own (ignored, not refused)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mecto.roles import ROLE_CAPABILITIES
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory
from tests.training.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library_rows(org, coach):
    other = MembershipFactory(organization=org, role="coach").user
    mine = ProgramFactory(organization=org, created_by=coach, name="Coach's own block")
    theirs = ProgramFactory(organization=org, created_by=other, name="Colleague's block")
    mine_client = ClientFactory(organization=org, coach=coach)
    assigned = ProgramFactory(organization=org, created_by=other, client=mine_client, name="Assigned to mine")
    return {"mine": mine, "theirs": theirs, "assigned": assigned, "other": other, "client": mine_client}


def _page_names(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("training:programs"), query)
    assert response.status_code == 200
    return {p.name for p in response.context["page"].object_list}, response.content.decode()


def _api_names(user, **query):
    response = api_as(user).get("/api/v1/programs/", query)
    assert response.status_code == 200
    return {row["name"] for row in response.json()["results"]}


def test_a_coach_starts_on_their_own_programs_and_can_see_all(client, org, coach, library_rows):
    names, html = _page_names(client, coach)
    assert names == {"Coach's own block"}
    assert "scope=all" in html and 'aria-current="page">Mine' in html
    assert _page_names(client, coach, scope="all")[0] == {"Coach's own block", "Colleague's block"}
    assert _api_names(coach) == {"Coach's own block"}
    assert _api_names(coach, scope="all") == {"Coach's own block", "Colleague's block"}
    # One client's programs open whatever the scope.
    assert _api_names(coach, client=library_rows["client"].pk) == {"Assigned to mine"}


def test_owners_start_on_the_whole_library(client, org, owner, library_rows):
    assert _page_names(client, owner)[0] == {"Coach's own block", "Colleague's block"}
    assert _api_names(owner) == {"Coach's own block", "Colleague's block"}
    assert _api_names(owner, scope="mine") == set()


def test_without_view_all_scope_all_is_ignored(client, org, coach, library_rows, monkeypatch):
    monkeypatch.setitem(ROLE_CAPABILITIES, "coach", ROLE_CAPABILITIES["coach"] - {"clients.view_all"})
    names, html = _page_names(client, coach, scope="all")
    assert names == {"Coach's own block"} and "scope=all" not in html
    assert _api_names(coach, scope="all") == {"Coach's own block"}


@pytest.mark.parametrize("surface", ["page", "api"])
def test_the_scoped_list_costs_the_same_queries_at_10_and_100(
    client, org, coach, surface, django_assert_max_num_queries
):
    client.force_login(coach)
    api = api_as(coach)

    def load():
        if surface == "page":
            assert client.get(reverse("training:programs"), {"scope": "mine"}).status_code == 200
        else:
            assert api.get("/api/v1/programs/", {"scope": "mine", "page_size": 100}).status_code == 200

    ProgramFactory.create_batch(10, organization=org, created_by=coach)
    with CaptureQueriesContext(connection) as at_10:
        load()
    ProgramFactory.create_batch(90, organization=org, created_by=coach)
    with django_assert_max_num_queries(len(at_10)):
        load()
