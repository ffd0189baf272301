"""Nutrition pages for coaches (nutrition/, clients/<id>/nutrition/...) and the portal."""

from django.urls import path

from .views import portal, targets

app_name = "nutrition"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    # Coaches: the client's Nutrition tab
    path("clients/<int:pk>/nutrition/", targets.ClientNutritionView.as_view(), name="client"),
    path("clients/<int:pk>/nutrition/targets/", targets.ClientTargetsView.as_view(), name="targets"),
    path("clients/<int:pk>/nutrition/comment/", targets.DayCommentView.as_view(), name="comment"),
    # Clients in the portal
    path("portal/nutrition/", portal.PortalNutritionView.as_view(), name="portal"),
    path("portal/nutrition/search/", portal.PortalFoodSearchView.as_view(), name="portal_search"),
    path("portal/nutrition/foods/<int:pk>/", portal.PortalAddFoodView.as_view(), name="portal_add_food"),
    path("portal/nutrition/foods/<int:pk>/favourite/", portal.PortalFavouriteView.as_view(), name="portal_favourite"),
    path("portal/nutrition/quick-add/", portal.PortalQuickAddView.as_view(), name="portal_quick_add"),
    path("portal/nutrition/entries/<uuid:public_id>/", portal.PortalEditEntryView.as_view(), name="portal_edit"),
    path(
        "portal/nutrition/entries/<uuid:public_id>/delete/",
        portal.PortalDeleteEntryView.as_view(),
        name="portal_delete",
    ),
    path("nutrition/photos/<uuid:public_id>/<str:variant>/", portal.LogPhotoView.as_view(), name="photo"),
]
