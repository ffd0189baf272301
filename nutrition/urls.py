"""Nutrition pages for coaches (nutrition/, clients/<id>/nutrition/...) and the portal."""

app_name = "nutrition"

urlpatterns: list = []
