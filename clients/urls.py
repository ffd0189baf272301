from django.urls import path

from . import views

app_name = "clients"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    path("clients/", views.ClientListView.as_view(), name="list"),
    path("clients/new/", views.ClientCreateView.as_view(), name="create"),
    path("clients/<int:pk>/", views.ClientDetailView.as_view(), name="detail"),
    path("clients/<int:pk>/invite/", views.ClientInviteView.as_view(), name="invite"),
]
