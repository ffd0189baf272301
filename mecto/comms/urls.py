from django.urls import path

from . import views

app_name = "comms"

urlpatterns = [
    path("preferences/<str:token>/", views.preferences, name="preferences"),
]
