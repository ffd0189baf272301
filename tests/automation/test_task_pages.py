"""Coach task pages: the list and its filters, the form, delete, Done / Reopen, the nav count,
the dashboard card and the client page's section; another business's task is a 404."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from automation.models import CoachTask
from mecto import roles
from tests.automation.factories import AutomationRunFactory
from tests.factories import ClientFactory, CoachTaskFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _ids(response):
    return [t.pk for t in response.context["tasks"]]


def test_the_list_shows_my_open_tasks_soonest_first_with_no_due_date_last(client, org, coach, owner):
    now = timezone.now()
    later = CoachTaskFactory(organization=org, assignee=coach, due_at=now + timedelta(days=3))
    undated = CoachTaskFactory(organization=org, assignee=coach, due_at=None)
    overdue = CoachTaskFactory(organization=org, assignee=coach, due_at=now - timedelta(days=1))
    CoachTaskFactory(organization=org, assignee=coach, due_at=now, completed_at=now)
    others = CoachTaskFactory(organization=org, assignee=owner, due_at=now)
    client.force_login(coach)
    page = client.get(reverse("automation:tasks"))
    assert page.status_code == 200
    assert _ids(page) == [overdue.pk, later.pk, undated.pk]
    html = page.content.decode()
    assert 'class="task-overdue"' in html and "Overdue" in html and "No due date" in html
    assert "Added by hand" in html
    everyone = client.get(reverse("automation:tasks"), {"scope": "all"})
    assert others.pk in _ids(everyone)
    done = client.get(reverse("automation:tasks"), {"state": "done"})
    assert len(_ids(done)) == 1 and "Reopen" in done.content.decode()


def test_the_list_filters_by_client_and_an_unknown_client_is_ignored(client, org, coach):
    sam = ClientFactory(organization=org)
    for_sam = CoachTaskFactory(organization=org, assignee=coach, client=sam)
    CoachTaskFactory(organization=org, assignee=coach)
    client.force_login(coach)
    assert _ids(client.get(reverse("automation:tasks"), {"client": sam.pk})) == [for_sam.pk]
    foreign = ClientFactory(organization=OrganizationFactory())
    assert len(_ids(client.get(reverse("automation:tasks"), {"client": foreign.pk}))) == 2
    assert len(_ids(client.get(reverse("automation:tasks"), {"client": "x"}))) == 2


def test_without_view_all_the_list_is_always_mine(client, org, coach, owner, monkeypatch):
    monkeypatch.setitem(roles.ROLE_CAPABILITIES, roles.COACH, roles.ROLE_CAPABILITIES[roles.COACH] - {roles.VIEW_ALL})
    mine = CoachTaskFactory(organization=org, assignee=coach)
    CoachTaskFactory(organization=org, assignee=owner)
    client.force_login(coach)
    page = client.get(reverse("automation:tasks"), {"scope": "all"})
    assert _ids(page) == [mine.pk]
    assert "Whole business" not in page.content.decode()


def test_the_empty_list_says_what_to_do(client, org, coach):
    client.force_login(coach)
    html = client.get(reverse("automation:tasks")).content.decode()
    assert "Nothing to do" in html and reverse("automation:task_new") in html


def test_create_with_a_preselected_client_edit_and_delete(client, org, coach):
    sam = ClientFactory(organization=org)
    client.force_login(coach)
    form = client.get(reverse("automation:task_new"), {"client": sam.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["client"] == sam.pk
    assert 'for="id_title"' in form.content.decode()
    response = client.post(
        reverse("automation:task_new"),
        {"title": " Call Sam ", "client": sam.pk, "assignee": coach.pk, "due_at": "2030-01-02T09:30"},
    )
    assert response.status_code == 302
    task = CoachTask.objects.get(organization=org)
    assert task.title == "Call Sam" and task.client == sam and task.assignee == coach and task.due_at
    assert task.source == CoachTask.Source.MANUAL and task.created_by == coach

    response = client.post(reverse("automation:task_edit", args=[task.pk]), {"title": "Text Sam", "client": ""})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Text Sam" and task.client is None and task.due_at is None

    confirm = client.get(reverse("automation:task_delete", args=[task.pk]))
    assert confirm.status_code == 200 and "Text Sam" in confirm.content.decode()
    assert CoachTask.objects.filter(pk=task.pk).exists()
    client.post(reverse("automation:task_delete", args=[task.pk]))
    assert not CoachTask.objects.filter(pk=task.pk).exists()


def test_a_client_from_the_client_page_goes_back_to_the_client(client, org, coach):
    sam = ClientFactory(organization=org)
    client.force_login(coach)
    url = reverse("automation:task_new") + f"?client={sam.pk}&back=client"
    response = client.post(url, {"title": "Check in", "client": sam.pk})
    assert response.url == reverse("clients:detail", args=[sam.pk])


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "   "}, "title"),
        ({"title": "x", "due_at": "tomorrow-ish"}, "due_at"),
        ({"title": "x", "client": "999999"}, "client"),
    ],
)
def test_bad_input_shows_an_error_beside_the_field_and_saves_nothing(client, org, coach, data, field):
    client.force_login(coach)
    response = client.post(reverse("automation:task_new"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()
    assert not CoachTask.objects.exists()


def test_a_client_or_assignee_of_another_business_is_refused(client, org, coach):
    other = OrganizationFactory()
    task = CoachTaskFactory(organization=org, title="Keep me", assignee=coach)
    outsider = MembershipFactory(organization=other).user
    client.force_login(coach)
    for data in (
        {"title": "x", "client": ClientFactory(organization=other).pk},
        {"title": "x", "assignee": outsider.pk},
    ):
        assert client.post(reverse("automation:task_new"), data).status_code == 400
        assert client.post(reverse("automation:task_edit", args=[task.pk]), data).status_code == 400
    task.refresh_from_db()
    assert CoachTask.objects.count() == 1 and task.title == "Keep me" and task.assignee == coach


def test_done_and_reopen_come_back_to_the_page(client, org, coach):
    task = CoachTaskFactory(organization=org, assignee=coach)
    client.force_login(coach)
    back = reverse("automation:tasks") + "?state=open"
    response = client.post(reverse("automation:task_complete", args=[task.pk]), {"next": back})
    assert response.url == back
    task.refresh_from_db()
    assert task.completed_at is not None
    response = client.post(reverse("automation:task_reopen", args=[task.pk]), {"next": "https://evil.example/"})
    assert response.url == reverse("automation:tasks")
    task.refresh_from_db()
    assert task.completed_at is None
    assert client.get(reverse("automation:task_complete", args=[task.pk])).status_code == 405


def test_another_business_task_is_a_404_everywhere(client, org, coach):
    foreign = CoachTaskFactory(organization=OrganizationFactory(), title="Not yours")
    client.force_login(coach)
    for name in ("task_edit", "task_delete"):
        assert client.get(reverse(f"automation:{name}", args=[foreign.pk])).status_code == 404
    for name in ("task_edit", "task_delete", "task_complete", "task_reopen"):
        assert client.post(reverse(f"automation:{name}", args=[foreign.pk]), {"title": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Not yours" and foreign.completed_at is None
    assert foreign.pk not in _ids(client.get(reverse("automation:tasks"), {"scope": "all"}))


def test_pages_need_a_member(client, org):
    outsider_url = reverse("automation:tasks")
    assert client.get(outsider_url).status_code in (302, 403)


def test_the_nav_counts_my_open_tasks_due_today_or_overdue(client, org, coach, owner):
    now = timezone.now()
    CoachTaskFactory(organization=org, assignee=coach, due_at=now - timedelta(days=2))
    CoachTaskFactory(organization=org, assignee=coach, due_at=now)
    CoachTaskFactory(organization=org, assignee=coach, due_at=now + timedelta(days=5))
    CoachTaskFactory(organization=org, assignee=coach, due_at=None)
    CoachTaskFactory(organization=org, assignee=coach, due_at=now, completed_at=now)
    CoachTaskFactory(organization=org, assignee=owner, due_at=now)
    client.force_login(coach)
    html = client.get(reverse("automation:alerts")).content.decode()
    assert '<span class="nav-count">2<span class="visually-hidden"> due</span></span>' in html


def test_the_dashboard_card_lists_my_due_tasks(client, org, coach):
    client.force_login(coach)
    empty = client.get(reverse("dashboard")).content.decode()
    assert "Nothing due today" in empty
    CoachTaskFactory(organization=org, assignee=coach, title="Ring Jo", due_at=timezone.now() - timedelta(hours=1))
    CoachTaskFactory(organization=org, assignee=coach, title="Later", due_at=timezone.now() + timedelta(days=4))
    html = client.get(reverse("dashboard")).content.decode()
    assert "Ring Jo" in html and "Later" not in html
    assert "1 task due today or overdue." in html


def test_the_client_page_shows_the_client_open_tasks(client, org, coach):
    sam = ClientFactory(organization=org, coach=coach)
    CoachTaskFactory(organization=org, client=sam, title="Open one")
    CoachTaskFactory(organization=org, client=sam, title="Done one", completed_at=timezone.now())
    CoachTaskFactory(organization=org, title="Someone else's")
    client.force_login(coach)
    html = client.get(reverse("clients:detail", args=[sam.pk])).content.decode()
    assert "Open one" in html and "Done one" not in html and "Someone else" not in html
    assert f"{reverse('automation:task_new')}?client={sam.pk}" in html


@pytest.mark.parametrize("page", ["tasks", "dashboard"])
def test_queries_stay_the_same_with_1_or_20_tasks(client, org, coach, page, django_assert_max_num_queries):
    client.force_login(coach)
    url = reverse("automation:tasks") if page == "tasks" else reverse("dashboard")
    due = timezone.now() - timedelta(hours=1)

    def make(n):
        for i in range(n):
            source = {}
            if i % 2:
                run = AutomationRunFactory(organization=org)
                source = {"source": CoachTask.Source.AUTOMATION, "source_key": f"automation-run:{run.pk}:{i}"}
            CoachTaskFactory(organization=org, assignee=coach, due_at=due, **source)

    make(2)
    client.get(url)
    with CaptureQueriesContext(connection) as at_1:
        assert client.get(url).status_code == 200
    make(18)
    with django_assert_max_num_queries(len(at_1)):
        assert client.get(url).status_code == 200


def test_a_task_from_an_automation_names_it(client, org, coach):
    run = AutomationRunFactory(organization=org, automation__name="Welcome new leads")
    CoachTaskFactory(
        organization=org, assignee=coach, source=CoachTask.Source.AUTOMATION, source_key=f"automation-run:{run.pk}:7"
    )
    client.force_login(coach)
    assert "Automation: Welcome new leads" in client.get(reverse("automation:tasks")).content.decode()
