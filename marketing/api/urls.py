from django.urls import path
from rest_framework.routers import SimpleRouter

from . import campaigns, segments, settings, templates

router = SimpleRouter()
router.register("marketing/campaigns", campaigns.CampaignViewSet, basename="marketing-campaign")
router.register("marketing/segments", segments.SegmentViewSet, basename="marketing-segment")
# Message templates (CRUD, preview, test send, drafting help) and the SMS counter.
router.register("marketing/templates", templates.MessageTemplateViewSet, basename="marketing-template")

urlpatterns = [
    path("marketing/sms-count/", templates.SmsCountView.as_view({"post": "create"}), name="marketing-sms-count"),
    path(
        "marketing/settings/",
        settings.SendingSettingsView.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="marketing-settings",
    ),
    *router.urls,
]
