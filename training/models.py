"""Training: the exercise library, programs and their prescriptions, schedules, logs and records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    return [(v, v.replace("_", " ").capitalize()) for v in values]


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
    instructions = models.TextField(_("instructions"), blank=True)
    cues = models.TextField(_("coaching cues"), blank=True, help_text=_("One cue per line."))
    video_url = models.URLField(_("video link"), blank=True, help_text=_("A YouTube or Vimeo link."))
    video_file = models.FileField(_("video clip"), upload_to=clip_upload_to, blank=True)
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
