"""Coach task pages: the list (mine or the whole business, open or done, one client's), the
form, the delete confirmation, and the Done / Reopen buttons."""

from dataclasses import replace

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from mecto.forms import ServiceFormView
from mecto.permissions import MemberRequiredMixin
from mecto.roles import MINE
from mecto.scope import client_scope

from . import tasks_service
from .forms_tasks import TaskForm
from .models import CoachTask
from .views import back_to, once_per_request

PAGE_SIZE = 50
OPEN, DONE = "open", "done"


def request_due_task_count(request) -> int:
    """My open tasks due today or overdue, counted once per request."""
    return once_per_request(
        request,
        "due_tasks",
        lambda: tasks_service.due_task_count(organization=request.tenant.organization, assignee=request.user),
    )


def _client_filter(request):
    from clients.models import Client

    raw = request.GET.get("client", "")
    if not raw.isdigit():
        return None
    return Client.objects.for_org(request.tenant.organization).filter(pk=int(raw)).first()


class TaskListView(MemberRequiredMixin, View):
    def get(self, request):
        scope = client_scope(request)
        if "scope" not in request.GET and not scope.is_mine:
            scope = replace(scope, value=MINE)  # the task list starts on the member's own tasks
        state = DONE if request.GET.get("state") == DONE else OPEN
        client = _client_filter(request)
        tasks = tasks_service.open_tasks(
            organization=request.tenant.organization,
            assignee=request.user if scope.is_mine else None,
            client=client,
            done=state == DONE,
        )
        page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "automation/task_list.html",
            {
                "page": page,
                "tasks": tasks_service.with_sources(page.object_list, organization=request.tenant.organization),
                "scope": scope,
                "state": state,
                "filter_client": client,
                "due_before": tasks_service.due_by_end_of_today(),
                "now": timezone.now(),
                "mine_label": _("My tasks"),
            },
        )


def get_task(request, pk) -> CoachTask:
    return get_object_or_404(CoachTask.objects.for_org(request.tenant.organization), pk=pk)


class _TaskFormView(MemberRequiredMixin, ServiceFormView):
    form_class = TaskForm
    template_name = "automation/task_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.request.tenant.organization}

    def get_context_data(self, **kwargs):
        return super().get_context_data(task=self.object, **kwargs)

    def get_success_url(self, result):
        if result.client_id and self.request.GET.get("back") == "client":
            return reverse("clients:detail", kwargs={"pk": result.client_id})
        return reverse("automation:tasks")


class TaskCreateView(_TaskFormView):
    success_message = _("Task added.")

    def get_initial(self):
        initial = {"assignee": self.request.user.pk}
        client = _client_filter(self.request)
        if client is not None:
            initial["client"] = client.pk
        return initial

    def perform(self, form):
        return tasks_service.add_task(self.request.tenant.organization, actor=self.request.user, **form.cleaned_data)


class TaskEditView(_TaskFormView):
    success_message = _("Changes saved.")

    def get_object(self):
        return get_task(self.request, self.kwargs["pk"])

    def get_initial(self):
        t = self.object
        return {
            "title": t.title,
            "detail": t.detail,
            "client": t.client_id,
            "assignee": t.assignee_id,
            "due_at": t.due_at,
        }

    def perform(self, form):
        return tasks_service.update_task(task=self.object, actor=self.request.user, **form.cleaned_data)


class TaskDeleteView(MemberRequiredMixin, View):
    def get(self, request, pk):
        return render(request, "automation/task_delete.html", {"task": get_task(request, pk)})

    def post(self, request, pk):
        task = get_task(request, pk)
        tasks_service.delete_task(task=task, actor=request.user)
        messages.success(request, _("Task deleted."))
        return redirect("automation:tasks")


class TaskActionView(MemberRequiredMixin, View):
    """POST /tasks/<pk>/complete/ or /reopen/."""

    action = ""

    def post(self, request, pk):
        task = get_task(request, pk)
        if self.action == "complete":
            tasks_service.complete_task(task=task, actor=request.user)
            messages.success(request, _("Task done."))
        elif self.action == "reopen":
            tasks_service.reopen_task(task=task, actor=request.user)
            messages.success(request, _("Task reopened."))
        else:
            raise Http404
        return back_to(request, "automation:tasks")
