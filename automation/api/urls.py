from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AlertPreferencesView, CoachAlertViewSet

router = SimpleRouter()
router.register("alerts", CoachAlertViewSet, basename="alert")

urlpatterns = [
    path(
        "alerts/preferences/",
        AlertPreferencesView.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="alert-preferences",
    ),
    *router.urls,
]

from .tasks import CoachTaskViewSet  # noqa: E402

_tasks = SimpleRouter()
_tasks.register("tasks", CoachTaskViewSet, basename="task")
urlpatterns += _tasks.urls
