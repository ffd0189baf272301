"""Every list of the clients app, API and page, runs the same number of queries for 10 and
for 100 rows (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.clients import factories as f
from tests.conftest import api_as
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db

COACH_ROUTES = {
    "notes": ("/api/v1/clients/{client}/notes/", f.NoteFactory),
    "status history": ("/api/v1/clients/{client}/status-history/", f.StatusChangeFactory),
    "consents": ("/api/v1/clients/{client}/consents/", f.ConsentFactory),
    "intake submissions": ("/api/v1/clients/{client}/intake-submissions/", f.IntakeSubmissionFactory),
    "progress entries": ("/api/v1/clients/{client}/progress-entries/", f.ProgressEntryFactory),
    "photos": ("/api/v1/clients/{client}/photos/", f.ProgressPhotoFactory),
    "tags": ("/api/v1/clients/tags/", f.TagFactory),
    "metrics": ("/api/v1/clients/metrics/", f.MetricFactory),
    "intake forms": ("/api/v1/clients/intake-forms/", f.IntakeFormFactory),
    "thread messages": ("/api/v1/clients/threads/{thread}/messages/", f.MessageFactory),
}
ME_ROUTES = {
    "my progress": ("/api/v1/me/progress/", f.ProgressEntryFactory),
    "my photos": ("/api/v1/me/photos/", f.ProgressPhotoFactory),
    "my threads": ("/api/v1/me/threads/", f.ThreadFactory),
    "my messages": ("/api/v1/me/messages/", f.MessageFactory),
}


def _queries(api, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url, {"page_size": 100})
    assert response.status_code == 200, response.data
    return len(captured)


def _make(factory, n, org, client, thread):
    kwargs = {"organization": org}
    model = factory._meta.model
    field_names = {field.name for field in model._meta.get_fields()}
    if "thread" in field_names:
        kwargs.update(thread=thread, client=client)
    elif "client" in field_names:
        kwargs["client"] = client
    factory.create_batch(n, **kwargs)


@pytest.mark.parametrize("name", list(COACH_ROUTES))
def test_coach_lists_do_not_grow_with_rows(coach_api, org, name):
    url, factory = COACH_ROUTES[name]
    client = ClientFactory(organization=org)
    thread = f.ThreadFactory(organization=org, client=client)
    url = url.format(client=client.pk, thread=thread.pk)
    _make(factory, 10, org, client, thread)
    ten = _queries(coach_api, url)
    _make(factory, 90, org, client, thread)
    assert _queries(coach_api, url) == ten


@pytest.mark.parametrize("name", list(ME_ROUTES))
def test_client_lists_do_not_grow_with_rows(org, name):
    url, factory = ME_ROUTES[name]
    client = ClientFactory(organization=org, user=UserFactory())
    thread = f.ThreadFactory(organization=org, client=client)
    api = api_as(client.user)
    _make(factory, 10, org, client, thread)
    ten = _queries(api, url)
    _make(factory, 90, org, client, thread)
    assert _queries(api, url) == ten


@pytest.mark.parametrize("page", ["notes", "progress", "messages", "intake", "metrics", "intake_forms"])
def test_pages_do_not_grow_with_rows(client, coach, org, page):
    target = ClientFactory(organization=org, user=UserFactory())
    thread = f.ThreadFactory(organization=org, client=target)
    client.force_login(coach)
    url = (
        reverse(f"clients:{page}", args=[target.pk])
        if page not in ("metrics", "intake_forms")
        else reverse(f"clients:{page}")
    )

    def fill(n):
        f.NoteFactory.create_batch(n, organization=org, client=target)
        f.ProgressEntryFactory.create_batch(n, organization=org, client=target)
        f.ProgressPhotoFactory.create_batch(n // 5, organization=org, client=target)
        f.MessageFactory.create_batch(n, organization=org, client=target, thread=thread)
        f.IntakeSubmissionFactory.create_batch(n // 5, organization=org, client=target)
        f.IntakeFormFactory.create_batch(n // 5, organization=org)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    fill(10)
    ten = count()
    fill(90)
    assert count() <= ten + 2  # the read marker of a conversation may be created then updated
