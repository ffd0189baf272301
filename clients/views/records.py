"""Coach pages for client records: the list, adding and editing, the client page and its tabs."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.models import User
from mecto import optin
from mecto.errors import DomainError
from mecto.forms import ServiceFormView
from mecto.localization import cm_to_display, length_unit
from mecto.permissions import MemberRequiredMixin
from mecto.scope import client_scope

from .. import selectors, services
from ..forms import (
    SORT_LABELS,
    ClientForm,
    ClientListForm,
    ConsentForm,
    NoteForm,
    SavedViewForm,
    SendIntakeForm,
    StatusForm,
)
from ..models import Client, Note
from ..timeline import describe_events

PAGE_SIZE = 25


def list_form(request) -> ClientListForm:
    """The list's filters and sort from the query string, checked (a bad value is reported)."""
    return ClientListForm(request.GET)


def list_filters(request, form: ClientListForm | None = None) -> dict:
    """`selectors.client_list` keywords: the valid filters, the coach scope and the viewer."""
    form = form or list_form(request)
    return {**form.selector_kwargs(), "coach_id": scoped_coach(request), "viewer": request.user}


def scoped_coach(request) -> str:
    """The coach filter of the list: a coach picked in the filter, else the member themselves on
    "My clients"; without `clients.view_all` always themselves."""
    scope = client_scope(request)
    if not scope.can_see_all:
        return str(request.user.pk)
    return request.GET.get("coach", "") or (str(scope.coach_id) if scope.coach_id else "")


class ClientListView(MemberRequiredMixin, View):
    """Search, filter (status, tag, coach and the figures), sort and page; htmx swaps only the
    results. Each client carries the figures that say who needs the coach today."""

    required_capability = "clients.view"

    def get(self, request):
        org = request.tenant.organization
        form = list_form(request)
        filters = list_filters(request, form)
        qs = selectors.client_list(organization=org, **filters)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        figure_filters = [form[name] for name in ClientListForm.FIGURE_FILTERS]
        context = {
            "page": page,
            "form": form,
            "filters": {**filters, "tag_id": str(filters["tag_id"] or "")},
            "figure_filters": figure_filters,
            "figure_filters_used": bool(form.errors) or any(form.cleaned_data.get(n) for n in form.FIGURE_FILTERS),
            "scope": client_scope(request),
            "statuses": Client.Status.choices,
            "coaches": User.objects.for_org(org).order_by("full_name", "email"),
            "tags": selectors.tags(organization=org),
            "sorts": SORT_LABELS,
            "querystring": request.GET.urlencode(),
            "today": timezone.localdate(),
        }
        if request.htmx and request.htmx.target == "client-results":
            return render(request, "clients/_list_results.html", context)
        counts = Client.objects.for_org(org).aggregate(any=Count("pk"), demo=Count("pk", filter=Q(is_demo=True)))
        context["has_any"] = bool(counts["any"])
        context["demo_count"] = counts["demo"]
        context["saved_views"] = selectors.saved_views(organization=org, user=request.user)
        context["saved_view_form"] = SavedViewForm()
        return render(request, "clients/list.html", context)


class SavedViewCreateView(MemberRequiredMixin, View):
    """Keep the list's current filters and sort under a name (the member's own, or shared)."""

    required_capability = "clients.view"

    def post(self, request):
        query = ClientListForm(request.POST)
        form = SavedViewForm(request.POST)
        if not (form.is_valid() and query.is_valid()):
            errors = [str(e) for f in (form, query) for field_errors in f.errors.values() for e in field_errors]
            messages.error(request, _("The view was not saved: %(errors)s") % {"errors": " ".join(errors)})
            return redirect("clients:list")
        try:
            view = services.save_client_view(
                organization=request.tenant.organization,
                owner=request.user,
                name=form.cleaned_data["name"],
                query=query.saved_query(),
                is_shared=form.cleaned_data["is_shared"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("clients:list")
        messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
        return redirect(view_url(view))


class SavedViewDeleteView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def post(self, request, pk):
        view = get_object_or_404(
            selectors.saved_views(organization=request.tenant.organization, user=request.user), pk=pk
        )
        try:
            services.delete_client_view(view=view, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Deleted the view “%(name)s”.") % {"name": view.name})
        return redirect("clients:list")


def view_url(view) -> str:
    from urllib.parse import urlencode

    return f"{reverse('clients:list')}?{urlencode({'scope': 'all', **view.query})}"


class RemoveDemoDataView(MemberRequiredMixin, View):
    """Delete the sample clients and what hangs from them (the owner's own data stays)."""

    required_capability = "org.manage"

    def post(self, request):
        removed = services.remove_demo_data(organization=request.tenant.organization, actor=request.user)
        if removed:
            messages.success(request, _("Removed %(n)s demo clients and their records.") % {"n": removed})
        else:
            messages.info(request, _("There is no demo data left to remove."))
        return redirect(
            request.POST.get("next") if request.POST.get("next") == reverse("dashboard") else "clients:list"
        )


EXPORT_COLUMNS = [
    ("first_name", gettext_lazy("First name")),
    ("last_name", gettext_lazy("Last name")),
    ("email", gettext_lazy("Email")),
    ("phone", gettext_lazy("Phone")),
    ("status", gettext_lazy("Status")),
    ("coach", gettext_lazy("Coach")),
    ("tags", gettext_lazy("Tags")),
    ("date_of_birth", gettext_lazy("Date of birth")),
    ("sex", gettext_lazy("Sex")),
    ("height_cm", gettext_lazy("Height (cm)")),
    ("source", gettext_lazy("Source")),
    ("goals", gettext_lazy("Goals")),
    ("email_consent", gettext_lazy("Email consent")),
    ("sms_consent", gettext_lazy("SMS consent")),
    ("emergency_contact_name", gettext_lazy("Emergency contact")),
    ("emergency_contact_phone", gettext_lazy("Emergency contact phone")),
    ("time_zone", gettext_lazy("Time zone")),
    ("unit_system", gettext_lazy("Units")),
    ("created_at", gettext_lazy("Added")),
]


def _csv_safe(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def export_columns(*, health: bool) -> list:
    """The CSV's columns; health details only for roles with `clients.health` as well."""
    return [(key, label) for key, label in EXPORT_COLUMNS if health or key not in Client.HEALTH_FIELDS]


def export_rows(qs, columns=EXPORT_COLUMNS):
    for client in qs.iterator(chunk_size=500):
        row = {
            "first_name": client.first_name,
            "last_name": client.last_name,
            "email": client.email,
            "phone": client.phone,
            "status": client.status,
            "coach": client.coach.email if client.coach else "",
            "tags": "; ".join(t.name for t in client.tags.all()),
            "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else "",
            "sex": client.sex,
            "height_cm": client.height_cm if client.height_cm is not None else "",
            "source": client.source,
            "goals": client.goals,
            "email_consent": "yes" if client.email_consent else "no",
            "sms_consent": "yes" if client.sms_consent else "no",
            "emergency_contact_name": client.emergency_contact_name,
            "emergency_contact_phone": client.emergency_contact_phone,
            "time_zone": client.time_zone,
            "unit_system": client.unit_system,
            "created_at": client.created_at.isoformat(timespec="seconds"),
        }
        yield [_csv_safe(row[key]) for key, _label in columns]


class ClientExportView(MemberRequiredMixin, View):
    """The filtered list as CSV (the same filters as the page); the whole list with dates of
    birth and emergency contacts leaves the product, so only roles with `clients.export`."""

    required_capability = "clients.export"

    def get(self, request):
        qs = selectors.client_list(organization=request.tenant.organization, **list_filters(request))
        writer = csv.writer(_Echo())
        columns = export_columns(health=request.tenant.can("clients.health"))

        def rows():
            yield writer.writerow([str(label) for _key, label in columns])
            for row in export_rows(qs, columns):
                yield writer.writerow(row)

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="clients-{stamp}.csv"'
        return response


# The form asks for height in the person's units; the service checks height_cm.
HEIGHT_FIELD = {"height_cm": "height"}


class ClientCreateView(MemberRequiredMixin, ServiceFormView):
    required_capability = "clients.manage"
    template_name = "clients/form.html"
    form_class = ClientForm
    error_fields = HEIGHT_FIELD

    def get_initial(self):
        # A coach's new client is theirs unless they pick another coach, so it shows on the
        # "My clients" list they start on.
        return {"coach": self.request.user.pk} if client_scope(self.request).is_mine else {}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organization": self.request.tenant.organization,
            "health": self.request.tenant.can("clients.health"),
        }

    def perform(self, form):
        return services.create_client(
            organization=self.request.tenant.organization, actor=self.request.user, **form.service_fields()
        )

    def get_success_message(self, result):
        return _("%(name)s was added.") % {"name": result.full_name}

    def get_success_url(self, result):
        return reverse("clients:detail", kwargs={"pk": result.pk})


def get_client(request, pk) -> Client:
    try:
        return selectors.client_detail(organization=request.tenant.organization, pk=pk)
    except Client.DoesNotExist:
        raise Http404


class ClientEditView(MemberRequiredMixin, ServiceFormView):
    required_capability = "clients.manage"
    template_name = "clients/form.html"
    form_class = ClientForm
    error_fields = HEIGHT_FIELD

    def get_object(self):
        return get_client(self.request, self.kwargs["pk"])

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "organization": self.request.tenant.organization,
            "health": self.request.tenant.can("clients.health"),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(client=self.object, **kwargs)

    def perform(self, form):
        return services.update_client(client=self.object, actor=self.request.user, **form.service_fields())

    def get_success_message(self, result):
        return _("Changes saved.")

    def get_success_url(self, result):
        return reverse("clients:detail", kwargs={"pk": self.object.pk})


class ClientDeleteView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_client(request, pk)
        if request.POST.get("confirm") != client.full_name:
            messages.error(request, _("Type the client's full name to confirm the deletion."))
            return redirect("clients:edit", pk=client.pk)
        name = client.full_name
        services.delete_client(client=client, actor=request.user)
        messages.success(request, _("%(name)s and everything kept about them were deleted.") % {"name": name})
        return redirect("clients:list")


class ClientTabMixin(MemberRequiredMixin):
    """The client page: a header and tabs (overview, intake, progress, messages, notes)."""

    required_capability = "clients.view"
    tab = "overview"

    def tab_context(self, request, client) -> dict:
        return {
            "client": client,
            "tab": self.tab,
            "pending_invitation": client.invitations.pending().first(),
            "height_display": cm_to_display(client.height_cm, client.unit_system),
            "length_unit": length_unit(client.unit_system),
            "can_manage": request.tenant.can("clients.manage"),
            "can_see_health": request.tenant.can("clients.health"),
        }


class ClientDetailView(ClientTabMixin, View):
    tab = "overview"

    def get(self, request, pk):
        client = get_client(request, pk)
        context = self.tab_context(request, client)
        context.update(
            {
                "status_form": StatusForm(initial={"status": client.status}),
                "consent_form": ConsentForm(),
                "status_history": selectors.status_history(client=client)[:20],
                "consent_history": selectors.consent_history(client=client)[:20],
                "timeline": describe_events(
                    selectors.timeline(client=client, limit=40), health=request.tenant.can("clients.health")
                ),
                "pinned_notes": selectors.client_notes(client=client).filter(is_pinned=True)[:3],
                "email_optin": None if client.email_consent else optin.pending_for(client=client),
            }
        )
        from clients.page_sections import render_sections

        context["page_sections"] = render_sections(request, client)
        return render(request, "clients/detail.html", context)


class ClientStatusView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_client(request, pk)
        form = StatusForm(request.POST)
        if form.is_valid():
            try:
                services.change_status(
                    client=client,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
                messages.success(request, _("Status changed."))
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _("Choose a valid status."))
        return redirect("clients:detail", pk=client.pk)


class ClientConsentView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_client(request, pk)
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                services.record_consent(client=client, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Consent recorded."))
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _("Choose the channel and say how consent was given or withdrawn."))
        return redirect("clients:detail", pk=client.pk)


class ClientOptInResendView(MemberRequiredMixin, View):
    """Send the email-marketing confirmation again (limited by marketing's rules)."""

    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_client(request, pk)
        try:
            optin.resend(client=client, actor=request.user)
            messages.success(request, _("The confirmation email was sent again."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("clients:detail", pk=client.pk)


class ClientClearanceView(MemberRequiredMixin, View):
    """The coach received medical clearance: lift the flag (kept in the timeline)."""

    required_capability = "clients.health"

    def post(self, request, pk):
        if not request.tenant.can("clients.manage"):
            raise Http404
        client = get_client(request, pk)
        services.update_client(client=client, actor=request.user, needs_medical_clearance=False)
        messages.success(request, _("Medical clearance recorded."))
        return redirect("clients:detail", pk=client.pk)


class ClientNotesView(ClientTabMixin, ServiceFormView):
    tab = "notes"
    template_name = "clients/notes.html"
    form_class = NoteForm

    @cached_property
    def client(self) -> Client:
        """The client whose notes these are; a 404 for another business's."""
        return get_client(self.request, self.kwargs["pk"])

    def post(self, request, *args, **kwargs):
        if not request.tenant.can("clients.manage"):
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.tab_context(self.request, self.client))
        context["notes"] = selectors.client_notes(client=self.client)
        return context

    def perform(self, form):
        return services.add_note(client=self.client, author=self.request.user, **form.cleaned_data)

    def get_success_message(self, result):
        return _("Note saved.")

    def get_success_url(self, result):
        return reverse("clients:notes", kwargs={"pk": self.client.pk})


class NoteActionView(MemberRequiredMixin, View):
    """Pin, unpin, edit or delete a note."""

    required_capability = "clients.manage"

    def post(self, request, pk, note_pk):
        client = get_client(request, pk)
        note = get_object_or_404(Note.objects.for_org(request.tenant.organization), pk=note_pk, client=client)
        action = request.POST.get("action")
        try:
            if action == "delete":
                services.delete_note(note=note, actor=request.user)
                messages.success(request, _("Note deleted."))
            elif action in ("pin", "unpin"):
                services.update_note(note=note, actor=request.user, is_pinned=action == "pin")
            elif action == "edit":
                services.update_note(note=note, actor=request.user, body=request.POST.get("body", ""))
                messages.success(request, _("Note saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("clients:notes", pk=client.pk)


class ClientIntakeView(ClientTabMixin, View):
    """Intake answers hold the health screening: only roles with `clients.health`."""

    required_capability = "clients.health"
    tab = "intake"

    def get(self, request, pk):
        client = get_client(request, pk)
        context = self.tab_context(request, client)
        context.update(
            {
                "submissions": [
                    (submission, selectors.submission_sections(submission))
                    for submission in selectors.client_submissions(client=client)[:10]
                ],
                "requests": client.intake_requests.select_related("form").order_by("-created_at")[:10],
                "send_form": SendIntakeForm(organization=request.tenant.organization),
            }
        )
        return render(request, "clients/intake_tab.html", context)

    def post(self, request, pk):
        """Send an intake form to this client."""
        if not request.tenant.can("clients.manage"):
            raise Http404
        client = get_client(request, pk)
        form = SendIntakeForm(request.POST, organization=request.tenant.organization)
        if form.is_valid():
            try:
                services.send_intake_to_client(form=form.cleaned_data["form"], client=client, actor=request.user)
                messages.success(request, _("Intake sent to %(email)s.") % {"email": client.email})
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _("Choose a form."))
        return redirect("clients:intake", pk=client.pk)


class IntakeReviewView(MemberRequiredMixin, View):
    """Accept or discard an unverified public-link submission on the client's intake tab."""

    required_capability = "clients.health"

    def post(self, request, pk, submission_pk):
        if not request.tenant.can("clients.manage"):
            raise Http404
        client = get_client(request, pk)
        submission = get_object_or_404(selectors.client_submissions(client=client), pk=submission_pk)
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                services.accept_intake_submission(submission=submission, actor=request.user)
                messages.success(request, _("Answers accepted: they now count for this client."))
            elif decision == "discard":
                services.discard_intake_submission(submission=submission, actor=request.user)
                messages.success(request, _("Submission discarded: its answers do not count."))
            else:
                messages.error(request, _("Choose accept or discard."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("clients:intake", pk=client.pk)


class ClientInviteView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def post(self, request, pk):
        client = get_object_or_404(Client.objects.for_org(request.tenant.organization), pk=pk)
        try:
            services.invite_client(client=client, invited_by=request.user)
            messages.success(request, _("Portal invitation sent to %(email)s.") % {"email": client.email})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("clients:detail", pk=client.pk)
