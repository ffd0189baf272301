"""Nutrition routes under /api/v1/."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from mecto.api_base import INT_ID

from . import foods, habits, logs, plans, recipes, targets

router = SimpleRouter()
# Recipes and meal plans: the coach's library and clients' plans; the client's own, read-only.
router.register("recipes", recipes.RecipeViewSet, basename="recipe")
router.register("meal-plans", plans.MealPlanViewSet, basename="meal-plan")
router.register("me/meal-plans", plans.MyMealPlanViewSet, basename="my-meal-plan")
CLIENT = rf"clients/(?P<client_pk>{INT_ID})"
# Habits: the coach's library and each client's habits, freezes and logs; the client's own.
router.register("habit-templates", habits.HabitTemplateViewSet, basename="habit-template")
router.register(rf"{CLIENT}/habits", habits.ClientHabitViewSet, basename="client-habit")
router.register(rf"{CLIENT}/habit-freezes", habits.ClientHabitFreezeViewSet, basename="client-habit-freeze")
router.register(rf"{CLIENT}/habit-logs", habits.ClientHabitLogViewSet, basename="client-habit-log")
router.register("me/habits", habits.MyHabitViewSet, basename="my-habit")
router.register("me/habit-logs", habits.MyHabitLogViewSet, basename="my-habit-log")
# Foods: coaches search and add their own; clients search them when they log.
router.register("foods", foods.FoodViewSet, basename="food")
router.register(r"foods/(?P<food_pk>[0-9]{1,18})/portions", foods.FoodPortionViewSet, basename="food-portion")
# Coaches: under a client
router.register(f"{CLIENT}/nutrition-targets", targets.ClientTargetViewSet, basename="client-nutrition-target")
router.register(f"{CLIENT}/food-log", logs.ClientFoodLogViewSet, basename="client-food-log")
router.register(f"{CLIENT}/nutrition-comments", logs.ClientNutritionCommentViewSet, basename="client-nutrition-comment")
# The client's app
router.register("me/food-log", logs.MyFoodLogViewSet, basename="my-food-log")
router.register("me/favourite-foods", logs.MyFavouriteFoodViewSet, basename="my-favourite-food")

urlpatterns = [
    re_path(
        rf"^{CLIENT}/nutrition-settings/$",
        targets.ClientNutritionSettingsView.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="client-nutrition-settings",
    ),
    re_path(
        rf"^{CLIENT}/nutrition-calculator/$",
        targets.ClientCalculatorView.as_view({"post": "create"}),
        name="client-nutrition-calculator",
    ),
    re_path(
        rf"^{CLIENT}/nutrition-week/$",
        logs.ClientWeekAdherenceView.as_view({"get": "retrieve"}),
        name="client-nutrition-week",
    ),
    path("me/nutrition-day/", logs.MyNutritionDayView.as_view({"get": "retrieve"}), name="my-nutrition-day"),
    path("me/recent-foods/", logs.MyRecentFoodsView.as_view({"get": "list"}), name="my-recent-foods"),
    *router.urls,
]
