from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls

# Segments (marketing/api/segments.py)
from . import segments as _segments  # noqa: E402

router.register("marketing/segments", _segments.SegmentViewSet, basename="marketing-segment")
urlpatterns = router.urls
