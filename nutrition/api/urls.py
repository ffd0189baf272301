"""Nutrition routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import plans, recipes

router = SimpleRouter()
router.register("recipes", recipes.RecipeViewSet, basename="recipe")
router.register("meal-plans", plans.MealPlanViewSet, basename="meal-plan")
router.register("me/meal-plans", plans.MyMealPlanViewSet, basename="my-meal-plan")

urlpatterns = [*router.urls]
