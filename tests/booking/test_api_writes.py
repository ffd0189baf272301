"""Every field the booking API accepts on a write is either applied or refused with a 400;
none is silently dropped."""

from datetime import time

import pytest

from accounts.models import Membership
from booking.models import AvailabilityRule, Session
from tests.booking.factories import AvailabilityRuleFactory, SessionFactory
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


def _rule_url(rule):
    return f"/api/v1/booking/availability-rules/{rule.pk}/"


@pytest.mark.parametrize("role", ["owner", "assistant"])
def test_the_front_desk_moves_weekly_hours_to_another_coach(team, role):
    rule = AvailabilityRuleFactory(organization=team["org"], coach=team["coach"], weekday=2)
    response = api_as(team[role]).patch(_rule_url(rule), {"coach": team["other"].pk}, format="json")
    assert response.status_code == 200 and response.json()["coach"] == team["other"].pk
    assert AvailabilityRule.objects.get(pk=rule.pk).coach == team["other"]


def test_replacing_weekly_hours_applies_the_coach_too(team):
    rule = AvailabilityRuleFactory(organization=team["org"], coach=team["coach"], weekday=1)
    body = {"coach": team["other"].pk, "weekday": 3, "start_time": "07:00", "end_time": "10:00"}
    response = api_as(team["owner"]).put(_rule_url(rule), body, format="json")
    assert response.status_code == 200
    rule.refresh_from_db()
    assert (rule.coach, rule.weekday, rule.start_time, rule.end_time) == (team["other"], 3, time(7), time(10))


def test_moving_hours_onto_a_coach_who_already_works_then_is_refused(team):
    AvailabilityRuleFactory(organization=team["org"], coach=team["other"], weekday=0, start_time=time(8))
    rule = AvailabilityRuleFactory(organization=team["org"], coach=team["coach"], weekday=0)
    response = api_as(team["owner"]).patch(_rule_url(rule), {"coach": team["other"].pk}, format="json")
    assert response.status_code == 400
    assert AvailabilityRule.objects.get(pk=rule.pk).coach == team["coach"]


def test_hours_cannot_go_to_a_former_member_or_another_business(team):
    rule = AvailabilityRuleFactory(organization=team["org"], coach=team["coach"])
    Membership.objects.filter(user=team["other"], organization=team["org"]).update(is_active=False)
    stranger = MembershipFactory(organization=OrganizationFactory(), role="coach").user
    api = api_as(team["owner"])
    for user in (team["other"], stranger):
        response = api.patch(_rule_url(rule), {"coach": user.pk}, format="json")
        assert response.status_code == 400 and "coach" in str(response.json())
    assert AvailabilityRule.objects.get(pk=rule.pk).coach == team["coach"]


def test_a_coach_may_name_themselves_but_not_hand_hours_away(team):
    mine = AvailabilityRuleFactory(organization=team["org"], coach=team["coach"])
    api = api_as(team["coach"])
    ok = api.patch(_rule_url(mine), {"coach": team["coach"].pk, "end_time": "12:00"}, format="json")
    assert ok.status_code == 200
    assert api.patch(_rule_url(mine), {"coach": team["other"].pk}, format="json").status_code == 403
    mine.refresh_from_db()
    assert (mine.coach, mine.end_time) == (team["coach"], time(12))


@pytest.mark.parametrize(
    "field,value", [("coach", "other"), ("service", None), ("capacity", 5), ("status", "cancelled"), ("end_at", "x")]
)
def test_session_fields_that_cannot_change_here_are_refused(team, field, value):
    session = SessionFactory(organization=team["org"], coach=team["coach"], notes="")
    if value == "other":
        value = team["other"].pk
    if field == "service":
        value = session.service_id
    body = {"notes": "Bring straps", field: value}
    response = api_as(team["owner"]).patch(f"/api/v1/booking/sessions/{session.pk}/", body, format="json")
    assert response.status_code == 400 and field in str(response.json())
    session = Session.objects.get(pk=session.pk)
    assert (session.coach, session.notes, session.status) == (team["coach"], "", Session.Status.SCHEDULED)


def test_session_notes_still_change(team):
    session = SessionFactory(organization=team["org"], coach=team["coach"])
    response = api_as(team["owner"]).patch(
        f"/api/v1/booking/sessions/{session.pk}/", {"notes": "Bring straps"}, format="json"
    )
    assert response.status_code == 200 and Session.objects.get(pk=session.pk).notes == "Bring straps"
