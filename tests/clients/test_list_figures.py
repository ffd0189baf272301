"""The clients list's figures (who needs the coach today): right for each client, sortable
and filterable on the page and in the API, in a constant number of queries; saved views."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from clients import selectors, services
from clients.models import CheckIn, SavedClientView
from tests.billing.factories import InvoiceFactory
from tests.booking.factories import CreditEntryFactory, CreditGrantFactory
from tests.clients.factories import CheckInFactory, MessageFactory, ThreadReadFactory
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory
from tests.training.factories import ScheduledWorkoutFactory, WorkoutLogFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 30, 12, 0, tzinfo=datetime.UTC)  # the day after Europe's clocks go forward


def _day(days_ago: int, zone="Europe/London"):
    """The start of a day `days_ago` before NOW's date in `zone`, in UTC (as scheduling stores it)."""
    from zoneinfo import ZoneInfo

    local = NOW.astimezone(ZoneInfo(zone)).date() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(local, datetime.time(), ZoneInfo(zone)).astimezone(datetime.UTC), local


def _schedule(client, days_ago, *, done=None, zone="Europe/London"):
    due_at, date = _day(days_ago, zone)
    scheduled = ScheduledWorkoutFactory(organization=client.organization, client=client, date=date, due_at=due_at)
    if done:
        WorkoutLogFactory(
            organization=client.organization, client=client, scheduled=scheduled, status=done, performed_at=due_at
        )
    return scheduled


@pytest.fixture
def people(org, coach):
    """Three clients: Ana keeps up, Ben fell behind, Cy has nothing scheduled."""
    ana = ClientFactory(organization=org, first_name="Ana", coach=coach, time_zone="Europe/London")
    ben = ClientFactory(organization=org, first_name="Ben", coach=coach, time_zone="America/New_York")
    cy = ClientFactory(organization=org, first_name="Cy", coach=coach)
    with freeze_time(NOW):
        for days_ago in (0, 3, 7):
            _schedule(ana, days_ago, done="completed")
        _schedule(ana, 15, done=None)  # outside the fortnight: not counted
        _schedule(ana, -2)  # tomorrow and after: not due yet
        _schedule(ben, 1, done="completed", zone="America/New_York")
        for days_ago in (2, 5, 9):
            _schedule(ben, days_ago, done="skipped" if days_ago == 2 else None, zone="America/New_York")
        thread_message = MessageFactory(organization=org, client=ben, from_client=True)
        MessageFactory(organization=org, client=ben, thread=thread_message.thread, from_client=True)
        ThreadReadFactory(
            organization=org,
            thread=thread_message.thread,
            user=coach,
            last_read_at=NOW - datetime.timedelta(days=1),
        )
        CheckInFactory(
            organization=org,
            client=ben,
            status=CheckIn.Status.DUE,
            due_at=NOW - datetime.timedelta(days=3),
            overdue_at=NOW - datetime.timedelta(days=1),
            submitted_at=None,
        )
        InvoiceFactory(organization=org, client=ben, due_at=NOW - datetime.timedelta(days=2))
        InvoiceFactory(organization=org, client=ana, due_at=NOW + datetime.timedelta(days=2))
        grant = CreditGrantFactory(organization=org, client=ana, quantity=5)
        CreditEntryFactory(organization=org, client=ana, grant=grant, delta=-2, kind="consume")
        CreditGrantFactory(organization=org, client=ana, quantity=3, expires_at=NOW - datetime.timedelta(days=1))
    return {"ana": ana, "ben": ben, "cy": cy}


def _rows(org, coach, **filters):
    return {c.first_name: c for c in selectors.client_list(organization=org, viewer=coach, now=NOW, **filters)}


def test_each_figure_is_right_for_each_client(org, coach, people):
    rows = _rows(org, coach)
    ana, ben, cy = rows["Ana"], rows["Ben"], rows["Cy"]
    assert (ana.workouts_scheduled, ana.workouts_done, ana.adherence) == (3, 3, 100)
    assert (ben.workouts_scheduled, ben.workouts_done, ben.adherence) == (4, 1, 25)
    assert cy.adherence is None and cy.program_ends_on is None and cy.last_active_at is None
    assert ana.program_ends_on == _day(-2)[1]
    assert ben.unread_messages == 2 and ana.unread_messages == 0
    assert ben.overdue_checkins == 1 and ana.overdue_checkins == 0
    assert ben.overdue_invoices == 1 and ana.overdue_invoices == 0  # Ana's is not due yet
    assert ana.credits_left == 3 and ben.credits_left is None  # the expired grant counts for nothing
    assert ana.last_active_at == _day(0)[0]  # her latest workout
    assert ben.last_active_at == NOW  # his message, sent now


def test_sorted_by_adherence_shows_who_fell_behind(org, coach, people):
    assert list(_rows(org, coach, sort="adherence")) == ["Ben", "Ana", "Cy"]
    assert list(_rows(org, coach, sort="-unread"))[0] == "Ben"
    assert list(_rows(org, coach, sort="credits")) == ["Ana", "Ben", "Cy"]
    assert list(_rows(org, coach, sort="last_active")) == ["Cy", "Ana", "Ben"]


def test_filters_by_each_figure(org, coach, people):
    assert list(_rows(org, coach, adherence_below=50)) == ["Ben"]
    assert list(_rows(org, coach, unread=True)) == ["Ben"]
    assert list(_rows(org, coach, overdue_checkin=True)) == ["Ben"]
    assert list(_rows(org, coach, overdue_invoice=True)) == ["Ben"]
    assert list(_rows(org, coach, credits_at_most=3)) == ["Ana"]
    assert list(_rows(org, coach, program_ends_within=5)) == ["Ana", "Ben"]
    assert list(_rows(org, coach, inactive_days=0 + 1)) == ["Cy"]


def test_page_shows_the_figures_and_reports_a_bad_filter(client, org, coach, people):
    client.force_login(coach)
    with freeze_time(NOW):
        response = client.get(reverse("clients:list"), {"sort": "adherence", "scope": "all"})
        bad = client.get(reverse("clients:list"), {"adherence_below": "lots", "sort": "nonsense", "scope": "all"})
    assert [c.first_name for c in response.context["page"].object_list] == ["Ben", "Ana", "Cy"]
    body = response.content.decode()
    assert "25%" in body and "2 unread" in body and "Adherence (14 days)" in body
    assert bad.status_code == 200
    assert "adherence_below" in bad.context["form"].errors and "sort" in bad.context["form"].errors
    assert "Enter a whole number." in bad.content.decode()


def test_api_lists_figures_sorts_and_refuses_bad_filters(coach_api, org, coach, people):
    with freeze_time(NOW):
        response = coach_api.get("/api/v1/clients/", {"sort": "adherence", "scope": "all"})
        bad = coach_api.get("/api/v1/clients/", {"credits_at_most": "-4", "adherence_below": "0"})
        filtered = coach_api.get("/api/v1/clients/", {"overdue_invoice": "true", "scope": "all"})
    assert response.status_code == 200
    first = response.data["results"][0]
    assert first["first_name"] == "Ben"
    assert first["figures"]["adherence"] == 25 and first["figures"]["unread_messages"] == 2
    assert first["figures"]["overdue_invoices"] == 1 and first["figures"]["credits_left"] is None
    assert bad.status_code == 400 and {"credits_at_most", "adherence_below"} <= set(bad.data["errors"])
    assert [r["first_name"] for r in filtered.data["results"]] == ["Ben"]


@pytest.mark.parametrize("api", [True, False])
def test_list_query_count_is_constant(client, coach_api, org, coach, api):
    def fill(n):
        for _ in range(n):
            someone = ClientFactory(organization=org, coach=coach)
            _schedule(someone, 1, done="completed")
            MessageFactory(organization=org, client=someone, from_client=True)
            InvoiceFactory(organization=org, client=someone, due_at=timezone.now() - datetime.timedelta(days=1))
            CreditGrantFactory(organization=org, client=someone)

    client.force_login(coach)

    def count():
        with CaptureQueriesContext(connection) as captured:
            if api:
                assert coach_api.get("/api/v1/clients/", {"sort": "adherence", "page_size": 50}).status_code == 200
            else:
                assert client.get(reverse("clients:list"), {"sort": "adherence"}).status_code == 200
        return len(captured)

    fill(3)
    count()  # warms the brand cache
    few = count()
    fill(27)
    assert count() == few


def test_saved_views_are_kept_per_member_and_shared(client, coach_api, org, coach, people):
    other = MembershipFactory(organization=org, role="coach").user
    client.force_login(coach)
    response = client.post(
        reverse("clients:saved_view_create"), {"name": "Fell behind", "sort": "adherence", "adherence_below": "60"}
    )
    view = SavedClientView.objects.get()
    assert view.query == {"sort": "adherence", "adherence_below": 60} and view.owner == coach
    assert response.status_code == 302 and "adherence_below=60" in response["Location"]
    # A bad filter saves nothing.
    client.post(reverse("clients:saved_view_create"), {"name": "Bad", "credits_at_most": "-1"})
    assert SavedClientView.objects.count() == 1
    # Through the API: the other coach sees only shared views and cannot change the coach's.
    api = coach_api
    made = api.post(
        "/api/v1/clients/saved-views/", {"name": "Owes", "query": {"overdue_invoice": True}, "is_shared": True}
    )
    assert made.status_code == 201, made.data
    assert api.post("/api/v1/clients/saved-views/", {"name": "Owes", "query": {}}).status_code == 400
    assert api.post("/api/v1/clients/saved-views/", {"name": "X", "query": {"sort": "nope"}}).status_code == 400
    from tests.conftest import api_as

    theirs = api_as(other)
    assert [v["name"] for v in theirs.get("/api/v1/clients/saved-views/").data["results"]] == ["Owes"]
    assert theirs.delete(f"/api/v1/clients/saved-views/{made.data['id']}/").status_code == 400
    assert api.patch(f"/api/v1/clients/saved-views/{made.data['id']}/", {"name": "Owing"}).data["name"] == "Owing"
    # Another business's view is not found, even by id.
    foreign = SavedClientView.objects.create(organization=OrganizationFactory(), owner=coach, name="Elsewhere")
    assert client.post(reverse("clients:saved_view_delete", args=[foreign.pk])).status_code == 404
    assert api.get(f"/api/v1/clients/saved-views/{foreign.pk}/").status_code == 404
    client.post(reverse("clients:saved_view_delete", args=[view.pk]))
    assert not SavedClientView.objects.filter(pk=view.pk).exists()


def test_demo_clients_are_marked_and_removed_alone(client, org, owner, coach):
    real = ClientFactory(organization=org, first_name="Real")
    elsewhere = ClientFactory(organization=OrganizationFactory(), is_demo=True)
    sample = services.create_client(organization=org, first_name="Sample", is_demo=True)
    _schedule(sample, 1, done="completed")
    InvoiceFactory(organization=org, client=sample)
    InvoiceFactory(organization=org, client=real)
    client.force_login(coach)
    body = client.get(reverse("clients:list"), {"scope": "all"}).content.decode()
    assert "badge-demo" in body and "Remove demo data" not in body  # only the owner removes it
    assert client.post(reverse("clients:remove_demo")).status_code == 403
    client.force_login(owner)
    assert "Remove demo data" in client.get(reverse("clients:list")).content.decode()
    client.post(reverse("clients:remove_demo"))
    from billing.models import Invoice
    from clients.models import Client

    assert set(Client.objects.values_list("pk", flat=True)) == {real.pk, elsewhere.pk}
    assert list(Invoice.objects.values_list("client_id", flat=True)) == [real.pk]


def test_remove_demo_data_clears_the_seeded_demo_clients_only(demo):
    from billing.models import Invoice
    from clients.models import Client
    from mecto.onboarding import checklist

    real = ClientFactory(organization=demo, first_name="Real")
    demo_ids = set(Client.objects.for_org(demo).filter(is_demo=True).values_list("pk", flat=True))
    assert len(demo_ids) >= 3 and not Client.objects.for_org(demo).filter(is_demo=False).exclude(pk=real.pk).exists()
    assert services.remove_demo_data(organization=demo) == len(demo_ids)
    assert list(Client.objects.for_org(demo).values_list("pk", flat=True)) == [real.pk]
    assert not Invoice.objects.for_org(demo).filter(client_id__in=demo_ids).exists()
    assert services.remove_demo_data(organization=demo) == 0
    assert next(s for s in checklist(organization=demo)["steps"] if s["key"] == "clients")["done"]
