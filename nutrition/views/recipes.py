"""Recipe pages: the list, the editor (any number of ingredient rows, steps, live
nutrition) and copy / archive."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mecto.errors import DomainError
from mecto.forms import apply_domain_error

from ..forms.recipes import RecipeForm
from ..models import Food, FoodPortion, Recipe, RecipeIngredient
from ..plan_nutrition import recipe_list, recipe_nutrition, recipes_with_ingredients
from ..search import search_foods
from ..services import recipes as services
from ..services.recipes import PlanError, resolve_amount
from .plans import PlansView

_ROW = re.compile(r"^ing-(\d{1,4})-food$")


def _is_id(value) -> bool:
    """Digits that fit a database id (a longer number would overflow the query)."""
    return str(value).isdigit() and len(str(value)) < 19


def _posted_rows(post) -> list[dict]:
    """Ingredient rows in the order the editor shows them (indices need not be contiguous)."""
    indices = sorted(int(m.group(1)) for key in post if (m := _ROW.match(key)))
    return [
        {
            "food": post.get(f"ing-{i}-food", ""),
            "portion": post.get(f"ing-{i}-portion", ""),
            "amount": post.get(f"ing-{i}-amount", ""),
            "note": post.get(f"ing-{i}-note", "")[:120],
        }
        for i in indices
    ]


def _display_rows(organization, rows: list[dict], error: DomainError | None = None) -> list[dict]:
    """Rows for the template: each with its food, the food's portions and any error."""
    ids = [int(r["food"]) for r in rows if _is_id(r["food"])]
    foods = {f.pk: f for f in Food.objects.for_org(organization).filter(pk__in=ids).prefetch_related("portions")}
    out = []
    for index, row in enumerate(rows):
        food = foods.get(int(row["food"])) if _is_id(row["food"]) else None
        message = ""
        if error and error.field and error.field.startswith(f"ingredients.{index}."):
            message = error.message
        out.append(
            {
                **row,
                "index": index,
                "food_obj": food,
                "portions": list(food.portions.all()) if food else [],
                "error": message,
            }
        )
    return out


def _unsaved_ingredients(organization, rows) -> list[RecipeIngredient]:
    """Rows that are valid so far, for the live nutrition preview."""
    out = []
    for row in rows:
        try:
            food, portion, amount, grams = resolve_amount(
                organization=organization, food=row["food"], portion=row["portion"], amount=row["amount"]
            )
        except PlanError:
            continue
        out.append(RecipeIngredient(food=food, portion=portion, amount=amount, grams=grams))
    return out


class RecipeListView(PlansView):
    def get(self, request):
        archived = request.GET.get("show") == "archived"
        query = request.GET.get("q", "").strip()[:100]
        page = Paginator(recipe_list(organization=self.org, search=query, archived=archived), 25).get_page(
            request.GET.get("page")
        )
        for recipe in page.object_list:
            recipe.nutrition = recipe_nutrition(recipe)
        return render(
            request,
            "nutrition/recipes/list.html",
            {"page": page, "query": query, "archived": archived, "has_any": Recipe.objects.for_org(self.org).exists()},
        )


class RecipeEditView(PlansView):
    """New recipe (no pk) or edit one. The ingredient rows come from the posted data."""

    def get_recipe(self):
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(recipes_with_ingredients(Recipe.objects.for_org(self.org)), pk=pk)

    def render_editor(self, recipe, form, rows, *, status=200):
        data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
        servings = data.get("servings") or (recipe.servings if recipe else Decimal(1))
        yield_grams = data.get("yield_grams") if data else (recipe.yield_grams if recipe else None)
        preview = Recipe(servings=servings, yield_grams=yield_grams)
        nutrition = recipe_nutrition(preview, _unsaved_ingredients(self.org, rows))
        return render(
            self.request,
            "nutrition/recipes/editor.html",
            {
                "recipe": recipe,
                "form": form,
                "rows": _display_rows(self.org, rows, getattr(self, "error", None)),
                "nutrition": nutrition,
                "next_index": len(rows),
            },
            status=status,
        )

    def get(self, request, pk=None):
        recipe = self.get_recipe()
        if recipe is None:
            form = RecipeForm(initial={"servings": 1})
            rows = []
        else:
            form = RecipeForm(
                initial={
                    "name": recipe.name,
                    "description": recipe.description,
                    "servings": f"{recipe.servings.normalize():f}",
                    "yield_grams": f"{recipe.yield_grams.normalize():f}" if recipe.yield_grams else None,
                    "tags": ", ".join(recipe.tags or []),
                    "steps": "\n".join(s.text for s in recipe.steps.all()),
                }
            )
            rows = [
                {
                    "food": i.food_id,
                    "portion": i.portion_id or "",
                    "amount": f"{i.amount.normalize():f}",
                    "note": i.note,
                }
                for i in recipe.ingredients.all()
            ]
        return self.render_editor(recipe, form, rows)

    def post(self, request, pk=None):
        recipe = self.get_recipe()
        form = RecipeForm(request.POST)
        rows = _posted_rows(request.POST)
        self.error = None
        if form.is_valid():
            data = {**form.cleaned_data, "ingredients": rows, "steps": form.cleaned_data["steps"].splitlines()}
            try:
                if recipe is None:
                    recipe = services.create_recipe(organization=self.org, actor=request.user, **data)
                    messages.success(request, _("%(name)s was added to your recipes.") % {"name": recipe.name})
                else:
                    services.update_recipe(recipe=recipe, actor=request.user, **data)
                    messages.success(request, _("Saved."))
                return redirect("nutrition:recipe_edit", recipe.pk)
            except DomainError as exc:
                self.error = exc
                if not (exc.field or "").startswith("ingredients."):
                    apply_domain_error(form, exc)
        return self.render_editor(recipe, form, rows, status=400)


class RecipePreviewView(PlansView):
    """The editor's live nutrition: computed from the posted form, nothing saved."""

    def post(self, request):
        rows = _posted_rows(request.POST)
        form = RecipeForm(request.POST)
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        preview = Recipe(servings=data.get("servings") or Decimal(1), yield_grams=data.get("yield_grams"))
        ingredients = _unsaved_ingredients(self.org, rows)
        return render(
            request,
            "nutrition/recipes/_nutrition.html",
            {"nutrition": recipe_nutrition(preview, ingredients), "skipped": len(rows) - len(ingredients)},
        )


class IngredientPickerView(PlansView):
    """Foods matching what the coach types, each with a button that adds an ingredient row."""

    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        foods = search_foods(organization=self.org, query=query, limit=12) if query else []
        return render(request, "nutrition/recipes/_picker.html", {"foods": foods, "query": query})


class IngredientRowView(PlansView):
    """One new ingredient row for a food (htmx appends it to the editor)."""

    def get(self, request):
        food_id = request.GET.get("food", "")
        index = request.GET.get("index", "0")
        if not _is_id(food_id) or not index.isdigit() or len(index) > 4:
            raise Http404
        food = get_object_or_404(Food.objects.for_org(self.org).prefetch_related("portions"), pk=food_id)
        portions: list[FoodPortion] = list(food.portions.all())
        row = {
            "index": int(index),
            "food": food.pk,
            "food_obj": food,
            "portions": portions,
            "portion": portions[0].pk if portions else "",
            "amount": "1" if portions else "100",
            "note": "",
            "error": "",
        }
        return render(request, "nutrition/recipes/_row.html", {"row": row})


class RecipeActionView(PlansView):
    def post(self, request, pk, action):
        recipe = get_object_or_404(recipes_with_ingredients(Recipe.objects.for_org(self.org)), pk=pk)
        if action == "duplicate":
            copy = services.duplicate_recipe(recipe=recipe, actor=request.user)
            messages.success(request, _("A copy was made: %(name)s.") % {"name": copy.name})
            return redirect("nutrition:recipe_edit", copy.pk)
        if action in ("archive", "restore"):
            services.archive_recipe(recipe=recipe, archived=action == "archive", actor=request.user)
            messages.success(request, _("Archived.") if action == "archive" else _("Restored."))
            return redirect(reverse("nutrition:recipes"))
        raise Http404
