from rest_framework.routers import SimpleRouter

from .tokens import ApiTokenViewSet
from .views import ConnectedAccountViewSet
from .webhooks import RestHookViewSet, WebhookDeliveryViewSet, WebhookEndpointViewSet

router = SimpleRouter()
router.register("integrations/connections", ConnectedAccountViewSet, basename="integrations-connection")
router.register("webhooks/endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register(
    r"webhooks/endpoints/(?P<endpoint_pk>[0-9]{1,18})/deliveries", WebhookDeliveryViewSet, basename="webhook-delivery"
)
router.register("hooks", RestHookViewSet, basename="rest-hook")
router.register("tokens", ApiTokenViewSet, basename="api-token")

urlpatterns = router.urls
