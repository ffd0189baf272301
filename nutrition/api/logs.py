"""Food log API: the client's own log (idempotent creates, one item or a meal at once), day
summaries with targets and adherence, favourites and recent foods; and the coach's view of a
client's log, week adherence and comments."""

from __future__ import annotations

import datetime
from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import (
    ClientViewSet,
    ErrorSerializer,
    JSONObjectParser,
    OrgGenericViewSet,
    OrgPrimaryKeyRelatedField,
    TenantAPIView,
)
from mecto.errors import DomainError
from mecto.permissions import IsClient

from .. import selectors
from ..models import FavouriteFood, Food, FoodLogEntry, FoodPortion, NutritionComment, Recipe
from ..services import logs as services
from .targets import ClientNutritionMixin, NutritionTargetSerializer, domain_error

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
MAX_RANGE_DAYS = 92
RANGE_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: 6 days before the end)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (default: today in the client's time zone)."),
]


def _date_range(request, client) -> tuple[datetime.date, datetime.date]:
    """start/end from the query string; a bad date or a range over 92 days is a 400."""
    try:
        end = datetime.date.fromisoformat(request.query_params["end"]) if request.query_params.get("end") else None
        start = (
            datetime.date.fromisoformat(request.query_params["start"]) if request.query_params.get("start") else None
        )
    except ValueError:
        raise serializers.ValidationError({"start": [_("Enter dates like 2026-03-31.")]})
    end = end or selectors.client_today(client)
    start = start or end - timedelta(days=6)
    if start > end:
        raise serializers.ValidationError({"start": [_("The start comes after the end.")]})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise serializers.ValidationError({"end": [_("Ask for at most 92 days at a time.")]})
    return start, end


# --- Serializers ----------------------------------------------------------------------------------
class LoggedFoodPortionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FoodPortion
        fields = ["id", "amount", "description", "gram_weight"]
        extra_kwargs = {"amount": {"min_value": Decimal("0.001")}, "gram_weight": {"min_value": Decimal("0.01")}}


class FoodBriefSerializer(serializers.ModelSerializer):
    portions = LoggedFoodPortionSerializer(many=True, read_only=True)

    class Meta:
        model = Food
        fields = ["id", "name", "food_group", "energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "portions"]


class QuickAddSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    energy_kcal = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    protein_g = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    carbohydrate_g = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    fat_g = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    fibre_g = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)


class FoodLogEntrySerializer(serializers.ModelSerializer):
    """An entry; the nutrients are those copied when it was logged."""

    food = OrgPrimaryKeyRelatedField(
        queryset=Food.objects.filter(is_archived=False), required=False, allow_null=True, help_text="A food's id."
    )
    portion = OrgPrimaryKeyRelatedField(
        queryset=FoodPortion.objects.all(),
        required=False,
        allow_null=True,
        help_text="One of the food's portions; with `amount`. Without it, send `grams`.",
    )
    quick = QuickAddSerializer(
        required=False, allow_null=True, write_only=True, help_text="Quick add instead of a food."
    )
    recipe = OrgPrimaryKeyRelatedField(
        queryset=Recipe.objects.filter(is_archived=False),
        required=False,
        allow_null=True,
        help_text="One of the business's recipes instead of a food; `amount` is the number of servings (default 1).",
    )
    date = serializers.DateField(required=False, help_text="The client's local date (default: today).")
    photo = serializers.ImageField(required=False, write_only=True, help_text="Optional photo (multipart).")
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = FoodLogEntry
        fields = [
            "public_id",
            "client_entry_id",
            "date",
            "meal",
            "meal_label",
            "kind",
            "food",
            "recipe",
            "portion",
            "amount",
            "grams",
            "quick",
            "name",
            "portion_label",
            "energy_kcal",
            "protein_g",
            "carbohydrate_g",
            "fat_g",
            "fibre_g",
            "nutrients",
            "note",
            "photo",
            "photo_url",
            "logged_at",
        ]
        read_only_fields = [
            "public_id",
            "kind",
            "name",
            "portion_label",
            "energy_kcal",
            "protein_g",
            "carbohydrate_g",
            "fat_g",
            "fibre_g",
            "nutrients",
            "logged_at",
        ]
        extra_kwargs = {"amount": {"min_value": 0}, "grams": {"min_value": 0}}

    def get_photo_url(self, obj) -> str | None:
        if not obj.photo:
            return None
        from django.urls import reverse

        return reverse("nutrition:photo", kwargs={"public_id": obj.public_id, "variant": "full"})


class FoodLogBatchItemSerializer(FoodLogEntrySerializer):
    class Meta(FoodLogEntrySerializer.Meta):
        fields = [f for f in FoodLogEntrySerializer.Meta.fields if f not in ("photo", "photo_url")]


class FoodLogBatchSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="Applies to items that do not give their own.")
    meal = serializers.ChoiceField(choices=FoodLogEntry.Meal.choices, required=False)
    meal_label = serializers.CharField(max_length=60, required=False, allow_blank=True)
    items = FoodLogBatchItemSerializer(many=True, help_text="Each with its own client_entry_id.")


class FoodLogUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False)
    meal = serializers.ChoiceField(choices=FoodLogEntry.Meal.choices, required=False)
    meal_label = serializers.CharField(max_length=60, required=False, allow_blank=True)
    portion = OrgPrimaryKeyRelatedField(queryset=FoodPortion.objects.all(), required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, min_value=0)
    grams = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, min_value=0)
    quick = QuickAddSerializer(required=False)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class NutrientStatusSerializer(serializers.Serializer):
    field = serializers.CharField()
    actual = serializers.DecimalField(max_digits=10, decimal_places=2)
    target = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    percent = serializers.IntegerField(allow_null=True, help_text="Of the target.")
    status = serializers.ChoiceField(choices=["under", "on", "over", "untracked"])


class DaySummarySerializer(serializers.Serializer):
    date = serializers.DateField()
    entry_count = serializers.IntegerField()
    is_training_day = serializers.BooleanField()
    tolerance_percent = serializers.IntegerField()
    on_target = serializers.BooleanField(
        allow_null=True, help_text="Every tracked value within the tolerance; null without targets or entries."
    )
    target = NutritionTargetSerializer(allow_null=True)
    nutrients = NutrientStatusSerializer(many=True)
    comments = serializers.SerializerMethodField()

    def get_comments(self, obj) -> list[dict]:
        return [{"body": c.body, "created_at": c.created_at} for c in obj.comments]


class DayDetailSerializer(DaySummarySerializer):
    entries = FoodLogEntrySerializer(many=True)


class WeekAdherenceSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    tolerance_percent = serializers.IntegerField()
    on_target_days = serializers.IntegerField()
    logged_days = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="% of the days up to today with targets on target.")
    totals = serializers.DictField(child=serializers.DecimalField(max_digits=10, decimal_places=2))
    days = DaySummarySerializer(many=True)


class FavouriteSerializer(serializers.ModelSerializer):
    food = OrgPrimaryKeyRelatedField(queryset=Food.objects.filter(is_archived=False))
    food_detail = FoodBriefSerializer(source="food", read_only=True)

    class Meta:
        model = FavouriteFood
        fields = ["id", "food", "food_detail", "created_at"]
        read_only_fields = ["id", "created_at"]


class NutritionCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True, default="")

    class Meta:
        model = NutritionComment
        fields = ["id", "date", "body", "author_name", "created_at"]
        read_only_fields = ["id", "author_name", "created_at"]


def _entry_fields(data: dict) -> dict:
    fields = dict(data)
    fields.pop("photo", None)
    quick = fields.get("quick")
    fields["quick"] = dict(quick) if quick else None
    return fields


class PlannedMealLogSerializer(serializers.Serializer):
    meal = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A meal's id in my active meal plan.")
    date = serializers.DateField(required=False, help_text="My local date (default: today).")


# --- The client's own log ---------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="My food log between two dates", parameters=RANGE_PARAMETERS),
    retrieve=extend_schema(summary="One of my entries", responses={200: FoodLogEntrySerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Log a food, a recipe or a quick add",
        description=(
            "A food with `portion` and `amount`, or with `grams`; a `recipe` with `amount` servings; or `quick` "
            "calories and macros. The nutrients "
            "are computed now and kept with the entry. `client_entry_id` (a UUID the app generates) makes a retry "
            "safe: the same id returns the first entry with 200 and stores nothing new. JSON or multipart (photo)."
        ),
        responses={201: FoodLogEntrySerializer, 200: FoodLogEntrySerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an entry's day, meal or amount",
        request=FoodLogUpdateSerializer,
        responses={200: FoodLogEntrySerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete an entry", responses={204: None, **ERRORS}),
)
class MyFoodLogViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ClientViewSet,
):
    queryset = FoodLogEntry.objects.select_related("food", "portion")
    serializer_class = FoodLogEntrySerializer
    lookup_field = "public_id"
    filter_backends: list = []
    pagination_class = None
    parser_classes = [JSONObjectParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset().order_by("date", "logged_at", "id")
        if self.action == "list":
            start, end = _date_range(self.request, self.request.tenant.client)
            qs = qs.filter(date__gte=start, date__lte=end)
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            entry, created = services.log_food(
                client=request.tenant.client,
                photo=data.get("photo"),
                actor=request.user,
                **{
                    k: v
                    for k, v in _entry_fields(data).items()
                    if k in ("client_entry_id", "date", "meal", "meal_label", "food", "portion", "amount")
                    or k in ("grams", "quick", "recipe", "note")
                },
            )
        except DomainError as exc:
            return domain_error(exc)
        return Response(
            self.get_serializer(entry).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        serializer = FoodLogUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "quick" in data:
            data["quick"] = dict(data["quick"])
        try:
            entry = services.update_entry(entry=entry, actor=request.user, **data)
        except DomainError as exc:
            return domain_error(exc)
        return Response(self.get_serializer(entry).data)

    def perform_destroy(self, instance):
        services.delete_entry(entry=instance, actor=self.request.user)

    @extend_schema(
        summary="Log a whole meal at once",
        description=(
            "Several items (foods, recipes or quick adds) in one request, stored all or none. Each item carries "
            "its own `client_entry_id`, so a retried request returns the same entries. An error names the item."
        ),
        request=FoodLogBatchSerializer,
        responses={201: FoodLogEntrySerializer(many=True), 200: FoodLogEntrySerializer(many=True), **ERRORS},
    )
    @extend_schema(
        summary="Log a meal of my meal plan",
        description=(
            "Every item of the meal (foods and recipes) as planned, stored all or none. The entries' ids come "
            "from the meal's items and the day, so sending it again logs nothing twice (200)."
        ),
        request=PlannedMealLogSerializer,
        responses={201: FoodLogEntrySerializer(many=True), 200: FoodLogEntrySerializer(many=True), **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="planned-meal")
    def planned_meal(self, request):
        serializer = PlannedMealLogSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            results = services.log_planned_meal(
                client=request.tenant.client,
                meal=serializer.validated_data["meal"],
                date=serializer.validated_data.get("date"),
                actor=request.user,
            )
        except DomainError as exc:
            return domain_error(exc)
        created = any(was_created for _entry, was_created in results)
        return Response(
            FoodLogEntrySerializer([e for e, _c in results], many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request):
        serializer = FoodLogBatchSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            results = services.log_meal(
                client=request.tenant.client,
                items=[_entry_fields(item) for item in data["items"]],
                date=data.get("date"),
                meal=data.get("meal"),
                meal_label=data.get("meal_label", ""),
                actor=request.user,
            )
        except DomainError as exc:
            return domain_error(exc)
        created = any(was_created for _entry, was_created in results)
        return Response(
            FoodLogEntrySerializer([e for e, _c in results], many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MyNutritionDayView(TenantAPIView):
    tenant_exempt = "Returns only the signed-in client's own entries, totals and targets."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = DayDetailSerializer

    @extend_schema(
        summary="My day: entries, totals against the day's targets, adherence and my coach's comments",
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description="Default: today.")],
        responses={200: DayDetailSerializer, 400: ErrorSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        client = request.tenant.client
        raw = request.query_params.get("date")
        try:
            day = datetime.date.fromisoformat(raw) if raw else selectors.client_today(client)
        except ValueError:
            raise serializers.ValidationError({"date": [_("Enter a date like 2026-03-31.")]})
        summary = selectors.day_summary(client=client, day=day)
        summary.entries = list(selectors.log_entries(client=client, start=day, end=day))
        return Response(DayDetailSerializer(summary, context={"request": request}).data)


class MyRecentFoodsView(TenantAPIView):
    tenant_exempt = "Returns only foods the signed-in client logged."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = FoodBriefSerializer
    queryset = Food.objects.none()  # the schema's model; list() reads the client's own log
    pagination_class = None  # a short list (the latest foods), not pages

    @extend_schema(summary="Foods I logged recently, newest first", responses={200: FoodBriefSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        return Response(FoodBriefSerializer(selectors.recent_foods(client=request.tenant.client), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="My favourite foods"),
    create=extend_schema(summary="Add a favourite food", responses={201: FavouriteSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove a favourite", responses={204: None, **ERRORS}),
)
class MyFavouriteFoodViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ClientViewSet):
    queryset = FavouriteFood.objects.select_related("food").prefetch_related("food__portions")
    serializer_class = FavouriteSerializer
    filter_backends: list = []
    pagination_class = None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            favourite = services.add_favourite(client=request.tenant.client, food=serializer.validated_data["food"])
        except DomainError as exc:
            return domain_error(exc)
        return Response(self.get_serializer(favourite).data, status=status.HTTP_201_CREATED)


# --- Coaches ----------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="A client's food log between two dates", parameters=RANGE_PARAMETERS),
    retrieve=extend_schema(summary="One entry", responses={200: FoodLogEntrySerializer, 404: ErrorSerializer}),
)
class ClientFoodLogViewSet(ClientNutritionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = FoodLogEntry.objects.select_related("food", "portion")
    serializer_class = FoodLogEntrySerializer
    filter_backends: list = []
    pagination_class = None

    def get_queryset(self):
        qs = super().get_queryset().order_by("date", "logged_at", "id")
        if self.action == "list":
            start, end = _date_range(self.request, self.get_client())
            qs = qs.filter(date__gte=start, date__lte=end)
        return qs


class ClientWeekAdherenceView(ClientNutritionMixin, OrgGenericViewSet):
    queryset = FoodLogEntry.objects.all()
    serializer_class = WeekAdherenceSerializer

    @extend_schema(
        summary="A client's week: daily totals against targets and adherence",
        parameters=[OpenApiParameter("start", OpenApiTypes.DATE, description="Any day of the week (default: today).")],
        responses={200: WeekAdherenceSerializer, **ERRORS},
    )
    def retrieve(self, request, *args, **kwargs):
        client = self.get_client()
        raw = request.query_params.get("start")
        try:
            start = datetime.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise serializers.ValidationError({"start": [_("Enter a date like 2026-03-31.")]})
        week = selectors.week_adherence(client=client, start=start)
        return Response(
            WeekAdherenceSerializer(
                {
                    "start": week.start,
                    "end": week.end,
                    "tolerance_percent": week.tolerance_percent,
                    "on_target_days": week.on_target_days,
                    "logged_days": week.logged_days,
                    "rate": week.rate,
                    "totals": week.totals,
                    "days": week.days,
                }
            ).data
        )


@extend_schema_view(
    list=extend_schema(summary="Comments on a client's food log", parameters=RANGE_PARAMETERS),
    create=extend_schema(
        summary="Comment on a day of a client's food log",
        description="Kept with the day (the client sees it there) and sent to the client's message thread.",
        responses={201: NutritionCommentSerializer, **ERRORS},
    ),
)
class ClientNutritionCommentViewSet(
    ClientNutritionMixin, mixins.ListModelMixin, mixins.CreateModelMixin, OrgGenericViewSet
):
    queryset = NutritionComment.objects.select_related("author")
    serializer_class = NutritionCommentSerializer
    filter_backends: list = []
    pagination_class = None
    write_capability = "messages.send"

    def get_queryset(self):
        qs = super().get_queryset().order_by("date", "created_at", "id")
        if self.action == "list":
            start, end = _date_range(self.request, self.get_client())
            qs = qs.filter(date__gte=start, date__lte=end)
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            comment = services.comment_on_day(
                client=self.get_client(), day=data["date"], body=data["body"], actor=request.user
            )
        except DomainError as exc:
            return domain_error(exc)
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)
