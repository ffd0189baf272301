from django.urls import path

from .views import portal

app_name = "portal"

urlpatterns = [
    path("", portal.PortalHomeView.as_view(), name="home"),
    path("history/", portal.PortalHistoryView.as_view(), name="history"),
]
