"""Coach pages: list (filters, htmx, N+1), client page tabs, add/edit, export, notes."""

import csv
import io

import pytest
from django.urls import reverse

from clients import services
from clients.models import Client
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_client(client, coach):
    client.force_login(coach)
    return client


def _clients(org, n, **kw):
    tag = services.get_or_create_tags(organization=org, names=["online"])[0]
    rows = ClientFactory.create_batch(n, organization=org, **kw)
    for row in rows:
        services.set_client_tags(client=row, tags=[tag])
    return rows


@pytest.mark.parametrize("n", [10, 100])
def test_list_page_query_count_does_not_grow(coach_client, org, coach, n, django_assert_max_num_queries):
    _clients(org, n, coach=coach)
    coach_client.get(reverse("clients:list"))  # the business's brand is read once, then served from the cache
    # (the layout's nav counts unread alerts and tasks due: one query each)
    with django_assert_max_num_queries(17):
        response = coach_client.get(reverse("clients:list"), {"sort": "-created"})
    assert response.status_code == 200


@pytest.mark.engine
def test_list_filters_by_status_tag_coach_and_search(coach_client, org, coach):
    other_coach = MembershipFactory(organization=org).user
    ana = ClientFactory(organization=org, first_name="Ana", last_name="Lima", status="active", coach=coach)
    ben = ClientFactory(organization=org, first_name="Ben", last_name="Ode", status="lead", coach=other_coach)
    ClientFactory(organization=OrganizationFactory(), first_name="Ana", last_name="Elsewhere")
    services.set_client_tags(client=ben, tags=["vip"])
    tag = ben.tags.get()

    def names(**params):
        page = coach_client.get(reverse("clients:list"), {"scope": "all", **params}).context["page"]
        return [c.first_name for c in page.object_list]

    assert names(q="ana lim") == ["Ana"]
    assert names(status="lead") == ["Ben"]
    assert names(tag=tag.pk) == ["Ben"]
    assert names(coach=coach.pk) == ["Ana"]
    assert names(sort="-name") == ["Ben", "Ana"]
    assert names(status="bogus", tag="x", coach="<script>") == ["Ana", "Ben"]
    assert ana


def test_htmx_request_gets_only_the_results(coach_client, org):
    ClientFactory(organization=org, first_name="Zed")
    response = coach_client.get(
        reverse("clients:list"),
        {"q": "zed", "scope": "all"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="client-results",
    )
    body = response.content.decode()
    assert "Zed" in body and "<html" not in body


def test_empty_list_says_what_to_do(coach_client):
    body = coach_client.get(reverse("clients:list")).content.decode()
    assert "No clients yet" in body and "intake" in body


def test_add_client_page_and_errors(coach_client, org):
    response = coach_client.post(
        reverse("clients:create"),
        {"first_name": "", "email": "bad", "status": "lead", "time_zone": "Europe/London", "unit_system": "metric"},
    )
    assert response.status_code == 400 and not Client.objects.exists()
    response = coach_client.post(
        reverse("clients:create"),
        {
            "first_name": "Maya",
            "last_name": "Ng",
            "email": "maya@example.com",
            "status": "trial",
            "time_zone": "Europe/London",
            "unit_system": "imperial",
            "height": "65",
            "tag_names": "online, hybrid",
            "email_consent": "on",
            "consent_method": "Ticked on paper form",
        },
    )
    client = Client.objects.get()
    assert response.status_code == 302 and response.url == reverse("clients:detail", args=[client.pk])
    assert float(client.height_cm) == pytest.approx(165.1)
    assert client.email_consent and client.email_consent_method == "Ticked on paper form"
    assert sorted(t.name for t in client.tags.all()) == ["hybrid", "online"]


def test_consent_without_how_is_an_inline_error(coach_client):
    response = coach_client.post(
        reverse("clients:create"),
        {"first_name": "M", "status": "lead", "time_zone": "UTC", "unit_system": "metric", "sms_consent": "on"},
    )
    assert response.status_code == 400
    assert "Say how the client gave consent." in response.content.decode()


def test_duplicate_email_shows_beside_the_field(coach_client, org):
    ClientFactory(organization=org, email="dup@example.com")
    response = coach_client.post(
        reverse("clients:create"),
        {"first_name": "D", "email": "dup@example.com", "status": "lead", "time_zone": "UTC", "unit_system": "metric"},
    )
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["email"][0]


def test_client_page_tabs_render(coach_client, org, coach):
    client = ClientFactory(organization=org, needs_medical_clearance=True)
    services.change_status(client=client, status="paused", actor=coach)
    services.add_note(client=client, author=coach, body="Knee hurts on lunges", is_pinned=True)
    overview = coach_client.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert "Medical clearance needed" in overview
    assert "Status changed from Active to Paused" in overview
    assert "Invite to the client portal" in overview
    assert "Knee hurts on lunges" in coach_client.get(reverse("clients:notes", args=[client.pk])).content.decode()
    assert coach_client.get(reverse("clients:intake", args=[client.pk])).status_code == 200


def test_other_business_client_page_is_404(coach_client):
    stranger = ClientFactory()
    assert coach_client.get(reverse("clients:detail", args=[stranger.pk])).status_code == 404
    assert coach_client.post(reverse("clients:status", args=[stranger.pk]), {"status": "former"}).status_code == 404


def test_status_and_consent_forms(coach_client, org):
    client = ClientFactory(organization=org, status="lead")
    coach_client.post(reverse("clients:status", args=[client.pk]), {"status": "trial", "note": "trial week"})
    coach_client.post(
        reverse("clients:consent", args=[client.pk]), {"channel": "sms", "granted": "1", "method": "Asked in person"}
    )
    client.refresh_from_db()
    assert client.status == "trial" and client.sms_consent
    coach_client.post(reverse("clients:clearance", args=[client.pk]))


def test_notes_add_pin_delete(coach_client, org):
    client = ClientFactory(organization=org)
    coach_client.post(reverse("clients:notes", args=[client.pk]), {"body": "First"})
    note = client.notes.get()
    coach_client.post(reverse("clients:note_action", args=[client.pk, note.pk]), {"action": "pin"})
    note.refresh_from_db()
    assert note.is_pinned
    coach_client.post(reverse("clients:note_action", args=[client.pk, note.pk]), {"action": "delete"})
    assert not client.notes.exists()


def test_export_is_the_filtered_list_and_neutralises_formulas(coach_client, org):
    ClientFactory(organization=org, first_name="=HYPERLINK(1)", status="active")
    ClientFactory(organization=org, first_name="Lead", status="lead")
    response = coach_client.get(reverse("clients:export"), {"status": "active", "scope": "all"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "First name" and len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_assistant_can_view_and_delete_needs_confirmation(client, org, assistant):
    client.force_login(assistant)
    target = ClientFactory(organization=org)
    assert client.get(reverse("clients:list")).status_code == 200
    client.post(reverse("clients:delete", args=[target.pk]), {"confirm": "wrong"})
    assert Client.objects.filter(pk=target.pk).exists()
    client.post(reverse("clients:delete", args=[target.pk]), {"confirm": target.full_name})
    assert not Client.objects.filter(pk=target.pk).exists()


def test_clients_of_a_client_portal_account_cannot_open_coach_pages(client, client_record):
    client.force_login(client_record.user)
    assert client.get(reverse("clients:list")).status_code == 404
