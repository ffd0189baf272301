from rest_framework.routers import SimpleRouter

from . import campaigns

router = SimpleRouter()
router.register("marketing/campaigns", campaigns.CampaignViewSet, basename="marketing-campaign")

urlpatterns = router.urls

# Segments (marketing/api/segments.py)
from . import segments as _segments  # noqa: E402

router.register("marketing/segments", _segments.SegmentViewSet, basename="marketing-segment")
urlpatterns = router.urls
