from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/exercises/<int:pk>/clip/", views.ExerciseClipView.as_view(), name="exercise_clip"),
]
