"""Habits: a business's library of habit templates, each client's habits, their daily logs,
coach-granted freeze days and the record of each streak that broke (see docs/nutrition.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned

# A day can still be completed until this hour (client's local time) of the next day.
DEFAULT_GRACE_HOUR = 12


class HabitKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes or no")
    COUNT = "count", _("Count towards a goal")
    DURATION = "duration", _("Minutes towards a goal")
    NUMBER = "number", _("A number with a unit")


class HabitFrequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKDAYS = "weekdays", _("On chosen days of the week")
    TIMES_PER_WEEK = "times_per_week", _("A number of times a week")
    EVERY_N_DAYS = "every_n_days", _("Every few days")
    ONCE = "once", _("Once, on one date")


class HabitQuantity(models.TextChoices):
    """What a number habit measures: plain numbers keep their unit label; physical quantities
    are stored in SI-accepted units (metres, kilograms, litres) and shown in the client's units."""

    PLAIN = "plain", _("A plain number (steps, pages…)")
    DISTANCE = "distance", _("Distance (stored in metres)")
    MASS = "mass", _("Weight (stored in kilograms)")
    VOLUME = "volume", _("Volume (stored in litres)")


class HabitRules(models.Model):
    """What a habit and a habit template share: what is measured and how often."""

    name = models.CharField(_("name"), max_length=120)
    description = LimitedTextField(_("description"), blank=True, max_length=1000)
    kind = models.CharField(_("type"), max_length=16, choices=HabitKind.choices, default=HabitKind.YES_NO)
    goal = models.DecimalField(
        _("goal"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1_000_000)],
        help_text=_("For counts, minutes and numbers: the amount that completes the day."),
    )
    quantity = models.CharField(
        _("measures"), max_length=16, choices=HabitQuantity.choices, default=HabitQuantity.PLAIN
    )
    unit_label = models.CharField(_("unit"), max_length=24, blank=True, help_text=_("For example glasses or steps."))
    frequency = models.CharField(
        _("how often"), max_length=16, choices=HabitFrequency.choices, default=HabitFrequency.DAILY
    )
    # ISO weekdays (1 = Monday … 7 = Sunday) for the "chosen days" frequency.
    weekdays = models.JSONField(_("days of the week"), default=list, blank=True)
    times_per_week = models.PositiveSmallIntegerField(
        _("times a week"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    interval_days = models.PositiveSmallIntegerField(
        _("every how many days"), null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(365)]
    )
    grace_hour = models.PositiveSmallIntegerField(
        _("completable until (hour of the next day)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(23)],
        help_text=_("Empty: the business's setting."),
    )

    class Meta:
        abstract = True


class HabitSettings(OrgOwned):
    """One per business: the grace period and whether clients may add their own habits."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    grace_hour = models.PositiveSmallIntegerField(
        _("a day can be completed until (hour of the next day)"),
        default=DEFAULT_GRACE_HOUR,
        validators=[MaxValueValidator(23)],
        help_text=_("In the client's time zone. 0 means no grace: a day ends at midnight."),
    )
    clients_may_add = models.BooleanField(
        _("clients may add habits"),
        default=True,
        help_text=_("Clients may pick habits from your library or write their own."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("habit settings")
        verbose_name_plural = _("habit settings")

    def __str__(self) -> str:
        return str(self.organization)


class HabitTemplate(HabitRules, OrgOwned):
    """A habit in the business's library, to assign to clients."""

    duration_days = models.PositiveSmallIntegerField(
        _("lasts (days)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("habit template")
        verbose_name_plural = _("habit templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Habit(HabitRules, OrgOwned):
    """A habit of one client, assigned by the coach or chosen by the client."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="habits", verbose_name=_("client")
    )
    template = models.ForeignKey(
        HabitTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="habits",
        verbose_name=_("from template"),
    )
    start_date = models.DateField(_("starts"), help_text=_("For a one-off habit: its date."))
    end_date = models.DateField(_("ends"), null=True, blank=True, help_text=_("Empty: no end."))
    # Stored for the client's app; no reminder is sent by the platform yet.
    reminder_time = models.TimeField(_("reminder time"), null=True, blank=True)
    added_by_client = models.BooleanField(_("added by the client"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("habit")
        verbose_name_plural = _("habits")
        ordering = ["client", "is_archived", "name", "id"]
        indexes = [models.Index(fields=["client", "is_archived"], name="habit_client_archived")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="habit_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.name}"


class HabitLog(OrgOwned):
    """What a client did for a habit on one of their local dates (one row per habit and date).

    `client_uuid` is the id the client's app generated for its latest write: a retried
    request with the same id changes nothing."""

    habit = models.ForeignKey(Habit, on_delete=models.CASCADE, related_name="logs", verbose_name=_("habit"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="habit_logs", verbose_name=_("client")
    )
    date = models.DateField(_("date"), help_text=_("The client's local date."))
    done = models.BooleanField(_("done"), default=False)
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Count, minutes or number (SI for physical quantities)."),
    )
    is_complete = models.BooleanField(_("complete"), default=False)
    client_uuid = models.UUIDField(_("request id"), default=uuid.uuid4)
    completed_event_at = models.DateTimeField(null=True, blank=True, editable=False)
    logged_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("habit log")
        verbose_name_plural = _("habit logs")
        ordering = ["-date", "habit"]
        constraints = [
            models.UniqueConstraint(fields=["habit", "date"], name="habit_log_one_per_day"),
            models.UniqueConstraint(fields=["client", "client_uuid"], name="habit_log_client_uuid_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.habit} · {self.date}"


class HabitFreeze(OrgOwned):
    """Days the coach excused: they neither break nor extend a streak. No habit: all habits."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="habit_freezes", verbose_name=_("client")
    )
    habit = models.ForeignKey(
        Habit,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="freezes",
        verbose_name=_("habit"),
        help_text=_("Empty: every habit of the client."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("habit freeze")
        verbose_name_plural = _("habit freezes")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="habit_freeze_range"),
        ]

    def __str__(self) -> str:
        return f"{self.client} · {self.start_date}–{self.end_date}"


class HabitStreakBreak(OrgOwned):
    """A streak that ended: one row per habit and missed day (the event's idempotency key)."""

    habit = models.ForeignKey(Habit, on_delete=models.CASCADE, related_name="breaks", verbose_name=_("habit"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="habit_streak_breaks", verbose_name=_("client")
    )
    broken_on = models.DateField(_("missed on"), help_text=_("The due day (or last day of the week) missed."))
    streak_length = models.PositiveIntegerField(_("streak that ended"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("broken habit streak")
        verbose_name_plural = _("broken habit streaks")
        ordering = ["-broken_on"]
        constraints = [
            models.UniqueConstraint(fields=["habit", "broken_on"], name="habit_streak_break_once"),
        ]

    def __str__(self) -> str:
        return f"{self.habit} · {self.broken_on}"
