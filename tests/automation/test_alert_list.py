"""A coach reads and dismisses their alerts: the list page, the nav count, the dashboard card
and the API, each showing only the signed-in member's own alerts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from automation.models import CoachAlert
from tests.automation.factories import CoachAlertFactory
from tests.conftest import api_as
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _alerts(org, user, n, **kwargs):
    return [CoachAlertFactory(organization=org, recipient=user, **kwargs) for _ in range(n)]


def test_the_list_shows_newest_first_with_unread_emphasised_and_a_nav_count(client, org, coach):
    old, new = _alerts(org, coach, 2)
    CoachAlert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1), read_at=timezone.now())
    client.force_login(coach)
    page = client.get(reverse("automation:alerts"))
    html = page.content.decode()
    assert page.status_code == 200
    assert [a.pk for a in page.context["alerts"]] == [new.pk, old.pk]
    assert html.index(new.title) < html.index(old.title)
    assert html.count('class="alert-unread"') == 1 and html.count('class="alert-read"') == 1
    assert '<span class="nav-count">1<span class="visually-hidden"> unread</span></span>' in html
    unread = client.get(reverse("automation:alerts"), {"show": "unread"})
    assert [a.pk for a in unread.context["alerts"]] == [new.pk]


def test_mark_read_mark_all_read_and_dismiss(client, org, coach):
    first, second, third = _alerts(org, coach, 3)
    client.force_login(coach)
    back = reverse("automation:alerts") + "?show=unread"
    response = client.post(reverse("automation:alert_read", args=[first.pk]), {"next": back})
    assert response.status_code == 302 and response.url == back
    first.refresh_from_db()
    assert first.read_at is not None
    read_at = first.read_at
    client.post(reverse("automation:alert_read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at == read_at  # reading again keeps the first time
    client.post(reverse("automation:alert_dismiss", args=[second.pk]))
    page = client.get(reverse("automation:alerts"))
    assert {a.pk for a in page.context["alerts"]} == {first.pk, third.pk}
    done = client.post(reverse("automation:alerts_read_all"), follow=True)
    assert "1 alert marked read." in done.content.decode()
    assert not CoachAlert.objects.filter(recipient=coach, read_at__isnull=True).exists()
    assert 'class="nav-count"' not in done.content.decode()


def test_next_never_leaves_the_site(client, org, coach):
    [alert] = _alerts(org, coach, 1)
    client.force_login(coach)
    response = client.post(reverse("automation:alert_read", args=[alert.pk]), {"next": "https://evil.example/"})
    assert response.url == reverse("automation:alerts")


def test_empty_states_say_what_to_do(client, org, coach):
    client.force_login(coach)
    html = client.get(reverse("automation:alerts")).content.decode()
    assert "No alerts yet" in html and "Share your booking page or send an intake form" in html
    _alerts(org, coach, 1, read_at=timezone.now())
    html = client.get(reverse("automation:alerts"), {"show": "unread"}).content.decode()
    assert "You are all caught up" in html


def test_a_coach_never_sees_or_changes_another_coachs_alerts(client, org, coach):
    colleague = MembershipFactory(organization=org, role="coach").user
    [theirs] = _alerts(org, colleague, 1)
    [mine] = _alerts(org, coach, 1)
    client.force_login(coach)
    assert [a.pk for a in client.get(reverse("automation:alerts")).context["alerts"]] == [mine.pk]
    assert client.post(reverse("automation:alert_read", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("automation:alert_dismiss", args=[theirs.pk])).status_code == 404
    client.post(reverse("automation:alerts_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None and theirs.dismissed_at is None
    api = api_as(coach)
    assert [row["id"] for row in api.get("/api/v1/alerts/").json()["results"]] == [mine.pk]
    for url in (f"/api/v1/alerts/{theirs.pk}/", f"/api/v1/alerts/{theirs.pk}/read/"):
        response = api.get(url) if url.endswith(f"{theirs.pk}/") else api.post(url)
        assert response.status_code == 404
    assert api.post(f"/api/v1/alerts/{theirs.pk}/dismiss/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None and theirs.dismissed_at is None


def test_another_business_gets_404_on_the_page_actions(client, org, coach):
    [alert] = _alerts(org, coach, 1)
    stranger = MembershipFactory(organization=OrganizationFactory(), role="owner").user
    client.force_login(stranger)
    assert client.post(reverse("automation:alert_dismiss", args=[alert.pk])).status_code == 404


def test_the_api_lists_unread_marks_read_marks_all_and_dismisses(org, coach):
    first, second, third = _alerts(org, coach, 3)
    api = api_as(coach)
    listed = api.get("/api/v1/alerts/").json()["results"]
    assert [row["id"] for row in listed] == [third.pk, second.pk, first.pk]
    assert listed[0]["is_read"] is False and listed[0]["client_name"] == third.client.full_name
    read = api.post(f"/api/v1/alerts/{first.pk}/read/")
    assert read.status_code == 200 and read.json()["is_read"] is True and read.json()["read_at"]
    assert [row["id"] for row in api.get("/api/v1/alerts/", {"unread": "true"}).json()["results"]] == [
        third.pk,
        second.pk,
    ]
    assert api.post(f"/api/v1/alerts/{second.pk}/dismiss/").status_code == 204
    assert api.get(f"/api/v1/alerts/{second.pk}/").status_code == 404
    marked = api.post("/api/v1/alerts/read-all/")
    assert marked.status_code == 200 and marked.json() == {"marked_read": 1, "unread": 0}
    assert api.get("/api/v1/alerts/", {"unread": "true"}).json()["results"] == []


def test_the_dashboard_shows_only_unread_alerts_and_links_to_the_list(client, org, coach):
    read, unread = _alerts(org, coach, 2)
    CoachAlert.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(coach)
    html = client.get(reverse("dashboard")).content.decode()
    assert unread.title in html and read.title not in html
    assert f'href="{reverse("automation:alerts")}?show=unread"' in html
    assert "1 unread alert." in html


@pytest.mark.parametrize("path", ["page", "api"])
def test_the_list_costs_the_same_queries_at_10_and_100_alerts(client, org, coach, path, django_assert_max_num_queries):
    client.force_login(coach)
    api = api_as(coach)

    def load():
        if path == "page":
            response = client.get(reverse("automation:alerts"), {"page": 1})
        else:
            response = api.get("/api/v1/alerts/")
        assert response.status_code == 200
        return response

    _alerts(org, coach, 10)
    with CaptureQueriesContext(connection) as at_10:
        load()
    _alerts(org, coach, 90)
    with django_assert_max_num_queries(len(at_10)):
        load()
