"""The client's data rights in pages: the portal's "Your data" page, the coach's data page
of a client, the export status block (htmx polls it every 2 s) and the signed download link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from .. import services
from ..models import DataExport, ErasureRequest
from .records import ClientTabMixin, get_client

CONFIRM_WORD = "ERASE"


def _data_context(client, *, status_url: str) -> dict:
    exports = list(DataExport.objects.filter(client=client).order_by("-created_at", "-id")[:5])
    for export in exports:
        export.download_url = (
            reverse("clients:data_export_download", args=[services.export_download_url_token(export)])
            if export.status == DataExport.Status.READY and export.file
            else ""
        )
    return {
        "exports": exports,
        "building": any(e.status in (DataExport.Status.QUEUED, DataExport.Status.BUILDING) for e in exports),
        "erasure": ErasureRequest.objects.filter(client=client, status=ErasureRequest.Status.PENDING).first(),
        "status_url": status_url,
        "confirm_word": CONFIRM_WORD,
        "default_grace_days": services.DEFAULT_GRACE_DAYS,
        "max_grace_days": services.MAX_GRACE_DAYS,
    }


def _flash_error(request, exc: DomainError) -> None:
    messages.error(request, exc.message)


# --- Portal ---------------------------------------------------------------------------------------
class PortalDataView(ClientRequiredMixin, View):
    """Your data: ask for an export (progress, download) or to be erased (with the grace period)."""

    def get(self, request):
        client = request.tenant.client
        context = _data_context(client, status_url=reverse("clients:portal_data_status"))
        if request.htmx and request.htmx.target == "export-status":
            return render(request, "clients/privacy/_exports.html", context)
        return render(request, "clients/privacy/portal.html", context)

    def post(self, request):
        client = request.tenant.client
        action = request.POST.get("action")
        try:
            if action == "export":
                services.request_export(client=client, actor=request.user, by_client=True)
                messages.success(request, _("Your export is being built. It will be ready in a minute or two."))
            elif action == "erase":
                if not _confirmed(request):
                    messages.error(
                        request,
                        _("Type %(word)s or your password to confirm the erasure.") % {"word": CONFIRM_WORD},
                    )
                else:
                    services.request_erasure(client=client, actor=request.user, by_client=True)
                    messages.success(
                        request,
                        _("Your data will be erased after the grace period. You can cancel until then."),
                    )
            elif action == "cancel":
                erasure = ErasureRequest.objects.filter(client=client, status=ErasureRequest.Status.PENDING).first()
                if erasure is None:
                    raise Http404
                services.cancel_erasure(erasure=erasure, actor=request.user)
                messages.success(request, _("The erasure is cancelled. Your data stays."))
        except DomainError as exc:
            _flash_error(request, exc)
        return redirect("clients:portal_data")


def _confirmed(request) -> bool:
    word = (request.POST.get("confirm") or "").strip()
    if word.upper() == CONFIRM_WORD:
        return True
    password = request.POST.get("password") or ""
    return bool(password) and authenticate(request, email=request.user.email, password=password) is not None


class PortalDataStatusView(ClientRequiredMixin, View):
    def get(self, request):
        context = _data_context(request.tenant.client, status_url=reverse("clients:portal_data_status"))
        return render(request, "clients/privacy/_exports.html", context)


# --- Coach ----------------------------------------------------------------------------------------
class ClientDataView(ClientTabMixin, View):
    """A client's data rights, for the coach: export everything, erase on their behalf."""

    required_capability = "clients.manage"
    tab = "data"

    def get(self, request, pk):
        client = get_client(request, pk)
        context = self.tab_context(request, client)
        context.update(_data_context(client, status_url=reverse("clients:data_status", args=[client.pk])))
        if request.htmx and request.htmx.target == "export-status":
            return render(request, "clients/privacy/_exports.html", context)
        return render(request, "clients/privacy/coach.html", context)

    def post(self, request, pk):
        client = get_client(request, pk)
        action = request.POST.get("action")
        try:
            if action == "export":
                services.request_export(client=client, actor=request.user)
                messages.success(request, _("The export is being built. It will be ready in a minute or two."))
            elif action == "erase":
                if request.POST.get("confirm", "").strip() != client.full_name:
                    messages.error(request, _("Type the client's full name to confirm the erasure."))
                else:
                    try:
                        grace = int(request.POST.get("grace_days", services.DEFAULT_GRACE_DAYS))
                    except (TypeError, ValueError):
                        grace = -1
                    services.request_erasure(client=client, actor=request.user, grace_days=grace)
                    messages.success(request, _("The erasure is scheduled. It can be cancelled until it runs."))
            elif action == "cancel":
                erasure = ErasureRequest.objects.filter(client=client, status=ErasureRequest.Status.PENDING).first()
                if erasure is None:
                    raise Http404
                services.cancel_erasure(erasure=erasure, actor=request.user)
                messages.success(request, _("The erasure is cancelled."))
        except DomainError as exc:
            _flash_error(request, exc)
        return redirect("clients:data", pk=client.pk)


class ClientDataStatusView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def get(self, request, pk):
        client = get_client(request, pk)
        context = _data_context(client, status_url=reverse("clients:data_status", args=[client.pk]))
        return render(request, "clients/privacy/_exports.html", context)


# --- The signed link ------------------------------------------------------------------------------
class DataExportDownloadView(View):
    """The archive itself: the signed link is the key (it is shown only to the client and to
    the business's members who may manage them, and it expires with the export)."""

    def get(self, request, token):
        try:
            export = services.export_from_token(token)
        except DomainError:
            raise Http404 from None
        response = FileResponse(
            export.file.open("rb"), as_attachment=True, filename=f"data-export-{export.public_id}.zip"
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
