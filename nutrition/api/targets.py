"""Coach API for a client's nutrition targets and settings, and the targets calculator."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from mecto.api_base import INT_ID, ErrorSerializer, NestedRouteMixin, OrgGenericViewSet
from mecto.errors import DomainError

from .. import calculator, selectors
from ..models import NutritionSettings, NutritionTarget
from ..services import targets as services

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CLIENT = rf"clients/(?P<client_pk>{INT_ID})"


def domain_error(exc: DomainError) -> Response:
    return Response({"detail": exc.message, "errors": exc.as_dict()}, status=status.HTTP_400_BAD_REQUEST)


class ClientNutritionMixin(NestedRouteMixin):
    parent_lookups = {"client_pk": ("client", "clients.Client")}
    required_capability = "clients.view"
    write_capability = "nutrition.manage"

    def get_client(self):
        return self.get_parent()


# --- Serializers ----------------------------------------------------------------------------------
class NutritionTargetSerializer(serializers.ModelSerializer):
    energy_from_macros = serializers.SerializerMethodField(
        help_text="Energy of the protein, carbohydrate and fat targets at 4/4/9 kcal per g; null if one is empty."
    )
    energy_mismatch = serializers.SerializerMethodField(
        help_text="True when the declared energy and the energy from macros differ by more than 10 %."
    )

    class Meta:
        model = NutritionTarget
        fields = [
            "id",
            "day_kind",
            "energy_kcal",
            "protein_g",
            "carbohydrate_g",
            "fat_g",
            "fibre_g",
            "note",
            "energy_from_macros",
            "energy_mismatch",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]

    def _check(self, obj):
        return calculator.macro_energy_check(
            energy_kcal=obj.energy_kcal, protein_g=obj.protein_g, carbohydrate_g=obj.carbohydrate_g, fat_g=obj.fat_g
        )

    def get_energy_from_macros(self, obj) -> int | None:
        value, _differs = self._check(obj)
        return None if value is None else int(value.quantize(Decimal("1")))

    def get_energy_mismatch(self, obj) -> bool:
        return self._check(obj)[1]


class NutritionSettingsSerializer(serializers.ModelSerializer):
    training_weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        required=False,
        help_text="ISO weekdays (1 = Monday) that are training days when no workout is scheduled.",
    )
    updated_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null while the coach has changed nothing (the defaults)."
    )

    class Meta:
        model = NutritionSettings
        fields = ["target_mode", "training_weekdays", "tolerance_percent", "updated_at"]
        read_only_fields = ["updated_at"]


class CalculatorRequestSerializer(serializers.Serializer):
    activity = serializers.ChoiceField(
        choices=list(calculator.ACTIVITY_FACTORS),
        default="moderate",
        help_text="sedentary 1.2, light 1.375, moderate 1.55, very 1.725, extra 1.9",
    )
    goal = serializers.ChoiceField(choices=["lose", "maintain", "gain"], default="maintain")
    adjustment_percent = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, help_text="0–30 % (lose or gain)."
    )
    adjustment_kcal = serializers.IntegerField(
        required=False, allow_null=True, help_text="0–1,500 kcal a day; used instead of the percentage when given."
    )
    protein_g_per_kg = serializers.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.8"))
    fat_percent = serializers.DecimalField(max_digits=4, decimal_places=1, default=Decimal("30"))
    apply = serializers.BooleanField(default=False, help_text="Save the result as the client's targets.")
    day_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=NutritionTarget.DayKind.values),
        required=False,
        help_text="Kinds of day to apply to; those of the client's target mode by default.",
    )


class CalculatorStepSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    text = serializers.CharField(help_text="The step in words and numbers, in the client's units.")
    value = serializers.DecimalField(max_digits=10, decimal_places=2)


class CalculatorResultSerializer(serializers.Serializer):
    missing = serializers.ListField(child=serializers.CharField(), help_text="Inputs the client's profile lacks.")
    steps = CalculatorStepSerializer(many=True)
    working = serializers.CharField()
    resting_kcal = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    total_kcal = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    targets = inline_serializer(
        "CalculatedTargets",
        fields={
            "energy_kcal": serializers.IntegerField(),
            "protein_g": serializers.DecimalField(max_digits=6, decimal_places=1),
            "carbohydrate_g": serializers.DecimalField(max_digits=6, decimal_places=1),
            "fat_g": serializers.DecimalField(max_digits=6, decimal_places=1),
            "fibre_g": serializers.DecimalField(max_digits=6, decimal_places=1),
        },
        allow_null=True,
    )
    applied = NutritionTargetSerializer(many=True)


def calculator_payload(result, applied=()) -> dict:
    return {
        "missing": result.missing,
        "steps": result.steps,
        "working": result.working,
        "resting_kcal": result.resting_kcal,
        "total_kcal": result.total_kcal,
        "targets": result.targets or None,
        "applied": NutritionTargetSerializer(applied, many=True).data,
    }


# --- Views ------------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="A client's nutrition targets, one row per kind of day"),
    retrieve=extend_schema(summary="One kind of day's targets", responses={200: NutritionTargetSerializer, **ERRORS}),
    create=extend_schema(
        summary="Set the targets of a kind of day",
        description="Empty values are not tracked. A kind of day that already has targets is a 400: edit it.",
        responses={201: NutritionTargetSerializer, **ERRORS},
    ),
    partial_update=extend_schema(summary="Change targets", responses={200: NutritionTargetSerializer, **ERRORS}),
    update=extend_schema(summary="Replace targets", responses={200: NutritionTargetSerializer, **ERRORS}),
    destroy=extend_schema(summary="Remove the targets of a kind of day", responses={204: None, **ERRORS}),
)
class ClientTargetViewSet(
    ClientNutritionMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = NutritionTarget.objects.all()
    serializer_class = NutritionTargetSerializer
    filter_backends: list = []
    pagination_class = None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = self.get_client()
        kind = data.get("day_kind", NutritionTarget.DayKind.EVERY_DAY)
        if selectors.targets_of(client=client).filter(day_kind=kind).exists():
            return Response(
                {"detail": _("This kind of day has targets: edit them."), "errors": {"day_kind": [_("Already set.")]}},
                status=400,
            )
        try:
            target = services.save_target(
                client=client, day_kind=kind, values=dict(data), note=data.get("note", ""), actor=request.user
            )
        except DomainError as exc:
            return domain_error(exc)
        return Response(self.get_serializer(target).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        target = self.get_object()
        serializer = self.get_serializer(target, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("day_kind", target.day_kind) != target.day_kind:
            return Response(
                {"detail": _("The kind of day cannot change."), "errors": {"day_kind": [_("Cannot change.")]}},
                status=400,
            )
        try:
            target = services.save_target(
                client=target.client, day_kind=target.day_kind, values=data, note=data.get("note"), actor=request.user
            )
        except DomainError as exc:
            return domain_error(exc)
        return Response(self.get_serializer(target).data)

    def perform_destroy(self, instance):
        services.delete_target(target=instance, actor=self.request.user)


class ClientNutritionSettingsView(ClientNutritionMixin, OrgGenericViewSet):
    queryset = NutritionSettings.objects.all()
    serializer_class = NutritionSettingsSerializer

    @extend_schema(summary="A client's nutrition settings (target mode, training days, tolerance)")
    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.settings_for(self.get_client())).data)

    @extend_schema(
        summary="Change a client's nutrition settings",
        request=NutritionSettingsSerializer,
        responses={200: NutritionSettingsSerializer, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            row = services.save_settings(
                client=self.get_client(),
                target_mode=data.get("target_mode"),
                training_weekdays=data.get("training_weekdays"),
                tolerance_percent=data.get("tolerance_percent"),
                actor=request.user,
            )
        except DomainError as exc:
            return domain_error(exc)
        return Response(self.get_serializer(row).data)


class ClientCalculatorView(ClientNutritionMixin, OrgGenericViewSet):
    queryset = NutritionTarget.objects.all()
    serializer_class = CalculatorRequestSerializer

    @extend_schema(
        summary="Work out targets from the client's profile and latest weight",
        description=(
            "Mifflin–St Jeor resting energy from sex, age, height and the latest logged weight, times an "
            "activity factor, with a goal adjustment; protein per kg, a fat share and carbohydrate as the "
            "rest. Returns every step in words (in the client's units) and the inputs the profile lacks. "
            "With `apply` the result is saved as the targets (and can be edited after)."
        ),
        request=CalculatorRequestSerializer,
        responses={200: CalculatorResultSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client = self.get_client()
        settings = calculator.Settings(
            activity=data["activity"],
            goal=data["goal"],
            adjustment_percent=data.get("adjustment_percent", Decimal("15")),
            adjustment_kcal=data.get("adjustment_kcal"),
            protein_g_per_kg=data["protein_g_per_kg"],
            fat_percent=data["fat_percent"],
        )
        try:
            result = calculator.calculate(calculator.inputs_for(client), settings)
        except calculator.CalculatorError as exc:
            return Response({"detail": exc.message, "errors": {exc.field or "non_field_errors": [exc.message]}}, 400)
        applied = []
        if data.get("apply"):
            try:
                applied = services.apply_calculation(
                    client=client, result=result, day_kinds=data.get("day_kinds"), actor=request.user
                )
            except DomainError as exc:
                return domain_error(exc)
        return Response(calculator_payload(result, applied))
