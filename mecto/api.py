"""The /api/v1/ router: each app contributes its routes from `<app>/api/urls.py`."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("branding.api.urls")),
    path("", include("clients.api.urls")),
    path("", include("training.api.urls")),
    path("", include("nutrition.api.urls")),
    path("", include("booking.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("marketing.api.urls")),
    path("", include("automation.api.urls")),
    path("", include("branding.api_domains")),
    path("", include("mecto.comms.api")),
    path("", include("mecto.api_onboarding")),
]
