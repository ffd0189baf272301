from django.urls import path
from rest_framework.routers import SimpleRouter

from . import templates

router = SimpleRouter()
# Message templates (CRUD, preview, test send, drafting help) and the SMS counter.
router.register("marketing/templates", templates.MessageTemplateViewSet, basename="marketing-template")

urlpatterns = router.urls
urlpatterns += [
    path("marketing/sms-count/", templates.SmsCountView.as_view({"post": "create"}), name="marketing-sms-count"),
]
