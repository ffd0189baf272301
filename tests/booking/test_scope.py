"""Whose sessions and bookings (mecto.scope): the calendar and the API lists start a coach on
their own, `?scope=all` shows every coach's where the role allows it, and without
`clients.view_all` an `all` is ignored (the member's own rows), not refused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mecto.roles import ROLE_CAPABILITIES
from tests.booking.factories import BookingFactory, SessionFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _wednesday(hour):
    """Next week's Wednesday (never across a week's edge, whatever today is)."""
    today = timezone.now().replace(minute=0, second=0, microsecond=0)
    return today + timedelta(days=9 - today.weekday()) - timedelta(hours=today.hour - hour)


@pytest.fixture
def diary(org, coach):
    other = MembershipFactory(organization=org, role="coach").user
    mine = SessionFactory(organization=org, coach=coach, start_at=_wednesday(9), end_at=_wednesday(10))
    theirs = SessionFactory(organization=org, coach=other, start_at=_wednesday(11), end_at=_wednesday(12))
    my_booking = BookingFactory(organization=org, session=mine)
    their_booking = BookingFactory(organization=org, session=theirs)
    # A client I coach booked with a colleague: theirs to run, mine to know about.
    my_client_elsewhere = BookingFactory(
        organization=org,
        session=SessionFactory(organization=org, coach=other, start_at=_wednesday(13), end_at=_wednesday(14)),
        client=ClientFactory(organization=org, coach=coach),
    )
    return {
        "other": other,
        "mine": mine,
        "theirs": theirs,
        "my_booking": my_booking,
        "their_booking": their_booking,
        "my_client_elsewhere": my_client_elsewhere,
    }


def _calendar(client, user, **query):
    client.force_login(user)
    day = _wednesday(9).date().isoformat()
    response = client.get(reverse("booking:calendar"), {"date": day, **query})
    assert response.status_code == 200
    return {s.pk for _day, sessions in response.context["days"] for s in sessions}, response.content.decode()


def _ids(user, url, **query):
    response = api_as(user).get(url, {"page_size": 100, **query})
    assert response.status_code == 200
    return {str(row["id"]) if "public_id" not in row else row["public_id"] for row in response.json()["results"]}


def test_a_coach_starts_on_their_own_sessions_and_bookings(client, coach, diary):
    seen, html = _calendar(client, coach)
    assert diary["mine"].pk in seen and diary["theirs"].pk not in seen
    assert "scope=all" in html
    assert _ids(coach, "/api/v1/booking/sessions/") == {str(diary["mine"].pk)}
    assert _ids(coach, "/api/v1/booking/bookings/") == {
        str(diary["my_booking"].public_id),
        str(diary["my_client_elsewhere"].public_id),
    }


def test_scope_all_shows_every_coach_where_allowed(client, coach, diary):
    seen, html = _calendar(client, coach, scope="all")
    assert {diary["mine"].pk, diary["theirs"].pk} <= seen
    assert "scope=all" in html and "&amp;scope=all" in html  # paging keeps the whole business
    assert {str(diary["mine"].pk), str(diary["theirs"].pk)} <= _ids(coach, "/api/v1/booking/sessions/", scope="all")
    assert str(diary["their_booking"].public_id) in _ids(coach, "/api/v1/booking/bookings/", scope="all")
    # A chosen coach wins over the default scope.
    assert _ids(coach, "/api/v1/booking/sessions/", coach=diary["other"].pk) == {
        str(diary["theirs"].pk),
        str(diary["my_client_elsewhere"].session_id),
    }
    assert _calendar(client, coach, coach=diary["other"].pk)[0] >= {diary["theirs"].pk}


def test_owners_start_on_the_whole_business(client, owner, diary):
    seen, _html = _calendar(client, owner)
    assert {diary["mine"].pk, diary["theirs"].pk} <= seen
    assert len(_ids(owner, "/api/v1/booking/bookings/")) == 3


def test_without_view_all_scope_all_and_other_coaches_are_ignored(client, coach, diary, monkeypatch):
    monkeypatch.setitem(ROLE_CAPABILITIES, "coach", ROLE_CAPABILITIES["coach"] - {"clients.view_all"})
    seen, html = _calendar(client, coach, scope="all", coach=diary["other"].pk)
    assert diary["theirs"].pk not in seen and diary["mine"].pk in seen
    assert "scope=all" not in html
    assert _ids(coach, "/api/v1/booking/sessions/", scope="all") == {str(diary["mine"].pk)}
    assert str(diary["their_booking"].public_id) not in _ids(coach, "/api/v1/booking/bookings/", scope="all")


@pytest.mark.parametrize("url", ["/api/v1/booking/sessions/", "/api/v1/booking/bookings/"])
def test_scoped_api_lists_cost_the_same_queries_at_10_and_100(org, coach, url, django_assert_max_num_queries):
    api = api_as(coach)

    def load():
        assert api.get(url, {"scope": "mine", "page_size": 100}).status_code == 200

    BookingFactory.create_batch(10, organization=org, session__coach=coach)
    with CaptureQueriesContext(connection) as at_10:
        load()
    BookingFactory.create_batch(90, organization=org, session__coach=coach)
    with django_assert_max_num_queries(len(at_10)):
        load()
