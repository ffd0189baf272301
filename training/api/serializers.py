from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clients.api.serializers_media import FormCheckVideoSerializer
from clients.models import Client
from mecto.api_base import MAX_ID, OrgModelSerializer, OrgPrimaryKeyRelatedField, OrgSlugRelatedField

from .. import movement
from ..generator.profile import EQUIPMENT, EXPERIENCE, INJURIES, MAX_DAYS, MAX_MINUTES, MIN_DAYS, MIN_MINUTES
from ..labels import exercise_label
from ..models import (
    Block,
    Exercise,
    ExerciseOverride,
    Goal,
    LogComment,
    PersonalRecord,
    PrescribedExercise,
    Program,
    ProgramWeek,
    ScheduledWorkout,
    SessionSet,
    SetLog,
    TrainingSettings,
    Workout,
    WorkoutLog,
    WorkoutSession,
)
from ..video import embed_url, link_kind, thumbnail_url


# --- Exercises ------------------------------------------------------------------------------------
def _string_list(values: list[str]) -> dict:
    # Listed in the description rather than as an enum: the same values appear under several
    # field names, and one enum component per name would collide.
    return {"type": "array", "items": {"type": "string"}, "description": "Any of: " + ", ".join(values) + "."}


@extend_schema_field(_string_list(movement.MUSCLES))
class MuscleListField(serializers.ListField):
    child = serializers.ChoiceField(choices=movement.MUSCLES)


@extend_schema_field(_string_list(EQUIPMENT))
class EquipmentListField(serializers.ListField):
    child = serializers.ChoiceField(choices=EQUIPMENT)


@extend_schema_field(_string_list(INJURIES))
class InjuryListField(serializers.ListField):
    child = serializers.ChoiceField(choices=INJURIES)


class ExerciseSerializer(OrgModelSerializer):
    """An exercise with the business's own instructions, cues and video when it has some."""

    primary_muscles = MuscleListField(min_length=1)
    secondary_muscles = MuscleListField(required=False)
    aliases = serializers.ListField(child=serializers.CharField(max_length=160), required=False)
    movement_pattern = serializers.ChoiceField(choices=movement.PATTERNS, required=False)
    is_library = serializers.BooleanField(read_only=True)
    instructions = serializers.SerializerMethodField()
    cues = serializers.SerializerMethodField()
    video_url = serializers.SerializerMethodField()
    video_embed_url = serializers.SerializerMethodField()
    video_clip_url = serializers.SerializerMethodField()
    video_kind = serializers.SerializerMethodField(
        help_text="youtube, vimeo or file (an https MP4 link) for the link; clip for an upload; empty without video."
    )
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField(
        help_text="The image's thumbnail, else a YouTube link's still; empty: show the placeholder naming the "
        "primary muscles."
    )
    missing_equipment = serializers.SerializerMethodField(
        help_text="With ?client= or ?program=: the equipment this exercise needs that the client lacks, else empty."
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "name",
            "aliases",
            "primary_muscles",
            "secondary_muscles",
            "equipment",
            "mechanic",
            "force",
            "level",
            "category",
            "movement_pattern",
            "is_library",
            "is_archived",
            "instructions",
            "cues",
            "video_url",
            "video_embed_url",
            "video_clip_url",
            "video_kind",
            "image_url",
            "thumbnail_url",
            "missing_equipment",
        ]
        read_only_fields = ["id", "is_library"]

    def get_missing_equipment(self, exercise) -> str:
        from ..generator.api import missing_equipment

        return missing_equipment(exercise, self.context.get("equipment_profile"))

    def _override(self, exercise) -> ExerciseOverride | None:
        found = getattr(exercise, "org_overrides", None)
        if found is not None:
            return found[0] if found else None
        request = self.context.get("request")
        org = getattr(getattr(request, "tenant", None), "organization", None)
        return ExerciseOverride.objects.for_org(org).filter(exercise=exercise).first() if org else None

    def get_instructions(self, exercise) -> str:
        override = self._override(exercise)
        return override.instructions if override else ""

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_cues(self, exercise) -> list[str]:
        override = self._override(exercise)
        return override.cue_list if override else []

    def get_video_url(self, exercise) -> str:
        override = self._override(exercise)
        return override.video_url if override else ""

    def get_video_embed_url(self, exercise) -> str | None:
        override = self._override(exercise)
        return embed_url(override.video_url) if override and override.video_url else None

    def get_video_kind(self, exercise) -> str:
        override = self._override(exercise)
        if override and override.video_url:
            return link_kind(override.video_url) or ""
        return "clip" if override and override.video_file else ""

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_image_url(self, exercise) -> str | None:
        from django.urls import reverse

        override = self._override(exercise)
        return (
            self._absolute(reverse("training:exercise_image", args=[exercise.pk, "full"]))
            if override and override.image
            else None
        )

    def get_thumbnail_url(self, exercise) -> str | None:
        from django.urls import reverse

        override = self._override(exercise)
        if override and override.thumbnail:
            return self._absolute(reverse("training:exercise_image", args=[exercise.pk, "thumb"]))
        return thumbnail_url(override.video_url) if override and override.video_url else None

    def get_video_clip_url(self, exercise) -> str | None:
        from django.urls import reverse

        override = self._override(exercise)
        if override and override.video_file:
            return reverse("training:exercise_clip", args=[exercise.pk])
        return None


class ExerciseOverrideSerializer(serializers.Serializer):
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    cues = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text="One cue per line.")
    video_url = serializers.URLField(
        required=False, allow_blank=True, help_text="A YouTube or Vimeo link, or an https link to an MP4 file."
    )
    video_file = serializers.FileField(
        required=False, help_text="An MP4, MOV or WebM clip, up to 3 minutes and 100 MB (checked by its contents)."
    )
    remove_video_file = serializers.BooleanField(required=False, default=False)
    image = serializers.FileField(required=False, help_text="A JPEG, PNG, WebP or HEIC image of the movement.")
    remove_image = serializers.BooleanField(required=False, default=False)


class VideoLinkImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV with a header row: name,video_url (UTF-8, up to 1 MB).")
    dry_run = serializers.BooleanField(required=False, default=True, help_text="Preview only (the default).")


class VideoLinkRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    name = serializers.CharField()
    exercise_id = serializers.IntegerField(required=False)
    exercise = serializers.CharField(required=False)
    video_url = serializers.CharField(required=False)
    replaces = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class VideoLinkImportReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    matched = VideoLinkRowSerializer(many=True)
    unknown = VideoLinkRowSerializer(many=True)
    errors = VideoLinkRowSerializer(many=True)
    can_apply = serializers.BooleanField()
    applied = serializers.BooleanField()


class ExerciseBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exercise
        fields = ["id", "name", "movement_pattern", "equipment", "primary_muscles"]


class SwapSuggestionSerializer(serializers.Serializer):
    exercise = ExerciseBriefSerializer()
    distance = serializers.FloatField()
    reason = serializers.CharField()


# --- Programs ---------------------------------------------------------------------------------------
LABEL_HELP = "As coaches write it: A, B for exercises on their own; B1, B2 for a superset or circuit."


class PrescribedExerciseSerializer(OrgModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    summary = serializers.CharField(read_only=True)
    label = serializers.SerializerMethodField(help_text=LABEL_HELP)

    class Meta:
        model = PrescribedExercise
        fields = [
            "id",
            "block",
            "exercise",
            "exercise_name",
            "position",
            "sets",
            "reps_type",
            "reps_min",
            "reps_max",
            "duration_seconds",
            "distance_m",
            "load_type",
            "load_value",
            "tempo",
            "rest_seconds",
            "notes",
            "progression",
            "progression_unit",
            "progression_amount",
            "deload_every",
            "progress_on_target",
            "reason",
            "summary",
            "label",
        ]
        read_only_fields = ["id", "position", "summary", "label"]

    def get_label(self, item) -> str:
        return exercise_label(item)


class PrescribedExerciseWithWarningsSerializer(PrescribedExerciseSerializer):
    """A prescribed exercise just added or swapped, with warnings for the coach."""

    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="An exercise needing equipment the program's client does not have, for example; it is saved anyway.",
    )

    class Meta(PrescribedExerciseSerializer.Meta):
        fields = [*PrescribedExerciseSerializer.Meta.fields, "warnings"]


class BlockSerializer(OrgModelSerializer):
    items = PrescribedExerciseSerializer(many=True, read_only=True)

    class Meta:
        model = Block
        fields = ["id", "workout", "kind", "position", "rounds", "rest_seconds", "notes", "items"]
        read_only_fields = ["id", "position", "items"]


class WorkoutSerializer(OrgModelSerializer):
    blocks = BlockSerializer(many=True, read_only=True)

    class Meta:
        model = Workout
        fields = ["id", "week", "program", "name", "day", "position", "notes", "blocks"]
        read_only_fields = ["id", "program", "position", "blocks"]
        extra_kwargs = {"name": {"required": False}, "day": {"required": False}}


class ProgramWeekSerializer(OrgModelSerializer):
    workouts = WorkoutSerializer(many=True, read_only=True)

    class Meta:
        model = ProgramWeek
        fields = ["id", "program", "position", "is_deload", "notes", "workouts"]
        read_only_fields = ["id", "position", "is_deload", "workouts"]


class ProgramSerializer(OrgModelSerializer):
    week_count = serializers.SerializerMethodField()
    workout_count = serializers.SerializerMethodField()
    weeks = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=52, help_text="Weeks to start with (create only)."
    )

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "description",
            "goal",
            "is_template",
            "origin",
            "client",
            "start_date",
            "week_count",
            "workout_count",
            "weeks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "origin", "client", "start_date", "created_at", "updated_at"]

    # Lists annotate the counts (selectors.program_list); a program just made or fetched alone
    # counts them here, so every response carries both.
    def get_week_count(self, program) -> int:
        count = getattr(program, "week_count", None)
        return program.weeks.count() if count is None else count

    def get_workout_count(self, program) -> int:
        count = getattr(program, "workout_count", None)
        return program.workouts.count() if count is None else count


class ProgramDetailSerializer(ProgramSerializer):
    weeks_detail = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "weeks_detail", "reasons"]

    @extend_schema_field(ProgramWeekSerializer(many=True))
    def get_weeks_detail(self, program) -> list:
        from ..selectors import program_tree

        return ProgramWeekSerializer(program_tree(program=program), many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reasons(self, program) -> list[str]:
        return list((program.generation or {}).get("reasons", []))


class ReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, max_length=200
    )


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class DuplicateWorkoutSerializer(serializers.Serializer):
    week = OrgPrimaryKeyRelatedField(queryset=ProgramWeek.objects.all(), required=False, allow_null=True)


class NameSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=160)


class ProgressionSerializer(serializers.Serializer):
    weeks = serializers.IntegerField(min_value=2, max_value=52)


class AssignSerializer(serializers.Serializer):
    clients = OrgPrimaryKeyRelatedField(queryset=Client.objects.all(), many=True)
    start_date = serializers.DateField()


class SwapSerializer(serializers.Serializer):
    exercise = OrgPrimaryKeyRelatedField(queryset=Exercise.objects.all())


# --- Generation and validation -----------------------------------------------------------------------
class ProfileSerializer(serializers.Serializer):
    goal = serializers.ChoiceField(choices=Goal.choices)
    experience = serializers.ChoiceField(choices=[(e, e.capitalize()) for e in EXPERIENCE])
    days_per_week = serializers.IntegerField(min_value=MIN_DAYS, max_value=MAX_DAYS)
    session_minutes = serializers.IntegerField(min_value=MIN_MINUTES, max_value=MAX_MINUTES)
    equipment = EquipmentListField(required=False)
    injuries = InjuryListField(required=False)
    injury_notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    preferences = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class GenerateSerializer(ProfileSerializer):
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False, default=0)
    client = OrgPrimaryKeyRelatedField(queryset=Client.objects.all(), required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=160)
    polish = serializers.BooleanField(
        required=False, default=False, help_text="Reword names and notes with the configured language model."
    )


class DraftSerializer(ProgramSerializer):
    message = serializers.CharField(read_only=True, help_text="What the language model did, when asked.")

    class Meta(ProgramSerializer.Meta):
        fields = [*ProgramSerializer.Meta.fields, "message"]


class TrainingSettingsSerializer(serializers.ModelSerializer):
    llm_available = serializers.SerializerMethodField()
    llm_used_this_month = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSettings
        fields = [
            "inactive_after_days",
            "llm_monthly_quota",
            "llm_requests_per_minute",
            "llm_available",
            "llm_used_this_month",
        ]
        extra_kwargs = {
            "inactive_after_days": {"min_value": 0, "max_value": 365},
            "llm_monthly_quota": {"min_value": 0, "max_value": 100000},
            "llm_requests_per_minute": {"min_value": 1, "max_value": 600},
        }

    def get_llm_available(self, row) -> bool:
        from ..llm import is_available

        return is_available()

    def get_llm_used_this_month(self, row) -> int:
        from ..llm import usage_this_month

        return usage_this_month(row.organization)


class ViolationSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    week = serializers.IntegerField(allow_null=True)


class ValidationReportSerializer(serializers.Serializer):
    profile = serializers.DictField()
    violations = ViolationSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


# --- Schedules, logs and records -------------------------------------------------------------------------
class ScheduledWorkoutSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="workout.name", read_only=True)
    week = serializers.IntegerField(source="workout.week.position", read_only=True)
    program_name = serializers.CharField(source="program.name", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = ScheduledWorkout
        fields = [
            "id",
            "public_id",
            "client",
            "program",
            "program_name",
            "workout",
            "name",
            "week",
            "date",
            "due_at",
            "status",
        ]

    def get_status(self, scheduled) -> str:
        logs = list(scheduled.logs.all())
        if logs:
            return logs[0].status
        return "scheduled"


class ClientPrescriptionSerializer(serializers.ModelSerializer):
    exercise = serializers.SerializerMethodField()
    summary = serializers.CharField(read_only=True)
    label = serializers.SerializerMethodField(help_text=LABEL_HELP)

    class Meta:
        model = PrescribedExercise
        fields = [
            "id",
            "exercise",
            "position",
            "sets",
            "reps_type",
            "reps_min",
            "reps_max",
            "duration_seconds",
            "distance_m",
            "load_type",
            "load_value",
            "tempo",
            "rest_seconds",
            "notes",
            "summary",
            "label",
        ]

    def get_label(self, item) -> str:
        return exercise_label(item)

    @extend_schema_field(ExerciseSerializer)
    def get_exercise(self, item) -> dict:
        return ExerciseSerializer(item.exercise, context=self.context).data


class ClientBlockSerializer(serializers.ModelSerializer):
    items = ClientPrescriptionSerializer(many=True, read_only=True)

    class Meta:
        model = Block
        fields = ["id", "kind", "position", "rounds", "rest_seconds", "notes", "items"]


class ScheduledWorkoutDetailSerializer(ScheduledWorkoutSerializer):
    blocks = ClientBlockSerializer(source="workout.blocks", many=True, read_only=True)
    notes = serializers.CharField(source="workout.notes", read_only=True)

    class Meta(ScheduledWorkoutSerializer.Meta):
        fields = [*ScheduledWorkoutSerializer.Meta.fields, "notes", "blocks"]


class SetLogSerializer(serializers.ModelSerializer):
    exercise = OrgPrimaryKeyRelatedField(queryset=Exercise.objects.all())
    prescribed = OrgPrimaryKeyRelatedField(queryset=PrescribedExercise.objects.all(), required=False, allow_null=True)
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    videos = serializers.SerializerMethodField(help_text="Form-check videos of this set (add one at /me/set-videos/).")

    class Meta:
        model = SetLog
        fields = [
            "id",
            "exercise",
            "exercise_name",
            "prescribed",
            "set_number",
            "reps",
            "load_kg",
            "duration_seconds",
            "distance_m",
            "rpe",
            "is_done",
            "from_prescription",
            "notes",
            "e1rm_kg",
            "videos",
        ]
        read_only_fields = ["id", "e1rm_kg", "from_prescription", "videos"]
        extra_kwargs = {
            "reps": {"min_value": 0, "max_value": 1000},
            "load_kg": {"min_value": 0, "max_value": 1000},
            "rpe": {"min_value": 1, "max_value": 10},
            "set_number": {"required": False},
        }

    @extend_schema_field(FormCheckVideoSerializer(many=True))
    def get_videos(self, set_log) -> list:
        videos = [link.video for link in set_log.videos.all()] if set_log.pk else []
        return FormCheckVideoSerializer(videos, many=True, context=self.context).data if videos else []

    def to_representation(self, instance):
        # A page of 25 logs prints ~300 sets: one dict per set instead of DRF's field-by-field
        # walk (the same keys and values; the decimals through the fields' own formatting).
        # tests/training/test_api_speed.py holds it equal to the generic output.
        fields = self.fields
        load, rpe, e1rm = instance.load_kg, instance.rpe, instance.e1rm_kg
        return {
            "id": instance.id,
            "exercise": instance.exercise_id,
            "exercise_name": instance.exercise.name,
            "prescribed": instance.prescribed_id,
            "set_number": instance.set_number,
            "reps": instance.reps,
            "load_kg": None if load is None else fields["load_kg"].to_representation(load),
            "duration_seconds": instance.duration_seconds,
            "distance_m": instance.distance_m,
            "rpe": None if rpe is None else fields["rpe"].to_representation(rpe),
            "is_done": instance.is_done,
            "from_prescription": instance.from_prescription,
            "notes": instance.notes,
            "e1rm_kg": None if e1rm is None else fields["e1rm_kg"].to_representation(e1rm),
            "videos": self.get_videos(instance),
        }


class LogCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = LogComment
        fields = ["id", "author_name", "body", "created_at"]
        read_only_fields = ["id", "author_name", "created_at"]

    def get_author_name(self, comment) -> str:
        return str(comment.author) if comment.author else ""


class WorkoutLogSerializer(serializers.ModelSerializer):
    sets = SetLogSerializer(many=True)
    scheduled = OrgSlugRelatedField(
        slug_field="public_id", queryset=ScheduledWorkout.objects.all(), required=False, allow_null=True
    )
    comments = LogCommentSerializer(many=True, read_only=True)

    class Meta:
        model = WorkoutLog
        fields = [
            "id",
            "client_uuid",
            "client",
            "scheduled",
            "workout",
            "name",
            "performed_at",
            "status",
            "duration_minutes",
            "notes",
            "sets",
            "comments",
            "created_at",
        ]
        read_only_fields = ["id", "client", "workout", "comments", "created_at"]
        extra_kwargs = {
            "client_uuid": {"validators": []},
            "duration_minutes": {"max_value": 1440},
            "status": {
                "required": False,
                "help_text": "completed, partial or skipped; left out, it is worked out from the sets. "
                "Completed needs every prescribed set done, partial at least one, skipped none.",
            },
        }

    def validate_sets(self, value):
        if len(value) > 300:
            raise serializers.ValidationError("A workout has at most 300 sets.")
        return value


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


class PersonalRecordSerializer(serializers.ModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="e1rm (estimated 1RM, Epley) or load (heaviest load).")

    class Meta:
        model = PersonalRecord
        fields = [
            "id",
            "client",
            "exercise",
            "exercise_name",
            "kind",
            "value_kg",
            "previous_kg",
            "reps",
            "load_kg",
            "achieved_at",
        ]


class TrainingSummarySerializer(serializers.Serializer):
    volume = serializers.DictField(help_text="weeks: Monday dates; muscles: sets per week per muscle.")
    adherence = serializers.DictField(
        help_text="Due workouts per week (scheduled) and those done (completed: a completed or partly done log "
        "with a set done); totals, rate, and sets_prescribed / sets_done / set_rate over the same workouts."
    )
    e1rm = serializers.DictField()


# --- Allowed swaps (coaches) and today's workout, set by set (the client's app) ----------------------------
class AllowedSwapsSerializer(serializers.Serializer):
    exercises = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=10,
        help_text="Exercise ids the client may do instead when logging; an empty list offers no swap.",
    )


class AllowedSwapsResultSerializer(serializers.Serializer):
    prescribed = serializers.IntegerField()
    exercises = ExerciseBriefSerializer(many=True)


class SessionStartSerializer(serializers.Serializer):
    scheduled = serializers.UUIDField(help_text="The public_id of one of my scheduled workouts.")
    at = serializers.DateTimeField(
        required=False, help_text="When it was started on the device (kept when within the last day)."
    )


class SessionSetWriteSerializer(serializers.Serializer):
    prescribed = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The prescribed exercise's id.")
    set_number = serializers.IntegerField(min_value=1, max_value=20)
    is_done = serializers.BooleanField(default=True, help_text="False: the set was not done.")
    reps = serializers.IntegerField(min_value=0, max_value=1000, required=False, allow_null=True)
    load_kg = serializers.DecimalField(
        max_digits=7, decimal_places=2, min_value=0, max_value=1000, required=False, allow_null=True
    )
    duration_seconds = serializers.IntegerField(min_value=0, max_value=86400, required=False, allow_null=True)
    distance_m = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, allow_null=True)
    rpe = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=1, max_value=10, required=False, allow_null=True
    )
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    at = serializers.DateTimeField(required=False, help_text="When it was done on the device.")
    entry_key = serializers.UUIDField(
        required=False, help_text="Any UUID, the same for one set: the app's offline queue keeps its latest save."
    )


class SessionSwapSerializer(serializers.Serializer):
    prescribed = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    exercise = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="One of the coach's allowed swaps, or the prescribed exercise."
    )
    entry_key = serializers.UUIDField(required=False)


class SessionFinishSerializer(serializers.Serializer):
    at = serializers.DateTimeField(required=False, help_text="When it was finished on the device.")
    entry_key = serializers.UUIDField(required=False)


class SessionSetSerializer(serializers.ModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)

    class Meta:
        model = SessionSet
        fields = [
            "prescribed",
            "set_number",
            "exercise",
            "exercise_name",
            "is_done",
            "reps",
            "load_kg",
            "duration_seconds",
            "distance_m",
            "rpe",
            "notes",
            "completed_at",
        ]
        read_only_fields = fields


class LastTimeSerializer(serializers.Serializer):
    reps = serializers.IntegerField(allow_null=True)
    load_kg = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    duration_seconds = serializers.IntegerField(allow_null=True)
    distance_m = serializers.IntegerField(allow_null=True)
    rpe = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    performed_at = serializers.DateTimeField()


class SessionSetSlotSerializer(serializers.Serializer):
    set_number = serializers.IntegerField(source="number")
    saved = SessionSetSerializer(allow_null=True, help_text="What was saved for this set; null: not yet.")
    last_time = LastTimeSerializer(
        source="last", allow_null=True, help_text="The same set of the last workout with this exercise."
    )


class SessionExerciseSerializer(serializers.Serializer):
    prescribed = serializers.IntegerField(source="item.pk")
    label = serializers.CharField(help_text=LABEL_HELP)
    exercise = ExerciseBriefSerializer(help_text="The prescribed exercise, or the allowed swap chosen.")
    is_swapped = serializers.BooleanField()
    has_history = serializers.BooleanField(help_text="I logged this exercise before (last_time may still be null).")
    summary = serializers.CharField(source="item.summary")
    reps_type = serializers.CharField(source="item.reps_type")
    reps_min = serializers.IntegerField(source="item.reps_min", allow_null=True)
    reps_max = serializers.IntegerField(source="item.reps_max", allow_null=True)
    load_type = serializers.CharField(source="item.load_type")
    load_value = serializers.DecimalField(source="item.load_value", max_digits=7, decimal_places=2, allow_null=True)
    tempo = serializers.CharField(source="item.tempo")
    rest_seconds = serializers.IntegerField(source="item.rest_seconds", help_text="The rest timer after each set.")
    notes = serializers.CharField(source="item.notes")
    swap_choices = ExerciseBriefSerializer(many=True, help_text="The coach's allowed swaps (with the prescribed one).")
    sets = SessionSetSlotSerializer(many=True)


class SessionRecordSerializer(serializers.ModelSerializer):
    exercise_name = serializers.CharField(source="exercise.name", read_only=True)

    class Meta:
        model = PersonalRecord
        fields = ["id", "exercise", "exercise_name", "kind", "value_kg", "previous_kg", "reps", "load_kg"]


class SessionSummarySerializer(serializers.Serializer):
    workout_log = serializers.UUIDField(source="log.client_uuid", help_text="The stored log (its client_uuid).")
    status = serializers.CharField(source="log.status")
    duration_minutes = serializers.IntegerField(allow_null=True)
    sets_done = serializers.IntegerField()
    volume_kg = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Reps × load of the done sets.")
    volume = serializers.DecimalField(max_digits=12, decimal_places=1, help_text="The volume in my units.")
    unit = serializers.CharField(help_text="kg or lb, as I chose.")
    records = SessionRecordSerializer(many=True, help_text="Personal records this workout set.")


class WorkoutSessionSerializer(serializers.ModelSerializer):
    scheduled = serializers.UUIDField(source="scheduled.public_id", read_only=True)
    workout_name = serializers.CharField(source="scheduled.workout.name", read_only=True)
    date = serializers.DateField(source="scheduled.date", read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = WorkoutSession
        fields = [
            "public_id",
            "scheduled",
            "workout_name",
            "date",
            "started_at",
            "updated_at",
            "finished_at",
            "is_finished",
            "notes",
        ]
        read_only_fields = ["public_id", "started_at", "updated_at", "finished_at"]
        extra_kwargs = {"notes": {"max_length": 2000}}


class WorkoutSessionDetailSerializer(WorkoutSessionSerializer):
    exercises = SessionExerciseSerializer(many=True, read_only=True, source="screen")
    summary = SessionSummarySerializer(read_only=True, allow_null=True, help_text="Once finished: the summary.")

    class Meta(WorkoutSessionSerializer.Meta):
        fields = [*WorkoutSessionSerializer.Meta.fields, "exercises", "summary"]
