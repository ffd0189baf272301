"""CSV import pages: upload, map columns with a preview, then watch the progress."""

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from mecto.errors import DomainError
from mecto.forms import ServiceFormView
from mecto.permissions import MemberRequiredMixin

from .. import services
from ..models import Client, ClientImport
from ..services.imports import IMPORT_FIELDS


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=gettext_lazy(
            "The first row names the columns. Export from your spreadsheet or old system as CSV (up to 10 MB)."
        ),
    )


class ImportUploadView(MemberRequiredMixin, ServiceFormView):
    required_capability = "clients.manage"
    template_name = "clients/import_upload.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        recent = ClientImport.objects.for_org(self.request.tenant.organization).select_related("created_by")[:10]
        return super().get_context_data(imports=recent, **kwargs)

    def perform(self, form):
        return services.upload_import(
            organization=self.request.tenant.organization, file=form.cleaned_data["file"], actor=self.request.user
        )

    def get_success_url(self, result):
        return reverse("clients:import_mapping", kwargs={"pk": result.pk})


def _get_import(request, pk) -> ClientImport:
    return get_object_or_404(ClientImport.objects.for_org(request.tenant.organization), pk=pk)


class ImportMappingView(MemberRequiredMixin, View):
    """Choose a client field for each column; the preview shows the first rows as they would go in."""

    required_capability = "clients.manage"

    def render_page(self, request, client_import, mapping=None, error=None, status=200):
        mapping = client_import.mapping if mapping is None else mapping
        health = request.tenant.can("clients.health")
        if not health:  # a suggested health column is not offered to a role that cannot import it
            mapping = {i: f for i, f in mapping.items() if f not in Client.HEALTH_FIELDS}
        preview, preview_error = [], None
        try:
            original = client_import.mapping
            client_import.mapping = mapping
            preview = services.preview_import(client_import=client_import)
            client_import.mapping = original
        except DomainError as exc:
            preview_error = exc.message
        samples = self._samples(client_import)
        columns = [
            {"index": str(i), "header": header, "field": mapping.get(str(i), ""), "samples": samples.get(i, [])}
            for i, header in enumerate(client_import.headers)
        ]
        mapped = [(str(i), mapping[str(i)]) for i in range(len(client_import.headers)) if mapping.get(str(i))]
        return render(
            request,
            "clients/import_mapping.html",
            {
                "client_import": client_import,
                "columns": columns,
                "choices": [("", _("Do not import"))]
                + [
                    (k, label)
                    for k, (label, _names) in IMPORT_FIELDS.items()
                    if health or k not in Client.HEALTH_FIELDS
                ],
                "preview": preview,
                "preview_error": preview_error,
                "mapped": mapped,
                "field_labels": {k: label for k, (label, _n) in IMPORT_FIELDS.items()},
                "error": error,
            },
            status=status,
        )

    def _samples(self, client_import) -> dict[int, list[str]]:
        from ..services.imports import _rows

        samples: dict[int, list[str]] = {}
        for row in _rows(client_import)[:3]:
            for i, cell in enumerate(row):
                samples.setdefault(i, []).append(cell[:40])
        return samples

    def get(self, request, pk):
        client_import = _get_import(request, pk)
        if client_import.status != ClientImport.Status.UPLOADED:
            return redirect("clients:import_progress", pk=pk)
        return self.render_page(request, client_import)

    def post(self, request, pk):
        client_import = _get_import(request, pk)
        if client_import.status != ClientImport.Status.UPLOADED:
            return redirect("clients:import_progress", pk=pk)
        mapping = {
            str(i): request.POST.get(f"column_{i}", "")
            for i in range(len(client_import.headers))
            if request.POST.get(f"column_{i}", "")
        }
        try:
            services.set_import_mapping(
                client_import=client_import, mapping=mapping, allow_health=request.tenant.can("clients.health")
            )
            if request.POST.get("action") == "start":
                services.start_import(client_import=client_import, actor=request.user)
                return redirect("clients:import_progress", pk=pk)
        except DomainError as exc:
            return self.render_page(request, client_import, mapping=mapping, error=exc.message, status=400)
        return self.render_page(request, client_import)


class ImportProgressView(MemberRequiredMixin, View):
    """Progress while the task runs (htmx polls the status block), then the refused rows."""

    required_capability = "clients.manage"

    def get(self, request, pk):
        client_import = _get_import(request, pk)
        context = {"client_import": client_import, "errors": client_import.errors[:500]}
        if request.htmx and request.htmx.target == "import-status":
            return render(request, "clients/_import_status.html", context)
        return render(request, "clients/import_progress.html", context)
