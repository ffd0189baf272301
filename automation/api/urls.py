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
