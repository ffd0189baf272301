"""The reference endpoints: one business's rows (?org=<id>), DRF defaults otherwise."""

from django.urls import include, path
from rest_framework import pagination, routers, serializers, viewsets

from . import models


class Pages(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class ExerciseSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Exercise
        exclude = ["organization_id"]


class ClientSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Client
        exclude = ["organization_id"]


class SetSerializer(serializers.ModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name")

    class Meta:
        model = models.SetLog
        fields = [
            "id",
            "exercise",
            "exercise_name",
            "set_number",
            "reps",
            "load_kg",
            "duration_seconds",
            "distance_m",
            "rpe",
            "is_done",
            "notes",
            "e1rm_kg",
            "performed_at",
        ]


class WorkoutLogSerializer(serializers.ModelSerializer):
    sets = SetSerializer(many=True)

    class Meta:
        model = models.WorkoutLog
        exclude = ["organization_id"]


class BookingSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Booking
        exclude = ["organization_id"]


class OrgRows(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pages

    def get_queryset(self):
        return self.queryset.filter(organization_id=self.request.query_params.get("org"))


class Exercises(viewsets.ReadOnlyModelViewSet):
    queryset = models.Exercise.objects.all()
    serializer_class = ExerciseSerializer
    pagination_class = Pages

    def get_queryset(self):
        rows = self.queryset.filter(organization_id__isnull=True, is_archived=False)
        if query := self.request.query_params.get("q"):
            rows = rows.filter(name__icontains=query)
        return rows


class Clients(OrgRows):
    queryset = models.Client.objects.all()
    serializer_class = ClientSerializer


class WorkoutLogs(OrgRows):
    queryset = models.WorkoutLog.objects.prefetch_related("sets__exercise")
    serializer_class = WorkoutLogSerializer


class Bookings(OrgRows):
    queryset = models.Booking.objects.all()
    serializer_class = BookingSerializer


router = routers.SimpleRouter()
router.register("exercises", Exercises, basename="exercise")
router.register("clients", Clients, basename="client")
router.register("workout-logs", WorkoutLogs, basename="workout-log")
router.register("bookings", Bookings, basename="booking")
urlpatterns = [path("", include(router.urls))]
