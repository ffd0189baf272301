from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from clients.models import Client
from mecto.api_base import (
    ClientViewSet,
    ErrorSerializer,
    JSONObjectParser,
    OrgGenericViewSet,
    TenantAPIView,
    scope_parameter,
)
from mecto.conditional import CachedCatalogueMixin
from mecto.errors import DomainError
from mecto.permissions import HasCapability, IsClient, IsOrgMember
from mecto.scope import client_scope

from .. import catalogue, llm, search, selectors, services
from ..generator import api as generator
from ..generator import health
from ..generator.profile import ProfileError, profile_from_answers
from ..models import (
    Block,
    Exercise,
    ExerciseOverride,
    PersonalRecord,
    PrescribedExercise,
    Program,
    ProgramWeek,
    ScheduledWorkout,
    Workout,
    WorkoutLog,
    WorkoutSession,
)
from . import serializers as s

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
TRAINING = "training.manage"


def _bool(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    return value.lower() in ("1", "true", "yes")


# --- Exercises ----------------------------------------------------------------------------------------
EXERCISE_FILTERS = [
    OpenApiParameter("q", str, description="Search by name or other name; typos allowed."),
    OpenApiParameter("muscle", str, enum=s.movement.MUSCLES),
    OpenApiParameter("equipment", str, description="An equipment value, or 'none'."),
    OpenApiParameter("pattern", str, enum=s.movement.PATTERNS),
    OpenApiParameter("level", str, enum=s.movement.LEVELS),
    OpenApiParameter("category", str, enum=s.movement.CATEGORIES),
    OpenApiParameter("source", str, enum=["library", "own"]),
    OpenApiParameter("archived", bool, description="Include archived exercises."),
    OpenApiParameter("client", int, description="Mark (missing_equipment) what this client's intake lacks."),
    OpenApiParameter("program", int, description="Mark what this program's client (or draft profile) lacks."),
    OpenApiParameter("fits", bool, description="With client or program: only exercises the client has equipment for."),
]


def equipment_profile(view):
    """The profile of ?client= (its intake) or ?program= (its client's intake or draft profile)
    for marking and filtering exercises by the client's equipment; None without either."""
    params = view.request.query_params
    client_id, program_id = params.get("client"), params.get("program")
    if client_id:
        if not str(client_id).isdigit():
            raise DomainError("Choose a client by id.", field="client")
        client = get_object_or_404(Client.objects.for_org(view.organization), pk=client_id)
        answers = generator.intake_answers_for(client)
        return generator.profile_from_intake(answers) if answers else None
    if program_id:
        if not str(program_id).isdigit():
            raise DomainError("Choose a program by id.", field="program")
        program = get_object_or_404(Program.objects.for_org(view.organization).select_related("client"), pk=program_id)
        return generator.program_profile(program)
    return None


@extend_schema_view(
    list=extend_schema(summary="Exercises: the shared library and your own", parameters=EXERCISE_FILTERS),
    retrieve=extend_schema(summary="An exercise", responses={200: s.ExerciseSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add an exercise of your own", responses={201: s.ExerciseSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change one of your own exercises (archive with is_archived)",
        responses={200: s.ExerciseSerializer, **ERRORS},
    ),
)
class ExerciseViewSet(
    CachedCatalogueMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgGenericViewSet,
):
    queryset = Exercise.objects.all()
    serializer_class = s.ExerciseSerializer
    required_capability = TRAINING
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    filter_backends: list = []

    def get_queryset(self):
        org = self.organization
        qs = Exercise.objects.for_org(org).prefetch_related(
            Prefetch("overrides", queryset=ExerciseOverride.objects.for_org(org), to_attr="org_overrides")
        )
        if self.action != "list":
            return qs
        params = self.request.query_params
        if not _bool(params.get("archived")):
            qs = qs.filter(is_archived=False)
        profile = self.equipment_profile
        qs = search.filter_exercises(
            qs,
            equipment_in=profile.available_equipment if profile is not None and _bool(params.get("fits")) else None,
            muscle=params.get("muscle", ""),
            equipment=params.get("equipment", ""),
            pattern=params.get("pattern", ""),
            level=params.get("level", ""),
            category=params.get("category", ""),
            source=params.get("source", ""),
        )
        return search.rank(qs, params.get("q", ""))

    @cached_property
    def equipment_profile(self):
        return equipment_profile(self) if self.action == "list" else None

    def catalogue_scopes(self) -> list[str]:
        return catalogue.scopes_for(self.organization)

    def catalogue_cacheable(self) -> bool:
        # ?client= and ?program= mark exercises by one client's equipment: personal, not shared.
        params = self.request.query_params
        return not (params.get("client") or params.get("program"))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "equipment_profile": self.equipment_profile}

    def perform_create(self, serializer):
        serializer.instance = services.create_exercise(
            organization=self.organization, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_exercise(
            exercise=serializer.instance,
            organization=self.organization,
            actor=self.request.user,
            **serializer.validated_data,
        )

    @extend_schema(
        summary="Set your instructions, cues, video (link or clip) and image on an exercise (library ones included)",
        request={"application/json": s.ExerciseOverrideSerializer, "multipart/form-data": s.ExerciseOverrideSerializer},
        responses={200: s.ExerciseSerializer, **ERRORS},
    )
    @action(detail=True, methods=["put", "patch"], parser_classes=[JSONObjectParser, MultiPartParser, FormParser])
    def override(self, request, pk=None):
        exercise = self.get_object()
        serializer = s.ExerciseOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.save_exercise_override(
            organization=self.organization, exercise=exercise, actor=request.user, **serializer.validated_data
        )
        exercise = self.get_queryset().get(pk=exercise.pk)
        return Response(s.ExerciseSerializer(exercise, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Import your video links from a CSV by exercise name: a preview, or (dry_run false) all or nothing",
        request={"multipart/form-data": s.VideoLinkImportSerializer},
        responses={200: s.VideoLinkImportReportSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="import-video-links", parser_classes=[MultiPartParser, FormParser])
    def import_video_links(self, request):
        payload = s.VideoLinkImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data["file"].read(services.MAX_IMPORT_BYTES + 1)
        if payload.validated_data["dry_run"]:
            report = services.preview_video_link_import(organization=self.organization, data=data)
        else:
            report = services.import_video_links(organization=self.organization, actor=request.user, data=data)
        return Response(report.as_dict())

    @extend_schema(
        summary="Five alternatives to this exercise (nearest neighbours), within a client's equipment and injuries",
        parameters=[
            OpenApiParameter("client", int, description="Respect this client's intake when it has one."),
            OpenApiParameter(
                "program", int, description="Respect this program's client (or the profile it was generated for)."
            ),
        ],
        responses={200: s.SwapSuggestionSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def swaps(self, request, pk=None):
        exercise = self.get_object()
        profile = equipment_profile(self)
        suggestions = generator.swap_suggestions(organization=self.organization, exercise=exercise, profile=profile)
        exercises = {e.pk: e for e in Exercise.objects.filter(pk__in=[x.exercise.pk for x in suggestions])}
        data = [
            {"exercise": exercises[x.exercise.pk], "distance": round(x.distance, 4), "reason": x.reason}
            for x in suggestions
        ]
        return Response(s.SwapSuggestionSerializer(data, many=True).data)


# --- Programs and their parts ----------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Programs and templates of your library (clients' copies with ?client=)",
        parameters=[
            OpenApiParameter("template", bool),
            OpenApiParameter("search", str),
            OpenApiParameter("client", int, description="A client's assigned programs."),
            scope_parameter("programs you wrote or of clients you coach (not applied with `client`)"),
        ],
    ),
    retrieve=extend_schema(
        summary="A program with its weeks, workouts, blocks and exercises",
        responses={200: s.ProgramDetailSerializer, 404: ErrorSerializer},
    ),
    create=extend_schema(summary="Start a program or template", responses={201: s.ProgramSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Rename or describe a program", responses={200: s.ProgramSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Delete a program", responses={204: None, **ERRORS}),
)
class ProgramViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Program.objects.all()
    serializer_class = s.ProgramSerializer
    required_capability = TRAINING
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []

    def get_serializer_class(self):
        return s.ProgramDetailSerializer if self.action == "retrieve" else s.ProgramSerializer

    def get_queryset(self):
        if self.action != "list":
            return Program.objects.for_org(self.organization)
        params = self.request.query_params
        client = None
        if params.get("client"):
            client_id = params["client"]
            client = (
                Client.objects.for_org(self.organization).filter(pk=client_id).first() if client_id.isdigit() else None
            )
            if client is None:
                return Program.objects.none()
        programs = selectors.program_list(
            organization=self.organization,
            templates=_bool(params.get("template")),
            search=params.get("search", ""),
            client=client,
        )
        # One client's programs open whatever the scope; the library starts on the member's own.
        return (
            programs if client is not None else client_scope(self.request).filter(programs, *selectors.PROGRAM_OWNERS)
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_program(
            organization=self.organization,
            actor=self.request.user,
            weeks=data.pop("weeks", 1),
            is_template=data.pop("is_template", False),
            **data,
        )

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.PROGRAM_FIELDS}
        serializer.instance = services.update_program(program=serializer.instance, actor=self.request.user, **data)

    def perform_destroy(self, instance):
        services.delete_program(program=instance, actor=self.request.user)

    def _created(self, program, code=status.HTTP_201_CREATED):
        return Response(s.ProgramSerializer(program, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Copy a program (for example from a template)",
        request=s.NameSerializer,
        responses={201: s.ProgramSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        data = s.NameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._created(
            services.copy_program(program=self.get_object(), actor=request.user, **data.validated_data)
        )

    @extend_schema(
        summary="Save a copy in your template library",
        request=s.NameSerializer,
        responses={201: s.ProgramSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="save-as-template")
    def save_as_template(self, request, pk=None):
        program = self.get_object()
        data = s.NameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = services.save_as_template(program=program, actor=request.user, **data.validated_data)
        return self._created(program)

    @extend_schema(
        summary="Assign to one or several clients from a start date (scheduled in each client's time zone)",
        request=s.AssignSerializer,
        responses={201: s.ProgramSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        program = self.get_object()
        data = s.AssignSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        copies = services.assign_program(program=program, actor=request.user, **data.validated_data)
        return Response(s.ProgramSerializer(copies, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Write the following weeks from week 1 by each exercise's progression rule",
        request=s.ProgressionSerializer,
        responses={200: s.ProgramDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def progression(self, request, pk=None):
        program = self.get_object()
        data = s.ProgressionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = services.apply_progression(program=program, actor=request.user, **data.validated_data)
        return Response(s.ProgramDetailSerializer(program, context=self.get_serializer_context()).data)

    @extend_schema(summary="Add a week at the end", request=None, responses={201: s.ProgramWeekSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="add-week")
    def add_week(self, request, pk=None):
        week = services.add_week(program=self.get_object(), actor=request.user)
        return Response(s.ProgramWeekSerializer(week).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Check the program against a client profile: violations in words",
        description=(
            "The profile is the one the draft was generated for, else the intake of ?client=, else the "
            "profile given in the query (goal, experience, days_per_week, session_minutes, equipment, injuries)."
        ),
        parameters=[OpenApiParameter("client", int)],
        responses={200: s.ValidationReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def validate(self, request, pk=None):
        program = self.get_object()
        profile = generator.profile_for_program(program)
        client_id = request.query_params.get("client") or (program.client_id and str(program.client_id))
        if client_id and str(client_id).isdigit():
            client = get_object_or_404(Client.objects.for_org(self.organization), pk=client_id)
            answers = generator.intake_answers_for(client)
            if answers:
                profile = profile_from_answers(answers)
        entered = profile is None
        if entered:
            query = {k: v for k, v in request.query_params.items() if k in s.ProfileSerializer().fields}
            for key in ("equipment", "injuries"):
                if key in request.query_params:
                    query[key] = request.query_params.getlist(key)
            data = s.ProfileSerializer(data=query)
            data.is_valid(raise_exception=True)
            profile = profile_from_answers(data.validated_data)
        violations, notes = generator.validate_program(program, profile)
        notes = [n.message for n in notes]
        if not entered and not health.sees_health(request.tenant):
            # Checked against the client's complaints all the same; answered without naming them.
            if health.has_screening(profile):
                notes.append(health.neutral_reason().capitalize() + ".")
            profile, violations = health.redacted_profile(profile), health.redacted_violations(violations)
        return Response(
            {
                "profile": profile.as_dict(),
                "violations": [{"code": v.code, "message": v.message, "week": v.week} for v in violations],
                "notes": notes,
            }
        )


class ProgramPartMixin:
    """Weeks, workouts, blocks and prescribed exercises: created under a parent of the business,
    changed, moved, reordered and deleted through the builder services."""

    required_capability = TRAINING
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _move(self, request, obj):
        data = s.MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.move(obj=obj, actor=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _reorder(self, request, parent):
        data = s.ReorderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reorder(parent=parent, actor=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


PART_SCHEMA = {
    "move": extend_schema(
        summary="Move one place up or down", request=s.MoveSerializer, responses={204: None, **ERRORS}
    ),
    "reorder": extend_schema(
        summary="Put the children in this order", request=s.ReorderSerializer, responses={204: None, **ERRORS}
    ),
}


@extend_schema_view(
    retrieve=extend_schema(summary="A program week", responses={200: s.ProgramWeekSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a week to a program", responses={201: s.ProgramWeekSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a week's notes", responses={200: s.ProgramWeekSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a week", responses={204: None, **ERRORS}),
)
class ProgramWeekViewSet(
    ProgramPartMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = ProgramWeek.objects.select_related("program")
    serializer_class = s.ProgramWeekSerializer

    def perform_create(self, serializer):
        serializer.instance = services.add_week(program=serializer.validated_data["program"], actor=self.request.user)

    def perform_update(self, serializer):
        week = serializer.instance
        if "notes" in serializer.validated_data:
            week.notes = serializer.validated_data["notes"]
            week.save(update_fields=["notes"])

    def perform_destroy(self, instance):
        services.delete_week(week=instance, actor=self.request.user)

    @extend_schema(
        summary="Copy the week with its workouts to the end of the program",
        request=None,
        responses={201: s.ProgramWeekSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        week = services.duplicate_week(week=self.get_object(), actor=request.user)
        return Response(s.ProgramWeekSerializer(week).data, status=status.HTTP_201_CREATED)

    @PART_SCHEMA["reorder"]
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        return self._reorder(request, self.get_object())


@extend_schema_view(
    retrieve=extend_schema(summary="A workout", responses={200: s.WorkoutSerializer, 404: ErrorSerializer}),
    create=extend_schema(summary="Add a workout to a week", responses={201: s.WorkoutSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Rename, move to another day, or add notes", responses={200: s.WorkoutSerializer, **ERRORS}
    ),
    destroy=extend_schema(summary="Delete a workout", responses={204: None, **ERRORS}),
)
class WorkoutViewSet(
    ProgramPartMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Workout.objects.select_related("week", "program")
    serializer_class = s.WorkoutSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_workout(
            week=data["week"], name=data.get("name", ""), day=data.get("day"), actor=self.request.user
        )

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.WORKOUT_FIELDS}
        serializer.instance = services.update_workout(workout=serializer.instance, actor=self.request.user, **data)

    def perform_destroy(self, instance):
        services.delete_workout(workout=instance, actor=self.request.user)

    @extend_schema(
        summary="Copy the workout (into its week or another week of the program)",
        request=s.DuplicateWorkoutSerializer,
        responses={201: s.WorkoutSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        workout = self.get_object()
        data = s.DuplicateWorkoutSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        workout = services.duplicate_workout(workout=workout, week=data.validated_data.get("week"), actor=request.user)
        return Response(s.WorkoutSerializer(workout).data, status=status.HTTP_201_CREATED)

    @PART_SCHEMA["move"]
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        return self._move(request, self.get_object())

    @PART_SCHEMA["reorder"]
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        return self._reorder(request, self.get_object())


@extend_schema_view(
    retrieve=extend_schema(summary="A block", responses={200: s.BlockSerializer, 404: ErrorSerializer}),
    create=extend_schema(
        summary="Add a block (straight sets, superset or circuit) to a workout",
        responses={201: s.BlockSerializer, **ERRORS},
    ),
    partial_update=extend_schema(summary="Change a block", responses={200: s.BlockSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a block", responses={204: None, **ERRORS}),
)
class BlockViewSet(
    ProgramPartMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = Block.objects.select_related("workout__program")
    serializer_class = s.BlockSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        workout = data.pop("workout")
        serializer.instance = services.add_block(workout=workout, actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.BLOCK_FIELDS}
        serializer.instance = services.update_block(block=serializer.instance, actor=self.request.user, **data)

    def perform_destroy(self, instance):
        services.delete_block(block=instance, actor=self.request.user)

    @PART_SCHEMA["move"]
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        return self._move(request, self.get_object())

    @PART_SCHEMA["reorder"]
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        return self._reorder(request, self.get_object())


@extend_schema_view(
    retrieve=extend_schema(
        summary="A prescribed exercise", responses={200: s.PrescribedExerciseSerializer, 404: ErrorSerializer}
    ),
    create=extend_schema(
        summary="Prescribe an exercise in a block (warnings: equipment the program's client lacks)",
        responses={201: s.PrescribedExerciseWithWarningsSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change sets, reps, load, tempo, rest, notes or progression",
        responses={200: s.PrescribedExerciseSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Remove a prescribed exercise", responses={204: None, **ERRORS}),
)
class PrescribedExerciseViewSet(
    ProgramPartMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrgGenericViewSet,
):
    queryset = PrescribedExercise.objects.select_related("exercise", "block__workout__program")
    serializer_class = s.PrescribedExerciseSerializer

    def _with_warnings(self, item, data) -> dict:
        program = Program.objects.select_related("client").get(pk=item.block.workout.program_id)
        warning = generator.equipment_warning(item.exercise, generator.program_profile(program))
        return {**data, "warnings": [warning] if warning else []}

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self._with_warnings(self._created, response.data)
        return response

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        block, exercise = data.pop("block"), data.pop("exercise")
        serializer.instance = self._created = services.add_prescribed_exercise(
            block=block, exercise=exercise, actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in services.ITEM_FIELDS}
        serializer.instance = services.update_prescribed_exercise(
            item=serializer.instance, actor=self.request.user, **data
        )

    def perform_destroy(self, instance):
        services.delete_prescribed_exercise(item=instance, actor=self.request.user)

    @PART_SCHEMA["move"]
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        return self._move(request, self.get_object())

    @extend_schema(
        summary="Swap in another exercise (warnings: equipment the program's client lacks)",
        request=s.SwapSerializer,
        responses={200: s.PrescribedExerciseWithWarningsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        item = self.get_object()
        data = s.SwapSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        item = services.swap_exercise(item=item, exercise=data.validated_data["exercise"], actor=request.user)
        return Response(self._with_warnings(item, s.PrescribedExerciseSerializer(item).data))

    @extend_schema(
        methods=["GET"],
        summary="The exercises a client may do instead of this one when logging",
        responses={200: s.AllowedSwapsResultSerializer, **ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Set the exercises a client may do instead of this one (an empty list: no swap)",
        request=s.AllowedSwapsSerializer,
        responses={200: s.AllowedSwapsResultSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], url_path="allowed-swaps")
    def allowed_swaps(self, request, pk=None):
        item = self.get_object()
        if request.method == "POST":
            data = s.AllowedSwapsSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            exercises = list(
                Exercise.objects.for_org(self.organization).filter(pk__in=data.validated_data["exercises"])
            )
            if len(exercises) != len(set(data.validated_data["exercises"])):
                raise DomainError("Choose exercises from the library.", field="exercises")
            services.set_allowed_swaps(item=item, exercises=exercises, actor=request.user)
        chosen = item.allowed_swaps.order_by("name", "id")
        return Response(
            s.AllowedSwapsResultSerializer({"prescribed": item.pk, "exercises": chosen}).data, status=status.HTTP_200_OK
        )


@extend_schema_view(
    create=extend_schema(
        summary="Generate a draft program from a client profile (deterministic for the same profile and seed)",
        request=s.GenerateSerializer,
        responses={201: s.DraftSerializer, **ERRORS},
    )
)
class ProgramDraftViewSet(mixins.CreateModelMixin, OrgGenericViewSet):
    queryset = Program.objects.all()
    serializer_class = s.GenerateSerializer
    required_capability = TRAINING

    def create(self, request, *args, **kwargs):
        data = s.GenerateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        seed, client, name = values.pop("seed", 0), values.pop("client", None), values.pop("name", "")
        polish = values.pop("polish", False)
        profile = profile_from_answers(values)
        if client is not None and not health.sees_health(request.tenant):
            # A member who cannot see the client's complaints gets a draft as safe as a coach's.
            answers = generator.intake_answers_for(client)
            try:
                screening = generator.profile_from_intake(answers) if answers else None
            except ProfileError:
                screening = None
            profile = health.with_screening(profile, screening)
        program = services.generate_draft(
            organization=self.organization, profile=profile, seed=seed, actor=request.user, client=client, name=name
        )
        message = llm.polish_program(program=program, actor=request.user) if polish else ""
        program = selectors.program_list(organization=self.organization).get(pk=program.pk)
        program.message = message
        return Response(s.DraftSerializer(program).data, status=status.HTTP_201_CREATED)


# --- Coach views of schedules, logs and records ---------------------------------------------------------------
CLIENT_FILTER = [OpenApiParameter("client", int, description="One client's rows.")]


class ClientFilterMixin:
    def _client_filter(self, qs):
        client_id = self.request.query_params.get("client")
        if client_id:
            if not client_id.isdigit():
                return qs.none()
            qs = qs.filter(client_id=client_id)
        return qs


@extend_schema_view(
    list=extend_schema(
        summary="Scheduled workouts of your clients",
        parameters=[
            *CLIENT_FILTER,
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
    ),
    retrieve=extend_schema(
        summary="A scheduled workout", responses={200: s.ScheduledWorkoutDetailSerializer, 404: ErrorSerializer}
    ),
)
class ScheduledWorkoutViewSet(ClientFilterMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = ScheduledWorkout.objects.all()
    serializer_class = s.ScheduledWorkoutSerializer
    required_capability = TRAINING
    filter_backends: list = []

    def get_serializer_class(self):
        return s.ScheduledWorkoutDetailSerializer if self.action == "retrieve" else s.ScheduledWorkoutSerializer

    def get_queryset(self):
        qs = (
            ScheduledWorkout.objects.for_org(self.organization)
            .select_related("workout__week", "program")
            .prefetch_related("logs")
            .order_by("date", "id")
        )
        if self.action == "retrieve":
            return qs.prefetch_related(
                Prefetch(
                    "workout__blocks",
                    queryset=Block.objects.order_by("position").prefetch_related(
                        Prefetch("items", queryset=selectors.items_queryset())
                    ),
                )
            )
        qs = self._client_filter(qs)
        params = self.request.query_params
        for key, lookup in (("from", "date__gte"), ("to", "date__lte")):
            if params.get(key):
                try:
                    qs = qs.filter(**{lookup: serializers_date(params[key])})
                except ValueError:
                    raise DomainError("Use a date like 2026-05-04.", field=key)
        return qs


def serializers_date(value: str):
    from datetime import date

    return date.fromisoformat(value)


@extend_schema_view(
    list=extend_schema(summary="Workout logs of your clients", parameters=CLIENT_FILTER),
    retrieve=extend_schema(
        summary="A workout log with its sets and comments",
        responses={200: s.WorkoutLogSerializer, 404: ErrorSerializer},
    ),
)
class CoachWorkoutLogViewSet(ClientFilterMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet):
    queryset = WorkoutLog.objects.all()
    serializer_class = s.WorkoutLogSerializer
    required_capability = TRAINING
    filter_backends: list = []

    def get_queryset(self):
        return self._client_filter(selectors.workout_logs_for_api(organization=self.organization))

    @extend_schema(
        summary="Comment on a workout log",
        request=s.CommentCreateSerializer,
        responses={201: s.LogCommentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        log = self.get_object()
        data = s.CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_on_log(workout_log=log, author=request.user, body=data.validated_data["body"])
        return Response(s.LogCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="A client's weekly volume per muscle, adherence and estimated 1RM over time",
        parameters=[OpenApiParameter("client", int, required=True)],
        responses={200: s.TrainingSummarySerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"])
    def summary(self, request):
        client_id = request.query_params.get("client", "")
        if not client_id.isdigit():
            raise DomainError("Choose a client by id.", field="client")
        client = get_object_or_404(Client.objects.for_org(self.organization), pk=client_id)
        return Response(training_summary(client))


def training_summary(client) -> dict:
    volume = selectors.weekly_volume(client=client)
    adherence = selectors.adherence(client=client)
    return {
        "volume": {"weeks": [w.isoformat() for w in volume["weeks"]], "muscles": volume["muscles"]},
        "adherence": {**adherence, "weeks": [w.isoformat() for w in adherence["weeks"]]},
        "e1rm": selectors.e1rm_history(client=client),
    }


@extend_schema_view(
    list=extend_schema(summary="Personal records of your clients", parameters=CLIENT_FILTER),
    retrieve=extend_schema(
        summary="A personal record", responses={200: s.PersonalRecordSerializer, 404: ErrorSerializer}
    ),
)
class CoachPersonalRecordViewSet(
    ClientFilterMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgGenericViewSet
):
    queryset = PersonalRecord.objects.all()
    serializer_class = s.PersonalRecordSerializer
    required_capability = TRAINING
    filter_backends: list = []

    def get_queryset(self):
        return self._client_filter(selectors.personal_records(organization=self.organization))


# --- The client's app (/api/v1/me/...) ---------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="My workouts: today's, upcoming or past",
        parameters=[
            OpenApiParameter(
                "when",
                str,
                enum=["today", "upcoming", "past", "all"],
                description="Default: today and the next 14 days.",
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="One of my workouts with what to do",
        responses={200: s.ScheduledWorkoutDetailSerializer, 404: ErrorSerializer},
    ),
)
class MyWorkoutViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = ScheduledWorkout.objects.all()
    serializer_class = s.ScheduledWorkoutSerializer
    lookup_field = "public_id"
    filter_backends: list = []

    def get_serializer_class(self):
        return s.ScheduledWorkoutDetailSerializer if self.action == "retrieve" else s.ScheduledWorkoutSerializer

    def get_queryset(self):
        client = self.request.tenant.client
        today = selectors.client_today(client)
        when = self.request.query_params.get("when", "")
        start, end = today, today + timedelta(days=14)
        if when == "today":
            end = today
        elif when == "upcoming":
            start, end = today + timedelta(days=1), None
        elif when == "past":
            start, end = None, today - timedelta(days=1)
        elif when == "all" or self.action == "retrieve":
            start = end = None
        qs = selectors.scheduled_workouts(client=client, start=start, end=end)
        if self.action == "list" and when == "past":
            qs = qs.order_by("-date", "-id")
        org = self.request.tenant.organization
        return qs.prefetch_related(
            Prefetch(
                "workout__blocks__items__exercise__overrides",
                queryset=ExerciseOverride.objects.for_org(org),
                to_attr="org_overrides",
            )
        )


@extend_schema_view(
    list=extend_schema(summary="My workout logs"),
    retrieve=extend_schema(
        summary="One of my logs, with my coach's comments",
        responses={200: s.WorkoutLogSerializer, 404: ErrorSerializer},
    ),
    create=extend_schema(
        summary="Log a workout (idempotent: the same client_uuid is stored once)",
        description=(
            "A retried upload with a client_uuid already stored returns the stored log with 200. A set with "
            "is_done true and reps, load, time and distance left out was done as prescribed: they are taken "
            "from its prescription (from_prescription is true); such a set without a prescription is a 400. "
            "Without a status it is worked out from the sets; a status that contradicts them "
            "(completed with prescribed sets not done, partial with none done, skipped with sets done) is a 400."
        ),
        responses={201: s.WorkoutLogSerializer, 200: s.WorkoutLogSerializer, **ERRORS},
    ),
)
class MyWorkoutLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ClientViewSet):
    queryset = WorkoutLog.objects.all()
    serializer_class = s.WorkoutLogSerializer
    lookup_field = "client_uuid"
    filter_backends: list = []

    def get_queryset(self):
        tenant = self.request.tenant
        return selectors.workout_logs_for_api(organization=tenant.organization, client=tenant.client)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        log, created = services.log_workout(
            client=request.tenant.client,
            client_uuid=data["client_uuid"],
            performed_at=data["performed_at"],
            sets=data.get("sets", []),
            scheduled=data.get("scheduled"),
            status=data.get("status"),
            duration_minutes=data.get("duration_minutes"),
            notes=data.get("notes", ""),
            name=data.get("name", ""),
            actor=request.user,
        )
        log = self.get_queryset().get(pk=log.pk)
        return Response(
            s.WorkoutLogSerializer(log, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _session_payload(session, client) -> WorkoutSession:
    """A session with what its detail shows: the screen (sets, last time, swaps) and, once
    finished, the summary in the client's units."""
    from mecto.localization import kg_to_display, weight_unit

    session.screen = selectors.session_screen(client=client, scheduled=session.scheduled, session=session)
    session.summary = None
    if session.is_finished and session.workout_log_id:
        summary = selectors.session_summary(session=session)
        summary["volume"] = kg_to_display(summary["volume_kg"], client.unit_system)
        summary["unit"] = weight_unit(client.unit_system)
        session.summary = summary
    return session


SESSION_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="My workout sessions (today's workout logged set by set), latest first"),
    retrieve=extend_schema(
        summary="One session: each exercise, its sets as saved, what I did last time and the allowed swaps",
        responses={200: s.WorkoutSessionDetailSerializer, 404: ErrorSerializer},
    ),
    create=extend_schema(
        summary="Start a scheduled workout, or resume the one already started (on any device)",
        description="201 with a new session; 200 with the open session of that workout when there is one.",
        request=s.SessionStartSerializer,
        responses={201: s.WorkoutSessionDetailSerializer, 200: s.WorkoutSessionDetailSerializer, **SESSION_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change the session's notes for my coach",
        request=s.WorkoutSessionSerializer,
        responses={200: s.WorkoutSessionDetailSerializer, **SESSION_ERRORS},
    ),
)
class MyWorkoutSessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ClientViewSet
):
    queryset = WorkoutSession.objects.select_related("scheduled__workout", "workout_log")
    serializer_class = s.WorkoutSessionSerializer
    lookup_field = "public_id"
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.WorkoutSessionSerializer if self.action == "list" else s.WorkoutSessionDetailSerializer

    def _detail(self, session, code=status.HTTP_200_OK):
        session = self.get_queryset().get(pk=session.pk)
        payload = _session_payload(session, self.request.tenant.client)
        return Response(s.WorkoutSessionDetailSerializer(payload).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        data = s.SessionStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = request.tenant.client
        scheduled = (
            selectors.scheduled_workouts(client=client).filter(public_id=data.validated_data["scheduled"]).first()
        )
        if scheduled is None:
            raise DomainError("This workout is not on your schedule.", field="scheduled")
        session, created = services.start_session(
            client=client, scheduled=scheduled, at=data.validated_data.get("at"), actor=request.user
        )
        return self._detail(session, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def partial_update(self, request, *args, **kwargs):
        session = self.get_object()
        data = s.WorkoutSessionSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "notes" in data.validated_data:
            session = services.save_session_notes(
                session=session, notes=data.validated_data["notes"], actor=request.user
            )
        return self._detail(session)

    @extend_schema(
        summary="Save one set as completed (blank measures: done as prescribed) or not done; again to correct it",
        request=s.SessionSetWriteSerializer,
        responses={200: s.SessionSetSerializer, **SESSION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def sets(self, request, public_id=None):
        session = self.get_object()
        data = s.SessionSetWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("entry_key", None)
        row = services.save_session_set(
            session=session,
            prescribed_id=values.pop("prescribed"),
            set_number=values.pop("set_number"),
            actor=request.user,
            **values,
        )
        return Response(s.SessionSetSerializer(row).data)

    @extend_schema(
        summary="Do one of my coach's allowed swaps instead of the prescribed exercise (or go back to it)",
        request=s.SessionSwapSerializer,
        responses={200: s.WorkoutSessionDetailSerializer, **SESSION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def swap(self, request, public_id=None):
        session = self.get_object()
        data = s.SessionSwapSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.swap_in_session(
            session=session,
            prescribed_id=data.validated_data["prescribed"],
            exercise_id=data.validated_data["exercise"],
            actor=request.user,
        )
        return self._detail(session)

    @extend_schema(
        summary="Finish: store the workout log and get the summary (volume, duration, records)",
        description="Sets not saved are stored as not done. Finishing again returns the same summary.",
        request=s.SessionFinishSerializer,
        responses={200: s.WorkoutSessionDetailSerializer, **SESSION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def finish(self, request, public_id=None):
        session = self.get_object()
        data = s.SessionFinishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.finish_session(session=session, at=data.validated_data.get("at"), actor=request.user)
        return self._detail(session)


@extend_schema_view(
    list=extend_schema(summary="My programs"),
    retrieve=extend_schema(
        summary="One of my programs", responses={200: s.ProgramDetailSerializer, 404: ErrorSerializer}
    ),
)
class MyProgramViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = Program.objects.all()
    serializer_class = s.ProgramSerializer
    filter_backends: list = []

    def get_serializer_class(self):
        return s.ProgramDetailSerializer if self.action == "retrieve" else s.ProgramSerializer

    def get_queryset(self):
        counts = {"week_count": Count("weeks", distinct=True), "workout_count": Count("workouts", distinct=True)}
        return super().get_queryset().annotate(**counts).order_by("-start_date", "-id")


@extend_schema_view(
    list=extend_schema(summary="My personal records"),
    retrieve=extend_schema(
        summary="One of my records", responses={200: s.PersonalRecordSerializer, 404: ErrorSerializer}
    ),
)
class MyRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientViewSet):
    queryset = PersonalRecord.objects.select_related("exercise")
    serializer_class = s.PersonalRecordSerializer
    filter_backends: list = []


class MyTrainingSummaryView(TenantAPIView):
    tenant_exempt = "Returns only the signed-in client's own volume, adherence and estimated 1RM."
    permission_classes = [IsAuthenticated, IsClient]
    serializer_class = s.TrainingSummarySerializer

    @extend_schema(
        summary="My weekly volume per muscle, adherence and estimated 1RM over time",
        responses={200: s.TrainingSummarySerializer, 403: ErrorSerializer},
    )
    def retrieve(self, request):
        return Response(training_summary(request.tenant.client))


class TrainingSettingsView(TenantAPIView):
    tenant_exempt = "Reads and changes only the request's own organisation's training settings."
    permission_classes = [IsAuthenticated, IsOrgMember, HasCapability]
    required_capability = TRAINING
    write_capability = "org.manage"
    serializer_class = s.TrainingSettingsSerializer

    @extend_schema(
        summary="Training settings of my business", responses={200: s.TrainingSettingsSerializer, 403: ErrorSerializer}
    )
    def retrieve(self, request):
        row = services.training_settings(request.tenant.organization)
        return Response(s.TrainingSettingsSerializer(row).data)

    @extend_schema(
        summary="Change inactivity days and the language-model allowance",
        responses={200: s.TrainingSettingsSerializer, **ERRORS},
    )
    def partial_update(self, request):
        org = request.tenant.organization
        data = s.TrainingSettingsSerializer(services.training_settings(org), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = services.update_training_settings(organization=org, actor=request.user, **data.validated_data)
        return Response(s.TrainingSettingsSerializer(row).data)
