from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mecto import views
from mecto.routing import indexed_path

# Under /api/ an unknown URL or a server error answers in the API's error shape.
handler404 = "mecto.api_errors.not_found"
handler500 = "mecto.api_errors.server_error"

admin.site.site_header = "Mecto back office"
admin.site.site_title = "Mecto"

urlpatterns = [
    # First, and through the per-segment index: the API is what the app calls all day, and no
    # page route starts with api/ (docs/performance.md).
    indexed_path("api/v1/", "mecto.api"),
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/checklist/dismiss/", views.onboarding_checklist, {"action": "dismiss"}, name="checklist_dismiss"),
    path("dashboard/checklist/restore/", views.onboarding_checklist, {"action": "restore"}, name="checklist_restore"),
    path("healthz", views.healthz, name="healthz"),
    # The installable app: manifest, icons, the service worker (at the root, for its scope) and offline page.
    path("", include("branding.urls_pwa")),
    path("ops/status", views.ops_status, name="ops_status"),
    path("admin/", admin.site.urls),
    path("account/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("accounts.urls")),
    path("portal/", include("accounts.portal_urls")),
    # Domain apps are mounted at the root; each prefixes its own paths (clients/, training/,
    # booking/ and the public book/, billing/ and the public pay/, integrations/, webhooks/...).
    path("", include("branding.urls")),
    path("", include("clients.urls")),
    path("", include("training.urls")),
    path("", include("nutrition.urls")),
    path("", include("booking.urls")),
    path("", include("billing.urls")),
    path("", include("integrations.urls")),
    path("", include("marketing.urls")),
    path("", include("automation.urls")),
    path("", include("mecto.comms.urls")),
    path("", include("branding.urls_domains")),  # settings/domains/ and the TLS proxy's _domains/check
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]
