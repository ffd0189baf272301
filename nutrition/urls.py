"""Nutrition pages for coaches (nutrition/, clients/<id>/nutrition/...) and the portal."""

from django.urls import path

from .views import plans, recipes

app_name = "nutrition"

urlpatterns: list = [
    # Meal plans
    path("nutrition/plans/", plans.PlanListView.as_view(), name="plans"),
    path("nutrition/plans/new/", plans.PlanCreateView.as_view(), name="plan_create"),
    path("nutrition/plans/<int:pk>/", plans.BuilderView.as_view(), name="plan_builder"),
    path("nutrition/plans/<int:pk>/edit/", plans.PlanEditView.as_view(), name="plan_edit"),
    path("nutrition/plans/<int:pk>/assign/", plans.AssignView.as_view(), name="plan_assign"),
    path("nutrition/plans/<int:pk>/print/", plans.PrintView.as_view(), name="plan_print"),
    path("nutrition/plans/<int:pk>/pdf/", plans.PdfView.as_view(), name="plan_pdf"),
    path("nutrition/plans/<int:pk>/<slug:action>/", plans.PlanActionView.as_view(), name="plan_action"),
    path("nutrition/plan-days/<int:pk>/<slug:action>/", plans.DayActionView.as_view(), name="day_action"),
    path("nutrition/meals/<int:pk>/picker/", plans.PickerView.as_view(), name="meal_picker"),
    path("nutrition/meals/<int:pk>/<slug:action>/", plans.MealActionView.as_view(), name="meal_action"),
    path("nutrition/meal-items/<int:pk>/<slug:action>/", plans.ItemActionView.as_view(), name="item_action"),
    path("clients/<int:pk>/nutrition/plan/", plans.ClientPlanView.as_view(), name="client_plan"),
    path("portal/nutrition/plan/", plans.PortalPlanView.as_view(), name="portal_plan"),
    # Recipes
    path("nutrition/recipes/", recipes.RecipeListView.as_view(), name="recipes"),
    path("nutrition/recipes/new/", recipes.RecipeEditView.as_view(), name="recipe_create"),
    path("nutrition/recipes/preview/", recipes.RecipePreviewView.as_view(), name="recipe_preview"),
    path("nutrition/recipes/ingredient-picker/", recipes.IngredientPickerView.as_view(), name="ingredient_picker"),
    path("nutrition/recipes/ingredient-row/", recipes.IngredientRowView.as_view(), name="ingredient_row"),
    path("nutrition/recipes/<int:pk>/", recipes.RecipeEditView.as_view(), name="recipe_edit"),
    path("nutrition/recipes/<int:pk>/<slug:action>/", recipes.RecipeActionView.as_view(), name="recipe_action"),
]
