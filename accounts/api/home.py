"""The client app's home and history: GET /api/v1/me/home/ and /api/v1/me/history/?month=YYYY-MM,
the same figures as the portal pages (`mecto.portal_home`)."""

from datetime import timedelta

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto import portal_home
from mecto.api_base import ErrorSerializer, TenantAPIView, error_response
from mecto.permissions import IsClient

SECTIONS = ["training", "habits", "nutrition", "checkins", "next_session", "health"]


class WorkoutTodaySerializer(serializers.Serializer):
    public_id = serializers.UUIDField(help_text="The scheduled workout (log it with /api/v1/me/workout-logs/).")
    name = serializers.CharField()
    is_done = serializers.BooleanField()


class NextWorkoutSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    date = serializers.DateField()


class TrainingTodaySerializer(serializers.Serializer):
    workouts = WorkoutTodaySerializer(many=True, help_text="Scheduled for today, in order.")
    next = NextWorkoutSerializer(allow_null=True, help_text="With nothing today: the next one scheduled.")


class HabitEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_today = serializers.BooleanField(help_text="False: yesterday, still open in its grace period.")
    is_complete = serializers.BooleanField()
    value = serializers.DecimalField(
        max_digits=14, decimal_places=3, allow_null=True, help_text="In the client's units."
    )


class HabitTodaySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="yes_no, count, or a measured kind.")
    unit = serializers.CharField(allow_blank=True)
    streak = serializers.IntegerField()
    streak_unit = serializers.ChoiceField(choices=["day", "week"])
    entries = HabitEntrySerializer(many=True)


class HabitsTodaySerializer(serializers.Serializer):
    habits = HabitTodaySerializer(many=True)
    done = serializers.IntegerField(help_text="Habits done today.")
    due = serializers.IntegerField(help_text="Habits due today.")


class FigureSerializer(serializers.Serializer):
    actual = serializers.DecimalField(max_digits=10, decimal_places=0)
    target = serializers.DecimalField(max_digits=10, decimal_places=0, allow_null=True)
    percent = serializers.IntegerField(allow_null=True, help_text="Of the target.")


class MealPlanTodaySerializer(serializers.Serializer):
    name = serializers.CharField()
    day_name = serializers.CharField(allow_blank=True)
    meals = serializers.ListField(child=serializers.CharField(), help_text="Today's meals of the plan.")


class NutritionTodaySerializer(serializers.Serializer):
    entries = serializers.IntegerField(help_text="Food log entries today.")
    energy_kcal = FigureSerializer()
    protein_g = FigureSerializer()
    plan = MealPlanTodaySerializer(allow_null=True)


class CheckInDueSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    due_at = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()


class CheckInsTodaySerializer(serializers.Serializer):
    due = CheckInDueSerializer(many=True, help_text="To fill in now, the oldest first.")
    next_due_at = serializers.DateTimeField(allow_null=True, help_text="With none due: when the next one is.")


class NextSessionSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(help_text="The booking.")
    service = serializers.CharField()
    coach = serializers.CharField(allow_blank=True)
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    is_today = serializers.BooleanField()
    video_url = serializers.CharField(allow_blank=True)
    status = serializers.CharField()


class TodaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Today on the client's calendar.")
    training = TrainingTodaySerializer(allow_null=True, help_text="Null: the business hides workouts.")
    habits = HabitsTodaySerializer(allow_null=True, help_text="Null: the business hides habits.")
    nutrition = NutritionTodaySerializer(allow_null=True, help_text="Null: the business hides nutrition.")
    checkins = CheckInsTodaySerializer(allow_null=True, help_text="Null: the business hides check-ins.")
    next_session = NextSessionSerializer(allow_null=True, help_text="Null: none booked, or booking hidden.")


class StreakSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"workouts", or "habit-<id>".')
    label = serializers.CharField()
    current = serializers.IntegerField()
    longest = serializers.IntegerField()
    unit = serializers.CharField(help_text='"day" or "week": what `current` and `longest` count.')


class WeekSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="Monday of this week (client's calendar).")
    end = serializers.DateField()
    workouts_planned = serializers.IntegerField(allow_null=True)
    workouts_done = serializers.IntegerField(allow_null=True, help_text="Scheduled workouts of this week done.")
    workouts_extra = serializers.IntegerField(allow_null=True, help_text="Workouts logged without a schedule.")
    sets_done = serializers.IntegerField(allow_null=True)
    volume = serializers.DecimalField(
        max_digits=12, decimal_places=0, allow_null=True, help_text="Reps × load, in `volume_unit`."
    )
    volume_unit = serializers.CharField(allow_null=True)
    habits_done = serializers.IntegerField(allow_null=True)
    habits_due = serializers.IntegerField(allow_null=True)
    habits_percent = serializers.IntegerField(allow_null=True)
    average_steps = serializers.IntegerField(allow_null=True)
    average_sleep_hours = serializers.FloatField(allow_null=True)


class HomeSerializer(serializers.Serializer):
    time_zone = serializers.CharField()
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=SECTIONS), help_text="Sections the business shows its clients."
    )
    today = TodaySerializer()
    streaks = StreakSerializer(many=True)
    week = WeekSerializer()


class DayEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["workout", "checkin", "session"])
    title = serializers.CharField()
    status = serializers.CharField(help_text="done, partial, missed, planned, due, booked, cancelled, attended…")
    status_label = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)


class HistoryDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    events = DayEventSerializer(many=True)


class HistorySerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    previous = serializers.CharField()
    next = serializers.CharField()
    days = HistoryDaySerializer(many=True, help_text="Only the days with something on them, in order.")


def _home_payload(home, client) -> dict:
    moment = home.moment
    today = {"date": moment.today, **{key: home.today.get(key) for key in SECTIONS if key != "health"}}
    week = dict.fromkeys(WeekSerializer().fields, None)
    week.update(home.week, start=moment.week_start, end=moment.week_end)
    return {
        "time_zone": str(moment.tz),
        "sections": [key for key in SECTIONS if key in home.shown],
        "today": today,
        "streaks": home.streaks,
        "week": week,
    }


class MyHomeView(TenantAPIView):
    """Today, the streaks and this week of the signed-in client."""

    tenant_exempt = "Reads only the signed-in client's own records (request.tenant.client)."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = HomeSerializer

    @extend_schema(
        summary="My home: today, streaks and this week",
        description="Today's workouts, habits, food log and meal plan, check-ins due and next session; "
        "streaks (workouts: weeks in a row with every scheduled workout done, or one logged in a week with "
        "none scheduled; habits: due days or weeks in a row done); and this week's figures, all on the "
        "client's calendar. A section the business hides is null.",
        responses={200: HomeSerializer, 403: ErrorSerializer},
    )
    def retrieve(self, request):
        client = request.tenant.client
        home = portal_home.home(request, client)
        return Response(HomeSerializer(_home_payload(home, client)).data)


class MyHistoryView(TenantAPIView):
    """A month of the signed-in client's workouts, check-ins and sessions."""

    tenant_exempt = "Reads only the signed-in client's own records (request.tenant.client)."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = HistorySerializer

    @extend_schema(
        summary="My history: a month, day by day",
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM; this month when left out.")],
        responses={200: HistorySerializer, 400: ErrorSerializer, 403: ErrorSerializer},
    )
    def retrieve(self, request):
        client = request.tenant.client
        moment = portal_home.moment_for(client)
        first = portal_home.parse_month(request.query_params.get("month"), moment.today)
        if first is None:
            return error_response(_("Give the month as YYYY-MM, for example 2026-12."), field="month")
        days = portal_home.history(request, client, first, now=moment.now)
        last = portal_home.month_end(first)
        previous = (first - timedelta(days=1)).strftime("%Y-%m")
        payload = {
            "month": first.strftime("%Y-%m"),
            "previous": previous,
            "next": (last + timedelta(days=1)).strftime("%Y-%m"),
            "days": [{"date": day, "events": events} for day, events in days.items() if events],
        }
        return Response(HistorySerializer(payload).data)
