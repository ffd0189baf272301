"""Pages of the training app for coaches: the exercise library, programs and the builder,
draft generation, and each client's training page."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cached_property

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from clients.models import Client
from clients.views.photos import photo_file_response
from mecto.errors import DomainError
from mecto.forms import ServiceFormView, apply_domain_error
from mecto.localization import format_date
from mecto.permissions import MemberRequiredMixin
from mecto.scope import client_scope
from mecto.videos import ranged_file_response

from .. import llm, movement, search, selectors, services
from ..forms import (
    AssignForm,
    BlockForm,
    CommentForm,
    ExerciseForm,
    GenerateForm,
    OverrideForm,
    PrescribedExerciseForm,
    ProfileForm,
    ProgramEditForm,
    ProgramForm,
    ProgressionForm,
    TrainingSettingsForm,
    VideoLinkImportForm,
    WorkoutForm,
)
from ..generator import api as generator
from ..generator import health
from ..generator.api import profile_from_intake
from ..generator.profile import ProfileError, profile_from_answers
from ..generator.validator import Note
from ..labels import muscle_label
from ..models import Block, Exercise, ExerciseOverride, PrescribedExercise, Program, ProgramWeek, Workout, WorkoutLog
from ..video import embed_url, file_link

CAPABILITY = "training.manage"


class TrainingView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    @property
    def org(self):
        return self.request.tenant.organization


# --- Exercise library ------------------------------------------------------------------------------------
class ExerciseListView(TrainingView):
    def get(self, request):
        params = request.GET
        filters = {k: params.get(k, "") for k in ("muscle", "equipment", "pattern", "source")}
        query = params.get("q", "").strip()
        qs = search.search_exercises(organization=self.org, query=query, **filters)
        page = Paginator(qs, 30).get_page(params.get("page"))
        page.object_list = selectors.with_media(organization=self.org, exercises=list(page.object_list))
        context = {
            "page": page,
            "query": query,
            "filters": filters,
            "muscles": movement.MUSCLES,
            "equipment": Exercise.EQUIPMENT_CHOICES,
            "patterns": Exercise.PATTERN_CHOICES,
            "has_library": Exercise.objects.library().exists(),
        }
        template = "training/exercises/_results.html" if request.htmx else "training/exercises/list.html"
        return render(request, template, context)


class ExerciseCreateView(TrainingView, ServiceFormView):
    template_name = "training/exercises/form.html"
    form_class = ExerciseForm

    def perform(self, form):
        return services.create_exercise(organization=self.org, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, exercise):
        return _("%(name)s was added to your library.") % {"name": exercise.name}

    def get_success_url(self, exercise):
        return reverse("training:exercise_detail", args=[exercise.pk])


class ExerciseEditView(TrainingView, ServiceFormView):
    template_name = "training/exercises/form.html"
    form_class = ExerciseForm

    def get_object(self):
        # Only the business's own exercises: the shared library is taught through an override.
        return get_object_or_404(Exercise.objects.filter(organization=self.org), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(exercise=self.object, **kwargs)

    def perform(self, form):
        return services.update_exercise(
            exercise=self.object, organization=self.org, actor=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, result):
        return _("Saved.")

    def get_success_url(self, result):
        return reverse("training:exercise_detail", args=[self.object.pk])


class ExerciseDetailView(TrainingView, ServiceFormView):
    template_name = "training/exercises/detail.html"
    form_class = OverrideForm

    def get_object(self):
        return get_object_or_404(Exercise.objects.for_org(self.org), pk=self.kwargs["pk"])

    @cached_property
    def override(self):
        # Read before the service runs; a failed save rolls back, so it still holds afterwards.
        return ExerciseOverride.objects.for_org(self.org).filter(exercise=self.object).first()

    def get_initial(self):
        override = self.override
        return {
            "instructions": override.instructions if override else "",
            "cues": override.cues if override else "",
            "video_url": override.video_url if override else "",
        }

    def get_context_data(self, **kwargs):
        override = self.override
        return super().get_context_data(
            exercise=self.object,
            override=override,
            embed=embed_url(override.video_url) if override and override.video_url else None,
            file_link=file_link(override.video_url) if override and override.video_url else None,
            swaps=generator.swap_suggestions(organization=self.org, exercise=self.object),
            **kwargs,
        )

    def perform(self, form):
        return services.save_exercise_override(
            organization=self.org, exercise=self.object, actor=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, result):
        return _("Your teaching for %(name)s was saved.") % {"name": self.object.name}

    def get_success_url(self, result):
        return reverse("training:exercise_detail", args=[self.object.pk])


class ExerciseClipView(View):
    """An uploaded exercise clip, served only to the business that uploaded it (its members and
    clients), with byte ranges so the player can seek."""

    def get(self, request, pk):
        override = _override_for_media(request, pk)
        if not override.video_file:
            raise Http404
        return ranged_file_response(request, override.video_file, content_type=override.video_file_type or "video/mp4")


class ExerciseImageView(View):
    """The business's image of an exercise (full or thumb), for its members and clients."""

    def get(self, request, pk, variant):
        override = _override_for_media(request, pk)
        if variant not in ("full", "thumb") or not override.image:
            raise Http404
        return photo_file_response(override, variant)


def _override_for_media(request, pk) -> ExerciseOverride:
    if not request.user.is_authenticated or request.tenant.organization is None:
        raise Http404
    org = request.tenant.organization
    override = ExerciseOverride.objects.for_org(org).filter(exercise_id=pk).first()
    if override is None:
        raise Http404
    return override


class VideoLinkImportView(TrainingView):
    """Import a CSV of the business's own video links by exercise name: a preview first (which
    names match, which are unknown, which links are refused), then all or nothing."""

    template = "training/exercises/video_import.html"

    def get(self, request):
        return render(request, self.template, {"form": VideoLinkImportForm()})

    def post(self, request):
        if request.POST.get("action") == "apply":
            data = request.POST.get("csv", "").encode("utf-8")
            try:
                report = services.import_video_links(organization=self.org, actor=request.user, data=data)
            except DomainError as exc:
                messages.error(request, exc.message)
                return redirect("training:exercise_video_import")
            if report.applied:
                messages.success(
                    request, _("%(n)d video links were set on your exercises.") % {"n": len(report.matched)}
                )
            return render(request, self.template, {"form": VideoLinkImportForm(), "report": report, "csv": ""})
        form = VideoLinkImportForm(request.POST, request.FILES)
        context = {"form": form}
        if form.is_valid():
            data = form.cleaned_data["file"].read(services.MAX_IMPORT_BYTES + 1)
            try:
                report = services.preview_video_link_import(organization=self.org, data=data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                context.update({"report": report, "csv": data.decode("utf-8-sig")})
        return render(request, self.template, context, status=200 if "report" in context else 400)


# --- Programs ---------------------------------------------------------------------------------------------
class ProgramListView(TrainingView):
    def get(self, request):
        show = request.GET.get("show", "programs")
        query = request.GET.get("q", "").strip()
        scope = client_scope(request)
        qs = selectors.program_list(organization=self.org, templates=(show == "templates"), search=query)
        qs = scope.filter(qs, *selectors.PROGRAM_OWNERS)
        page = Paginator(qs, 25).get_page(request.GET.get("page"))
        return render(
            request,
            "training/programs/list.html",
            {
                "page": page,
                "scope": scope,
                "mine_label": _("Mine"),
                "show": show,
                "query": query,
                "has_any": Program.objects.for_org(self.org).exists(),
                "can_settings": request.tenant.can("org.manage"),
            },
        )


class ProgramCreateView(TrainingView, ServiceFormView):
    template_name = "training/programs/form.html"
    form_class = ProgramForm

    def get_initial(self):
        return {"is_template": self.request.GET.get("template") == "1"}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.create_program(
            organization=self.org,
            actor=self.request.user,
            weeks=data.pop("weeks"),
            is_template=data.pop("is_template"),
            **data,
        )

    def get_success_url(self, program):
        return reverse("training:builder", args=[program.pk])


def _units(request, program: Program | None = None) -> str:
    """The unit system the builder shows loads in: the client's for a client's program, the
    business's for templates and unassigned programs (loads are stored in kg either way)."""
    if program is not None and program.client_id:
        return program.client.unit_system
    return request.tenant.organization.unit_system


def _program(org, pk) -> Program:
    return get_object_or_404(Program.objects.for_org(org).select_related("client"), pk=pk)


class BuilderView(TrainingView):
    """The program builder: weeks of workouts of blocks of prescribed exercises."""

    def get(self, request, pk):
        program = _program(self.org, pk)
        return render(request, "training/builder/page.html", builder_context(request, program))


def _open_workouts(request, weeks) -> set[int]:
    """The workouts shown unfolded: those named in `?open=1,2` (the builder's script keeps the
    coach's choice in the browser and in the address), else the first one of the program. The
    others show only their name, so a long program stays a short list to tab through."""
    raw = request.GET.get("open", "")
    chosen = {int(part) for part in raw.split(",") if part.isdigit() and len(part) < 12}
    if chosen or raw == "none":
        return chosen
    for week in weeks:
        for workout in week.workouts.all():
            return {workout.pk}
    return set()


def builder_context(request, program: Program) -> dict:
    weeks = selectors.program_tree(program=program)
    units = _units(request, program)
    return {
        "program": program,
        "weeks": weeks,
        "open_workouts": (opened := _open_workouts(request, weeks)),
        "open_weeks": {week.pk for week in weeks if any(w.pk in opened for w in week.workouts.all())},
        "edit_form": ProgramEditForm(instance=program),
        "progression_form": ProgressionForm(initial={"weeks": max(4, len(weeks))}),
        "report": validation_report(request, program),
        "blocks_kinds": Block.Kind.choices,
        "item_forms": {
            item.pk: PrescribedExerciseForm(instance=item, prefix=f"item-{item.pk}", unit_system=units)
            for week in weeks
            for workout in week.workouts.all()
            for block in workout.blocks.all()
            for item in block.items.all()
        },
    }


def validation_report(request, program: Program) -> dict:
    """The validator's findings against the draft's profile, the client's intake, or a profile
    the coach enters (query string)."""
    profile, source, form = generator.profile_for_program(program), "generation", None
    if program.client_id:
        answers = generator.intake_answers_for(program.client)
        if answers:
            try:
                profile, source = profile_from_intake(answers), "intake"
            except ProfileError:
                pass
    if request.GET.get("check"):
        form = ProfileForm(request.GET)
        if form.is_valid():
            profile, source = profile_from_answers(form.cleaned_data), "entered"
    if profile is None:
        return {"profile": None, "form": form or ProfileForm(initial=_profile_initial(None)), "source": None}
    violations, notes = generator.validate_program(program, profile)
    if source != "entered" and not health.sees_health(request.tenant):
        # Checked against the complaints all the same; shown without naming them.
        if health.has_screening(profile):
            notes = [*notes, Note(health.neutral_reason().capitalize() + ".")]
        profile, violations = health.redacted_profile(profile), health.redacted_violations(violations)
    return {
        "profile": profile,
        "violations": violations,
        "notes": notes,
        "source": source,
        "form": form or ProfileForm(initial=profile.as_dict()),
    }


def _profile_initial(profile) -> dict:
    if profile is None:
        return {
            "goal": "general_fitness",
            "experience": "beginner",
            "days_per_week": 3,
            "session_minutes": 60,
            "equipment": ["body only", "dumbbell"],
        }
    return profile.as_dict()


class BuilderActionView(TrainingView):
    """A write from the builder. With htmx the changed part is rendered back; without it, the
    page reloads at the same place."""

    def respond(self, request, program, anchor=""):
        url = reverse("training:builder", args=[program.pk]) + (f"#{anchor}" if anchor else "")
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    def done(self, request, workout, warning: str = ""):
        """The workout after a change, with a warning for the coach when there is one (an
        exercise needing equipment the client does not have): it is added all the same."""
        if request.htmx:
            return render_workout(request, workout, warning=warning)
        if warning:
            messages.warning(request, warning)
        return self.respond(request, workout.program, f"workout-{workout.pk}")

    def error(self, request, program, exc: DomainError):
        if request.htmx:
            return render(request, "training/builder/_error.html", {"message": exc.message}, status=422)
        messages.error(request, exc.message)
        return redirect("training:builder", pk=program.pk)


def render_workout(request, workout: Workout, status=200, message="", warning=""):
    workout = selectors.workout_tree(workout_ids=[workout.pk]).select_related("week", "program__client").get()
    items = [item for block in workout.blocks.all() for item in block.items.all()]
    units = _units(request, workout.program)
    forms = {
        item.pk: PrescribedExerciseForm(instance=item, prefix=f"item-{item.pk}", unit_system=units) for item in items
    }
    return render(
        request,
        "training/builder/_workout.html",
        {
            "workout": workout,
            "open": True,
            "program": workout.program,
            "item_forms": forms,
            "blocks_kinds": Block.Kind.choices,
            "message": message,
            "warning": warning,
        },
        status=status,
    )


class ProgramEditView(BuilderActionView):
    def post(self, request, pk):
        program = _program(self.org, pk)
        form = ProgramEditForm(request.POST, instance=program)
        if form.is_valid():
            try:
                services.update_program(program=program, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                return self.error(request, program, exc)
            messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Give the program a name."))
        return self.respond(request, program)


class ProgramActionView(BuilderActionView):
    """Whole-program actions: add a week, progression, save as template, copy, delete."""

    def post(self, request, pk, action):
        program = _program(self.org, pk)
        try:
            if action == "add-week":
                week = services.add_week(program=program, actor=request.user)
                return self.respond(request, program, f"week-{week.pk}")
            if action == "progression":
                form = ProgressionForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_("Progress over 2 to 52 weeks."), field="weeks")
                services.apply_progression(program=program, weeks=form.cleaned_data["weeks"], actor=request.user)
                messages.success(
                    request, _("Weeks 2 to %(n)s were written from week 1.") % {"n": form.cleaned_data["weeks"]}
                )
                return self.respond(request, program)
            if action == "save-as-template":
                template = services.save_as_template(
                    program=program, actor=request.user, name=request.POST.get("name", "")
                )
                messages.success(request, _("Saved as the template “%(name)s”.") % {"name": template.name})
                return redirect("training:builder", pk=template.pk)
            if action == "copy":
                copy = services.copy_program(program=program, actor=request.user, name=request.POST.get("name", ""))
                messages.success(request, _("A new program was made from “%(name)s”.") % {"name": program.name})
                return redirect("training:builder", pk=copy.pk)
            if action == "delete":
                services.delete_program(program=program, actor=request.user)
                messages.success(request, _("The program was deleted."))
                return redirect("training:programs")
        except DomainError as exc:
            return self.error(request, program, exc)
        raise Http404


class WeekActionView(BuilderActionView):
    def post(self, request, pk, action):
        week = get_object_or_404(ProgramWeek.objects.for_org(self.org).select_related("program"), pk=pk)
        program = week.program
        try:
            if action == "duplicate":
                new = services.duplicate_week(week=week, actor=request.user)
                return self.respond(request, program, f"week-{new.pk}")
            if action == "delete":
                services.delete_week(week=week, actor=request.user)
                return self.respond(request, program)
            if action == "add-workout":
                workout = services.add_workout(week=week, name=request.POST.get("name", ""), actor=request.user)
                return self.respond(request, program, f"workout-{workout.pk}")
        except DomainError as exc:
            return self.error(request, program, exc)
        raise Http404


def _posted_exercise(request, org) -> Exercise:
    """The exercise chosen in a builder form; anything but an id of the business's library is a 404."""
    value = request.POST.get("exercise", "")
    if not value.isdigit():
        raise Http404
    return get_object_or_404(Exercise.objects.for_org(org), pk=int(value))


def _workout(org, pk) -> Workout:
    return get_object_or_404(Workout.objects.for_org(org).select_related("program", "week"), pk=pk)


class WorkoutActionView(BuilderActionView):
    def post(self, request, pk, action):
        workout = _workout(self.org, pk)
        program = workout.program
        try:
            if action == "edit":
                form = WorkoutForm(request.POST, instance=workout)
                if not form.is_valid():
                    raise DomainError(_("Give the workout a name and a day."))
                services.update_workout(workout=workout, actor=request.user, **form.cleaned_data)
                return render_workout(request, workout) if request.htmx else self.respond(request, program)
            if action == "duplicate":
                copy = services.duplicate_workout(workout=workout, actor=request.user)
                return self.respond(request, program, f"workout-{copy.pk}")
            if action == "delete":
                services.delete_workout(workout=workout, actor=request.user)
                return self.respond(request, program)
            if action in ("up", "down"):
                services.move(obj=workout, direction=action, actor=request.user)
                return self.respond(request, program, f"workout-{workout.pk}")
            if action == "add-block":
                services.add_block(workout=workout, kind=request.POST.get("kind", "straight"), actor=request.user)
                return render_workout(request, workout) if request.htmx else self.respond(request, program)
        except DomainError as exc:
            if request.htmx:
                return render_workout(request, workout, status=422, message=exc.message)
            return self.error(request, program, exc)
        raise Http404


class BlockActionView(BuilderActionView):
    def post(self, request, pk, action):
        block = get_object_or_404(Block.objects.for_org(self.org).select_related("workout__program"), pk=pk)
        workout = block.workout
        warning = ""
        try:
            if action == "edit":
                form = BlockForm(request.POST, instance=block)
                if not form.is_valid():
                    raise DomainError(_("Check the block's rounds and rest."))
                services.update_block(block=block, actor=request.user, **form.cleaned_data)
            elif action == "delete":
                services.delete_block(block=block, actor=request.user)
            elif action in ("up", "down"):
                services.move(obj=block, direction=action, actor=request.user)
            elif action == "add-item":
                exercise = _posted_exercise(request, self.org)
                services.add_prescribed_exercise(block=block, exercise=exercise, actor=request.user)
                warning = generator.equipment_warning(exercise, generator.program_profile(workout.program))
            else:
                raise Http404
        except DomainError as exc:
            if request.htmx:
                return render_workout(request, workout, status=422, message=exc.message)
            return self.error(request, workout.program, exc)
        return self.done(request, workout, warning)


class ItemActionView(BuilderActionView):
    def post(self, request, pk, action):
        item = get_object_or_404(
            PrescribedExercise.objects.for_org(self.org).select_related("block__workout__program__client", "exercise"),
            pk=pk,
        )
        workout = item.block.workout
        warning = ""
        if action == "edit":
            units = _units(request, workout.program)
            form = PrescribedExerciseForm(request.POST, instance=item, prefix=f"item-{item.pk}", unit_system=units)
            if form.is_valid():
                try:
                    services.update_prescribed_exercise(item=item, actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(form, exc)
            if not form.errors:
                item.refresh_from_db()
                form = PrescribedExerciseForm(instance=item, prefix=f"item-{item.pk}", unit_system=units)
            if request.htmx:
                return render(
                    request,
                    "training/builder/_item.html",
                    {"item": item, "form": form, "saved": not form.errors},
                    status=422 if form.errors else 200,
                )
            if form.errors:
                messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return self.respond(request, workout.program, f"item-{item.pk}")
        try:
            if action == "delete":
                services.delete_prescribed_exercise(item=item, actor=request.user)
            elif action in ("up", "down"):
                services.move(obj=item, direction=action, actor=request.user)
            elif action == "duplicate":
                services.duplicate_prescribed_exercise(item=item, actor=request.user)
            elif action == "superset":
                services.superset_with_next(item=item, actor=request.user)
            elif action in ("allow", "disallow"):
                # The swaps the client may choose when logging this exercise.
                exercise = _posted_exercise(request, self.org)
                allowed = [e for e in item.allowed_swaps.all() if e.pk != exercise.pk]
                if action == "allow":
                    allowed.append(exercise)
                services.set_allowed_swaps(item=item, exercises=allowed, actor=request.user)
                if request.htmx:
                    return swaps_box(request, self.org, item)
            elif action == "swap":
                exercise = _posted_exercise(request, self.org)
                services.swap_exercise(
                    item=item, exercise=exercise, actor=request.user, reason=request.POST.get("reason", "")
                )
                warning = generator.equipment_warning(exercise, generator.program_profile(workout.program))
            else:
                raise Http404
        except DomainError as exc:
            if request.htmx:
                return render_workout(request, workout, status=422, message=exc.message)
            return self.error(request, workout.program, exc)
        return self.done(request, workout, warning)


def swaps_box(request, org, item, status=200):
    """Swap suggestions for an exercise of the builder, and the swaps the client may choose
    themselves when logging it."""
    program = item.block.workout.program
    profile = generator.program_profile(program)
    used = set(
        PrescribedExercise.objects.filter(block__workout=item.block.workout).values_list("exercise_id", flat=True)
    )
    allowed = list(item.allowed_swaps.order_by("name", "id"))
    suggestions = generator.swap_suggestions(
        organization=org, exercise=item.exercise, profile=profile, exclude=used | {e.pk for e in allowed}
    )
    return render(
        request,
        "training/builder/_swaps.html",
        {"item": item, "suggestions": suggestions, "profile": profile, "allowed": allowed},
        status=status,
    )


class SwapSuggestionsView(TrainingView):
    def get(self, request, pk):
        item = get_object_or_404(
            PrescribedExercise.objects.for_org(self.org).select_related("exercise", "block__workout__program__client"),
            pk=pk,
        )
        return swaps_box(request, self.org, item)


class ExercisePickerView(TrainingView):
    """Search results with an Add button for a block (htmx), typos allowed."""

    def get(self, request, pk):
        block = get_object_or_404(Block.objects.for_org(self.org).select_related("workout__program__client"), pk=pk)
        query = request.GET.get("q", "").strip()
        profile = generator.program_profile(block.workout.program)
        # Only what the client has, unless the coach unticks it (the box sends 0, then 1 when ticked).
        fits = profile is not None and ("fits" not in request.GET or "1" in request.GET.getlist("fits"))
        filters = {"equipment_in": profile.available_equipment} if fits else {}
        results = list(search.search_exercises(organization=self.org, query=query, **filters)[:8]) if query else []
        for exercise in results:
            exercise.missing_equipment = generator.missing_equipment(exercise, profile)
        selectors.with_media(organization=self.org, exercises=results)
        return render(
            request,
            "training/builder/_picker.html",
            {"block": block, "results": results, "query": query, "profile": profile, "fits": fits},
        )


class ReorderView(TrainingView):
    """Drag and drop: the new order of a list (workouts of a week, blocks of a workout, exercises
    of a block). JSON in, 204 out; errors as 400 with a message."""

    PARENTS = {"week": ProgramWeek, "workout": Workout, "block": Block}

    def post(self, request):
        try:
            data = json.loads(request.body or b"{}")
            model = self.PARENTS[data["parent"]]
            parent = get_object_or_404(model.objects.for_org(self.org), pk=int(data["id"]))
            services.reorder(parent=parent, ids=data["ids"], actor=request.user)
        except (ValueError, KeyError, TypeError):
            return JsonResponse({"detail": _("The new order was not understood.")}, status=400)
        except DomainError as exc:
            return JsonResponse({"detail": exc.message}, status=400)
        return HttpResponse(status=204)


class AssignView(TrainingView, ServiceFormView):
    template_name = "training/programs/assign.html"
    form_class = AssignForm

    def get_object(self):
        return _program(self.org, self.kwargs["pk"])

    def get_initial(self):
        today = selectors.client_today(self.org)  # the business's calendar
        return {"start_date": today + timedelta(days=7 - today.weekday())}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.org}

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.object, **kwargs)

    def perform(self, form):
        return services.assign_program(program=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, copies):
        names = ", ".join(c.client.full_name for c in copies)
        return _("%(program)s was assigned to %(names)s.") % {"program": self.object.name, "names": names}

    def get_success_url(self, copies):
        if len(copies) == 1:
            return reverse("training:client", args=[copies[0].client_id])
        return reverse("training:builder", args=[self.object.pk])


class GenerateView(TrainingView):
    """The coach reviews the client profile (pre-filled from the intake when there is one) and
    generates a draft."""

    def _client(self, request):
        client_id = request.GET.get("client") or request.POST.get("client")
        if client_id and str(client_id).isdigit():
            return Client.objects.for_org(self.org).filter(pk=client_id).first()
        return None

    def _form(self, request, *args, **kwargs):
        """The profile form; without `clients.health` it asks nothing about complaints (the
        client's intake answers are used as they are, unseen)."""
        form = GenerateForm(*args, organization=self.org, **kwargs)
        if not health.sees_health(request.tenant):
            for name in ("injuries", "injury_notes"):
                form.fields.pop(name, None)
        return form

    def get(self, request):
        client = self._client(request)
        initial, prefilled, missing, screened = _profile_initial(None), False, [], False
        answers = generator.intake_answers_for(client)
        if answers:
            try:
                profile = profile_from_intake(answers)
            except ProfileError:
                profile = None
            if profile is not None:
                initial, prefilled, missing = profile.as_dict(), True, list(profile.missing)
                if not health.sees_health(request.tenant):
                    screened = health.has_screening(profile)
                    missing = [key for key in missing if key not in ("injuries", "injury_notes")]
        initial.update({"client": client.pk if client else None, "seed": 0})
        form = self._form(request, initial=initial)
        return render(
            request,
            "training/programs/generate.html",
            {
                "form": form,
                "client": client,
                "prefilled": prefilled,
                "missing": missing,
                "screened": screened,
            },
        )

    def _screening(self, request, client):
        """The complaints of the client's intake, for a member who does not see them."""
        if client is None or health.sees_health(request.tenant):
            return None
        answers = generator.intake_answers_for(client)
        try:
            return profile_from_intake(answers) if answers else None
        except ProfileError:
            return None

    def post(self, request):
        form = self._form(request, request.POST)
        client = None
        if form.is_valid():
            data = dict(form.cleaned_data)
            client, seed, name = data.pop("client"), data.pop("seed") or 0, data.pop("name")
            polish = data.pop("polish", False)
            try:
                profile = health.with_screening(profile_from_answers(data), self._screening(request, client))
                program = services.generate_draft(
                    organization=self.org, profile=profile, seed=seed, actor=request.user, client=client, name=name
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Draft generated: review it, edit anything, then assign it."))
                if polish:
                    messages.info(request, llm.polish_program(program=program, actor=request.user))
                return redirect("training:builder", pk=program.pk)
        return render(
            request,
            "training/programs/generate.html",
            {"form": form, "client": client, "prefilled": False, "missing": []},
            status=400,
        )


# --- A client's training page --------------------------------------------------------------------------------
class ClientTrainingView(TrainingView):
    def _client(self, pk):
        return get_object_or_404(Client.objects.for_org(self.org), pk=pk)

    def get(self, request, pk, comment_form=None, failed_log=None):
        client = self._client(pk)
        today = selectors.client_today(client)
        logs = selectors.workout_logs(organization=self.org, client=client)[:10]
        summary = {
            "volume": selectors.weekly_volume(client=client),
            "adherence": selectors.adherence(client=client),
            "e1rm": selectors.e1rm_history(client=client),
        }
        # Axis labels are written here, in the locale's short date, so charts read like the page.
        e1rm_days = {p["date"] for s in summary["e1rm"]["series"] for p in s["points"]}
        chart_data = {
            "volume": {
                "weeks": [w.isoformat() for w in summary["volume"]["weeks"]],
                "week_labels": [format_date(w, "SHORT_DATE_FORMAT") for w in summary["volume"]["weeks"]],
                "muscles": {muscle_label(m): sets for m, sets in summary["volume"]["muscles"].items()},
            },
            "adherence": {
                **summary["adherence"],
                "weeks": [w.isoformat() for w in summary["adherence"]["weeks"]],
                "week_labels": [format_date(w, "SHORT_DATE_FORMAT") for w in summary["adherence"]["weeks"]],
            },
            "e1rm": {
                **summary["e1rm"],
                "series": [
                    {**s, "points": [{**p, "e1rm": round(p["e1rm"], 1)} for p in s["points"]]}
                    for s in summary["e1rm"]["series"]
                ],
                "date_labels": {d: format_date(date.fromisoformat(d), "SHORT_DATE_FORMAT") for d in e1rm_days},
            },
            "labels": {"scheduled": _("Scheduled"), "completed": _("Completed"), "kg": _("kg")},
        }
        context = {
            "client": client,
            "tab": "training",
            "programs": selectors.program_list(organization=self.org, client=client),
            "upcoming": selectors.scheduled_workouts(client=client, start=today, end=today + timedelta(days=13)),
            "logs": logs,
            "records": selectors.current_bests(client=client),
            "recent_records": selectors.personal_records(organization=self.org, client=client)
            .filter(achieved_at__gte=timezone.now() - timedelta(days=30))
            .count(),
            "adherence": summary["adherence"],
            "chart_data": chart_data,
            "comment_form": comment_form or CommentForm(),
            "failed_log": failed_log,
            "can_manage": request.tenant.can("clients.manage"),
        }
        return render(request, "training/client.html", context)


class LogCommentView(TrainingView):
    def post(self, request, pk):
        log = get_object_or_404(WorkoutLog.objects.for_org(self.org).select_related("client"), pk=pk)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_on_log(workout_log=log, author=request.user, body=form.cleaned_data["body"])
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request, _("Comment added; %(name)s sees it in the app.") % {"name": log.client.first_name}
                )
                return redirect(reverse("training:client", args=[log.client_id]) + f"#log-{log.pk}")
        view = ClientTrainingView()
        view.request = request
        return view.get(request, log.client_id, comment_form=form, failed_log=log.pk)


class TrainingSettingsView(MemberRequiredMixin, ServiceFormView):
    """The business's training settings: inactivity days and the language-model allowance."""

    required_capability = "org.manage"
    template_name = "training/settings.html"
    form_class = TrainingSettingsForm

    @cached_property
    def settings_row(self):
        # Read before the service runs; a failed save rolls back, so it still holds afterwards.
        return services.training_settings(self.request.tenant.organization)

    def get_initial(self):
        return {f: getattr(self.settings_row, f) for f in TrainingSettingsForm.base_fields}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            llm_available=llm.is_available(),
            llm_used=llm.usage_this_month(self.request.tenant.organization),
            settings_row=self.settings_row,
            **kwargs,
        )

    def perform(self, form):
        return services.update_training_settings(
            organization=self.request.tenant.organization, actor=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, result):
        return _("Training settings saved.")

    def get_success_url(self, result):
        return reverse("training:settings")
