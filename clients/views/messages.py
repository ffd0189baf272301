"""Messages: the coach's Messages tab and the client's portal page, refreshed by htmx polling."""

from django.contrib import messages as flash
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from mecto.errors import DomainError
from mecto.permissions import ClientRequiredMixin

from .. import selectors, services
from ..forms import MessageForm, ThreadForm
from ..models import Message
from .records import ClientTabMixin, get_client

PAGE = 50


class ConversationMixin:
    """Shared by both sides: pick the thread, render the conversation, send a message."""

    template_name = ""
    partial_name = "clients/_messages.html"
    is_portal = False

    def threads(self, request, client):
        return list(selectors.threads_for(organization=client.organization, user=request.user, client=client))

    def current_thread(self, request, threads):
        """The conversation named by its public id (`?thread=`), else the most recent one."""
        wanted = request.GET.get("thread") or request.POST.get("thread")
        for thread in threads:
            if str(thread.public_id) == str(wanted):
                return thread
        return threads[0] if threads else None

    def conversation(self, request, thread) -> dict:
        if thread is None:
            return {"thread": None, "messages": []}
        services.mark_thread_read(thread=thread, user=request.user)
        rows = list(selectors.thread_messages(thread=thread).order_by("-created_at", "-id")[:PAGE])
        rows.reverse()
        return {"thread": thread, "messages": rows, "me": request.user}

    def respond(self, request, client, extra=None, status=200):
        threads = self.threads(request, client)
        thread = self.current_thread(request, threads)
        context = {
            "client": client,
            "threads": threads,
            "message_form": MessageForm(),
            "thread_form": ThreadForm(prefix="thread"),
            "portal": self.is_portal,
        }
        context.update(self.conversation(request, thread))
        context.update(extra or {})
        if request.htmx and request.htmx.target == "conversation":
            return render(request, self.partial_name, context, status=status)
        context.update(self.page_context(request, client))
        return render(request, self.template_name, context, status=status)

    def page_context(self, request, client) -> dict:
        return {}

    def send(self, request, client):
        threads = self.threads(request, client)
        thread = self.current_thread(request, threads)
        form = MessageForm(request.POST, request.FILES)
        error = None
        if form.is_valid():
            try:
                if thread is None:
                    thread = services.start_thread(client=client, actor=request.user)
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
        if request.htmx:
            request.GET = request.GET.copy()
            request.GET["thread"] = str(thread.public_id) if thread else ""
            return self.respond(request, client, {"send_error": error}, status=400 if error else 200)
        if error:
            flash.error(request, error)
        return HttpResponseRedirect(f"{request.path}?thread={thread.public_id}" if thread else request.path)

    def start(self, request, client):
        form = ThreadForm(request.POST, prefix="thread")
        if form.is_valid():
            try:
                thread = services.start_thread(client=client, subject=form.cleaned_data["subject"], actor=request.user)
                if form.cleaned_data["body"]:
                    services.send_message(thread=thread, sender=request.user, body=form.cleaned_data["body"])
            except DomainError as exc:
                flash.error(request, exc.message)
                return redirect(request.path)
            return HttpResponseRedirect(f"{request.path}?thread={thread.public_id}")
        flash.error(request, _("Give the conversation a subject."))
        return redirect(request.path)


@method_decorator(never_cache, name="dispatch")
class ClientMessagesView(ConversationMixin, ClientTabMixin, View):
    """The coach's Messages tab of a client."""

    tab = "messages"
    template_name = "clients/messages.html"

    def page_context(self, request, client):
        return self.tab_context(request, client)

    def get(self, request, pk):
        return self.respond(request, get_client(request, pk))

    def post(self, request, pk):
        if not request.tenant.can("messages.send"):
            raise Http404
        client = get_client(request, pk)
        if request.POST.get("action") == "start":
            return self.start(request, client)
        return self.send(request, client)


@method_decorator(never_cache, name="dispatch")
class PortalMessagesView(ConversationMixin, ClientRequiredMixin, View):
    """The client's own messages with their coaches (portal)."""

    template_name = "clients/portal_messages.html"
    is_portal = True

    def get(self, request):
        return self.respond(request, request.tenant.client)

    def post(self, request):
        client = request.tenant.client
        if request.POST.get("action") == "start":
            return self.start(request, client)
        return self.send(request, client)


@method_decorator(never_cache, name="dispatch")
class AttachmentView(View):
    """An attachment, for the client of the conversation and their business's coaches only."""

    def get(self, request, public_id):
        if not request.user.is_authenticated:
            raise Http404
        message = Message.objects.filter(public_id=public_id).exclude(attachment="").first()
        tenant = request.tenant
        if message is None or not (
            (tenant.is_member and tenant.can("clients.view") and message.organization_id == tenant.organization.pk)
            or (tenant.is_client and message.client_id == tenant.client.pk)
        ):
            raise Http404
        return attachment_response(message)


def attachment_response(message: Message):
    storage = message.attachment.storage
    if getattr(storage, "querystring_auth", False):
        return HttpResponseRedirect(storage.url(message.attachment.name))
    try:
        handle = storage.open(message.attachment.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(
        handle,
        content_type=message.attachment_type or "application/octet-stream",
        as_attachment=message.attachment_type != "image/jpeg",
        filename=message.attachment_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
