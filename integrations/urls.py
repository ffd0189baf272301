from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("integrations/", views.IntegrationsView.as_view(), name="index"),
    path("integrations/<int:pk>/", views.ConnectionView.as_view(), name="connection"),
]
