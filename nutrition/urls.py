"""Nutrition pages for coaches (nutrition/, clients/<id>/nutrition/...) and the portal."""

from django.urls import path

from .views import foods, habits, plans, portal, recipes, targets

app_name = "nutrition"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    # Habits
    path("nutrition/habits/", habits.HabitLibraryView.as_view(), name="habit_library"),
    path("clients/<int:pk>/habits/", habits.ClientHabitsView.as_view(), name="client_habits"),
    path("portal/habits/", habits.PortalHabitsView.as_view(), name="portal_habits"),
    path("portal/habits/<int:pk>/log/", habits.PortalLogHabitView.as_view(), name="portal_log_habit"),
    # The food library
    path("nutrition/foods/", foods.FoodListView.as_view(), name="foods"),
    path("nutrition/foods/new/", foods.FoodCreateView.as_view(), name="food_create"),
    path("nutrition/foods/<int:pk>/", foods.FoodDetailView.as_view(), name="food_detail"),
    path("nutrition/foods/<int:pk>/edit/", foods.FoodEditView.as_view(), name="food_edit"),
    path("nutrition/foods/<int:pk>/portions/new/", foods.PortionCreateView.as_view(), name="portion_create"),
    path("nutrition/portions/<int:pk>/edit/", foods.PortionEditView.as_view(), name="portion_edit"),
    path("nutrition/portions/<int:pk>/delete/", foods.PortionDeleteView.as_view(), name="portion_delete"),
    # Coaches: the client's Nutrition tab
    path("clients/<int:pk>/nutrition/", targets.ClientNutritionView.as_view(), name="client"),
    path("clients/<int:pk>/nutrition/targets/", targets.ClientTargetsView.as_view(), name="targets"),
    path("clients/<int:pk>/nutrition/comment/", targets.DayCommentView.as_view(), name="comment"),
    # Clients in the portal
    path("portal/nutrition/", portal.PortalNutritionView.as_view(), name="portal"),
    path("portal/nutrition/search/", portal.PortalFoodSearchView.as_view(), name="portal_search"),
    path("portal/nutrition/foods/<int:pk>/", portal.PortalAddFoodView.as_view(), name="portal_add_food"),
    path("portal/nutrition/foods/<int:pk>/favourite/", portal.PortalFavouriteView.as_view(), name="portal_favourite"),
    path("portal/nutrition/quick-add/", portal.PortalQuickAddView.as_view(), name="portal_quick_add"),
    path("portal/nutrition/entries/<uuid:public_id>/", portal.PortalEditEntryView.as_view(), name="portal_edit"),
    path(
        "portal/nutrition/entries/<uuid:public_id>/delete/",
        portal.PortalDeleteEntryView.as_view(),
        name="portal_delete",
    ),
    path("nutrition/photos/<uuid:public_id>/<str:variant>/", portal.LogPhotoView.as_view(), name="photo"),
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
    path(
        "portal/nutrition/plan/meals/<int:pk>/log/",
        portal.PortalLogPlannedMealView.as_view(),
        name="portal_log_planned_meal",
    ),
    # Recipes
    path("nutrition/recipes/", recipes.RecipeListView.as_view(), name="recipes"),
    path("nutrition/recipes/new/", recipes.RecipeEditView.as_view(), name="recipe_create"),
    path("nutrition/recipes/preview/", recipes.RecipePreviewView.as_view(), name="recipe_preview"),
    path("nutrition/recipes/ingredient-picker/", recipes.IngredientPickerView.as_view(), name="ingredient_picker"),
    path("nutrition/recipes/ingredient-row/", recipes.IngredientRowView.as_view(), name="ingredient_row"),
    path("nutrition/recipes/<int:pk>/", recipes.RecipeEditView.as_view(), name="recipe_edit"),
    path("nutrition/recipes/<int:pk>/<slug:action>/", recipes.RecipeActionView.as_view(), name="recipe_action"),
]
