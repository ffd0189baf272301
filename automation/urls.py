from django.urls import path

from . import views

app_name = "automation"

urlpatterns = [
    path("alerts/", views.AlertListView.as_view(), name="alerts"),
    path("alerts/read-all/", views.AlertReadAllView.as_view(), name="alerts_read_all"),
    path("alerts/<int:pk>/read/", views.AlertActionView.as_view(action="read"), name="alert_read"),
    path("alerts/<int:pk>/dismiss/", views.AlertActionView.as_view(action="dismiss"), name="alert_dismiss"),
    path("settings/alerts/", views.AlertPreferencesView.as_view(), name="alert_preferences"),
]
