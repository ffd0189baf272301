from django.urls import path

from .views import AlertPreferencesView

urlpatterns = [
    path(
        "alerts/preferences/",
        AlertPreferencesView.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="alert-preferences",
    ),
]
