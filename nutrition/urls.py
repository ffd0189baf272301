"""Nutrition pages for coaches (nutrition/, clients/<id>/nutrition/...) and the portal."""

from django.urls import path

from .views import habits

app_name = "nutrition"

urlpatterns: list = [
    # Habits
    path("nutrition/habits/", habits.HabitLibraryView.as_view(), name="habit_library"),
    path("clients/<int:pk>/habits/", habits.ClientHabitsView.as_view(), name="client_habits"),
    path("portal/habits/", habits.PortalHabitsView.as_view(), name="portal_habits"),
    path("portal/habits/<int:pk>/log/", habits.PortalLogHabitView.as_view(), name="portal_log_habit"),
]
