"""Nutrition routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import foods

router = SimpleRouter()
# Foods: coaches search and add their own; clients search them when they log.
router.register("foods", foods.FoodViewSet, basename="food")
router.register(r"foods/(?P<food_pk>[0-9]{1,18})/portions", foods.FoodPortionViewSet, basename="food-portion")

urlpatterns = [*router.urls]
