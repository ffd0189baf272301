"""The clients list API computes the figures of a page for that page's clients only, from SQL
built once per shape, and they equal the figures of the list that annotates every client."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from clients import list_figures, selectors
from clients.models import CheckIn
from tests.billing.factories import InvoiceFactory
from tests.booking.factories import CreditEntryFactory, CreditGrantFactory
from tests.clients.factories import CheckInFactory, MessageFactory, ThreadReadFactory
from tests.clients.test_list_figures import NOW, _schedule
from tests.factories import ClientFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(org, coach):
    """Twelve clients, each with a different mix of workouts, messages, check-ins, invoices
    and credits, in different time zones; and another business's client with the same."""
    zones = ["Europe/London", "America/New_York", "Asia/Tokyo", "UTC"]
    clients = []
    with freeze_time(NOW):
        for i in range(12):
            zone = zones[i % 4]
            person = ClientFactory(organization=org, first_name=f"P{i:02d}", coach=coach, time_zone=zone)
            clients.append(person)
            for days_ago in range(i % 5):
                _schedule(person, days_ago * 3, done="completed" if (i + days_ago) % 2 else None, zone=zone)
            if i % 3 == 0:
                _schedule(person, -(i + 1), zone=zone)
            if i % 2:
                message = MessageFactory(organization=org, client=person, from_client=True)
                if i % 4 == 1:
                    ThreadReadFactory(organization=org, thread=message.thread, user=coach, last_read_at=NOW)
            if i % 3 == 1:
                CheckInFactory(
                    organization=org,
                    client=person,
                    status=CheckIn.Status.DUE,
                    due_at=NOW - datetime.timedelta(days=3),
                    overdue_at=NOW - datetime.timedelta(days=i % 2),
                    submitted_at=None,
                )
            if i % 4 == 2:
                InvoiceFactory(organization=org, client=person, due_at=NOW - datetime.timedelta(days=i))
            if i % 5 == 3:
                grant = CreditGrantFactory(organization=org, client=person, quantity=i)
                CreditEntryFactory(organization=org, client=person, grant=grant, delta=-1, kind="consume")
        other = OrganizationFactory()
        stranger = ClientFactory(organization=other, first_name="P00")
        _schedule(stranger, 1, done="completed")
        MessageFactory(organization=other, client=stranger, from_client=True)
    return clients, stranger


def _annotated(org, coach):
    rows = selectors.client_list(organization=org, viewer=coach, now=NOW)
    return {c.pk: {n: getattr(c, n) for n in list_figures.NAMES} for c in rows}


def test_page_figures_equal_the_annotated_list(org, coach, varied):
    clients, stranger = varied
    expected = _annotated(org, coach)
    assert len({tuple(sorted(f.items(), key=str)) for f in expected.values()}) > 6  # the data do vary
    with CaptureQueriesContext(connection) as captured:
        figures = list_figures.figures_for([c.pk for c in clients[:5]], organization=org, now=NOW, user=coach)
    assert len(captured) == 1
    assert figures == {c.pk: expected[c.pk] for c in clients[:5]}  # that page's clients only
    again = list_figures.figures_for([c.pk for c in clients[5:10]], organization=org, now=NOW, user=coach)
    assert again == {c.pk: expected[c.pk] for c in clients[5:10]}
    # Another business's client is never read, even when asked for by id.
    assert list_figures.figures_for([stranger.pk, clients[0].pk], organization=org, now=NOW, user=coach) == {
        clients[0].pk: expected[clients[0].pk]
    }


def test_the_compiled_query_is_kept_per_shape_and_takes_new_parameters(org, coach, varied):
    clients, _stranger = varied
    ids = [c.pk for c in clients[:4]]
    list_figures.figures_for(ids, organization=org, now=NOW, user=coach)
    plans = [key for key, plan in list_figures._plans.items() if key[0] == connection.alias and key[2] == 4]
    assert plans and list_figures._plans[plans[0]] is not None  # told apart: kept as SQL
    later = NOW + datetime.timedelta(days=20)  # everything has left the fortnight; invoices are due
    assert list_figures.figures_for(ids, organization=org, now=later, user=coach) == {
        c.pk: {n: getattr(c, n) for n in list_figures.NAMES}
        for c in selectors.client_list(organization=org, viewer=coach, now=later)
        if c.pk in ids
    }


def test_api_list_is_the_same_as_with_every_figure_in_the_query(coach_api, org, coach, varied, monkeypatch):
    params = {"scope": "all", "page_size": 5, "page": 2, "sort": "-created"}
    with freeze_time(NOW):
        paged = coach_api.get("/api/v1/clients/", params)
        monkeypatch.setattr(selectors, "needs_figures_in_query", lambda **kwargs: True)
        annotated = coach_api.get("/api/v1/clients/", params)
    assert paged.status_code == annotated.status_code == 200
    assert paged.json() == annotated.json()
    assert [row["figures"] is not None for row in paged.json()["results"]] == [True] * 5


@pytest.mark.parametrize("sort", ["", "adherence"])
def test_query_count_does_not_grow_with_the_page(coach_api, org, coach, varied, sort):
    def count(size):
        with CaptureQueriesContext(connection) as captured:
            response = coach_api.get("/api/v1/clients/", {"scope": "all", "page_size": size, "sort": sort})
        assert response.status_code == 200 and len(response.json()["results"]) == size
        return len(captured)

    count(2)  # warms the caches
    assert count(2) == count(12)
