"""A coach starts on their own clients (dashboard cards, client list, conversations) and can
switch to the whole business; owners and assistants start on the whole business. The cards
get the scope from the dashboard, not from each app."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mecto import dashboard
from tests.billing.factories import InvoiceFactory
from tests.booking.factories import SessionFactory
from tests.clients.factories import MessageFactory
from tests.conftest import api_as
from tests.factories import ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(org, owner):
    """A busy coach with a client who wrote, owes money and has a session; a new coach."""
    busy = MembershipFactory(organization=org, role="coach").user
    user = UserFactory()
    theirs = ClientFactory(organization=org, coach=busy, user=user, email=user.email, status="active")
    MessageFactory(organization=org, client=theirs, sender=user, body="See you Monday?")
    InvoiceFactory(organization=org, client=theirs, due_at=timezone.now() - timedelta(days=3))
    SessionFactory(organization=org, coach=busy)
    new = MembershipFactory(organization=org, role="coach").user
    mine = ClientFactory(organization=org, coach=new, first_name="Nadia", status="lead")
    return {"busy": busy, "new": new, "theirs": theirs, "mine": mine}


def _cards(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    return {card.title: card for card in response.context["cards"]}


def test_a_new_coach_sees_only_their_own_clients_on_the_dashboard(client, business):
    cards = _cards(client, business["new"])
    assert cards["My clients"].value == "0" and "1 lead" in cards["My clients"].body
    assert "Unread messages" not in cards
    assert "Overdue invoices" not in cards
    assert cards["Next 7 days"].rows == []
    page = client.get(reverse("dashboard")).content.decode()
    assert "?scope=all" in page  # the switch to the whole business


def test_a_coach_switches_to_the_whole_business(client, business):
    cards = _cards(client, business["new"], "?scope=all")
    assert cards["Clients"].value == "1"
    assert cards["Unread messages"].value == "1"
    assert cards["Overdue invoices"].value
    assert len(cards["Next 7 days"].rows) == 1


def test_owners_and_assistants_start_on_the_whole_business(client, org, owner, assistant, business):
    for user in (owner, assistant):
        cards = _cards(client, user)
        assert cards["Clients"].value == "1"
        assert cards["Unread messages"].value == "1"


def test_every_card_is_given_the_scope(client, business, monkeypatch):
    seen = []
    monkeypatch.setattr(dashboard, "_cards", [*dashboard._cards, lambda request, scope: seen.append(scope)])
    _cards(client, business["new"])
    assert seen[0].is_mine and seen[0].coach_id == business["new"].pk


def test_client_list_starts_on_my_clients_for_a_coach(client, org, owner, business):
    client.force_login(business["new"])
    names = lambda response: {c.pk for c in response.context["page"].object_list}  # noqa: E731
    assert names(client.get(reverse("clients:list"))) == {business["mine"].pk}
    assert names(client.get(reverse("clients:list"), {"scope": "all"})) == {business["mine"].pk, business["theirs"].pk}
    # Once the filters are used, "Any coach" is the whole business.
    assert len(names(client.get(reverse("clients:list"), {"scope": "all", "coach": ""}))) == 2
    client.force_login(owner)
    assert len(names(client.get(reverse("clients:list")))) == 2


def test_api_client_list_and_inbox_start_on_my_clients_for_a_coach(business):
    api = api_as(business["new"])
    ids = lambda response: {row["id"] for row in response.json()["results"]}  # noqa: E731
    assert ids(api.get("/api/v1/clients/")) == {business["mine"].pk}
    assert ids(api.get("/api/v1/clients/", {"scope": "all"})) == {business["mine"].pk, business["theirs"].pk}
    # One client is found whatever the scope: coaches cover for each other.
    assert api.get(f"/api/v1/clients/{business['theirs'].pk}/").status_code == 200
    assert api.get("/api/v1/clients/threads/").json()["results"] == []
    threads = api.get("/api/v1/clients/threads/", {"scope": "all"}).json()["results"]
    assert [t["unread_count"] for t in threads] == [1]


def test_a_coachs_new_client_form_suggests_themselves_as_coach(client, owner, business):
    client.force_login(business["new"])
    assert client.get(reverse("clients:create")).context["form"]["coach"].value() == business["new"].pk
    client.force_login(owner)
    assert client.get(reverse("clients:create")).context["form"]["coach"].value() is None
