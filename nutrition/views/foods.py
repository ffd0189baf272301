"""The coach's food library: search the shared database and the business's own foods, see
nutrients per 100 g and per portion, add foods and portions of the business's own."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.forms import ServiceFormView
from mecto.permissions import MemberRequiredMixin

from .. import search
from ..forms.foods import FoodForm, PortionForm
from ..models.foods import FOOD_GROUPS, Food, FoodPortion
from ..nutrients import NUTRIENTS, for_grams
from ..services import foods as services

CAPABILITY = "nutrition.manage"
PAGE_SIZE = 30


class FoodsView(MemberRequiredMixin, View):
    required_capability = CAPABILITY

    @property
    def org(self):
        return self.request.tenant.organization

    def visible_food(self, pk) -> Food:
        portions = FoodPortion.objects.for_org(self.org).order_by("position", "id")
        return get_object_or_404(Food.objects.for_org(self.org).prefetch_related(Prefetch("portions", portions)), pk=pk)


def _branded(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class FoodListView(FoodsView):
    def get(self, request):
        params = request.GET
        query = params.get("q", "").strip()[:200]
        group = params.get("food_group", "")
        group = group if group in FOOD_GROUPS else ""
        branded = params.get("branded", "")
        branded = branded if branded in ("yes", "no") else ""
        ids = search.ranked_food_ids(
            organization=self.org, query=query, food_group=group or None, branded=_branded(branded)
        )
        page = Paginator(ids, PAGE_SIZE).get_page(params.get("page"))
        foods = search.foods_by_ids(organization=self.org, ids=list(page.object_list))
        context = {
            "page": page,
            "foods": foods,
            "query": query,
            "filters": {"food_group": group, "branded": branded},
            "food_groups": FOOD_GROUPS,
            "has_library": Food.objects.library().exists(),
        }
        template = "nutrition/foods/_results.html" if request.htmx else "nutrition/foods/list.html"
        return render(request, template, context)


def nutrient_rows(food: Food, grams: Decimal | None) -> list[dict]:
    """Each nutrient per 100 g and in `grams` of the food; None where the source does not know it."""
    amounts = for_grams(food, grams) if grams is not None else {}
    return [
        {
            "label": n.label,
            "unit": n.unit,
            "per_100g": getattr(food, n.field),
            "per_portion": amounts.get(n.field),
        }
        for n in NUTRIENTS
    ]


class FoodDetailView(FoodsView):
    def get(self, request, pk):
        food = self.visible_food(pk)
        units = food.units()
        chosen = next((u for u in units if u["key"] == request.GET.get("unit")), None)
        if chosen is None:
            chosen = units[2] if len(units) > 2 else units[0]
        context = {
            "food": food,
            "units": units,
            "unit": chosen,
            "rows": nutrient_rows(food, chosen["grams"]),
            "portion_form": PortionForm(),
        }
        template = "nutrition/foods/_nutrients.html" if request.htmx else "nutrition/foods/detail.html"
        return render(request, template, context)


class FoodCreateView(FoodsView, ServiceFormView):
    template_name = "nutrition/foods/form.html"
    form_class = FoodForm

    def perform(self, form):
        return services.create_food(organization=self.org, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, food):
        return _("%(name)s was added to your foods.") % {"name": food.name}

    def get_success_url(self, food):
        return reverse("nutrition:food_detail", args=[food.pk])


class FoodEditView(FoodsView, ServiceFormView):
    template_name = "nutrition/foods/form.html"
    form_class = FoodForm

    def get_object(self):
        # Only the business's own foods: the shared database is the same for everyone.
        return get_object_or_404(Food.objects.filter(organization=self.org), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        food = self.object
        fields = ["name", "common_name", "food_group", "manufacturer", "is_archived", *[n.field for n in NUTRIENTS]]
        return {f: getattr(food, f) for f in fields}

    def get_context_data(self, **kwargs):
        return super().get_context_data(food=self.object, **kwargs)

    def perform(self, form):
        return services.update_food(
            food=self.object, organization=self.org, actor=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, food):
        return _("Saved.")

    def get_success_url(self, food):
        return reverse("nutrition:food_detail", args=[food.pk])


class PortionCreateView(FoodsView, ServiceFormView):
    """Add a portion of the business's own to any food it sees (from the food's page)."""

    template_name = "nutrition/foods/portion_form.html"
    form_class = PortionForm

    def get_object(self):
        self.food = self.visible_food(self.kwargs["pk"])
        return None

    def get_context_data(self, **kwargs):
        return super().get_context_data(food=self.food, **kwargs)

    def perform(self, form):
        return services.add_portion(organization=self.org, food=self.food, actor=self.request.user, **form.cleaned_data)

    def get_success_message(self, portion):
        return _("Portion “%(label)s” added.") % {"label": portion.label}

    def get_success_url(self, portion):
        return reverse("nutrition:food_detail", args=[self.food.pk])


class PortionEditView(FoodsView, ServiceFormView):
    template_name = "nutrition/foods/portion_form.html"
    form_class = PortionForm

    def get_object(self):
        portion = get_object_or_404(
            FoodPortion.objects.filter(organization=self.org).select_related("food"), pk=self.kwargs["pk"]
        )
        self.food = portion.food
        return portion

    def get_initial(self):
        return {f: getattr(self.object, f) for f in ("amount", "description", "gram_weight")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(food=self.food, portion=self.object, **kwargs)

    def perform(self, form):
        return services.update_portion(
            portion=self.object, organization=self.org, actor=self.request.user, **form.cleaned_data
        )

    def get_success_message(self, portion):
        return _("Saved.")

    def get_success_url(self, portion):
        return reverse("nutrition:food_detail", args=[self.food.pk])


class PortionDeleteView(FoodsView):
    def post(self, request, pk):
        portion = get_object_or_404(FoodPortion.objects.filter(organization=self.org), pk=pk)
        food_pk = portion.food_id
        try:
            services.delete_portion(portion=portion, organization=self.org, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Portion removed."))
        return redirect("nutrition:food_detail", pk=food_pk)
