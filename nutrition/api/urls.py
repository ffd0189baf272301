"""Nutrition routes under /api/v1/."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import logs, targets

CLIENT = targets.CLIENT

router = SimpleRouter()
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
