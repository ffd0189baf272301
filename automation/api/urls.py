from django.urls import path
from rest_framework.routers import SimpleRouter

from .rules import AutomationRunViewSet, AutomationTemplateViewSet, AutomationViewSet
from .views import AlertPreferencesView, CoachAlertViewSet

router = SimpleRouter()
router.register("alerts", CoachAlertViewSet, basename="alert")
router.register("automations/templates", AutomationTemplateViewSet, basename="automation-template")
router.register("automations", AutomationViewSet, basename="automation")
router.register("automation-runs", AutomationRunViewSet, basename="automation-run")

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
