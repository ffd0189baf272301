"""Check-in pages: the coach's form builder, a client's schedule (Check-ins tab), the review
queue and review page; the client's portal list and the phone-first check-in form."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin
from mecto.scope import client_scope

from .. import selectors, services
from ..models import CheckIn, CheckInForm, CheckInQuestion, CheckInSchedule, Metric
from ..units import display_unit, to_display
from .records import ClientTabMixin, get_client

Kind = CheckInQuestion.Kind


# --- Forms -----------------------------------------------------------------------------------------
class CheckInFormForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown to the client above the questions."),
    )
    grace_hours = forms.IntegerField(
        label=gettext_lazy("Overdue after (hours)"),
        min_value=1,
        max_value=336,
        initial=48,
        help_text=gettext_lazy("After this long the check-in counts as missed; the client can still send it late."),
    )


class QuestionForm(forms.Form):
    label = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=Kind.choices)
    metric = forms.ModelChoiceField(
        label=gettext_lazy("Progress metric"),
        queryset=Metric.objects.none(),
        required=False,
        help_text=gettext_lazy("For a progress metric question: the answer is logged to this metric."),
    )
    pose = forms.ChoiceField(
        label=gettext_lazy("Photo pose"),
        choices=[("", "—"), *CheckInQuestion.Pose.choices],
        required=False,
        help_text=gettext_lazy("For a progress photo question."),
    )
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For a single choice question: one per line."),
    )
    help_text = forms.CharField(label=gettext_lazy("Help text"), required=False, max_length=300)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)

    def __init__(self, *args, organization, **kwargs):
        kwargs.setdefault("prefix", "question")
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = selectors.metrics(organization=organization).exclude(kind="yes_no")


class ScheduleForm(forms.Form):
    form = forms.ModelChoiceField(label=gettext_lazy("Check-in form"), queryset=CheckInForm.objects.none())
    frequency = forms.ChoiceField(label=gettext_lazy("Repeats"), choices=CheckInSchedule.Frequency.choices)
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Weekday"), choices=CheckInSchedule.Weekday.choices, coerce=int, initial=6
    )
    interval_weeks = forms.IntegerField(label=gettext_lazy("Every N weeks"), min_value=1, max_value=12, initial=1)
    day_of_month = forms.IntegerField(
        label=gettext_lazy("Day of the month"),
        min_value=1,
        max_value=31,
        initial=1,
        help_text=gettext_lazy("For monthly check-ins; in shorter months, the last day."),
    )
    local_time = forms.TimeField(
        label=gettext_lazy("Time"),
        initial="09:00",
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy("In the client's time zone."),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Starts on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )

    def __init__(self, *args, organization, **kwargs):
        kwargs.setdefault("prefix", "schedule")
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = CheckInForm.objects.for_org(organization).filter(is_archived=False)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Reply to the client"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Sent to the client's messages. Leave empty to mark reviewed without a reply."),
    )


def _choices_from_text(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def checkin_answer_form(questions, data=None, files=None) -> forms.Form:
    """One field per question, named by key; the service checks everything again."""
    fields = {}
    for q in questions:
        common = {"label": q.label, "help_text": q.help_text, "required": q.required}
        if q.kind == Kind.LONG_TEXT:
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)
        elif q.kind in (Kind.NUMBER, Kind.METRIC):
            attrs = {"inputmode": "decimal", "step": "any"}
            if q.kind == Kind.METRIC and q.metric_id:
                unit = display_unit(q.metric, q.client_units)
                if unit:
                    common["label"] = f"{q.label} ({unit})"
            field = forms.CharField(widget=forms.NumberInput(attrs=attrs), max_length=30, **common)
        elif q.kind == Kind.SINGLE_CHOICE:
            field = forms.ChoiceField(
                choices=[(c["value"], c["label"]) for c in q.choices], widget=forms.RadioSelect, **common
            )
        elif q.kind == Kind.YES_NO:
            field = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common)
        elif q.kind == Kind.SCALE:
            low, high = int(q.min_value or 1), int(q.max_value or 10)
            field = forms.ChoiceField(
                choices=[(str(n), str(n)) for n in range(low, high + 1)],
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                **common,
            )
        elif q.kind == Kind.PHOTO:
            field = forms.FileField(
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif", "capture": "environment"}
                ),
                **common,
            )
            if not q.help_text:
                field.help_text = _("Take it with your phone camera or choose a photo (up to 15 MB).")
        else:
            field = forms.CharField(max_length=500, **common)
        field.question = q
        fields[q.key] = field
    return type("CheckInAnswersForm", (forms.Form,), fields)(data=data, files=files, prefix="a")


# --- Coach: forms ----------------------------------------------------------------------------------
class CheckInFormListView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def render_page(self, request, form=None, status=200):
        org = request.tenant.organization
        return render(
            request,
            "clients/checkins/forms.html",
            {
                "checkin_forms": list(selectors.checkin_forms(organization=org, include_archived=True)),
                "form": form or CheckInFormForm(),
                "can_manage": request.tenant.can("clients.manage"),
            },
            status=status,
        )

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        if not request.tenant.can("clients.manage"):
            raise Http404
        form = CheckInFormForm(request.POST)
        if form.is_valid():
            try:
                created = services.create_checkin_form(
                    organization=request.tenant.organization, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Form created. Add its questions."))
                return redirect("clients:checkin_form_edit", pk=created.pk)
        return self.render_page(request, form, status=400)


class CheckInFormEditView(MemberRequiredMixin, View):
    """The builder: the form's settings, its questions (add, move, remove), and archive."""

    required_capability = "clients.view"

    def get_form_row(self, request, pk) -> CheckInForm:
        return get_object_or_404(CheckInForm.objects.for_org(request.tenant.organization), pk=pk)

    def render_page(self, request, row, settings_form=None, question_form=None, status=200):
        org = request.tenant.organization
        return render(
            request,
            "clients/checkins/form_edit.html",
            {
                "checkin_form": row,
                "questions": list(selectors.checkin_questions(form=row)),
                "settings_form": settings_form
                or CheckInFormForm(
                    initial={"name": row.name, "description": row.description, "grace_hours": row.grace_hours}
                ),
                "question_form": question_form or QuestionForm(organization=org),
                "can_manage": request.tenant.can("clients.manage"),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(request, self.get_form_row(request, pk))

    def post(self, request, pk):
        if not request.tenant.can("clients.manage"):
            raise Http404
        row = self.get_form_row(request, pk)
        action = request.POST.get("action", "")
        org = request.tenant.organization
        if action in ("delete_question", "up", "down"):
            question = get_object_or_404(row.questions.all(), pk=request.POST.get("question") or 0)
            if action == "delete_question":
                services.delete_checkin_question(question=question, actor=request.user)
                messages.success(request, _("Question removed."))
            else:
                services.move_checkin_question(question=question, direction=-1 if action == "up" else 1)
            return redirect(reverse("clients:checkin_form_edit", args=[row.pk]) + "#questions")
        if action == "archive":
            services.archive_checkin_form(form=row, actor=request.user)
            messages.success(request, _("Form archived: its schedules stopped."))
            return redirect("clients:checkin_forms")
        if action == "add_question":
            question_form = QuestionForm(request.POST, organization=org)
            if question_form.is_valid():
                data = dict(question_form.cleaned_data)
                data["choices"] = _choices_from_text(data["choices"])
                try:
                    services.add_checkin_question(form=row, actor=request.user, **data)
                except DomainError as exc:
                    apply_domain_error(question_form, exc)
                else:
                    messages.success(request, _("Question added."))
                    return redirect(reverse("clients:checkin_form_edit", args=[row.pk]) + "#questions")
            return self.render_page(request, row, question_form=question_form, status=400)
        settings_form = CheckInFormForm(request.POST)
        if settings_form.is_valid():
            try:
                services.update_checkin_form(form=row, actor=request.user, **settings_form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(settings_form, exc)
            else:
                messages.success(request, _("Form saved."))
                return redirect("clients:checkin_form_edit", pk=row.pk)
        return self.render_page(request, row, settings_form=settings_form, status=400)


# --- Coach: a client's check-ins ---------------------------------------------------------------------
class ClientCheckInsView(ClientTabMixin, View):
    tab = "checkins"

    def render_page(self, request, client, form=None, status=200):
        context = self.tab_context(request, client)
        now = timezone.now()
        checkins = list(selectors.client_checkins(client=client)[:30])
        for c in checkins:
            c.current_state = c.state(now)
        context.update(
            {
                "schedules": list(selectors.checkin_schedules(client=client)),
                "checkins": checkins,
                "schedule_form": form or ScheduleForm(organization=request.tenant.organization),
                "has_forms": CheckInForm.objects.for_org(request.tenant.organization)
                .filter(is_archived=False)
                .exists(),
            }
        )
        return render(request, "clients/checkins/client_tab.html", context, status=status)

    def get(self, request, pk):
        return self.render_page(request, get_client(request, pk))

    def post(self, request, pk):
        if not request.tenant.can("clients.manage"):
            raise Http404
        client = get_client(request, pk)
        if request.POST.get("action") == "stop":
            schedule = get_object_or_404(
                selectors.checkin_schedules(client=client), pk=request.POST.get("schedule") or 0
            )
            services.stop_checkin_schedule(schedule=schedule, actor=request.user)
            messages.success(request, _("Check-ins stopped for this form."))
            return redirect("clients:client_checkins", pk=client.pk)
        form = ScheduleForm(request.POST, organization=request.tenant.organization)
        if form.is_valid():
            try:
                services.save_checkin_schedule(client=client, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Check-in scheduled."))
                return redirect("clients:client_checkins", pk=client.pk)
        return self.render_page(request, client, form, status=400)


# --- Coach: review ----------------------------------------------------------------------------------
class CheckInQueueView(MemberRequiredMixin, View):
    """Submitted check-ins waiting for review, the one that has waited longest first."""

    required_capability = "clients.view"

    def get(self, request):
        scope = client_scope(request)
        queue = list(
            selectors.checkin_review_queue(organization=request.tenant.organization, coach_id=scope.coach_id)[:200]
        )
        now = timezone.now()
        for c in queue:
            c.waited = now - c.submitted_at
        return render(request, "clients/checkins/queue.html", {"queue": queue, "scope": scope})


def _answer_rows(checkin: CheckIn) -> list[dict]:
    """Each answer as the coach reads it (metrics in the client's units)."""
    units = checkin.client.unit_system
    metrics = {m.key: m for m in Metric.objects.for_org(checkin.organization_id)}
    rows = []
    for q in checkin.questions or []:
        key, kind = q["key"], q["kind"]
        if kind == Kind.PHOTO or key not in checkin.answers:
            continue
        value = checkin.answers[key]
        if kind == Kind.METRIC and q.get("metric") in metrics and value is not None:
            metric = metrics[q["metric"]]
            text = f"{to_display(metric, value, units)} {display_unit(metric, units)}".strip()
        elif kind == Kind.SINGLE_CHOICE:
            text = next((c["label"] for c in q.get("choices") or [] if str(c["value"]) == str(value)), str(value))
        elif kind == Kind.YES_NO:
            text = _("Yes") if value else _("No")
        elif kind == Kind.SCALE:
            text = f"{value}/10"
        else:
            text = str(value)
        rows.append({"label": q["label"], "value": text})
    return rows


def _metric_rows(checkin: CheckIn) -> list[dict]:
    units = checkin.client.unit_system
    rows = []
    for row in selectors.checkin_metric_changes(checkin):
        metric = row["metric"]
        unit = display_unit(metric, units)
        change = row["change"]
        if change is None:
            change_text = _("first time")
        else:
            shown = to_display(metric, abs(change), units)
            sign = "+" if change > 0 else "−" if change < 0 else "±"
            change_text = f"{sign}{shown} {unit}".strip()
        rows.append(
            {
                "name": metric.name,
                "value": f"{to_display(metric, row['value'], units)} {unit}".strip(),
                "previous": f"{to_display(metric, row['previous'], units)} {unit}".strip()
                if row["previous"] is not None
                else "—",
                "change": change_text,
            }
        )
    return rows


class CheckInReviewView(MemberRequiredMixin, View):
    required_capability = "clients.view"

    def get_checkin(self, request, pk) -> CheckIn:
        checkin = selectors.checkin_detail(organization=request.tenant.organization, pk=pk).first()
        if checkin is None:
            raise Http404
        return checkin

    def render_page(self, request, checkin, form=None, status=200):
        previous = selectors.previous_checkin(checkin)
        previous_by_pose = {p.pose: p for p in previous.photos.all()} if previous else {}
        photos = [{"photo": p, "previous": previous_by_pose.get(p.pose)} for p in checkin.photos.all()]
        return render(
            request,
            "clients/checkins/review.html",
            {
                "checkin": checkin,
                "client": checkin.client,
                "answers": _answer_rows(checkin),
                "metric_rows": _metric_rows(checkin),
                "photos": photos,
                "previous": previous,
                "form": form or ReplyForm(),
                "can_manage": request.tenant.can("clients.manage"),
                "state": checkin.state(),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(request, self.get_checkin(request, pk))

    def post(self, request, pk):
        if not request.tenant.can("clients.manage"):
            raise Http404
        checkin = self.get_checkin(request, pk)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.review_checkin(checkin=checkin, actor=request.user, reply=form.cleaned_data["reply"])
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Reply sent and check-in marked reviewed.")
                    if form.cleaned_data["reply"].strip()
                    else _("Check-in marked reviewed."),
                )
                return redirect("clients:checkin_queue")
        return self.render_page(request, checkin, form, status=400)


# --- Portal ----------------------------------------------------------------------------------------
class PortalCheckInsView(ClientRequiredMixin, View):
    feature = "checkins"

    def get(self, request):
        client = request.tenant.client
        now = timezone.now()
        history = list(selectors.client_checkins(client=client).exclude(status=CheckIn.Status.DUE)[:20])
        open_ = list(selectors.open_checkins(client=client))
        for c in open_:
            c.current_state = c.state(now)
        return render(request, "clients/checkins/portal_list.html", {"open_checkins": open_, "history": history})


class PortalCheckInView(ClientRequiredMixin, View):
    """The client fills in one check-in: phone first, photos straight from the camera."""

    feature = "checkins"

    def get_checkin(self, request, public_id) -> CheckIn:
        checkin = (
            CheckIn.objects.filter(client=request.tenant.client, public_id=public_id).select_related("form").first()
        )
        if checkin is None:
            raise Http404
        return checkin

    def questions(self, checkin):
        questions = list(selectors.checkin_questions(form=checkin.form))
        for q in questions:
            q.client_units = checkin.client.unit_system
        return questions

    def render_page(self, request, checkin, form, status=200):
        return render(
            request,
            "clients/checkins/portal_form.html",
            {
                "checkin": checkin,
                "form": form,
                "state": checkin.state(),
                # A double tap or a resent form is one submission.
                "submission_key": request.POST.get("submission_key") or uuid.uuid4().hex,
            },
            status=status,
        )

    def get(self, request, public_id):
        checkin = self.get_checkin(request, public_id)
        return self.render_page(request, checkin, checkin_answer_form(self.questions(checkin)))

    def post(self, request, public_id):
        checkin = self.get_checkin(request, public_id)
        questions = self.questions(checkin)
        form = checkin_answer_form(questions, data=request.POST, files=request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            photos = {q.key: data[q.key] for q in questions if q.kind == Kind.PHOTO and data.get(q.key)}
            answers = {
                q.key: data[q.key] for q in questions if q.kind != Kind.PHOTO and data.get(q.key) not in (None, "")
            }
            try:
                services.submit_checkin(
                    checkin=checkin,
                    answers=answers,
                    photos=photos,
                    actor=request.user,
                    submission_key=request.POST.get("submission_key", ""),
                )
            except services.CheckInAnswersError as exc:
                for key, message in exc.errors.items():
                    form.add_error(key if key in form.fields else None, message)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Check-in sent. Your coach will look at it soon."))
                return redirect("clients:portal_checkins")
        return self.render_page(request, checkin, form, status=400)
