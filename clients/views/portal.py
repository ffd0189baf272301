"""The client's own pages in the portal: their messages with their coaches, and their
progress (log values, charts, photos, removing an entry they logged)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from mecto import portal_home
from mecto.errors import DomainError
from mecto.localization import format_date
from mecto.permissions import ClientRequiredMixin

from .. import selectors, services
from ..forms import PhotoForm, progress_form
from ..models import ProgressEntry
from ._common import ConversationMixin, chart_data, entry_text, log_progress_from
from .health import health_context


# --- Messages ----------------------------------------------------------------------------------------
@method_decorator(never_cache, name="dispatch")
class PortalMessagesView(ConversationMixin, ClientRequiredMixin, View):
    """The client's own messages with their coaches (portal)."""

    feature = "messages"

    template_name = "clients/portal_messages.html"
    is_portal = True

    def get(self, request):
        return self.respond(request, request.tenant.client)

    def post(self, request):
        client = request.tenant.client
        if request.POST.get("action") == "start":
            return self.start(request, client)
        return self.send(request, client)


# --- Progress ----------------------------------------------------------------------------------------
def render_portal_progress(request, form=None, photo_form=None, status=200):
    """The client's own progress page: log today's values, charts per metric, own photos."""
    client = request.tenant.client
    metric_list = list(selectors.metrics(organization=client.organization))
    form = form or progress_form(metric_list, client)
    charts = selectors.progress_charts(client=client)
    # Charts other apps add (training volume per week), through the portal home's registry.
    more_charts = portal_home.progress_charts(request, client)
    entries = [
        {"entry": e, "value": entry_text(e, client.unit_system)} for e in selectors.progress_entries(client=client)[:30]
    ]
    return render(
        request,
        "clients/portal_progress.html",
        {
            "client": client,
            "form": form,
            "measurement_fields": [f for f in form if getattr(f.field, "group", "") == "measurements"],
            "metric_fields": [f for f in form if getattr(f.field, "group", "") == "metrics"],
            "charts": charts,
            "chart_data": chart_data(charts),
            "entries": entries,
            "photos": list(selectors.client_photos(client=client).order_by("-taken_on", "-id")[:24]),
            "photo_form": photo_form or PhotoForm(),
            "compare": selectors.photo_comparison(
                client=client,
                pose=request.GET.get("pose"),
                before=request.GET.get("before", ""),
                after=request.GET.get("after", ""),
                key="public_id",
            ),
            "more_charts": more_charts,
            "more_chart_data": [
                {
                    "key": c.key,
                    "name": c.name,
                    "unit": c.unit,
                    "kind": "number",
                    "type": c.type,
                    "target": None,
                    "values": c.values,
                    "labels": [format_date(day, "SHORT_DATE_FORMAT") for day in c.labels],
                }
                for c in more_charts
            ],
            "health_for_client": True,
            **health_context(client),
        },
        status=status,
    )


class PortalProgressView(ClientRequiredMixin, View):
    feature = "progress"

    def get(self, request):
        return render_portal_progress(request)

    def post(self, request):
        client = request.tenant.client
        metric_list = list(selectors.metrics(organization=client.organization))
        form = progress_form(metric_list, client, data=request.POST)
        if form.is_valid() and log_progress_from(
            form, client=client, actor=request.user, source=ProgressEntry.Source.CLIENT
        ):
            messages.success(request, _("Progress saved. Your coach can see it now."))
            return redirect("clients:portal_progress")
        return render_portal_progress(request, form=form, status=400)


class PortalEntryDeleteView(ClientRequiredMixin, View):
    """A client removes an entry they logged themselves (a typo); what the coach logged stays."""

    feature = "progress"

    def post(self, request, pk):
        client = request.tenant.client
        entry = ProgressEntry.objects.filter(client=client, source=ProgressEntry.Source.CLIENT, pk=pk).first()
        if entry is None:
            raise Http404
        services.delete_progress_entry(entry=entry, actor=request.user)
        messages.success(request, _("Entry deleted."))
        return redirect(reverse("clients:portal_progress") + "#entries")


class PortalPhotoUploadView(ClientRequiredMixin, View):
    """A progress photo from the client: checked and cleaned by the same service as the coach's."""

    feature = "progress"

    def post(self, request):
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.upload_photo(
                    client=request.tenant.client,
                    actor=request.user,
                    file=form.cleaned_data["image"],
                    source=ProgressEntry.Source.CLIENT,
                    **{k: form.cleaned_data[k] for k in ("taken_on", "pose", "note")},
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Photo added. Only you and your coach can see it."))
                return redirect(reverse("clients:portal_progress") + "#photos")
        return render_portal_progress(request, photo_form=form, status=400)
