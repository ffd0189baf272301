"""The coach's inbox: every conversation in one list (unread first), filters, a reading
pane with the reply box and saved replies, client activity beside the messages, live
updates by polling a cheap version tag, saved replies, and one message to several clients."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import MemberRequiredMixin
from mecto.scope import client_scope

from .. import selectors, selectors_inbox, services
from ..forms import BroadcastForm, MessageForm, SnippetForm
from ..models import Client, Snippet
from ..timeline import describe_events

PAGE = 40
PANE_MESSAGES = 50


def _uuid(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError):
        return None


def activity_items(events, *, health: bool) -> list[dict]:
    """Client activity as the inbox shows it: who, what, when."""
    rows = list(events)
    return [
        {
            "when": item.when,
            "title": item.title,
            "client_name": f"{event.client_first_name or ''} {event.client_last_name or ''}".strip(),
            "client_id": event.client_id,
            "kind": item.kind,
        }
        for event, item in zip(rows, describe_events(rows, health=health), strict=True)
    ]


class InboxMixin(MemberRequiredMixin):
    required_capability = "clients.view"

    def scope(self):
        return client_scope(self.request)

    def filter_key(self) -> str:
        key = self.request.GET.get("filter", "")
        return key if key in selectors_inbox.INBOX_FILTERS else ""

    def find_thread(self, public_id):
        """A conversation in the member's scope by its public id, or None."""
        public_id = _uuid(public_id)
        if public_id is None:
            return None
        request, scope = self.request, self.scope()
        coach_id = None if scope.can_see_all else request.user.pk
        threads = selectors.threads_for(organization=request.tenant.organization, user=request.user, coach_id=coach_id)
        return threads.filter(public_id=public_id).first()

    def query(self, **changes) -> str:
        """The page's filters as a query string (scope, filter, thread), with `changes`."""
        params = {k: self.request.GET.get(k, "") for k in ("scope", "filter", "thread", "page")}
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})

    def pane(self, thread) -> dict:
        """The open conversation: its last messages and the client's recent activity, in time order."""
        if thread is None:
            return {"thread": None, "pane_items": []}
        request = self.request
        services.mark_thread_read(thread=thread, user=request.user)
        rows = list(selectors.thread_messages(thread=thread).order_by("-created_at", "-id")[:PANE_MESSAGES])
        items = [{"when": m.created_at, "message": m} for m in rows]
        if rows:
            since = rows[-1].created_at
            events = selectors_inbox.client_activity(
                organization=thread.organization, client=thread.client, limit=PANE_MESSAGES
            )
            health = request.tenant.can("clients.health")
            items += [
                {"when": a["when"], "activity": a} for a in activity_items(events, health=health) if a["when"] >= since
            ]
        items.sort(key=lambda i: i["when"])
        return {"thread": thread, "pane_items": items, "client": thread.client, "me": request.user}

    def inbox_context(self) -> dict:
        request = self.request
        org, scope = request.tenant.organization, self.scope()
        version = selectors_inbox.inbox_version(organization=org, user=request.user)
        threads = selectors_inbox.inbox_threads(
            organization=org, user=request.user, coach_id=scope.coach_id, filter_key=self.filter_key()
        )
        page = Paginator(threads, PAGE).get_page(request.GET.get("page"))
        thread = self.find_thread(request.GET.get("thread"))
        activity = selectors_inbox.client_activity(organization=org, coach_id=scope.coach_id, limit=12)
        return {
            "page": page,
            "threads": page.object_list,
            "scope": scope,
            "filter_key": self.filter_key(),
            "filters": list(selectors_inbox.INBOX_FILTERS.values()),
            "activity": activity_items(activity, health=request.tenant.can("clients.health")),
            "version": version,
            "query": self.query(),
            "list_query": self.query(thread=""),
            "can_send": request.tenant.can("messages.send"),
            **self.pane(thread),
        }


@method_decorator(never_cache, name="dispatch")
class InboxView(InboxMixin, View):
    """The inbox page: list, reading pane and activity (on a phone: the list, then the thread)."""

    def get(self, request):
        context = self.inbox_context()
        context["message_form"] = MessageForm()
        context["snippets"] = list(
            selectors_inbox.snippets_for(organization=request.tenant.organization, user=request.user)
        )
        return render(request, "clients/inbox.html", context)


@method_decorator(never_cache, name="dispatch")
class InboxLiveView(InboxMixin, View):
    """What the open inbox polls: 204 (one query) while nothing changed, else the fresh list,
    conversation and activity for htmx to swap in."""

    def get(self, request):
        version = selectors_inbox.inbox_version(organization=request.tenant.organization, user=request.user)
        if request.GET.get("v") == version:
            return HttpResponse(status=204)
        context = self.inbox_context()
        response = render(request, "clients/_inbox_live.html", context)
        response["ETag"] = f'"{version}"'
        return response


@method_decorator(never_cache, name="dispatch")
class InboxReplyView(InboxMixin, View):
    """Reply in the open conversation (htmx swaps the conversation; without it, a redirect)."""

    required_capability = "messages.send"

    def post(self, request):
        thread = self.find_thread(request.POST.get("thread"))
        if thread is None:
            raise Http404
        form = MessageForm(request.POST, request.FILES)
        error = None
        if form.is_valid():
            try:
                services.send_message(
                    thread=thread,
                    sender=request.user,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data.get("attachment"),
                )
            except DomainError as exc:
                error = exc.message
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
        back = f"{reverse('clients:inbox')}?{self.query(thread=str(thread.public_id))}"
        if request.htmx:
            context = {**self.pane(thread), "send_error": error}
            return render(request, "clients/_inbox_conversation.html", context, status=400 if error else 200)
        if error:
            flash.error(request, error)
        return HttpResponseRedirect(back)


# --- Saved replies ------------------------------------------------------------------------------------
class SnippetMixin(MemberRequiredMixin):
    required_capability = "messages.send"

    def get_snippet(self, pk) -> Snippet:
        snippet = (
            selectors_inbox.snippets_for(organization=self.request.tenant.organization, user=self.request.user)
            .filter(pk=pk)
            .first()
        )
        if snippet is None:
            raise Http404
        return snippet

    def render_list(self, form, editing=None, status=200):
        request = self.request
        snippets = selectors_inbox.snippets_for(organization=request.tenant.organization, user=request.user)
        return render(
            request,
            "clients/inbox_snippets.html",
            {"snippets": snippets, "form": form, "editing": editing},
            status=status,
        )

    def save(self, form, snippet=None):
        if form.is_valid():
            try:
                services.save_snippet(
                    organization=self.request.tenant.organization,
                    actor=self.request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    shared=form.cleaned_data["shared"],
                    snippet=snippet,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                flash.success(self.request, _("Saved reply saved."))
                return redirect("clients:inbox_snippets")
        return self.render_list(form, editing=snippet, status=400)


@method_decorator(never_cache, name="dispatch")
class SnippetListView(SnippetMixin, View):
    def get(self, request):
        return self.render_list(SnippetForm())

    def post(self, request):
        return self.save(SnippetForm(request.POST))


@method_decorator(never_cache, name="dispatch")
class SnippetEditView(SnippetMixin, View):
    def get(self, request, pk):
        snippet = self.get_snippet(pk)
        form = SnippetForm(initial={"title": snippet.title, "body": snippet.body, "shared": snippet.is_shared})
        return self.render_list(form, editing=snippet)

    def post(self, request, pk):
        snippet = self.get_snippet(pk)
        if request.POST.get("action") == "delete":
            services.delete_snippet(snippet=snippet, actor=request.user)
            flash.success(request, _("Saved reply deleted."))
            return redirect("clients:inbox_snippets")
        return self.save(SnippetForm(request.POST), snippet=snippet)


# --- One message to several clients ------------------------------------------------------------------
@method_decorator(never_cache, name="dispatch")
class BroadcastView(MemberRequiredMixin, View):
    """Write once, send to each chosen client in their own conversation."""

    required_capability = "messages.send"

    def form(self, data=None):
        request = self.request
        clients = client_scope(request).filter(Client.objects.for_org(request.tenant.organization), "coach")
        clients = clients.exclude(status=Client.Status.FORMER).order_by("first_name", "last_name", "id")
        form = BroadcastForm(data, initial={"clients": request.GET.getlist("client")})
        form.set_clients(list(clients[: services.MAX_BULK_RECIPIENTS * 2]))
        return form

    def respond(self, form, status=200):
        return render(
            self.request,
            "clients/inbox_broadcast.html",
            {
                "form": form,
                "scope": client_scope(self.request),
                "snippets": selectors_inbox.snippets_for(
                    organization=self.request.tenant.organization, user=self.request.user
                ),
            },
            status=status,
        )

    def get(self, request):
        return self.respond(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                sent = services.send_to_clients(
                    organization=request.tenant.organization,
                    clients=form.chosen_clients(),
                    sender=request.user,
                    body=form.cleaned_data["body"],
                    subject=form.cleaned_data["subject"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                flash.success(
                    request,
                    ngettext(
                        "Sent to %(n)d client.", "Sent to %(n)d clients, each in their own conversation.", len(sent)
                    )
                    % {"n": len(sent)},
                )
                return redirect("clients:inbox")
        return self.respond(form, status=400)
