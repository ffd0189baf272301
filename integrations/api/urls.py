from rest_framework.routers import SimpleRouter

from .views import ConnectedAccountViewSet

router = SimpleRouter()
router.register("integrations/connections", ConnectedAccountViewSet, basename="integrations-connection")

urlpatterns = router.urls
