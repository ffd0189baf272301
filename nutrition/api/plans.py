"""Meal plans under /api/v1/meal-plans/ (days → meals → items nested in the body), their
actions (copy a day or meal, assign, shopping list) and the client's own plans under
/api/v1/me/meal-plans/. Writes go through nutrition.services.plans."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from clients.models import Client
from mecto.api_base import MAX_ID, ClientViewSet, ErrorSerializer, OrgGenericViewSet, OrgPrimaryKeyRelatedField

from ..models import Food, FoodPortion, Meal, MealPlan, Recipe
from ..models.plans import MAX_AMOUNT, MAX_SERVINGS, MIN_AMOUNT
from ..nutrients import MACRO_FIELDS
from ..plan_nutrition import annotate_totals, plan_list, plan_tree
from ..services import plans as services
from ..services.recipes import PlanError
from ..shopping import shopping_list
from .recipes import MacroNutrientsSerializer

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CAPABILITY = "nutrition.manage"


class TargetsSerializer(serializers.Serializer):
    energy_kcal = serializers.FloatField(allow_null=True)
    protein_g = serializers.FloatField(allow_null=True)
    carbohydrate_g = serializers.FloatField(allow_null=True)
    fat_g = serializers.FloatField(allow_null=True)
    fibre_g = serializers.FloatField(allow_null=True)


def _totals(obj):
    totals = getattr(obj, "totals", None)
    return totals.as_dict(MACRO_FIELDS) if totals is not None else None


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    food = OrgPrimaryKeyRelatedField(queryset=Food.objects.all(), allow_null=True, required=False)
    portion = OrgPrimaryKeyRelatedField(queryset=FoodPortion.objects.all(), allow_null=True, required=False)
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=3, min_value=MIN_AMOUNT, max_value=MAX_AMOUNT, allow_null=True, required=False
    )
    recipe = OrgPrimaryKeyRelatedField(queryset=Recipe.objects.all(), allow_null=True, required=False)
    servings = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=MIN_AMOUNT, max_value=MAX_SERVINGS, allow_null=True, required=False
    )
    note = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    name = serializers.SerializerMethodField()
    grams = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    totals = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return str(obj.recipe or obj.food)

    @extend_schema_field(MacroNutrientsSerializer(allow_null=True))
    def get_totals(self, obj):
        return _totals(obj)

    def validate(self, attrs):
        if bool(attrs.get("food")) == bool(attrs.get("recipe")):
            raise serializers.ValidationError({"food": [_("An item is a food or a recipe.")]})
        portion = attrs.get("portion")
        if portion is not None and (attrs.get("food") is None or portion.food_id != attrs["food"].pk):
            raise serializers.ValidationError({"portion": [_("Choose one of this food's portions, or grams.")]})
        if attrs.get("food") is not None and attrs.get("amount") is None:
            raise serializers.ValidationError({"amount": [_("Enter an amount.")]})
        return attrs


class MealSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=Meal.Kind.choices, default=Meal.Kind.BREAKFAST)
    name = serializers.CharField(max_length=60, allow_blank=True, required=False, default="")
    items = ItemSerializer(many=True, required=False)
    totals = serializers.SerializerMethodField()

    @extend_schema_field(MacroNutrientsSerializer(allow_null=True))
    def get_totals(self, obj):
        return _totals(obj)


class DaySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=60, allow_blank=True, required=False, default="")
    meals = MealSerializer(many=True, required=False)
    totals = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()

    @extend_schema_field(MacroNutrientsSerializer(allow_null=True))
    def get_totals(self, obj):
        return _totals(obj)

    @extend_schema_field(TargetsSerializer(allow_null=True))
    def get_targets(self, obj):
        targets = getattr(obj, "targets", None)
        return None if targets is None else {k: None if v is None else float(v) for k, v in targets.items()}


class MealPlanSerializer(serializers.ModelSerializer):
    """A plan in a list: no days."""

    client = serializers.PrimaryKeyRelatedField(read_only=True)
    client_name = serializers.SerializerMethodField()
    day_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = MealPlan
        fields = [
            "id",
            "name",
            "description",
            "day_naming",
            "status",
            "client",
            "client_name",
            "start_date",
            "end_date",
            "day_count",
            *MACRO_FIELDS,
            "updated_at",
        ]
        read_only_fields = ["status", "start_date", "end_date", "updated_at"]

    def get_client_name(self, obj) -> str:
        return obj.client.full_name if obj.client_id else ""


class MealPlanDetailSerializer(MealPlanSerializer):
    """A plan with its days, meals and items, and totals against each day's targets."""

    days = DaySerializer(many=True, required=False, help_text="Sent on a write: replaces all days.")
    day_count = serializers.IntegerField(
        required=False,
        write_only=True,
        min_value=1,
        max_value=services.MAX_DAYS,
        help_text="On create without days: that many empty days.",
    )

    class Meta(MealPlanSerializer.Meta):
        fields = [*MealPlanSerializer.Meta.fields, "days"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["day_count"] = len(instance.days.all())
        return data


def _service_days(days: list[dict]) -> list[dict]:
    out = []
    for day in days:
        meals = []
        for meal in day.get("meals", []):
            items = [
                {
                    "food": i["food"].pk if i.get("food") else None,
                    "portion": i["portion"].pk if i.get("portion") else None,
                    "amount": i.get("amount"),
                    "recipe": i["recipe"].pk if i.get("recipe") else None,
                    "servings": i.get("servings"),
                    "note": i.get("note", ""),
                }
                for i in meal.get("items", [])
            ]
            meals.append({"kind": meal.get("kind"), "name": meal.get("name", ""), "items": items})
        out.append({"name": day.get("name", ""), "meals": meals})
    return out


class CopyDaySerializer(serializers.Serializer):
    day = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of a day of this plan; the copy goes right after it."
    )


class CopyMealSerializer(serializers.Serializer):
    meal = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="Id of a meal of this plan.")
    to_day = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="Id of the day of this plan the copy joins (at the end)."
    )


class MealPlanAssignSerializer(serializers.Serializer):
    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all())
    start_date = serializers.DateField()


class ShoppingQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    units = serializers.ChoiceField(choices=["metric", "imperial"], required=False)


class ShoppingLineSerializer(serializers.Serializer):
    food = serializers.IntegerField(source="food.pk")
    food_name = serializers.CharField(source="food.name")
    grams = serializers.DecimalField(max_digits=12, decimal_places=2)
    weight = serializers.CharField(help_text="In the client's units: g/kg or oz/lb.")
    household = serializers.CharField(help_text="The food's household portion, where known (≈ 3 × large).")


class ShoppingGroupSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Food group.")
    lines = ShoppingLineSerializer(many=True)


class ShoppingListSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    units = serializers.CharField()
    groups = ShoppingGroupSerializer(many=True)


SHOPPING_PARAMS = [
    OpenApiParameter("start", date, required=True, description="First date (YYYY-MM-DD)."),
    OpenApiParameter("end", date, required=True, description="Last date, at most 62 days after the first."),
    OpenApiParameter("units", str, enum=["metric", "imperial"], description="Templates only: the client's otherwise."),
]


def _shopping_response(plan: MealPlan, params) -> Response:
    query = ShoppingQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    units = plan.client.unit_system if plan.client_id else query.validated_data.get("units", "metric")
    start, end = query.validated_data["start"], query.validated_data["end"]
    groups = shopping_list(plan=plan, start=start, end=end, unit_system=units)
    return Response(ShoppingListSerializer({"start": start, "end": end, "units": units, "groups": groups}).data)


def _detail(plan: MealPlan) -> MealPlan:
    plan = plan_tree(MealPlan.objects.filter(pk=plan.pk)).get()
    annotate_totals(plan)
    return plan


@extend_schema_view(
    list=extend_schema(
        summary="Meal plans: templates and clients' plans",
        parameters=[
            OpenApiParameter("template", bool, description="true: templates only; false: clients' plans only."),
            OpenApiParameter("search", str, description="Part of the name or the client's first name."),
        ],
    ),
    retrieve=extend_schema(
        summary="A plan with days, meals, items and totals against targets",
        responses={200: MealPlanDetailSerializer, 404: ErrorSerializer},
    ),
    create=extend_schema(
        summary="Add a template (days → meals → items nested, or day_count empty days)",
        request=MealPlanDetailSerializer,
        responses={201: MealPlanDetailSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a plan; days, when sent, replace all its days",
        request=MealPlanDetailSerializer,
        responses={200: MealPlanDetailSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete a plan", responses={204: None, 404: ErrorSerializer}),
)
class MealPlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = MealPlan.objects.all()
    serializer_class = MealPlanDetailSerializer
    required_capability = CAPABILITY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def get_serializer_class(self):
        return MealPlanSerializer if self.action == "list" else MealPlanDetailSerializer

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            template = {"true": True, "1": True, "false": False, "0": False}.get(params.get("template", ""))
            return plan_list(
                organization=self.organization, templates=template, search=params.get("search", "").strip()[:100]
            )
        if self.action == "retrieve":
            return plan_tree(MealPlan.objects.for_org(self.organization))
        return MealPlan.objects.for_org(self.organization)

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        annotate_totals(plan)
        return Response(self.get_serializer(plan).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        days = data.pop("days", None)
        plan = services.create_plan(
            organization=self.organization,
            actor=self.request.user,
            day_count=data.pop("day_count", 1),
            with_meals=False,
            days=None if days is None else _service_days(days),
            **data,
        )
        serializer.instance = _detail(plan)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("day_count", None)
        if "days" in data:
            data["days"] = _service_days(data["days"])
        plan = services.update_plan(plan=serializer.instance, actor=self.request.user, **data)
        serializer.instance = _detail(plan)

    def perform_destroy(self, instance):
        services.delete_plan(plan=instance, actor=self.request.user)

    def _plan_response(self, plan, code=status.HTTP_200_OK):
        return Response(
            MealPlanDetailSerializer(_detail(plan), context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        summary="Copy a day with its meals and items (right after it)",
        request=CopyDaySerializer,
        responses={201: MealPlanDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="copy-day")
    def copy_day(self, request, pk=None):
        plan = self.get_object()
        body = CopyDaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        day = plan.days.filter(pk=body.validated_data["day"]).first()
        if day is None:
            raise PlanError(_("Choose a day of this plan."), field="day")
        services.copy_day(day=day, actor=request.user)
        return self._plan_response(plan, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Copy a meal to a day of the same plan",
        request=CopyMealSerializer,
        responses={201: MealPlanDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="copy-meal")
    def copy_meal(self, request, pk=None):
        plan = self.get_object()
        body = CopyMealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meal = Meal.objects.filter(day__plan=plan, pk=body.validated_data["meal"]).select_related("day").first()
        if meal is None:
            raise PlanError(_("Choose a meal of this plan."), field="meal")
        to_day = plan.days.filter(pk=body.validated_data["to_day"]).first()
        if to_day is None:
            raise PlanError(_("Choose a day of this plan."), field="to_day")
        services.copy_meal(meal=meal, to_day=to_day, actor=request.user)
        return self._plan_response(plan, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Assign to a client from a date (their own copy; their current plan ends the day before)",
        request=MealPlanAssignSerializer,
        responses={201: MealPlanDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        plan = self.get_object()
        body = MealPlanAssignSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        copy = services.assign_plan(plan=plan, actor=request.user, **body.validated_data)
        return self._plan_response(copy, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Shopping list for a date range (days cycle over the range)",
        parameters=SHOPPING_PARAMS,
        responses={200: ShoppingListSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="shopping-list")
    def shopping_list(self, request, pk=None):
        return _shopping_response(self.get_object(), request.query_params)


@extend_schema_view(
    list=extend_schema(summary="My meal plans (the active one first)"),
    retrieve=extend_schema(
        summary="One of my meal plans, with totals against my targets",
        responses={200: MealPlanDetailSerializer, 404: ErrorSerializer},
    ),
)
class MyMealPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = MealPlan.objects.all()
    serializer_class = MealPlanSerializer
    filter_backends: list = []

    def get_serializer_class(self):
        return MealPlanSerializer if self.action == "list" else MealPlanDetailSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            from django.db.models import Case, Count, IntegerField, Value, When

            active_first = Case(
                When(status=MealPlan.Status.ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
            return (
                qs.select_related("client")
                .annotate(day_count=Count("days"))
                .order_by(active_first, "-start_date", "-id")
            )
        return plan_tree(qs)

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        annotate_totals(plan)
        return Response(self.get_serializer(plan).data)

    @extend_schema(
        summary="My shopping list for a date range",
        parameters=SHOPPING_PARAMS[:2],
        responses={200: ShoppingListSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="shopping-list")
    def shopping_list(self, request, pk=None):
        return _shopping_response(self.get_object(), request.query_params)
