"""The coach's Messages tab of a client (refreshed by htmx polling), and the attachment link
that both the coaches and the client of the conversation open. The client's own messages
page is in `portal`; the conversation both pages show is in `_common`."""

from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from ..models import Message
from ._common import ConversationMixin
from .records import ClientTabMixin, get_client


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
