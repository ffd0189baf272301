from django.urls import path

from .views import campaigns, optin, templates
from .views import segments as _segments
from .views import settings as settings_views
from .views import unsubscribe as unsubscribe_views

app_name = "marketing"

urlpatterns = [
    # Campaigns
    path("marketing/", campaigns.CampaignListView.as_view(), name="campaigns"),
    path("marketing/campaigns/new/", campaigns.CampaignFormView.as_view(), name="campaign_create"),
    path("marketing/campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path("marketing/campaigns/<int:pk>/edit/", campaigns.CampaignFormView.as_view(), name="campaign_edit"),
    path("marketing/campaigns/<int:pk>/progress/", campaigns.CampaignProgressView.as_view(), name="campaign_progress"),
    # Message templates
    path("marketing/templates/", templates.TemplateListView.as_view(), name="templates"),
    path("marketing/templates/new/", templates.TemplateEditView.as_view(), name="template_create"),
    path("marketing/templates/<int:pk>/", templates.TemplateEditView.as_view(), name="template_edit"),
    path("marketing/templates/<int:pk>/preview/", templates.TemplatePreviewView.as_view(), name="template_preview"),
    path("marketing/templates/<int:pk>/email/", templates.TemplateEmailFrameView.as_view(), name="template_email"),
    path("marketing/templates/<int:pk>/test/", templates.TemplateTestSendView.as_view(), name="template_test"),
    path("marketing/templates/<int:pk>/archive/", templates.TemplateArchiveView.as_view(), name="template_archive"),
    # Segments
    path("marketing/segments/", _segments.SegmentListView.as_view(), name="segments"),
    path("marketing/segments/new/", _segments.SegmentEditView.as_view(), name="segment_create"),
    path("marketing/segments/count/", _segments.SegmentCountView.as_view(), name="segment_count"),
    path("marketing/segments/<int:pk>/", _segments.SegmentEditView.as_view(), name="segment_edit"),
    path("marketing/segments/<int:pk>/delete/", _segments.SegmentDeleteView.as_view(), name="segment_delete"),
    # The business's sending settings
    path("marketing/settings/", settings_views.SendingSettingsView.as_view(), name="settings"),
    # One-click unsubscribe (RFC 8058) and the preference page
    path("u/<str:token>/", unsubscribe_views.unsubscribe, name="unsubscribe"),
    # Double opt-in: the link in the confirmation email (GET shows, POST confirms)
    path("optin/<str:token>/", optin.confirm, name="optin"),
]
