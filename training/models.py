"""Training: the exercise library, programs and their prescriptions, schedules, logs and records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned, OrgQuerySet

from . import movement


class ExerciseQuerySet(OrgQuerySet):
    def for_org(self, organization) -> ExerciseQuerySet:
        """The shared library plus the organisation's own exercises; nothing without one."""
        if organization is None:
            return self.none()
        return self.filter(Q(organization__isnull=True) | Q(organization=organization))

    def library(self) -> ExerciseQuerySet:
        return self.filter(organization__isnull=True)

    def active(self) -> ExerciseQuerySet:
        return self.filter(is_archived=False)


def _choices(values: list[str]) -> list[tuple[str, str]]:
    from .labels import value_choices

    return value_choices(values)


class Exercise(models.Model):
    """An exercise: from the shared library (no organisation) or a business's own.

    The shared library is reference data every business reads; it is the one training
    model whose organisation may be empty. Businesses never change a library row: their
    instructions, cues and video live in `ExerciseOverride`.
    """

    PATTERN_CHOICES = [
        (movement.SQUAT, _("Squat")),
        (movement.HINGE, _("Hinge")),
        (movement.LUNGE, _("Lunge")),
        (movement.HORIZONTAL_PUSH, _("Horizontal push")),
        (movement.VERTICAL_PUSH, _("Vertical push")),
        (movement.HORIZONTAL_PULL, _("Horizontal pull")),
        (movement.VERTICAL_PULL, _("Vertical pull")),
        (movement.CARRY, _("Carry")),
        (movement.CORE, _("Core")),
        (movement.CONDITIONING, _("Conditioning")),
        (movement.ISOLATION, _("Isolation (calves, forearms, neck, hips)")),
        (movement.MOBILITY, _("Mobility")),
    ]
    EQUIPMENT_CHOICES = _choices(movement.EQUIPMENT)
    MUSCLE_CHOICES = _choices(movement.MUSCLES)
    CATEGORY_CHOICES = _choices(movement.CATEGORIES)
    LEVEL_CHOICES = _choices(movement.LEVELS)
    MECHANIC_CHOICES = _choices(movement.MECHANICS)
    FORCE_CHOICES = _choices(movement.FORCES)

    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Empty for the shared library."),
    )
    slug = models.CharField(_("key"), max_length=120, help_text=_("The data set's id for library exercises."))
    name = models.CharField(_("name"), max_length=160)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    primary_muscles = models.JSONField(_("primary muscles"), default=list)
    secondary_muscles = models.JSONField(_("secondary muscles"), default=list, blank=True)
    equipment = models.CharField(
        _("equipment"), max_length=32, choices=EQUIPMENT_CHOICES, blank=True, help_text=_("Empty: none needed.")
    )
    mechanic = models.CharField(_("mechanic"), max_length=16, choices=MECHANIC_CHOICES, blank=True)
    force = models.CharField(_("force"), max_length=16, choices=FORCE_CHOICES, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=LEVEL_CHOICES, default="beginner")
    category = models.CharField(_("category"), max_length=32, choices=CATEGORY_CHOICES, default="strength")
    movement_pattern = models.CharField(_("movement pattern"), max_length=24, choices=PATTERN_CHOICES)
    # Denormalised for search and filters that work the same on SQLite and PostgreSQL.
    search_text = models.CharField(max_length=600, editable=False, default="")
    common_name = models.CharField(max_length=160, editable=False, default="")
    muscle_index = models.CharField(max_length=300, editable=False, default="")
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(organization__isnull=True), name="exercise_library_slug_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "slug"],
                condition=Q(organization__isnull=False),
                name="exercise_org_slug_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["movement_pattern"], name="exercise_pattern"),
            models.Index(fields=["equipment"], name="exercise_equipment"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_index()
        super().save(*args, **kwargs)

    @property
    def is_library(self) -> bool:
        return self.organization_id is None

    @property
    def muscles(self) -> list[str]:
        return list(self.primary_muscles) + [m for m in self.secondary_muscles if m not in self.primary_muscles]

    def refresh_index(self) -> None:
        """Keep the search text and the muscle index in step with the fields."""
        words = [self.name, *self.aliases]
        self.search_text = " ".join(w.lower() for w in words)[:600]
        self.common_name = (self.aliases[0] if self.aliases else self.name)[:160]
        self.muscle_index = "|" + "|".join(self.primary_muscles) + "|"


def clip_upload_to(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "mp4"
    return f"training/clips/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


class ExerciseOverride(OrgOwned):
    """A business's own teaching for an exercise (library or its own): instructions, cues and
    video. Other businesses never see it."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="overrides")
    instructions = LimitedTextField(_("instructions"), blank=True, max_length=5000)
    cues = LimitedTextField(_("coaching cues"), blank=True, help_text=_("One cue per line."), max_length=2000)
    video_url = models.URLField(
        _("video link"), blank=True, help_text=_("A YouTube or Vimeo link, or an https link to an MP4 file.")
    )
    video_file = models.FileField(_("video clip"), upload_to=clip_upload_to, blank=True)
    video_file_type = models.CharField(_("clip type"), max_length=32, blank=True, help_text=_("Read from the clip."))
    video_duration_ms = models.PositiveIntegerField(_("clip length (ms)"), null=True, blank=True)
    image = models.FileField(_("image"), upload_to=clip_upload_to, blank=True, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=clip_upload_to, blank=True, max_length=200)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("exercise override")
        verbose_name_plural = _("exercise overrides")
        ordering = ["exercise__name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "exercise"], name="exercise_override_once_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} ({self.organization_id})"

    @property
    def cue_list(self) -> list[str]:
        return [line.strip() for line in self.cues.splitlines() if line.strip()]

    @property
    def has_media(self) -> bool:
        return bool(self.video_url or self.video_file or self.image)


# --- Programs -----------------------------------------------------------------------------------
class Goal(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    HYPERTROPHY = "hypertrophy", _("Muscle gain (hypertrophy)")
    FAT_LOSS = "fat_loss", _("Fat loss")
    GENERAL_FITNESS = "general_fitness", _("General fitness")
    ENDURANCE = "endurance", _("Endurance")


class ProgramQuerySet(OrgQuerySet):
    def templates(self) -> ProgramQuerySet:
        return self.filter(is_template=True)

    def library(self) -> ProgramQuerySet:
        """The business's programs that are not a client's own copy."""
        return self.filter(client__isnull=True)


class Program(OrgOwned):
    """A training program: weeks of workouts. A template lives in the business's library;
    assigning a program gives each client their own copy with a start date."""

    class Origin(models.TextChoices):
        COACH = "coach", _("Written by a coach")
        GENERATED = "generated", _("Generated draft")
        COPY = "copy", _("Copy")

    name = models.CharField(_("name"), max_length=160)
    description = LimitedTextField(_("description"), blank=True, max_length=5000)
    goal = models.CharField(_("goal"), max_length=24, choices=Goal.choices, blank=True)
    is_template = models.BooleanField(_("template"), default=False)
    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices, default=Origin.COACH)
    source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", verbose_name=_("copied from")
    )
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_programs",
        verbose_name=_("client"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    generation = models.JSONField(
        _("generation"), default=dict, blank=True, help_text=_("The profile, seed and reasons of a generated draft.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "is_template"], name="program_org_template"),
            models.Index(fields=["organization", "client"], name="program_org_client"),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramWeek(OrgOwned):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="weeks")
    position = models.PositiveSmallIntegerField(_("week"), default=1)
    is_deload = models.BooleanField(_("deload week"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("program week")
        verbose_name_plural = _("program weeks")
        ordering = ["program", "position", "id"]

    def __str__(self) -> str:
        return f"{self.program} · week {self.position}"


class Workout(OrgOwned):
    """One session of a week; `day` (1–7) places it within the week counted from the start date."""

    week = models.ForeignKey(ProgramWeek, on_delete=models.CASCADE, related_name="workouts")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="workouts")
    name = models.CharField(_("name"), max_length=120)
    day = models.PositiveSmallIntegerField(_("day of the week"), default=1)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    notes = LimitedTextField(_("notes"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("workout")
        verbose_name_plural = _("workouts")
        ordering = ["week__position", "day", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(day__gte=1) & Q(day__lte=7), name="workout_day_in_week"),
        ]

    def __str__(self) -> str:
        return self.name


class Block(OrgOwned):
    """Exercises done together: straight sets, a superset (alternate, rest after the pair) or a
    circuit (one round through all, `rounds` times)."""

    class Kind(models.TextChoices):
        STRAIGHT = "straight", _("Straight sets")
        SUPERSET = "superset", _("Superset")
        CIRCUIT = "circuit", _("Circuit")

    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.STRAIGHT)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    rounds = models.PositiveSmallIntegerField(_("rounds"), default=1, help_text=_("For circuits."))
    rest_seconds = models.PositiveIntegerField(_("rest after a round (s)"), default=0)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["workout", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.position}"


class PrescribedExercise(OrgOwned):
    """What to do: sets × reps (fixed, a range, a time or a distance) at a load (kg, % of 1RM,
    RPE or RIR), with tempo, rest and notes, and how it progresses week to week."""

    class RepsType(models.TextChoices):
        FIXED = "fixed", _("Reps")
        RANGE = "range", _("Rep range")
        TIME = "time", _("Time")
        DISTANCE = "distance", _("Distance")

    class LoadType(models.TextChoices):
        NONE = "none", _("Bodyweight / none")
        KG = "kg", _("kg")
        PERCENT_1RM = "percent_1rm", _("% of 1RM")
        RPE = "rpe", _("RPE")
        RIR = "rir", _("Reps in reserve")

    class Progression(models.TextChoices):
        NONE = "none", _("No progression")
        LOAD = "load", _("Add load")
        REPS = "reps", _("Add reps")
        SETS = "sets", _("Add sets")

    class ProgressionUnit(models.TextChoices):
        AMOUNT = "amount", _("by an amount")
        PERCENT = "percent", _("by a percentage")

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+", verbose_name=_("exercise"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    sets = models.PositiveSmallIntegerField(_("sets"), default=3)
    reps_type = models.CharField(_("reps as"), max_length=16, choices=RepsType.choices, default=RepsType.FIXED)
    reps_min = models.PositiveSmallIntegerField(_("reps"), null=True, blank=True)
    reps_max = models.PositiveSmallIntegerField(_("up to reps"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("time (s)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    load_type = models.CharField(_("load as"), max_length=16, choices=LoadType.choices, default=LoadType.NONE)
    load_value = models.DecimalField(_("load"), max_digits=7, decimal_places=2, null=True, blank=True)
    tempo = models.CharField(_("tempo"), max_length=12, blank=True, help_text=_("e.g. 3-1-1-0"))
    rest_seconds = models.PositiveIntegerField(_("rest (s)"), default=90)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    progression = models.CharField(
        _("progression"), max_length=8, choices=Progression.choices, default=Progression.NONE
    )
    progression_unit = models.CharField(
        _("progression by"), max_length=8, choices=ProgressionUnit.choices, default=ProgressionUnit.AMOUNT
    )
    progression_amount = models.DecimalField(
        _("progression step"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    deload_every = models.PositiveSmallIntegerField(
        _("deload every (weeks)"), null=True, blank=True, help_text=_("Empty: no deload.")
    )
    progress_on_target = models.BooleanField(_("progress only when the target was logged"), default=False)
    # A prescription written by progression from week 1 remembers its origin and step.
    progression_source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="progressed"
    )
    progression_step = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    allowed_swaps = models.ManyToManyField(
        Exercise,
        blank=True,
        related_name="+",
        verbose_name=_("allowed swaps"),
        help_text=_("Exercises the client may do instead when logging (equipment taken, a niggle)."),
    )

    class Meta:
        verbose_name = _("prescribed exercise")
        verbose_name_plural = _("prescribed exercises")
        ordering = ["block", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(sets__gte=1) & Q(sets__lte=20), name="prescribed_sets_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} {self.summary}"

    @property
    def reps_label(self) -> str:
        if self.reps_type == self.RepsType.TIME and self.duration_seconds:
            return f"{self.duration_seconds}s"
        if self.reps_type == self.RepsType.DISTANCE and self.distance_m:
            return f"{self.distance_m} m"
        if self.reps_type == self.RepsType.RANGE and self.reps_min and self.reps_max:
            return f"{self.reps_min}–{self.reps_max}"
        return str(self.reps_min or "")

    @property
    def load_label(self) -> str:
        return self.load_label_in("metric")

    def load_label_in(self, unit_system: str) -> str:
        """The load as the person reads it: a weight in their unit (kg or lb), effort as is."""
        from mecto.localization import format_number, kg_to_display, weight_unit

        if self.load_value is None or self.load_type == self.LoadType.NONE:
            return ""
        value = format_number(self.load_value)
        if self.load_type == self.LoadType.KG and unit_system == "metric":
            return f"{value} kg"
        if self.load_type == self.LoadType.KG:
            return f"{format_number(kg_to_display(self.load_value, unit_system))} {weight_unit(unit_system)}"
        return {
            self.LoadType.PERCENT_1RM: f"{value}% 1RM",
            self.LoadType.RPE: f"RPE {value}",
            self.LoadType.RIR: f"{value} RIR",
        }.get(self.load_type, value)

    @property
    def summary(self) -> str:
        return self.summary_in("metric")

    def summary_in(self, unit_system: str) -> str:
        parts = [f"{self.sets} × {self.reps_label}"]
        if load := self.load_label_in(unit_system):
            parts.append(f"@ {load}")
        return " ".join(parts)


class ScheduledWorkout(OrgOwned):
    """A workout of a client's program on a date of the client's calendar (their time zone)."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="scheduled_workouts")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="scheduled")
    workout = models.ForeignKey(Workout, on_delete=models.CASCADE, related_name="scheduled")
    date = models.DateField(_("date"), help_text=_("In the client's time zone."))
    due_at = models.DateTimeField(_("due"), help_text=_("The start of that day in the client's time zone, in UTC."))
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("scheduled workout")
        verbose_name_plural = _("scheduled workouts")
        ordering = ["date", "workout__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "workout"], name="scheduled_workout_once"),
        ]
        indexes = [models.Index(fields=["organization", "client", "date"], name="scheduled_client_date")]

    def __str__(self) -> str:
        return f"{self.workout} on {self.date}"


# --- Logs and records -----------------------------------------------------------------------------
class WorkoutLog(OrgOwned):
    """What a client did in one session. `client_uuid` is generated by the app, so a retried
    upload of the same session is stored once."""

    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        PARTIAL = "partial", _("Partly done")
        SKIPPED = "skipped", _("Skipped")

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="workout_logs")
    client_uuid = models.UUIDField(_("upload id"), help_text=_("Generated by the app; retries reuse it."))
    scheduled = models.ForeignKey(
        ScheduledWorkout, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs"
    )
    workout = models.ForeignKey(Workout, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs")
    name = models.CharField(_("name"), max_length=160, blank=True)
    performed_at = models.DateTimeField(_("performed"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.COMPLETED)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (min)"), null=True, blank=True)
    notes = LimitedTextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("workout log")
        verbose_name_plural = _("workout logs")
        ordering = ["-performed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "client", "client_uuid"], name="workout_log_upload_once"),
        ]
        indexes = [models.Index(fields=["organization", "client", "-performed_at"], name="workout_log_client_recent")]

    def __str__(self) -> str:
        return f"{self.name or self.workout or 'Workout'} · {self.performed_at:%Y-%m-%d}"


class SetLog(OrgOwned):
    """One set: reps, load, RPE, done or skipped. `e1rm_kg` is the Epley estimate of the set."""

    workout_log = models.ForeignKey(WorkoutLog, on_delete=models.CASCADE, related_name="sets")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="set_logs")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    prescribed = models.ForeignKey(
        PrescribedExercise, null=True, blank=True, on_delete=models.SET_NULL, related_name="set_logs"
    )
    set_number = models.PositiveSmallIntegerField(_("set"), default=1)
    reps = models.PositiveSmallIntegerField(_("reps"), null=True, blank=True)
    load_kg = models.DecimalField(_("load (kg)"), max_digits=7, decimal_places=2, null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("time (s)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    rpe = models.DecimalField(_("RPE"), max_digits=3, decimal_places=1, null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=True)
    from_prescription = models.BooleanField(
        _("as prescribed"),
        default=False,
        help_text=_("Marked done with fields left blank: those were taken from the prescription."),
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    e1rm_kg = models.DecimalField(_("estimated 1RM (kg)"), max_digits=7, decimal_places=2, null=True, blank=True)
    performed_at = models.DateTimeField(_("performed"))

    class Meta:
        verbose_name = _("set log")
        verbose_name_plural = _("set logs")
        ordering = ["workout_log", "set_number", "id"]
        indexes = [models.Index(fields=["organization", "client", "exercise"], name="set_log_client_exercise")]

    def __str__(self) -> str:
        return f"{self.exercise} set {self.set_number}"


class WorkoutSession(OrgOwned):
    """A scheduled workout being done now. Each set is saved as it is completed, so a closed tab
    or another device resumes where the client was; finishing stores it as a `WorkoutLog` whose
    upload id is the session's `public_id` (a finish sent twice is stored once)."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="workout_sessions")
    scheduled = models.ForeignKey(ScheduledWorkout, on_delete=models.CASCADE, related_name="sessions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    started_at = models.DateTimeField(_("started"))
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    workout_log = models.OneToOneField(
        WorkoutLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="session", verbose_name=_("log")
    )
    notes = LimitedTextField(_("notes"), blank=True, max_length=2000)
    # {prescribed exercise id: exercise id} for the coach's allowed swaps the client chose.
    swaps = models.JSONField(_("swaps"), default=dict, blank=True)

    class Meta:
        verbose_name = _("workout session")
        verbose_name_plural = _("workout sessions")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "scheduled"],
                condition=Q(finished_at__isnull=True),
                name="workout_session_one_open",
            ),
        ]
        indexes = [models.Index(fields=["organization", "client", "-started_at"], name="session_client_recent")]

    def __str__(self) -> str:
        return f"{self.scheduled.workout} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class SessionSet(OrgOwned):
    """One set of a session as the client saved it. Blank measures of a done set were done as
    prescribed (they are filled in from the prescription when the session is finished)."""

    session = models.ForeignKey(WorkoutSession, on_delete=models.CASCADE, related_name="sets")
    prescribed = models.ForeignKey(PrescribedExercise, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    set_number = models.PositiveSmallIntegerField(_("set"))
    reps = models.PositiveSmallIntegerField(_("reps"), null=True, blank=True)
    load_kg = models.DecimalField(_("load (kg)"), max_digits=7, decimal_places=2, null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("time (s)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance (m)"), null=True, blank=True)
    rpe = models.DecimalField(_("RPE"), max_digits=3, decimal_places=1, null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    completed_at = models.DateTimeField(_("completed"))

    class Meta:
        verbose_name = _("session set")
        verbose_name_plural = _("session sets")
        ordering = ["session", "prescribed__block__position", "prescribed__position", "set_number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "prescribed", "set_number"], name="session_set_once"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} set {self.set_number}"


class LogComment(OrgOwned):
    """A coach's (or the client's) comment on a logged workout."""

    workout_log = models.ForeignKey(WorkoutLog, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = LimitedTextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class PersonalRecord(OrgOwned):
    """A best a client set on an exercise: the heaviest estimated 1RM or the heaviest load."""

    class Kind(models.TextChoices):
        E1RM = "e1rm", _("Estimated 1RM")
        LOAD = "load", _("Heaviest load")

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="personal_records")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("record"), max_length=8, choices=Kind.choices)
    value_kg = models.DecimalField(_("value (kg)"), max_digits=7, decimal_places=2)
    previous_kg = models.DecimalField(_("previous best (kg)"), max_digits=7, decimal_places=2, null=True, blank=True)
    set_log = models.ForeignKey(SetLog, on_delete=models.CASCADE, related_name="records", null=True, blank=True)
    reps = models.PositiveSmallIntegerField(_("reps"), null=True, blank=True)
    load_kg = models.DecimalField(_("load (kg)"), max_digits=7, decimal_places=2, null=True, blank=True)
    achieved_at = models.DateTimeField(_("achieved"))

    class Meta:
        verbose_name = _("personal record")
        verbose_name_plural = _("personal records")
        ordering = ["-achieved_at", "-id"]
        indexes = [models.Index(fields=["organization", "client", "exercise", "kind"], name="record_client_exercise")]

    def __str__(self) -> str:
        return f"{self.exercise} {self.get_kind_display()} {self.value_kg} kg"


# --- Settings, inactivity and language-model usage ------------------------------------------------------
class TrainingSettings(OrgOwned):
    """A business's training settings: when a client counts as inactive, and its language-model
    allowance (used only when an OpenAI-compatible provider is configured)."""

    inactive_after_days = models.PositiveSmallIntegerField(
        _("inactive after (days)"), default=7, help_text=_("No workout logged for this many days; 0 turns it off.")
    )
    llm_monthly_quota = models.PositiveIntegerField(
        _("language-model calls per month"), default=200, help_text=_("0 turns the language model off.")
    )
    llm_requests_per_minute = models.PositiveSmallIntegerField(_("language-model calls per minute"), default=5)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("training settings")
        verbose_name_plural = _("training settings")
        constraints = [models.UniqueConstraint(fields=["organization"], name="training_settings_once_per_org")]

    def __str__(self) -> str:
        return f"Training settings of {self.organization_id}"


class InactivityAlert(OrgOwned):
    """`client.inactive` was raised for a client's spell without workouts; one per spell."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="inactivity_alerts")
    last_activity_at = models.DateTimeField(_("last workout or start"))
    days = models.PositiveSmallIntegerField(_("days without a workout"))
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)

    class Meta:
        verbose_name = _("inactivity alert")
        verbose_name_plural = _("inactivity alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "last_activity_at"], name="inactivity_alert_once_per_spell"),
        ]

    def __str__(self) -> str:
        return f"{self.client} inactive since {self.last_activity_at:%Y-%m-%d}"


class LanguageModelCall(OrgOwned):
    """One call (or refused call) to the language-model provider, for metering and quotas."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Answered")
        ERROR = "error", _("Failed; the local text was kept")
        OVER_QUOTA = "over_quota", _("Over the monthly quota")
        RATE_LIMITED = "rate_limited", _("Over the per-minute limit")

    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("language-model call")
        verbose_name_plural = _("language-model calls")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "created_at"], name="llm_call_org_recent")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} @ {self.created_at:%Y-%m-%d %H:%M}"


# --- Form-check videos on sets (their own module, part of this app's models) --------------------------
from .models_media import *  # noqa: E402, F403
