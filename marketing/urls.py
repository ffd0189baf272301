from django.urls import path

from .views import campaigns

app_name = "marketing"

urlpatterns: list = []

# Campaigns
urlpatterns += [
    path("marketing/", campaigns.CampaignListView.as_view(), name="campaigns"),
    path("marketing/campaigns/new/", campaigns.CampaignFormView.as_view(), name="campaign_create"),
    path("marketing/campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path("marketing/campaigns/<int:pk>/edit/", campaigns.CampaignFormView.as_view(), name="campaign_edit"),
    path("marketing/campaigns/<int:pk>/progress/", campaigns.CampaignProgressView.as_view(), name="campaign_progress"),
]
