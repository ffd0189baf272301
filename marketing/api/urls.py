from rest_framework.routers import SimpleRouter

from . import campaigns

router = SimpleRouter()
router.register("marketing/campaigns", campaigns.CampaignViewSet, basename="marketing-campaign")

urlpatterns = router.urls
