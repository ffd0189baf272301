from django.urls import path

from . import views

app_name = "automation"

urlpatterns = [
    path("settings/alerts/", views.AlertPreferencesView.as_view(), name="alert_preferences"),
]
