from django.urls import path

from . import views

app_name = "training"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    path("training/exercises/", views.ExerciseListView.as_view(), name="exercises"),
    path("training/exercises/new/", views.ExerciseCreateView.as_view(), name="exercise_create"),
    path("training/exercises/<int:pk>/", views.ExerciseDetailView.as_view(), name="exercise_detail"),
    path("training/exercises/<int:pk>/edit/", views.ExerciseEditView.as_view(), name="exercise_edit"),
    path("training/exercises/<int:pk>/clip/", views.ExerciseClipView.as_view(), name="exercise_clip"),
    path("training/programs/", views.ProgramListView.as_view(), name="programs"),
    path("training/programs/new/", views.ProgramCreateView.as_view(), name="program_create"),
    path("training/programs/generate/", views.GenerateView.as_view(), name="generate"),
    path("training/programs/<int:pk>/", views.BuilderView.as_view(), name="builder"),
    path("training/programs/<int:pk>/edit/", views.ProgramEditView.as_view(), name="program_edit"),
    path("training/programs/<int:pk>/assign/", views.AssignView.as_view(), name="assign"),
    path("training/programs/<int:pk>/<slug:action>/", views.ProgramActionView.as_view(), name="program_action"),
    path("training/weeks/<int:pk>/<slug:action>/", views.WeekActionView.as_view(), name="week_action"),
    path("training/workouts/<int:pk>/<slug:action>/", views.WorkoutActionView.as_view(), name="workout_action"),
    path("training/blocks/<int:pk>/picker/", views.ExercisePickerView.as_view(), name="picker"),
    path("training/blocks/<int:pk>/<slug:action>/", views.BlockActionView.as_view(), name="block_action"),
    path("training/items/<int:pk>/swaps/", views.SwapSuggestionsView.as_view(), name="swaps"),
    path("training/items/<int:pk>/<slug:action>/", views.ItemActionView.as_view(), name="item_action"),
    path("training/reorder/", views.ReorderView.as_view(), name="reorder"),
    path("training/settings/", views.TrainingSettingsView.as_view(), name="settings"),
    path("training/clients/<int:pk>/", views.ClientTrainingView.as_view(), name="client"),
    path("training/logs/<int:pk>/comment/", views.LogCommentView.as_view(), name="log_comment"),
    # Clients in the portal
    path("portal/workouts/", views.PortalWorkoutsView.as_view(), name="portal_workouts"),
    path("portal/workouts/<uuid:public_id>/log/", views.PortalLogWorkoutView.as_view(), name="portal_log"),
]
