from django.urls import path

from . import views, views_developers

app_name = "integrations"

urlpatterns = [
    path("integrations/", views.IntegrationsView.as_view(), name="index"),
    path("integrations/<int:pk>/", views.ConnectionView.as_view(), name="connection"),
    path("settings/developers/", views_developers.DevelopersView.as_view(), name="developers"),
    path("settings/developers/webhooks/<int:pk>/", views_developers.EndpointView.as_view(), name="webhook"),
]
