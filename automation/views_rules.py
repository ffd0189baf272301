"""Automation pages: the list with the template gallery, the builder, runs and their
timeline, the dry run."""

from __future__ import annotations

import json

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
from .forms_rules import (
    FIELD_KINDS,
    AutomationForm,
    StepForm,
    StepFormSet,
    rule_formset,
    value_widgets,
)
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


RULE_SETS = (
    ("conditions", "cond"),
    ("goal_conditions", "goal"),
    ("exit_conditions", "exit"),
)


class AutomationEditView(_Base):
    """The builder: settings, rows of rules and steps as plain fields (no JSON to write)."""

    template_name = "automation/automation_form.html"

    def _forms(self, automation, data=None):
        if automation is None:
            initial = {"reentry": "once", "reentry_days": 30, "is_active": False}
            steps = []
        else:
            initial = {f: getattr(automation, f) for f in services.FIELDS}
            initial["exit_events"] = list(automation.exit_events or [])
            steps = [
                StepForm.initial_for(s, i) for i, s in enumerate(automation.steps.order_by("order", "id"), start=1)
            ]
        widgets = value_widgets(self.organization)
        rules = {
            name: rule_formset(data, rules=initial.get(name) or [], prefix=prefix, widgets=widgets)
            for name, prefix in RULE_SETS
        }
        form = AutomationForm(data, initial=None if data is not None else initial)
        formset = StepFormSet(data, initial=steps, prefix="steps", form_kwargs={"organization": self.organization})
        return form, rules, formset, widgets

    def _page(self, request, automation, forms, status=200):
        form, rules, formset, widgets = forms
        impact = services.edit_impact(automation) if automation else None
        return render(
            request,
            self.template_name,
            {
                "automation": automation,
                "form": form,
                "rules": rules,
                "rule_sets": [(rules["conditions"], _("Only for clients where"), _("All must hold."), "cond")]
                + [(rules["goal_conditions"], _("Goal counts when"), _("All must hold, on the goal event."), "goal")]
                + [(rules["exit_conditions"], _("Exit when"), _("Any one is enough."), "exit")],
                "formset": formset,
                "impact": impact,
                "has_errors": status == 400,
                "value_templates": [
                    (kind, widget.render("__name__", None, attrs={"id": "__id__"})) for kind, widget in widgets.items()
                ],
                "field_kinds": json.dumps(FIELD_KINDS),
            },
            status=status,
        )

    def get(self, request, pk=None):
        automation = self.get_automation(pk) if pk else None
        return self._page(request, automation, self._forms(automation))

    def post(self, request, pk=None):
        automation = self.get_automation(pk) if pk else None
        forms = self._forms(automation, request.POST)
        form, rules, formset, _widgets = forms
        if not (form.is_valid() and formset.is_valid() and all(r.is_valid() for r in rules.values())):
            return self._page(request, automation, forms, status=400)
        chosen = [f for f in formset.forms if f.step and not f.cleaned_data.get("DELETE")]
        chosen.sort(key=lambda f: f.cleaned_data.get("order") if f.cleaned_data.get("order") is not None else 999)
        steps = [f.step for f in chosen]
        data = dict(form.cleaned_data)
        data.update({name: rules[name].rules() for name, _prefix in RULE_SETS})
        try:
            if automation is None:
                automation = services.create_automation(
                    organization=self.organization, actor=request.user, steps=steps, **data
                )
            else:
                services.update_automation(automation=automation, actor=request.user, steps=steps, **data)
        except DomainError as exc:
            if exc.field == "steps":
                formset._non_form_errors = formset.error_class([exc.message])
            elif exc.field in rules:
                rules[exc.field]._non_form_errors = formset.error_class([exc.message])
            else:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self._page(request, automation, forms, status=400)
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
