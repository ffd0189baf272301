from django.urls import path

app_name = "marketing"

urlpatterns: list = []

from .views import unsubscribe as unsubscribe_views  # noqa: E402

urlpatterns += [
    path("u/<str:token>/", unsubscribe_views.unsubscribe, name="unsubscribe"),
]
