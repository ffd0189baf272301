"""The coach's progress pages: a client's progress tab (log, charts, targets, removing an
entry) and the business's metric settings. The client's own progress page is in `portal`."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.forms import ServiceFormView
from mecto.permissions import MemberRequiredMixin

from .. import selectors, services
from ..forms import MetricForm, PhotoForm, TargetForm, progress_form
from ..models import Metric, ProgressEntry
from ..units import display_unit, to_display
from ._common import chart_data, entry_text, log_progress_from
from .health import health_context
from .records import ClientTabMixin, get_client


class ClientProgressView(ClientTabMixin, View):
    tab = "progress"

    def render_page(self, request, client, form=None, status=200):
        org = request.tenant.organization
        metric_list = list(selectors.metrics(organization=org))
        form = form or progress_form(metric_list, client)
        charts = selectors.progress_charts(client=client)
        entries = [
            {
                "entry": e,
                "value": entry_text(e, client.unit_system),
            }
            for e in selectors.progress_entries(client=client)[:30]
        ]
        context = self.tab_context(request, client)
        context.update(
            {
                "form": form,
                "measurement_fields": [f for f in form if getattr(f.field, "group", "") == "measurements"],
                "metric_fields": [f for f in form if getattr(f.field, "group", "") == "metrics"],
                "charts": charts,
                "chart_data": chart_data(charts),
                "entries": entries,
                "target_form": TargetForm(organization=org),
                **self.photo_context(request, client),
                **health_context(client),
            }
        )
        return render(request, "clients/progress.html", context, status=status)

    def photo_context(self, request, client) -> dict:
        photos = list(selectors.client_photos(client=client)[:24])
        return {"photos": photos, "photo_form": PhotoForm()}

    def get(self, request, pk):
        return self.render_page(request, get_client(request, pk))

    def post(self, request, pk):
        if not request.tenant.can("clients.manage"):
            raise Http404
        client = get_client(request, pk)
        metric_list = list(selectors.metrics(organization=request.tenant.organization))
        form = progress_form(metric_list, client, data=request.POST)
        if form.is_valid() and log_progress_from(form, client=client, actor=request.user):
            messages.success(request, _("Progress saved."))
            return redirect("clients:progress", pk=client.pk)
        return self.render_page(request, client, form, status=400)


class ClientTargetView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_client(request, pk)
        form = TargetForm(request.POST, organization=request.tenant.organization)
        if form.is_valid():
            try:
                services.set_client_target(
                    client=client,
                    metric=form.cleaned_data["metric"],
                    value=form.cleaned_data["value"],
                    actor=request.user,
                )
                messages.success(request, _("Target saved."))
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _("Choose a metric."))
        return redirect("clients:progress", pk=client.pk)


class ProgressEntryDeleteView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk, entry_pk):
        client = get_client(request, pk)
        entry = get_object_or_404(
            ProgressEntry.objects.for_org(request.tenant.organization), pk=entry_pk, client=client
        )
        services.delete_progress_entry(entry=entry, actor=request.user)
        messages.success(request, _("Entry deleted."))
        return redirect("clients:progress", pk=client.pk)


# The form takes the target as typed (target_display); the service checks target.
TARGET_FIELD = {"target": "target_display"}


class MetricListView(MemberRequiredMixin, ServiceFormView):
    required_capability = "clients.view"
    template_name = "clients/metrics.html"
    form_class = MetricForm
    error_fields = TARGET_FIELD

    def post(self, request, *args, **kwargs):
        if not request.tenant.can("clients.manage"):
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        org = self.request.tenant.organization
        metric_list = [
            {"metric": m, "unit": display_unit(m, org.unit_system), "target": to_display(m, m.target, org.unit_system)}
            for m in selectors.metrics(organization=org, include_inactive=True)
        ]
        return super().get_context_data(metrics=metric_list, **kwargs)

    def perform(self, form):
        return services.create_metric(
            organization=self.request.tenant.organization, actor=self.request.user, **form.service_fields()
        )

    def get_success_message(self, result):
        return _("Metric added: log it from any client's Progress tab.")

    def get_success_url(self, result):
        return reverse("clients:metrics")


class MetricEditView(MemberRequiredMixin, ServiceFormView):
    required_capability = "clients.manage"
    template_name = "clients/metric_edit.html"
    form_class = MetricForm
    error_fields = TARGET_FIELD

    def get_object(self):
        return get_object_or_404(Metric.objects.for_org(self.request.tenant.organization), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(metric=self.object, **kwargs)

    def perform(self, form):
        try:
            return services.update_metric(metric=self.object, actor=self.request.user, **form.service_fields())
        except DomainError:
            # The service may have changed the row in memory before refusing: show the saved one.
            self.object = self.get_object()
            raise

    def get_success_message(self, result):
        return _("Metric saved.")

    def get_success_url(self, result):
        return reverse("clients:metrics")
