"""Nutrition routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from mecto.api_base import INT_ID

from . import foods, habits

router = SimpleRouter()
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

urlpatterns = [*router.urls]
