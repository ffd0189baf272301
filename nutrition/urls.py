"""Nutrition pages for coaches (nutrition/, clients/<id>/nutrition/...) and the portal."""

from django.urls import path

from .views import foods, habits

app_name = "nutrition"

urlpatterns: list = [
    # Habits
    path("nutrition/habits/", habits.HabitLibraryView.as_view(), name="habit_library"),
    path("clients/<int:pk>/habits/", habits.ClientHabitsView.as_view(), name="client_habits"),
    path("portal/habits/", habits.PortalHabitsView.as_view(), name="portal_habits"),
    path("portal/habits/<int:pk>/log/", habits.PortalLogHabitView.as_view(), name="portal_log_habit"),
    # The food library
    path("nutrition/foods/", foods.FoodListView.as_view(), name="foods"),
    path("nutrition/foods/new/", foods.FoodCreateView.as_view(), name="food_create"),
    path("nutrition/foods/<int:pk>/", foods.FoodDetailView.as_view(), name="food_detail"),
    path("nutrition/foods/<int:pk>/edit/", foods.FoodEditView.as_view(), name="food_edit"),
    path("nutrition/foods/<int:pk>/portions/new/", foods.PortionCreateView.as_view(), name="portion_create"),
    path("nutrition/portions/<int:pk>/edit/", foods.PortionEditView.as_view(), name="portion_edit"),
    path("nutrition/portions/<int:pk>/delete/", foods.PortionDeleteView.as_view(), name="portion_delete"),
]
