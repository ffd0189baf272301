"""The installable app at the root of the site: the service worker's scope is the path it is served from."""

from django.urls import path

from . import views_pwa

app_name = "pwa"

urlpatterns = [
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
    path("sw.js", views_pwa.service_worker, name="service_worker"),
    path("offline/", views_pwa.offline, name="offline"),
    path("app/session/", views_pwa.session, name="session"),
    path("app/icons/<str:version>/<str:purpose>-<int:size>.png", views_pwa.platform_icon, name="platform_icon"),
    path("app/icons/<slug:slug>/<str:version>/<str:purpose>-<int:size>.png", views_pwa.icon, name="icon"),
]
