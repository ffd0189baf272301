"""Coaches keep their own hours and booking settings; owners and assistants keep everyone's."""

import pytest
from django.urls import reverse

from booking.models import AvailabilityRule
from booking.services import ensure_coach_profile
from tests.booking.factories import AvailabilityRuleFactory
from tests.conftest import api_as
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    org = OrganizationFactory()
    return {
        "org": org,
        "coach": MembershipFactory(organization=org, role="coach").user,
        "other": MembershipFactory(organization=org, role="coach").user,
        "assistant": MembershipFactory(organization=org, role="assistant").user,
        "owner": MembershipFactory(organization=org, role="owner").user,
    }


RULE = {"weekday": 0, "start_time": "09:00", "end_time": "12:00"}


def test_a_coach_changes_their_own_hours_but_not_another_coachs(team):
    api = api_as(team["coach"])
    assert (
        api.post("/api/v1/booking/availability-rules/", {**RULE, "coach": team["coach"].pk}, format="json").status_code
        == 201
    )
    response = api.post("/api/v1/booking/availability-rules/", {**RULE, "coach": team["other"].pk}, format="json")
    assert response.status_code == 403 and set(response.json()) == {"detail", "errors"}
    theirs = AvailabilityRuleFactory(organization=team["org"], coach=team["other"])
    assert (
        api.patch(f"/api/v1/booking/availability-rules/{theirs.pk}/", {"end_time": "13:00"}, format="json").status_code
        == 403
    )
    assert api.delete(f"/api/v1/booking/availability-rules/{theirs.pk}/").status_code == 403
    assert AvailabilityRule.objects.get(pk=theirs.pk).end_time == theirs.end_time
    # Reading the team's hours stays open.
    assert api.get("/api/v1/booking/availability-rules/").status_code == 200


def test_a_coach_cannot_hand_their_hours_to_someone_else(team):
    mine = AvailabilityRuleFactory(organization=team["org"], coach=team["coach"])
    response = api_as(team["coach"]).patch(
        f"/api/v1/booking/availability-rules/{mine.pk}/", {"coach": team["other"].pk}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["owner", "assistant"])
def test_owners_and_assistants_keep_everyones_hours(team, role):
    api = api_as(team[role])
    assert (
        api.post("/api/v1/booking/availability-rules/", {**RULE, "coach": team["other"].pk}, format="json").status_code
        == 201
    )
    profile = ensure_coach_profile(organization=team["org"], user=team["other"])
    assert api.post(f"/api/v1/booking/coaches/{profile.pk}/rotate-feed/").status_code == 200


def test_a_coach_cannot_rotate_another_coachs_feed(team):
    profile = ensure_coach_profile(organization=team["org"], user=team["other"])
    before = profile.feed_token
    assert api_as(team["coach"]).post(f"/api/v1/booking/coaches/{profile.pk}/rotate-feed/").status_code == 403
    profile.refresh_from_db()
    assert profile.feed_token == before


def test_hours_page_of_another_coach_is_for_the_front_desk_only(client, team):
    url = reverse("booking:availability") + f"?coach={team['other'].pk}"
    client.force_login(team["coach"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "rotate_feed", "coach": team["other"].pk}).status_code == 403
    assert b"coach-pick" not in client.get(reverse("booking:availability")).content
    client.force_login(team["assistant"])
    assert client.get(url).status_code == 200
