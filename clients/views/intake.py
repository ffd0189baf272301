"""Intake forms: the coach's builder, and the public pages prospects and clients fill in."""

import json

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mecto.branding import brand_for
from mecto.crypto import hash_token
from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import MemberRequiredMixin

from .. import selectors, services
from ..forms import IntakeContactForm, IntakeFormForm, QuestionForm, SectionForm, answers_form
from ..models import IntakeForm, IntakeQuestion, IntakeRequest, IntakeSection, IntakeSubmission

PUBLIC_SUBMISSIONS_PER_HOUR = 20


class IntakeFormListView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def get(self, request, form=None, status=200):
        org = request.tenant.organization
        forms = (
            selectors.intake_forms(organization=org, include_archived=True)
            .annotate(
                question_count=Count("questions", distinct=True), submission_count=Count("submissions", distinct=True)
            )
            .order_by("is_archived", "-is_default", "name")
        )
        return render(
            request,
            "clients/intake_forms.html",
            {"forms": forms, "form": form or IntakeFormForm(), "site_url": request.build_absolute_uri("/")[:-1]},
            status=status,
        )

    def post(self, request):
        if not request.tenant.can("clients.manage"):
            raise Http404
        form = IntakeFormForm(request.POST)
        if form.is_valid():
            try:
                created = services.create_intake_form(
                    organization=request.tenant.organization,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                return redirect("clients:intake_form_edit", pk=created.pk)
        return self.get(request, form=form, status=400)


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


class IntakeQuestionEditView(MemberRequiredMixin, View):
    required_capability = "clients.manage"

    def get(self, request, pk, question_pk, form=None, status=200):
        intake_form = _get_form(request, pk)
        question = get_object_or_404(intake_form.questions.all(), pk=question_pk)
        form = form or QuestionForm(instance=question, form_obj=intake_form)
        return render(
            request,
            "clients/intake_question_edit.html",
            {"intake_form": intake_form, "question": question, "form": form},
            status=status,
        )

    def post(self, request, pk, question_pk):
        intake_form = _get_form(request, pk)
        question = get_object_or_404(intake_form.questions.all(), pk=question_pk)
        form = QuestionForm(request.POST, instance=question, form_obj=intake_form)
        if form.is_valid():
            try:
                services.update_question(question=question, **form.service_fields())
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Question saved."))
                return redirect("clients:intake_form_edit", pk=pk)
        return self.get(request, pk, question_pk, form=form, status=400)


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


# --- Public pages ------------------------------------------------------------------------------------
def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _sections_with_fields(form, questions):
    sections, by_id = [], {}
    for q in questions:
        if q.section_id not in by_id:
            by_id[q.section_id] = {"section": q.section, "fields": []}
            sections.append(by_id[q.section_id])
        by_id[q.section_id]["fields"].append(form[q.key])
    return sections


class PublicIntakeView(View):
    """A prospect fills in a form through its public link (or a client through a sent link)."""

    template_name = "clients/public_intake.html"

    def get_target(self, token):
        """(form, intake request or None); 404 for an unknown, revoked or archived link."""
        form = IntakeForm.objects.select_related("organization").filter(public_token_hash=hash_token(token)).first()
        if form is None or not form.is_public or form.is_archived or not form.organization.is_active:
            raise Http404
        return form, None

    def render_page(self, request, form, intake_request, answers, contact, status=200):
        questions = list(selectors.form_questions(form=form))
        return render(
            request,
            self.template_name,
            {
                "intake_form": form,
                "intake_request": intake_request,
                "sections": _sections_with_fields(answers, questions),
                "answers": answers,
                "contact": contact,
                "brand": brand_for(form.organization),
                "public_org": form.organization,
            },
            status=status,
        )

    def get(self, request, token):
        form, intake_request = self.get_target(token)
        if intake_request is not None and not intake_request.is_open:
            return render(request, "clients/public_intake_done.html", {"brand": brand_for(form.organization)})
        questions = list(selectors.form_questions(form=form))
        contact = IntakeContactForm() if intake_request is None else None
        return self.render_page(request, form, intake_request, answers_form(questions), contact)

    def post(self, request, token):
        form, intake_request = self.get_target(token)
        if intake_request is not None and not intake_request.is_open:
            return render(request, "clients/public_intake_done.html", {"brand": brand_for(form.organization)})
        questions = list(selectors.form_questions(form=form))
        answers = answers_form(questions, data=request.POST)
        contact = IntakeContactForm(request.POST) if intake_request is None else None
        valid = answers.is_valid() & (contact is None or contact.is_valid())
        if answers.is_valid():
            # The service's own checks (ranges, choices) shown beside each question at once.
            try:
                services.clean_answers(questions=questions, raw=dict(answers.cleaned_data))
            except services.IntakeAnswersError as exc:
                for key, message in exc.errors.items():
                    if key in answers.fields:
                        answers.add_error(key, message)
                valid = False
        if contact is not None and contact.is_valid() and contact.cleaned_data.get("website"):
            # Only bots fill the hidden field: pretend success and store nothing.
            return redirect("clients:intake_thanks")
        if valid and intake_request is None and not self._allow(request, form):
            contact.add_error(None, _("Too many forms were sent from your connection. Try again in an hour."))
            valid = False
        if valid:
            raw = dict(answers.cleaned_data)
            try:
                services.submit_intake(
                    form=form,
                    answers=raw,
                    contact=contact.cleaned_data if contact is not None else None,
                    intake_request=intake_request,
                    source=IntakeSubmission.Source.REQUEST if intake_request else IntakeSubmission.Source.PUBLIC_LINK,
                    consents={
                        "email": contact.cleaned_data.get("email_consent"),
                        "sms": contact.cleaned_data.get("sms_consent"),
                    }
                    if contact is not None
                    else None,
                )
            except services.IntakeAnswersError as exc:
                for key, message in exc.errors.items():
                    target = answers if key in answers.fields else contact
                    if target is not None and key in target.fields:
                        target.add_error(key, message)
                    elif contact is not None:
                        contact.add_error(None, message)
            except DomainError as exc:
                (contact or answers).add_error(None, exc.message)
            else:
                return redirect("clients:intake_thanks")
        return self.render_page(request, form, intake_request, answers, contact, status=400)

    def _allow(self, request, form) -> bool:
        key = f"intake-submit:{form.pk}:{_client_ip(request)}"
        count = cache.get(key, 0)
        if count >= PUBLIC_SUBMISSIONS_PER_HOUR:
            return False
        cache.set(key, count + 1, 3600)
        return True


class RequestedIntakeView(PublicIntakeView):
    """The single-use link an existing client received by email."""

    def get_target(self, token):
        intake_request = (
            IntakeRequest.objects.select_related("form", "client", "organization")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if intake_request is None or intake_request.revoked_at or not intake_request.organization.is_active:
            raise Http404
        return intake_request.form, intake_request


def intake_thanks(request):
    return render(request, "clients/public_intake_done.html", {"thanks": True})
