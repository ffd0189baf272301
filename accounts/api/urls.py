from django.urls import path
from rest_framework.routers import SimpleRouter

from .home import MyHistoryView, MyHomeView
from .views import InvitationViewSet, MemberViewSet, MeViewSet, OrganizationViewSet

router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")

urlpatterns = [
    path("me/", MeViewSet.as_view({"get": "retrieve", "patch": "partial_update"}), name="me"),
    path("me/home/", MyHomeView.as_view({"get": "retrieve"}), name="me-home"),
    path("me/history/", MyHistoryView.as_view({"get": "retrieve"}), name="me-history"),
    path(
        "organization/",
        OrganizationViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="organization",
    ),
    *router.urls,
]
