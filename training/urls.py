from django.urls import path

from .views import coach, media, portal

app_name = "training"

# Mounted at the site root: every path carries its own prefix.
urlpatterns = [
    path("training/exercises/", coach.ExerciseListView.as_view(), name="exercises"),
    path("training/exercises/new/", coach.ExerciseCreateView.as_view(), name="exercise_create"),
    path("training/exercises/<int:pk>/", coach.ExerciseDetailView.as_view(), name="exercise_detail"),
    path("training/exercises/<int:pk>/edit/", coach.ExerciseEditView.as_view(), name="exercise_edit"),
    path("training/exercises/<int:pk>/clip/", coach.ExerciseClipView.as_view(), name="exercise_clip"),
    path("training/exercises/<int:pk>/image/<str:variant>/", coach.ExerciseImageView.as_view(), name="exercise_image"),
    path("training/exercises/video-links/", coach.VideoLinkImportView.as_view(), name="exercise_video_import"),
    path("training/programs/", coach.ProgramListView.as_view(), name="programs"),
    path("training/programs/new/", coach.ProgramCreateView.as_view(), name="program_create"),
    path("training/programs/generate/", coach.GenerateView.as_view(), name="generate"),
    path("training/programs/<int:pk>/", coach.BuilderView.as_view(), name="builder"),
    path("training/programs/<int:pk>/edit/", coach.ProgramEditView.as_view(), name="program_edit"),
    path("training/programs/<int:pk>/assign/", coach.AssignView.as_view(), name="assign"),
    path("training/programs/<int:pk>/<slug:action>/", coach.ProgramActionView.as_view(), name="program_action"),
    path("training/weeks/<int:pk>/<slug:action>/", coach.WeekActionView.as_view(), name="week_action"),
    path("training/workouts/<int:pk>/<slug:action>/", coach.WorkoutActionView.as_view(), name="workout_action"),
    path("training/blocks/<int:pk>/picker/", coach.ExercisePickerView.as_view(), name="picker"),
    path("training/blocks/<int:pk>/<slug:action>/", coach.BlockActionView.as_view(), name="block_action"),
    path("training/items/<int:pk>/swaps/", coach.SwapSuggestionsView.as_view(), name="swaps"),
    path("training/items/<int:pk>/<slug:action>/", coach.ItemActionView.as_view(), name="item_action"),
    path("training/reorder/", coach.ReorderView.as_view(), name="reorder"),
    path("training/settings/", coach.TrainingSettingsView.as_view(), name="settings"),
    path("training/clients/<int:pk>/", coach.ClientTrainingView.as_view(), name="client"),
    path("training/logs/<int:pk>/comment/", coach.LogCommentView.as_view(), name="log_comment"),
    # Clients in the portal
    path("portal/workouts/", portal.PortalWorkoutsView.as_view(), name="portal_workouts"),
    path("portal/workouts/<uuid:public_id>/log/", portal.PortalLogWorkoutView.as_view(), name="portal_log"),
    path("portal/workouts/today/", portal.PortalTodayView.as_view(), name="portal_today"),
    path("portal/workouts/<uuid:public_id>/session/", portal.PortalSessionView.as_view(), name="portal_session"),
    path(
        "portal/workouts/<uuid:public_id>/session/<slug:action>/",
        portal.PortalSessionActionView.as_view(),
        name="portal_session_action",
    ),
    path(
        "portal/workouts/sessions/<uuid:public_id>/",
        portal.PortalSessionSummaryView.as_view(),
        name="portal_session_summary",
    ),
    path(
        "portal/workouts/logs/<uuid:client_uuid>/videos/", media.PortalSetVideoView.as_view(), name="portal_set_video"
    ),
]
