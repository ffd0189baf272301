"""Recipes under /api/v1/recipes/: ingredients and steps nested in the body, per-serving
nutrition in every response. Writes go through nutrition.services.recipes."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mecto.api_base import ErrorSerializer, OrgGenericViewSet, OrgPrimaryKeyRelatedField

from ..models import Food, FoodPortion, Recipe
from ..models.plans import MAX_AMOUNT, MAX_SERVINGS, MIN_AMOUNT
from ..nutrients import MACRO_FIELDS, NUTRIENTS
from ..plan_nutrition import recipe_list, recipe_nutrition, recipes_with_ingredients
from ..services import recipes as services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CAPABILITY = "nutrition.manage"


class NutrientValueSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="Rounded to 0.1; null when no ingredient knows it.")
    at_least = serializers.BooleanField(help_text="Some ingredient does not know this nutrient: a lower bound.")


NutrientsSerializer = type(
    "NutrientsSerializer",
    (serializers.Serializer,),
    {n.field: NutrientValueSerializer(help_text=f"{n.label} ({n.unit})") for n in NUTRIENTS},
)


MacroNutrientsSerializer = type(
    "MacroNutrientsSerializer",
    (serializers.Serializer,),
    {n.field: NutrientValueSerializer(help_text=f"{n.label} ({n.unit})") for n in NUTRIENTS if n.field in MACRO_FIELDS},
)


class RecipeNutritionSerializer(serializers.Serializer):
    per_serving = NutrientsSerializer()
    per_100g = NutrientsSerializer(allow_null=True)
    total = NutrientsSerializer()
    serving_grams = serializers.DecimalField(max_digits=10, decimal_places=1)
    cooked_grams = serializers.DecimalField(max_digits=10, decimal_places=1)


def nutrition_data(recipe) -> dict:
    n = recipe_nutrition(recipe)
    return RecipeNutritionSerializer(
        {
            "per_serving": n.per_serving.as_dict(),
            "per_100g": n.per_100g.as_dict() if n.per_100g else None,
            "total": n.total.as_dict(),
            "serving_grams": n.serving_grams,
            "cooked_grams": n.cooked_grams,
        }
    ).data


class IngredientSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    food = OrgPrimaryKeyRelatedField(queryset=Food.objects.all())
    food_name = serializers.CharField(source="food.name", read_only=True)
    portion = OrgPrimaryKeyRelatedField(
        queryset=FoodPortion.objects.all(),
        allow_null=True,
        required=False,
        help_text="One of the food's portions; null or absent: the amount is in grams.",
    )
    portion_label = serializers.SerializerMethodField()
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=3,
        min_value=MIN_AMOUNT,
        max_value=MAX_AMOUNT,
        help_text="Portions (0.5 = half a cup) or grams without a portion.",
    )
    grams = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)
    note = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")

    def get_portion_label(self, obj) -> str:
        return str(obj.portion.description) if getattr(obj, "portion", None) else "g"


class StepsField(serializers.ListField):
    """The steps' texts in order: written as a list of strings, read from the step rows."""

    def to_representation(self, data):
        rows = data.all() if hasattr(data, "all") else data
        return [getattr(row, "text", row) for row in rows]


class RecipeSerializer(serializers.ModelSerializer):
    ingredients = IngredientSerializer(many=True, required=False)
    steps = StepsField(
        child=serializers.CharField(max_length=2000), required=False, max_length=50, help_text="The steps in order."
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=20)
    servings = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=1, max_value=MAX_SERVINGS)
    nutrition = serializers.SerializerMethodField()

    class Meta:
        model = Recipe
        fields = [
            "id",
            "name",
            "description",
            "servings",
            "yield_grams",
            "tags",
            "ingredients",
            "steps",
            "nutrition",
            "is_archived",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_archived", "created_at", "updated_at"]

    @extend_schema_field(RecipeNutritionSerializer)
    def get_nutrition(self, obj) -> dict:
        return nutrition_data(obj)

    def validate(self, attrs):
        for index, ingredient in enumerate(attrs.get("ingredients") or []):
            portion = ingredient.get("portion")
            if portion is not None and portion.food_id != ingredient["food"].pk:
                raise serializers.ValidationError(
                    {"ingredients": {index: {"portion": ["Choose one of this food's portions, or grams."]}}}
                )
        return attrs


def service_fields(validated: dict) -> dict:
    data = dict(validated)
    if "ingredients" in data:
        data["ingredients"] = [
            {
                "food": i["food"].pk,
                "portion": i["portion"].pk if i.get("portion") else None,
                "amount": i["amount"],
                "note": i.get("note", ""),
            }
            for i in data["ingredients"]
        ]
    return data


@extend_schema_view(
    list=extend_schema(
        summary="Your business's recipes, with per-serving nutrition",
        parameters=[
            OpenApiParameter("search", str, description="Part of the name."),
            OpenApiParameter("archived", bool, description="true: only archived recipes."),
        ],
    ),
    retrieve=extend_schema(summary="A recipe", responses={200: RecipeSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a recipe (ingredients and steps in the body)",
        request=RecipeSerializer,
        responses={201: RecipeSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a recipe; ingredients or steps, when sent, replace the whole list",
        request=RecipeSerializer,
        responses={200: RecipeSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Archive a recipe (plans that use it keep it)", responses={204: None, 404: ErrorSerializer}
    ),
)
class RecipeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Recipe.objects.all()
    serializer_class = RecipeSerializer
    required_capability = CAPABILITY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            return recipe_list(
                organization=self.organization,
                search=params.get("search", "").strip()[:100],
                archived=params.get("archived") in ("true", "1"),
            )
        return recipes_with_ingredients(Recipe.objects.for_org(self.organization))

    def _fresh(self, recipe):
        return recipes_with_ingredients(Recipe.objects.filter(pk=recipe.pk)).get()

    def perform_create(self, serializer):
        recipe = services.create_recipe(
            organization=self.organization, actor=self.request.user, **service_fields(serializer.validated_data)
        )
        serializer.instance = self._fresh(recipe)

    def perform_update(self, serializer):
        recipe = services.update_recipe(
            recipe=serializer.instance, actor=self.request.user, **service_fields(serializer.validated_data)
        )
        serializer.instance = self._fresh(recipe)

    def perform_destroy(self, instance):
        services.archive_recipe(recipe=instance, actor=self.request.user)

    @extend_schema(summary="Copy a recipe", request=None, responses={201: RecipeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        copy = services.duplicate_recipe(recipe=self.get_object(), actor=request.user)
        data = RecipeSerializer(self._fresh(copy), context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
