"""Automation pages: the list with the template gallery, the builder, runs and their
timeline, the dry run."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.permissions import MemberRequiredMixin

from . import library
from . import selectors_rules as selectors
from . import services_rules as services
from .forms_rules import AutomationForm, StepFormSet
from .models_rules import Automation, AutomationRun, RunState

CAPABILITY = "marketing.manage"


class _Base(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    @property
    def organization(self):
        return self.request.tenant.organization

    def get_automation(self, pk) -> Automation:
        return get_object_or_404(Automation.objects.for_org(self.organization), pk=pk)


class AutomationListView(_Base):
    def get(self, request):
        automations = list(selectors.automation_list(organization=self.organization))
        return render(
            request,
            "automation/automation_list.html",
            {"automations": automations, "recipes": library.recipes()},
        )


class TemplateGalleryView(_Base):
    def get(self, request):
        return render(request, "automation/automation_gallery.html", {"recipes": library.recipes()})


class EnableTemplateView(_Base):
    def post(self, request, key):
        if key not in library.BY_KEY:
            raise Http404
        automation = library.enable_template(organization=self.organization, key=key, actor=request.user)
        messages.success(request, _("“%(name)s” is on. Edit it any time.") % {"name": automation.name})
        return redirect("automation:automation_edit", pk=automation.pk)


class ToggleView(_Base):
    def post(self, request, pk):
        automation = self.get_automation(pk)
        services.set_active(automation=automation, is_active=not automation.is_active, actor=request.user)
        return redirect("automation:automations")


class AutomationEditView(_Base):
    template_name = "automation/automation_form.html"

    def _initial(self, automation):
        if automation is None:
            return {"reentry": "once", "reentry_days": 30, "is_active": False}, []
        initial = {f: getattr(automation, f) for f in services.FIELDS}
        initial["exit_events"] = ", ".join(automation.exit_events or [])
        steps = [
            {"id": s.pk, "order": i, "kind": s.kind, "template": s.template_id, "config": s.config}
            for i, s in enumerate(automation.steps.order_by("order", "id"), start=1)
        ]
        return initial, steps

    def _page(self, request, automation, form, formset, status=200):
        impact = services.edit_impact(automation) if automation else None
        return render(
            request,
            self.template_name,
            {"automation": automation, "form": form, "formset": formset, "impact": impact},
            status=status,
        )

    def get(self, request, pk=None):
        automation = self.get_automation(pk) if pk else None
        initial, steps = self._initial(automation)
        formset = StepFormSet(initial=steps, prefix="steps", form_kwargs={"organization": self.organization})
        return self._page(request, automation, AutomationForm(initial=initial), formset)

    def post(self, request, pk=None):
        automation = self.get_automation(pk) if pk else None
        form = AutomationForm(request.POST)
        formset = StepFormSet(request.POST, prefix="steps", form_kwargs={"organization": self.organization})
        if not (form.is_valid() and formset.is_valid()):
            return self._page(request, automation, form, formset, status=400)
        rows = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and f.cleaned_data.get("kind") and not f.cleaned_data.get("DELETE")
        ]
        rows.sort(key=lambda r: r.get("order") if r.get("order") is not None else 999)
        steps = [
            {"id": r.get("id"), "kind": r["kind"], "template": r.get("template"), "config": r["config"]} for r in rows
        ]
        data = dict(form.cleaned_data)
        try:
            if automation is None:
                automation = services.create_automation(
                    organization=self.organization, actor=request.user, steps=steps, **data
                )
            else:
                services.update_automation(automation=automation, actor=request.user, steps=steps, **data)
        except DomainError as exc:
            target = exc.field if exc.field in form.fields else None
            if exc.field == "steps":
                formset._non_form_errors = formset.error_class([exc.message])
            else:
                form.add_error(target, exc.message)
            return self._page(request, automation, form, formset, status=400)
        messages.success(request, _("Automation saved."))
        return redirect("automation:automation_edit", pk=automation.pk)


class DeleteView(_Base):
    def post(self, request, pk):
        services.delete_automation(automation=self.get_automation(pk), actor=request.user)
        messages.success(request, _("Automation deleted."))
        return redirect("automation:automations")


class RunListView(_Base):
    def get(self, request, pk=None):
        automation = self.get_automation(pk) if pk else None
        state = request.GET.get("state") if request.GET.get("state") in RunState.values else None
        runs = selectors.run_list(organization=self.organization, automation=automation, state=state)
        page = Paginator(runs, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "automation/automation_runs.html",
            {
                "automation": automation,
                "page_obj": page,
                "runs": page.object_list,
                "states": RunState.choices,
                "state": state,
            },
        )


class RunDetailView(_Base):
    def get(self, request, pk):
        try:
            run = selectors.run_detail(organization=self.organization, pk=pk)
        except AutomationRun.DoesNotExist:
            raise Http404 from None
        return render(request, "automation/automation_run.html", {"run": run, "timeline": list(run.timeline.all())})


class DryRunView(_Base):
    def get(self, request, pk):
        automation = self.get_automation(pk)
        return render(
            request,
            "automation/automation_dry_run.html",
            {"automation": automation, "result": services.dry_run(automation=automation)},
        )
