from django.urls import path

from . import views

app_name = "branding"

urlpatterns = [
    path("settings/brand/", views.BrandSettingsView.as_view(), name="settings"),
    # Logos and icons are public (pages, emails, the app): served by name, cached for good.
    path("brand/files/<int:organization_id>/<str:filename>", views.brand_file, name="file"),
]
