from django.urls import path

from . import views

urlpatterns = [
    path(
        "brand/",
        views.BrandView.as_view({"get": "retrieve", "patch": "partial_update", "put": "update"}),
        name="brand",
    ),
    path("brand/logo/", views.BrandLogoView.as_view({"post": "create", "delete": "destroy"}), name="brand-logo"),
    path("brand/icon/", views.BrandIconView.as_view({"post": "create", "delete": "destroy"}), name="brand-icon"),
]
