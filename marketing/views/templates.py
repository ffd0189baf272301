"""Template pages: the list, the editor (blocks, SMS composer, drafting help), the preview
with a real client's data and a test send, archive and restore."""

from __future__ import annotations

import json

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from clients.models import Client
from mecto.comms.models import Channel
from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import MemberRequiredMixin

from .. import drafting
from ..api.templates import preview_data
from ..forms_templates import DraftForm, TemplateForm, TestSendForm
from ..models import MessageTemplate
from ..rendering import BLOCK_TYPES, longest_values, merge_fields, sample_values
from ..services import templates as services


def editor_strings() -> dict:
    """The editor's and the SMS counter's words, translated here for the script."""
    return {
        "heading_text": _("Heading text"),
        "paragraph": _("Paragraph"),
        "quote": _("Quote"),
        "button_label": _("Button label"),
        "link": _("Link (https://… or {{ business.booking_url }})"),
        "image_src": _("Image address (https://…)"),
        "image_alt": _("Description for screen readers"),
        "image_href": _("Link (optional)"),
        "height": _("Height in pixels"),
        "move_up": _("Move up"),
        "move_down": _("Move down"),
        "remove": _("Remove"),
        "add_block": _("Add a block"),
        "add": _("Add"),
        "empty": _("No blocks yet: add a heading or a paragraph."),
        "counter": _(
            "Characters: {characters} · {encoding} · segments: {segments} (up to {per_segment} each, {remaining} left)"
        ),
        "warning": _("With the longest values of its merge fields this message may take {max_segments} segments."),
    }


class TemplatesView(MemberRequiredMixin, View):
    required_capability = "marketing.manage"

    @property
    def org(self):
        return self.request.tenant.organization

    def template(self, pk) -> MessageTemplate:
        return get_object_or_404(MessageTemplate.objects.for_org(self.org), pk=pk)


class TemplateListView(TemplatesView):
    def get(self, request):
        archived = request.GET.get("show") == "archived"
        rows = MessageTemplate.objects.for_org(self.org).filter(archived_at__isnull=not archived)
        return render(
            request,
            "marketing/template_list.html",
            {
                "tab": "templates",
                "templates": list(rows.order_by("name", "id")[:500]),
                "archived": archived,
                "has_any": MessageTemplate.objects.for_org(self.org).exists(),
            },
        )


class TemplateEditView(TemplatesView):
    """New template (no pk) or edit one; "Draft this for me" fills the form without saving."""

    def get_template(self):
        pk = self.kwargs.get("pk")
        return self.template(pk) if pk is not None else None

    def initial(self, template):
        if template is None:
            channel = self.request.GET.get("channel")
            return {"channel": channel if channel in Channel.values else Channel.EMAIL, "blocks": "[]"}
        return {
            "name": template.name,
            "channel": template.channel,
            "subject": template.subject,
            "preheader": template.preheader,
            "blocks": json.dumps(template.blocks if isinstance(template.blocks, list) else []),
            "sms_body": template.sms_body,
        }

    def render_editor(self, template, form, draft_form, *, status=200):
        organization = self.org
        return render(
            self.request,
            "marketing/template_edit.html",
            {
                "tab": "templates",
                "template": template,
                "form": form,
                "draft_form": draft_form,
                "merge_fields": merge_fields(),
                "block_types": [{"type": k, "label": str(v)} for k, v in BLOCK_TYPES.items()],
                "sms_config": {
                    "typical": sample_values(organization),
                    "longest": longest_values(organization),
                },
                "provider_available": drafting.provider_available(),
                "editor_strings": editor_strings(),
            },
            status=status,
        )

    def get(self, request, pk=None):
        template = self.get_template()
        form = TemplateForm(initial=self.initial(template))
        return self.render_editor(template, form, DraftForm(prefix="draft"))

    def post(self, request, pk=None):
        template = self.get_template()
        form = TemplateForm(request.POST)
        draft_form = DraftForm(request.POST, prefix="draft")
        if "_draft" in request.POST:
            return self.draft(template, form, draft_form)
        if not form.is_valid():
            return self.render_editor(template, form, draft_form, status=400)
        fields = dict(form.cleaned_data)
        try:
            if template is None:
                template = services.create_template(organization=self.org, actor=request.user, **fields)
                messages.success(request, _("Template saved."))
            else:
                fields.pop("channel", None)
                template = services.update_template(template=template, actor=request.user, **fields)
                messages.success(request, _("Changes saved."))
        except DomainError as error:
            apply_domain_error(form, error)
            return self.render_editor(template, form, draft_form, status=400)
        return redirect("marketing:template_preview", template.pk)

    def draft(self, template, form, draft_form):
        form.is_valid()
        channel = request_channel = form.data.get("channel") or (template.channel if template else Channel.EMAIL)
        if request_channel not in Channel.values:
            channel = Channel.EMAIL
        if not draft_form.is_valid():
            return self.render_editor(template, form, draft_form, status=400)
        try:
            result = drafting.draft(
                organization=self.org, actor=self.request.user, channel=channel, **draft_form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(draft_form, error)
            return self.render_editor(template, form, draft_form, status=400)
        data = form.data.copy()
        data["channel"] = channel
        if channel == Channel.EMAIL:
            data["subject"], data["preheader"] = result.subject, result.preheader
            data["blocks"] = json.dumps(result.blocks)
        else:
            data["sms_body"] = result.sms_body
        if not data.get("name"):
            data["name"] = str(drafting.GOALS[draft_form.cleaned_data["goal"]])
        messages.info(self.request, result.message or _("Draft ready: review it, then save."))
        return self.render_editor(
            template, TemplateForm(data), DraftForm(prefix="draft", initial=draft_form.cleaned_data)
        )


class TemplatePreviewView(TemplatesView):
    def get(self, request, pk):
        template = self.template(pk)
        clients = Client.objects.for_org(self.org).order_by("first_name", "last_name", "id")
        raw = request.GET.get("client", "")
        client = None
        if raw.isdigit() and len(raw) < 19:
            client = clients.filter(pk=int(raw)).first()
        if client is None:
            client = clients.first()
        return render(
            request,
            "marketing/template_preview.html",
            {
                "tab": "templates",
                "template": template,
                "preview": preview_data(template, client),
                "client": client,
                "clients": list(clients.only("id", "first_name", "last_name")[:200]),
                "test_form": TestSendForm(),
            },
        )


# The email as a client's mail app shows it: inline styles and remote images are allowed in
# this frame only; no script runs (the page's iframe is sandboxed and the policy says so).
EMAIL_FRAME_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["https:", "http:", "data:"],
        "script-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
}


@method_decorator(xframe_options_sameorigin, name="dispatch")
@method_decorator(csp_replace(EMAIL_FRAME_POLICY["DIRECTIVES"]), name="dispatch")
class TemplateEmailFrameView(TemplatesView):
    """The rendered email's HTML for the preview's sandboxed iframe."""

    def get(self, request, pk):
        template = self.template(pk)
        raw = request.GET.get("client", "")
        clients = Client.objects.for_org(self.org).order_by("first_name", "last_name", "id")
        client = clients.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
        html = preview_data(template, client or clients.first())["html"]
        return HttpResponse(html, content_type="text/html; charset=utf-8")


class TemplateTestSendView(TemplatesView):
    def post(self, request, pk):
        template = self.template(pk)
        form = TestSendForm(request.POST)
        form.is_valid()
        raw = request.POST.get("client", "")
        client = (
            Client.objects.for_org(self.org).filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
        )
        try:
            message = services.send_test(
                template=template, actor=request.user, client=client, phone=form.cleaned_data.get("phone", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Test queued to %(to)s.") % {"to": message.to_address})
        return redirect("marketing:template_preview", template.pk)


class TemplateArchiveView(TemplatesView):
    def post(self, request, pk):
        template = self.template(pk)
        if template.archived_at is None:
            services.archive_template(template=template, actor=request.user)
            messages.success(request, _("Template archived."))
        else:
            services.restore_template(template=template, actor=request.user)
            messages.success(request, _("Template restored."))
        return redirect("marketing:templates")
