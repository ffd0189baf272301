"""Foods and portions in the API: the shared database plus the business's own.

Coaches (nutrition.manage) search, read and add their own foods and portions; clients read
and search (they log food), and change nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, NestedRouteMixin, OrgGenericViewSet

from .. import search
from ..models.foods import FOOD_GROUPS, Food, FoodPortion
from ..nutrients import NUTRIENTS
from ..services import foods as services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CAPABILITY = "nutrition.manage"


class FoodsPermission(BasePermission):
    """Members with nutrition.manage read and write; the business's clients only read."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        tenant = request.tenant
        if tenant.is_member:
            return tenant.can(CAPABILITY)
        return tenant.is_client and request.method in SAFE_METHODS


# --- Serializers ---------------------------------------------------------------------------------------
class PortionSerializer(serializers.ModelSerializer):
    is_library = serializers.BooleanField(read_only=True, help_text="A portion of the shared database (read-only).")
    label = serializers.CharField(read_only=True, help_text='For example "1 large" or "0.5 cup".')
    amount = serializers.DecimalField(max_digits=8, decimal_places=3, min_value=Decimal("0.001"), required=False)
    gram_weight = serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=Decimal("0.01"), help_text="Grams in `amount` of the measure."
    )

    class Meta:
        model = FoodPortion
        fields = ["id", "amount", "description", "gram_weight", "label", "position", "is_library"]
        read_only_fields = ["id", "label", "is_library"]


class UnitSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"g", "oz" or "portion-<id>".')
    label = serializers.CharField()
    portion_id = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(max_digits=8, decimal_places=3)
    grams = serializers.DecimalField(max_digits=12, decimal_places=4, help_text="Grams in `amount` of this unit.")


def _nutrient_fields() -> dict:
    return {
        n.field: serializers.DecimalField(
            max_digits=10,
            decimal_places=3,
            min_value=0,
            required=False,
            allow_null=True,
            help_text=f"{n.label} ({n.unit}) per 100 g; null when unknown.",
        )
        for n in NUTRIENTS
    }


class FoodSerializer(serializers.ModelSerializer):
    """A food with its nutrients per 100 g (null = unknown, never zero), its portions and the
    units it can be measured in (grams and ounces always, then its portions)."""

    is_library = serializers.BooleanField(read_only=True, help_text="From the shared database (read-only).")
    food_group = serializers.ChoiceField(choices=FOOD_GROUPS, required=False, allow_blank=True)
    portions = PortionSerializer(many=True, read_only=True)
    units = serializers.SerializerMethodField()

    class Meta:
        model = Food
        fields = [
            "id",
            "name",
            "common_name",
            "food_group",
            "manufacturer",
            "is_branded",
            "is_library",
            "is_archived",
            "source",
            "source_id",
            "licence",
            "popularity",
            *[n.field for n in NUTRIENTS],
            "portions",
            "units",
        ]
        read_only_fields = ["id", "is_branded", "is_library", "source", "source_id", "licence", "popularity"]

    def get_fields(self):
        fields = super().get_fields()
        fields.update(_nutrient_fields())
        return fields

    @extend_schema_field(UnitSerializer(many=True))
    def get_units(self, food) -> list[dict]:
        return UnitSerializer(food.units(), many=True).data


FOOD_FILTERS = [
    OpenApiParameter("q", str, description="Search by name, other name or brand; typos allowed."),
    OpenApiParameter("food_group", str, enum=FOOD_GROUPS),
    OpenApiParameter("branded", bool, description="true: branded and restaurant foods only; false: none of them."),
]


def _bool(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    return str(value).lower() in ("1", "true", "yes")


# --- Views ------------------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Foods: the shared database and your own, best match first",
        parameters=FOOD_FILTERS,
        responses={200: FoodSerializer(many=True), 403: ErrorSerializer},
    ),
    retrieve=extend_schema(summary="A food with its portions", responses={200: FoodSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a food of your own (nutrients per 100 g)",
        request=FoodSerializer,
        responses={201: FoodSerializer, **ERRORS},
    ),
    update=extend_schema(summary="Change one of your own foods", responses={200: FoodSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change one of your own foods (archive with is_archived)", responses={200: FoodSerializer, **ERRORS}
    ),
)
class FoodViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgGenericViewSet,
):
    queryset = Food.objects.all()
    serializer_class = FoodSerializer
    permission_classes = [IsAuthenticated, FoodsPermission]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    filter_backends: list = []

    def get_queryset(self):
        portions = FoodPortion.objects.for_org(self.organization).order_by("position", "id")
        return Food.objects.for_org(self.organization).prefetch_related(Prefetch("portions", portions))

    def list(self, request, *args, **kwargs):
        params = request.query_params
        group = params.get("food_group") or None
        if group and group not in FOOD_GROUPS:
            return Response(
                {"detail": "Unknown food group.", "errors": {"food_group": ["Choose one of the food groups."]}},
                status=400,
            )
        ids = search.ranked_food_ids(
            organization=self.organization,
            query=params.get("q", "")[:200],
            food_group=group,
            branded=_bool(params.get("branded")),
        )
        page = self.paginate_queryset(ids)
        foods = search.foods_by_ids(organization=self.organization, ids=list(page))
        return self.get_paginated_response(self.get_serializer(foods, many=True).data)

    def perform_create(self, serializer):
        serializer.instance = services.create_food(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_food(
            food=serializer.instance,
            organization=self.organization,
            actor=self.request.user,
            **serializer.validated_data,
        )

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        food = self.get_queryset().get(pk=response.data["id"])
        response.data = self.get_serializer(food).data
        return response

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        food = self.get_queryset().get(pk=response.data["id"])
        response.data = self.get_serializer(food).data
        return response


FOOD_ID = OpenApiParameter("food_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The food.")


@extend_schema_view(
    list=extend_schema(
        summary="Portions of a food that your business sees (shared and your own)",
        parameters=[FOOD_ID],
        responses={200: PortionSerializer(many=True), 404: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="A portion", parameters=[FOOD_ID], responses={200: PortionSerializer, 404: ErrorSerializer}
    ),
    create=extend_schema(
        summary="Add a portion of your own to a food (shared or your own)",
        parameters=[FOOD_ID],
        responses={201: PortionSerializer, **ERRORS},
    ),
    update=extend_schema(
        summary="Change one of your portions", parameters=[FOOD_ID], responses={200: PortionSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="Change one of your portions", parameters=[FOOD_ID], responses={200: PortionSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Remove one of your portions", parameters=[FOOD_ID], responses={204: None, **ERRORS}),
)
class FoodPortionViewSet(
    NestedRouteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = FoodPortion.objects.order_by("position", "id")
    serializer_class = PortionSerializer
    permission_classes = [IsAuthenticated, FoodsPermission]
    parent_lookups = {"food_pk": ("food", "nutrition.Food")}
    filter_backends: list = []
    pagination_class = None

    def perform_create(self, serializer):
        serializer.instance = services.add_portion(
            organization=self.organization, food=self.get_parent(), actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_portion(
            portion=serializer.instance,
            organization=self.organization,
            actor=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        services.delete_portion(portion=instance, organization=self.organization, actor=self.request.user)
