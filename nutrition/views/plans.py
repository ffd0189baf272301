"""Meal plan pages: the coach's library and builder, assigning, print view, PDF and shopping
list, the client's meal plan section, and the client's plan in the portal."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from clients.models import Client
from mecto.errors import DomainError
from mecto.forms import ServiceFormView
from mecto.localization import format_date, zone
from mecto.permissions import ClientRequiredMixin, MemberRequiredMixin

from ..forms.plans import AssignForm, ClientAssignForm, ItemForm, MealForm, PlanEditForm, PlanForm, ShoppingForm
from ..models import Food, Meal, MealItem, MealPlan, MealPlanDay, Recipe
from ..nutrients import MACRO_FIELDS
from ..plan_nutrition import annotate_totals, plan_list, plan_tree
from ..search import search_foods
from ..services import plans as services
from ..shopping import MAX_RANGE_DAYS, days_in_range, shopping_list

CAPABILITY = "nutrition.manage"


def _today(client) -> date:
    return timezone.now().astimezone(zone(client.time_zone or "UTC")).date()


class PlansView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    @property
    def org(self):
        return self.request.tenant.organization

    def plan(self, pk) -> MealPlan:
        return get_object_or_404(MealPlan.objects.for_org(self.org).select_related("client"), pk=pk)

    def tree(self, plan) -> tuple[MealPlan, list[MealPlanDay]]:
        plan = plan_tree(MealPlan.objects.filter(pk=plan.pk)).get()
        return plan, annotate_totals(plan)


def _plan_fields(data: dict) -> dict:
    return {k: data[k] for k in ("name", "description", "day_naming", *MACRO_FIELDS) if k in data}


# --- Library ---------------------------------------------------------------------------------------
class PlanListView(PlansView):
    def get(self, request):
        show = "clients" if request.GET.get("show") == "clients" else "templates"
        query = request.GET.get("q", "").strip()[:100]
        qs = plan_list(organization=self.org, templates=(show == "templates"), search=query)
        page = Paginator(qs, 25).get_page(request.GET.get("page"))
        return render(
            request,
            "nutrition/plans/list.html",
            {
                "page": page,
                "show": show,
                "query": query,
                "has_any": MealPlan.objects.for_org(self.org).exists(),
            },
        )


class PlanCreateView(PlansView, ServiceFormView):
    template_name = "nutrition/plans/form.html"
    form_class = PlanForm

    def get_initial(self):
        return {"day_count": 3, "day_naming": MealPlan.DayNaming.NUMBERED}

    def perform(self, form):
        data = form.cleaned_data
        return services.create_plan(
            organization=self.org, actor=self.request.user, day_count=data["day_count"], **_plan_fields(data)
        )

    def get_success_message(self, plan):
        return _("%(name)s was created: add foods and recipes to each meal.") % {"name": plan.name}

    def get_success_url(self, plan):
        return reverse("nutrition:plan_builder", args=[plan.pk])


class PlanEditView(PlansView, ServiceFormView):
    template_name = "nutrition/plans/form.html"
    form_class = PlanEditForm

    def get_object(self):
        return self.plan(self.kwargs["pk"])

    def get_initial(self):
        return {k: getattr(self.object, k) for k in ("name", "description", "day_naming", *MACRO_FIELDS)}

    def perform(self, form):
        return services.update_plan(plan=self.object, actor=self.request.user, **_plan_fields(form.cleaned_data))

    def get_success_message(self, plan):
        return _("Saved.")

    def get_success_url(self, plan):
        return reverse("nutrition:plan_builder", args=[plan.pk])


# --- Builder ---------------------------------------------------------------------------------------
class BuilderView(PlansView):
    def get(self, request, pk):
        plan, days = self.tree(self.plan(pk))
        return render(
            request, "nutrition/plans/builder.html", {"plan": plan, "days": days, "meal_kinds": Meal.Kind.choices}
        )


class PlanActionView(PlansView):
    def post(self, request, pk, action):
        plan = self.plan(pk)
        builder = reverse("nutrition:plan_builder", args=[plan.pk])
        try:
            if action == "add-day":
                day = services.add_day(plan=plan, actor=request.user)
                return redirect(f"{builder}#day-{day.pk}")
            if action == "save-as-template":
                copy = services.save_as_template(plan=plan, actor=request.user)
                messages.success(request, _("Saved a copy in your templates."))
                return redirect("nutrition:plan_builder", copy.pk)
            if action == "end":
                services.end_plan(plan=plan, end_date=_today(plan.client) if plan.client else None, actor=request.user)
                messages.success(request, _("The plan has ended."))
                return redirect(builder)
            if action == "delete":
                services.delete_plan(plan=plan, actor=request.user)
                messages.success(request, _("The meal plan was deleted."))
                return redirect("nutrition:plans")
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(builder)
        raise Http404


class _PartActionView(PlansView):
    """Edits inside one day: an htmx request gets the day back with fresh totals; a plain
    form post redirects to the day."""

    def day_response(
        self, day: MealPlanDay, *, error: str = "", error_for: tuple[str, int] = ("", 0), open_meal: int = 0
    ):
        builder = reverse("nutrition:plan_builder", args=[day.plan_id])
        if not self.request.htmx:
            if error:
                messages.error(self.request, error)
            return redirect(f"{builder}#day-{day.pk}")
        plan, days = self.tree(day.plan)
        fresh = next((d for d in days if d.pk == day.pk), None)
        if fresh is None:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = builder
            return response
        return render(
            self.request,
            "nutrition/plans/_day.html",
            {
                "plan": plan,
                "day": fresh,
                "days": days,
                "meal_kinds": Meal.Kind.choices,
                "error": error,
                f"error_{error_for[0] or 'day'}": error_for[1],
                "open_meal": open_meal,
            },
        )


class DayActionView(_PartActionView):
    def post(self, request, pk, action):
        day = get_object_or_404(MealPlanDay.objects.for_org(self.org).select_related("plan"), pk=pk)
        builder = reverse("nutrition:plan_builder", args=[day.plan_id])
        try:
            if action == "copy":
                new = services.copy_day(day=day, actor=request.user)
                messages.success(request, _("%(name)s was copied.") % {"name": day.name})
                return redirect(f"{builder}#day-{new.pk}")
            if action == "delete":
                services.delete_day(day=day, actor=request.user)
                return redirect(builder)
            if action in ("up", "down"):
                services.move_day(day=day, direction=-1 if action == "up" else 1, actor=request.user)
                return redirect(f"{builder}#day-{day.pk}")
            if action == "rename":
                services.rename_day(day=day, name=request.POST.get("name", ""), actor=request.user)
                return self.day_response(day)
            if action == "add-meal":
                form = MealForm(request.POST)
                if not form.is_valid():
                    return self.day_response(day, error=_("Choose a meal."), error_for=("day", day.pk))
                services.add_meal(day=day, actor=request.user, **form.cleaned_data)
                return self.day_response(day)
        except DomainError as exc:
            if request.htmx and action in ("rename", "add-meal"):
                return self.day_response(day, error=exc.message, error_for=("day", day.pk))
            messages.error(request, exc.message)
            return redirect(f"{builder}#day-{day.pk}")
        raise Http404


class MealActionView(_PartActionView):
    def post(self, request, pk, action):
        meal = get_object_or_404(Meal.objects.for_org(self.org).select_related("day__plan"), pk=pk)
        day = meal.day
        try:
            if action == "add-item":
                form = ItemForm(request.POST)
                if not form.is_valid():
                    return self.day_response(
                        day, error=_("Enter an amount of at least 0.01."), error_for=("meal", meal.pk)
                    )
                services.add_item(
                    meal=meal, actor=request.user, **{k: v for k, v in form.cleaned_data.items() if v is not None}
                )
                return self.day_response(day, open_meal=meal.pk)
            if action == "copy":
                to_day_id = request.POST.get("to_day", "")
                to_day = (
                    MealPlanDay.objects.for_org(self.org).filter(pk=to_day_id).first()
                    if to_day_id.isdigit() and len(to_day_id) < 19
                    else None
                )
                if to_day is None:
                    return self.day_response(day, error=_("Choose a day."), error_for=("meal", meal.pk))
                services.copy_meal(meal=meal, to_day=to_day, actor=request.user)
                messages.success(
                    request, _("%(meal)s was copied to %(day)s.") % {"meal": meal.label, "day": to_day.name}
                )
                response = redirect(reverse("nutrition:plan_builder", args=[day.plan_id]) + f"#day-{to_day.pk}")
                return response
            if action == "delete":
                services.delete_meal(meal=meal, actor=request.user)
                return self.day_response(day)
            if action in ("up", "down"):
                services.move_meal(meal=meal, direction=-1 if action == "up" else 1, actor=request.user)
                return self.day_response(day)
            if action == "rename":
                form = MealForm(request.POST)
                if not form.is_valid():
                    return self.day_response(day, error=_("Choose a meal."), error_for=("meal", meal.pk))
                services.update_meal(meal=meal, actor=request.user, **form.cleaned_data)
                return self.day_response(day)
        except DomainError as exc:
            return self.day_response(day, error=exc.message, error_for=("meal", meal.pk))
        raise Http404


class ItemActionView(_PartActionView):
    def post(self, request, pk, action):
        item = get_object_or_404(MealItem.objects.for_org(self.org).select_related("meal__day__plan"), pk=pk)
        day = item.meal.day
        try:
            if action == "update":
                form = ItemForm(request.POST)
                if not form.is_valid():
                    return self.day_response(
                        day, error=_("Enter an amount of at least 0.01."), error_for=("item", item.pk)
                    )
                data = form.cleaned_data
                if item.recipe_id:
                    changes = {"servings": data.get("servings")}
                else:
                    changes = {"amount": data.get("amount"), "portion": data.get("portion")}
                services.update_item(item=item, actor=request.user, **changes)
                return self.day_response(day)
            if action == "delete":
                services.delete_item(item=item, actor=request.user)
                return self.day_response(day)
            if action in ("up", "down"):
                services.move_item(item=item, direction=-1 if action == "up" else 1, actor=request.user)
                return self.day_response(day)
        except DomainError as exc:
            return self.day_response(day, error=exc.message, error_for=("item", item.pk))
        raise Http404


class PickerView(PlansView):
    """Foods (typo-tolerant search) and the business's recipes matching what the coach types."""

    def get(self, request, pk):
        meal = get_object_or_404(Meal.objects.for_org(self.org).select_related("day"), pk=pk)
        query = request.GET.get("q", "").strip()[:100]
        foods: list[Food] = []
        recipes: list[Recipe] = []
        if query:
            foods = search_foods(organization=self.org, query=query, limit=12)
            recipes = list(
                Recipe.objects.for_org(self.org).filter(is_archived=False, name__icontains=query).order_by("name")[:6]
            )
        return render(
            request, "nutrition/plans/_picker.html", {"meal": meal, "query": query, "foods": foods, "recipes": recipes}
        )


# --- Assigning -------------------------------------------------------------------------------------
class AssignView(PlansView, ServiceFormView):
    template_name = "nutrition/plans/assign.html"
    form_class = AssignForm

    def get_object(self):
        return self.plan(self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.org}

    def get_initial(self):
        initial = {"start_date": timezone.localdate()}
        client_id = self.request.GET.get("client", "")
        if client_id.isdigit():
            initial["client"] = Client.objects.for_org(self.org).filter(pk=client_id).first()
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.object, **kwargs)

    def perform(self, form):
        return services.assign_plan(plan=self.object, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, copy):
        return _("%(plan)s is now %(client)s's meal plan, from %(date)s. Their previous plan, if any, has ended.") % {
            "plan": copy.name,
            "client": copy.client.full_name,
            "date": format_date(copy.start_date),
        }

    def get_success_url(self, copy):
        return reverse("nutrition:client_plan", args=[copy.client_id])


class ClientPlanView(PlansView, ServiceFormView):
    """The client's meal plan section: the active plan, earlier plans, and assigning a template."""

    template_name = "nutrition/plans/client.html"
    form_class = ClientAssignForm

    def get_object(self):
        return get_object_or_404(Client.objects.for_org(self.org), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.org}

    def get_initial(self):
        return {"start_date": _today(self.object)}

    def get_context_data(self, **kwargs):
        client = self.object
        plans = list(MealPlan.objects.filter(client=client).order_by("-start_date", "-id"))
        active = next((p for p in plans if p.status == MealPlan.Status.ACTIVE), None)
        days = []
        if active is not None:
            active, days = self.tree(active)
        return super().get_context_data(
            client=client,
            active=active,
            days=days,
            earlier=[p for p in plans if active is None or p.pk != active.pk],
            has_templates=MealPlan.objects.for_org(self.org).filter(client__isnull=True).exists(),
            **kwargs,
        )

    def perform(self, form):
        return services.assign_plan(
            plan=form.cleaned_data["plan"],
            client=self.object,
            start_date=form.cleaned_data["start_date"],
            actor=self.request.user,
        )

    def get_success_message(self, copy):
        return _("%(plan)s is now the client's meal plan; the previous one, if any, has ended.") % {"plan": copy.name}

    def get_success_url(self, copy):
        return reverse("nutrition:client_plan", args=[self.object.pk])


# --- Print, PDF and shopping -----------------------------------------------------------------------
def _range(request, plan: MealPlan) -> tuple[ShoppingForm, date, date, str]:
    """The dates asked for, or the plan's first week (from today for an assigned plan)."""
    start = _today(plan.client) if plan.client_id else timezone.localdate()
    if plan.start_date and plan.start_date > start:
        start = plan.start_date
    default_end = start + timedelta(days=6)
    form = ShoppingForm(request.GET or None, initial={"start": start, "end": default_end})
    error = ""
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        if end < start:
            error = _("The end date is before the start date.")
        elif (end - start).days + 1 > MAX_RANGE_DAYS:
            error = _("At most %(n)s days at a time.") % {"n": MAX_RANGE_DAYS}
        else:
            return form, start, end, ""
    elif request.GET:
        error = _("Choose a start and an end date.")
    return form, start, default_end, error


def _units(request, plan: MealPlan) -> str:
    if plan.client_id:
        return plan.client.unit_system
    membership = request.tenant.membership
    return getattr(getattr(membership, "user", None), "unit_system", "metric") or "metric"


class PrintView(PlansView):
    def get(self, request, pk):
        plan, days = self.tree(self.plan(pk))
        form, start, end, error = _range(request, plan)
        groups = shopping_list(plan=plan, start=start, end=end, unit_system=_units(request, plan))
        return render(
            request,
            "nutrition/plans/print.html",
            {
                "plan": plan,
                "days": days,
                "groups": groups,
                "start": start,
                "end": end,
                "form": form,
                "error": error,
                "with_plan": request.GET.get("only") != "shopping",
            },
        )


class PdfView(PlansView):
    def get(self, request, pk):
        from ..plan_pdf import meal_plan_pdf

        plan, days = self.tree(self.plan(pk))
        _form, start, end, _error = _range(request, plan)
        groups = shopping_list(plan=plan, start=start, end=end, unit_system=_units(request, plan))
        content = meal_plan_pdf(plan=plan, days=days, groups=groups, start=start, end=end)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="meal-plan-{plan.pk}.pdf"'
        return response


# --- Portal ----------------------------------------------------------------------------------------
class PortalPlanView(ClientRequiredMixin, View):
    """The client's plan on their phone: today's meals, the week ahead and the shopping list."""

    feature = "nutrition"

    def get(self, request):
        client = request.tenant.client
        plan = MealPlan.objects.filter(client=client, status=MealPlan.Status.ACTIVE).first()
        context = {"plan": None, "client": client}
        if plan is not None:
            plan = plan_tree(MealPlan.objects.filter(pk=plan.pk)).get()
            days = annotate_totals(plan)
            today = _today(client)
            start = max(today, plan.start_date or today)
            week = days_in_range(plan, days, start, start + timedelta(days=6))
            today_day = next((d for when, d in week if when == today), None)
            context.update(
                plan=plan,
                today=today,
                today_day=today_day,
                week=week,
                groups=shopping_list(
                    plan=plan, start=start, end=start + timedelta(days=6), unit_system=client.unit_system
                ),
                start=start,
                end=start + timedelta(days=6),
            )
        return render(request, "nutrition/plans/portal.html", context)
