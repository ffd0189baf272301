from django.urls import path
from rest_framework.routers import SimpleRouter

from . import media, views

router = SimpleRouter()
# Coaches
router.register("exercises", views.ExerciseViewSet, basename="exercise")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("program-weeks", views.ProgramWeekViewSet, basename="program-week")
router.register("workouts", views.WorkoutViewSet, basename="workout")
router.register("blocks", views.BlockViewSet, basename="block")
router.register("prescribed-exercises", views.PrescribedExerciseViewSet, basename="prescribed-exercise")
router.register("program-drafts", views.ProgramDraftViewSet, basename="program-draft")
router.register("scheduled-workouts", views.ScheduledWorkoutViewSet, basename="scheduled-workout")
router.register("workout-logs", views.CoachWorkoutLogViewSet, basename="workout-log")
router.register("personal-records", views.CoachPersonalRecordViewSet, basename="personal-record")
router.register("set-videos", media.CoachSetVideoViewSet, basename="set-video")
# The client's app
router.register("me/workouts", views.MyWorkoutViewSet, basename="my-workout")
router.register("me/workout-logs", views.MyWorkoutLogViewSet, basename="my-workout-log")
router.register("me/workout-sessions", views.MyWorkoutSessionViewSet, basename="my-workout-session")
router.register("me/programs", views.MyProgramViewSet, basename="my-program")
router.register("me/personal-records", views.MyRecordViewSet, basename="my-personal-record")
router.register("me/set-videos", media.MySetVideoViewSet, basename="my-set-video")

urlpatterns = [
    path(
        "training-settings/",
        views.TrainingSettingsView.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="training-settings",
    ),
    path("me/training-summary/", views.MyTrainingSummaryView.as_view({"get": "retrieve"}), name="my-training-summary"),
    *router.urls,
]
