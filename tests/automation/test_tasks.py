from datetime import UTC, datetime

import pytest
from django.core.exceptions import ObjectDoesNotExist

from automation import tasks_service
from automation.models import CoachTask
from tests.conftest import api_as
from tests.factories import ClientFactory, CoachTaskFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_create_task_once_per_source_key_and_complete_reopen(org, coach):
    client = ClientFactory(organization=org)
    first = tasks_service.create_task(org, title="Call Sam", client=client, source_key="run:1:step:2")
    again = tasks_service.create_task(org, title="Call Sam", client=client, source_key="run:1:step:2")
    assert first.pk == again.pk
    tasks_service.complete_task(task=first, actor=coach)
    assert first.completed_at is not None
    done_at = first.completed_at
    tasks_service.complete_task(task=first, actor=coach)
    assert first.completed_at == done_at
    tasks_service.reopen_task(task=first, actor=coach)
    first.refresh_from_db()
    assert first.completed_at is None


def test_a_task_refuses_a_client_or_assignee_of_another_business(org, coach):
    other = OrganizationFactory()
    with pytest.raises(tasks_service.TaskError):
        tasks_service.add_task(org, title="x", client=ClientFactory(organization=other))
    outsider = MembershipFactory(organization=other).user
    with pytest.raises(tasks_service.TaskError):
        tasks_service.add_task(org, title="x", assignee=outsider)
    with pytest.raises(tasks_service.TaskError):
        tasks_service.add_task(org, title="  ")


def test_api_crud_complete_and_reopen(org, coach):
    api = api_as(coach)
    client = ClientFactory(organization=org)
    created = api.post(
        "/api/v1/tasks/",
        {"title": "Check Sam's form", "client": client.pk, "assignee": coach.pk, "due_at": "2026-03-29T08:00:00Z"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["client_name"] == client.full_name
    assert api.patch(f"/api/v1/tasks/{pk}/", {"title": "Check form"}, format="json").json()["title"] == "Check form"
    assert api.post(f"/api/v1/tasks/{pk}/complete/").json()["is_done"] is True
    assert _rows(api.get("/api/v1/tasks/")) == []
    assert [t["id"] for t in _rows(api.get("/api/v1/tasks/?done=true"))] == [pk]
    assert api.post(f"/api/v1/tasks/{pk}/reopen/").json()["is_done"] is False
    assert [t["id"] for t in _rows(api.get(f"/api/v1/tasks/?mine=true&client={client.pk}"))] == [pk]
    assert api.delete(f"/api/v1/tasks/{pk}/").status_code == 204
    with pytest.raises(ObjectDoesNotExist):
        CoachTask.objects.get(pk=pk)


def _rows(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def test_api_refuses_another_business_client_and_hides_its_tasks(org, coach):
    other = OrganizationFactory()
    foreign = CoachTaskFactory(organization=other)
    api = api_as(coach)
    response = api.post("/api/v1/tasks/", {"title": "x", "client": ClientFactory(organization=other).pk}, format="json")
    assert response.status_code == 400
    assert api.get(f"/api/v1/tasks/{foreign.pk}/").status_code == 404


@pytest.mark.parametrize("count", [10, 40])
def test_task_list_query_count_is_flat(org, coach, count, django_assert_max_num_queries):
    for i in range(count):
        CoachTaskFactory(organization=org, assignee=coach, due_at=datetime(2026, 3, 1, i % 24, tzinfo=UTC))
    api = api_as(coach)
    with django_assert_max_num_queries(12):
        response = api.get("/api/v1/tasks/")
    assert response.status_code == 200 and len(_rows(response)) >= min(count, 10)
