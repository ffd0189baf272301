"""The coach's intake form builder: the list of forms, editing a form's settings, sections and
questions, and reordering questions. The pages prospects and clients fill in are in `public`."""

import json

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.forms import ServiceFormView, apply_domain_error
from mecto.permissions import MemberRequiredMixin

from .. import selectors, services
from ..forms import IntakeFormForm, QuestionForm, SectionForm
from ..models import IntakeForm, IntakeQuestion, IntakeSection


class IntakeFormListView(MemberRequiredMixin, ServiceFormView):
    required_capability = "clients.view"
    template_name = "clients/intake_forms.html"
    form_class = IntakeFormForm

    def post(self, request, *args, **kwargs):
        if not request.tenant.can("clients.manage"):
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        forms = (
            selectors.intake_forms(organization=self.request.tenant.organization, include_archived=True)
            .annotate(
                question_count=Count("questions", distinct=True), submission_count=Count("submissions", distinct=True)
            )
            .order_by("is_archived", "-is_default", "name")
        )
        return super().get_context_data(forms=forms, site_url=self.request.build_absolute_uri("/")[:-1], **kwargs)

    def perform(self, form):
        return services.create_intake_form(
            organization=self.request.tenant.organization,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            actor=self.request.user,
        )

    def get_success_url(self, result):
        return reverse("clients:intake_form_edit", kwargs={"pk": result.pk})


def _get_form(request, pk) -> IntakeForm:
    return get_object_or_404(IntakeForm.objects.for_org(request.tenant.organization), pk=pk)


class IntakeFormEditView(MemberRequiredMixin, View):
    """The builder: settings, sections and questions; every change is one POST `action`."""

    required_capability = "clients.manage"

    def get(self, request, pk, settings_form=None, section_form=None, question_form=None, status=200):
        intake_form = _get_form(request, pk)
        sections = list(intake_form.sections.prefetch_related("questions").order_by("position", "id"))
        return render(
            request,
            "clients/intake_form_edit.html",
            {
                "intake_form": intake_form,
                "sections": sections,
                "settings_form": settings_form or IntakeFormForm(instance=intake_form),
                "section_form": section_form or SectionForm(),
                "question_form": question_form or QuestionForm(form_obj=intake_form),
                "public_url": request.build_absolute_uri(
                    reverse("clients:intake_public", args=[intake_form.public_token])
                ),
            },
            status=status,
        )

    def post(self, request, pk):
        intake_form = _get_form(request, pk)
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            messages.error(request, _("Unknown action."))
            return redirect("clients:intake_form_edit", pk=pk)
        try:
            response = handler(request, intake_form)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("clients:intake_form_edit", pk=pk)
        return response or redirect("clients:intake_form_edit", pk=pk)

    def do_settings(self, request, intake_form):
        form = IntakeFormForm(request.POST, instance=intake_form)
        if not form.is_valid():
            return self.get(request, intake_form.pk, settings_form=form, status=400)
        services.update_intake_form(form=intake_form, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Form saved."))

    def do_add_section(self, request, intake_form):
        form = SectionForm(request.POST)
        if not form.is_valid():
            return self.get(request, intake_form.pk, section_form=form, status=400)
        services.add_section(form=intake_form, **form.cleaned_data)
        messages.success(request, _("Section added."))

    def _section(self, request, intake_form) -> IntakeSection:
        return get_object_or_404(intake_form.sections.all(), pk=request.POST.get("section_id") or 0)

    def _question(self, request, intake_form) -> IntakeQuestion:
        return get_object_or_404(intake_form.questions.all(), pk=request.POST.get("question_id") or 0)

    def do_edit_section(self, request, intake_form):
        section = self._section(request, intake_form)
        form = SectionForm(request.POST, instance=section)
        if form.is_valid():
            services.update_section(section=section, **form.cleaned_data)
            messages.success(request, _("Section saved."))
        else:
            messages.error(request, _("Give the section a title."))

    def do_delete_section(self, request, intake_form):
        services.delete_section(section=self._section(request, intake_form))
        messages.success(request, _("Section deleted."))

    def do_add_question(self, request, intake_form):
        form = QuestionForm(request.POST, form_obj=intake_form)
        if not form.is_valid():
            return self.get(request, intake_form.pk, question_form=form, status=400)
        data = form.service_fields()
        try:
            services.add_question(**data)
        except DomainError as exc:
            apply_domain_error(form, exc)
            return self.get(request, intake_form.pk, question_form=form, status=400)
        messages.success(request, _("Question added."))

    def do_delete_question(self, request, intake_form):
        services.delete_question(question=self._question(request, intake_form))
        messages.success(request, _("Question deleted."))

    def do_move_up(self, request, intake_form):
        services.move_question(question=self._question(request, intake_form), direction=-1)

    def do_move_down(self, request, intake_form):
        services.move_question(question=self._question(request, intake_form), direction=1)

    def do_set_default(self, request, intake_form):
        services.set_default_intake_form(form=intake_form, actor=request.user)
        messages.success(request, _("New leads and clients get this form by default."))

    def do_duplicate(self, request, intake_form):
        copy = services.duplicate_intake_form(form=intake_form, actor=request.user)
        messages.success(request, _("Copy made."))
        return redirect("clients:intake_form_edit", pk=copy.pk)

    def do_archive(self, request, intake_form):
        services.archive_intake_form(form=intake_form, actor=request.user)
        messages.success(request, _("Form archived; its public link no longer works."))
        return redirect("clients:intake_forms")

    def do_renew_link(self, request, intake_form):
        services.renew_public_link(form=intake_form, actor=request.user)
        messages.success(request, _("New public link made; the old one no longer works."))


class IntakeQuestionEditView(MemberRequiredMixin, ServiceFormView):
    required_capability = "clients.manage"
    template_name = "clients/intake_question_edit.html"
    form_class = QuestionForm

    def get_object(self):
        self.intake_form = _get_form(self.request, self.kwargs["pk"])
        return get_object_or_404(self.intake_form.questions.all(), pk=self.kwargs["question_pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "form_obj": self.intake_form}

    def get_context_data(self, **kwargs):
        return super().get_context_data(intake_form=self.intake_form, question=self.object, **kwargs)

    def perform(self, form):
        try:
            return services.update_question(question=self.object, **form.service_fields())
        except DomainError:
            # The service may have changed the row in memory before refusing: show the saved one.
            self.object = self.get_object()
            raise

    def get_success_message(self, result):
        return _("Question saved.")

    def get_success_url(self, result):
        return reverse("clients:intake_form_edit", kwargs={"pk": self.intake_form.pk})


class IntakeReorderView(MemberRequiredMixin, View):
    """Drag and drop in the builder posts the new order of a section's questions."""

    required_capability = "clients.manage"

    def post(self, request, pk):
        intake_form = _get_form(request, pk)
        try:
            data = json.loads(request.body or b"{}")
            section = intake_form.sections.get(pk=int(data.get("section")))
            ids = [int(i) for i in data.get("questions", [])][:500]
        except (ValueError, TypeError, IntakeSection.DoesNotExist, json.JSONDecodeError):
            return JsonResponse({"detail": _("Could not read the new order.")}, status=400)
        services.reorder_questions(section=section, question_ids=ids)
        return JsonResponse({"detail": _("Order saved.")})
