"""What a client aims to eat: targets per kind of day, and their nutrition settings."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned


class NutritionSettings(OrgOwned):
    """One per client: how their targets vary and how strictly adherence is judged."""

    class TargetMode(models.TextChoices):
        SAME = "same", _("The same every day")
        TRAINING_REST = "training_rest", _("Training days and rest days")
        WEEKDAY = "weekday", _("Per day of the week")

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="nutrition_settings", verbose_name=_("client")
    )
    target_mode = models.CharField(_("targets"), max_length=16, choices=TargetMode.choices, default=TargetMode.SAME)
    # ISO weekdays (1 = Monday) that count as training days when no workout is scheduled.
    training_weekdays = models.JSONField(_("training days"), default=list, blank=True)
    tolerance_percent = models.PositiveSmallIntegerField(
        _("adherence tolerance (%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("A day is on target when each tracked value is within this much of its target."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("nutrition settings")
        verbose_name_plural = _("nutrition settings")

    def __str__(self) -> str:
        return str(self.client)


class NutritionTarget(OrgOwned):
    """Daily targets for one kind of day of one client. Empty values are not tracked."""

    class DayKind(models.TextChoices):
        EVERY_DAY = "every_day", _("Every day")
        TRAINING = "training", _("Training day")
        REST = "rest", _("Rest day")
        MONDAY = "mon", _("Monday")
        TUESDAY = "tue", _("Tuesday")
        WEDNESDAY = "wed", _("Wednesday")
        THURSDAY = "thu", _("Thursday")
        FRIDAY = "fri", _("Friday")
        SATURDAY = "sat", _("Saturday")
        SUNDAY = "sun", _("Sunday")

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="nutrition_targets", verbose_name=_("client")
    )
    day_kind = models.CharField(_("day"), max_length=16, choices=DayKind.choices, default=DayKind.EVERY_DAY)
    energy_kcal = models.PositiveIntegerField(
        _("energy (kcal)"), null=True, blank=True, validators=[MinValueValidator(500), MaxValueValidator(10000)]
    )
    protein_g = models.DecimalField(
        _("protein (g)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    carbohydrate_g = models.DecimalField(
        _("carbohydrate (g)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    fat_g = models.DecimalField(
        _("fat (g)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    fibre_g = models.DecimalField(
        _("fibre (g)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    note = LimitedTextField(_("note"), blank=True, max_length=2000, help_text=_("How the targets were worked out."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("nutrition target")
        verbose_name_plural = _("nutrition targets")
        ordering = ["client", "day_kind"]
        constraints = [
            models.UniqueConstraint(fields=["client", "day_kind"], name="nutrition_target_client_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_day_kind_display()}"
