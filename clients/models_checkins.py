"""Check-ins and waivers: the weekly accountability loop and what a client signs.

Imported by `clients.models` (the app's models module); kept in their own module so the
intake, progress and messaging models above stay readable.

- A **check-in form** is built like an intake form (text, choice, 1–10 scale, number),
  plus metric questions bound to a progress metric (answers become progress entries, in SI)
  and photo slots (front / side / back) that become progress photos.
- A **check-in schedule** says when a client fills a form in: weekly on a weekday, every N
  weeks, or monthly on a day, at a local time in the client's time zone.
- A **check-in** is one occurrence: due from its time, overdue after the form's grace,
  submitted by the client, reviewed (and answered) by the coach.
- A **waiver** (or the health-data consent) is a document with numbered versions; a new
  version is a new row and a published one is never edited. A **signature** keeps the
  version, a hash of the exact text, when, from where (IP, user agent) and how.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.fields import LimitedTextField
from mecto.tenancy import OrgOwned

__all__ = [
    "CheckInForm",
    "CheckInQuestion",
    "CheckInSchedule",
    "CheckIn",
    "WaiverDocument",
    "WaiverVersion",
    "WaiverSignature",
]


# --- Check-ins --------------------------------------------------------------------------------------
class CheckInForm(OrgOwned):
    """The questions a client answers at each check-in (e.g. "Weekly check-in")."""

    name = models.CharField(_("name"), max_length=120)
    description = LimitedTextField(
        _("introduction"), blank=True, max_length=2000, help_text=_("Shown above the questions.")
    )
    grace_hours = models.PositiveIntegerField(
        _("grace (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("How long after it is due a check-in counts as overdue (and missed)."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("check-in form")
        verbose_name_plural = _("check-in forms")
        ordering = ["is_archived", "name", "id"]

    def __str__(self) -> str:
        return self.name


class CheckInQuestion(OrgOwned):
    """One question of a check-in form; `key` is stable (answers are stored under it)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        SCALE = "scale", _("Scale 1–10")
        YES_NO = "yes_no", _("Yes / no")
        METRIC = "metric", _("Progress metric (weight, waist…)")
        PHOTO = "photo", _("Progress photo")

    class Pose(models.TextChoices):
        FRONT = "front", _("Front")
        SIDE = "side", _("Side")
        BACK = "back", _("Back")

    CHOICE_KINDS = (Kind.SINGLE_CHOICE,)

    form = models.ForeignKey(CheckInForm, on_delete=models.CASCADE, related_name="questions", verbose_name=_("form"))
    key = models.SlugField(_("key"), max_length=64)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_('[{"value": ..., "label": ...}]'))
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(_("minimum"), max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=10, decimal_places=2, null=True, blank=True)
    metric = models.ForeignKey(
        "clients.Metric",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checkin_questions",
        verbose_name=_("metric"),
        help_text=_("For a metric question: the progress metric its answer is logged to."),
    )
    pose = models.CharField(_("pose"), max_length=8, choices=Pose.choices, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("check-in question")
        verbose_name_plural = _("check-in questions")
        ordering = ["form", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="checkin_question_unique_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_values(self) -> list[str]:
        return [str(c["value"]) for c in self.choices or []]

    def choice_label(self, value) -> str:
        for c in self.choices or []:
            if str(c["value"]) == str(value):
                return str(c["label"])
        return str(value)


class CheckInSchedule(OrgOwned):
    """When a client checks in: computed in the client's time zone, so 18:00 on Sunday stays
    18:00 on Sunday across clock changes. `next_due_at` (UTC) is the next occurrence."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every N weeks on a weekday")
        MONTHLY = "monthly", _("Monthly on a day")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="checkin_schedules", verbose_name=_("client")
    )
    form = models.ForeignKey(
        CheckInForm, on_delete=models.PROTECT, related_name="schedules", verbose_name=_("check-in form")
    )
    frequency = models.CharField(_("repeats"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY)
    interval_weeks = models.PositiveSmallIntegerField(
        _("every N weeks"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.SUNDAY)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("In shorter months, the last day."),
    )
    local_time = models.TimeField(_("time (client's time zone)"), default="09:00")
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    is_active = models.BooleanField(_("active"), default=True)
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("check-in schedule")
        verbose_name_plural = _("check-in schedules")
        ordering = ["client", "id"]
        constraints = [models.UniqueConstraint(fields=["client", "form"], name="checkin_schedule_one_per_form")]

    def __str__(self) -> str:
        return f"{self.client} · {self.form}"


class CheckIn(OrgOwned):
    """One check-in of a client: opened when it falls due, then submitted, then reviewed."""

    class Status(models.TextChoices):
        DUE = "due", _("Waiting for the client")
        SUBMITTED = "submitted", _("Waiting for review")
        REVIEWED = "reviewed", _("Reviewed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="checkins", verbose_name=_("client")
    )
    form = models.ForeignKey(CheckInForm, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("form"))
    schedule = models.ForeignKey(
        CheckInSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    due_at = models.DateTimeField(_("due"), db_index=True)
    overdue_at = models.DateTimeField(_("overdue from"))
    missed_at = models.DateTimeField(
        _("marked missed"), null=True, blank=True, help_text=_("When the grace ran out without a submission.")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    submission_key = models.CharField(
        _("submission id"), max_length=64, blank=True, help_text=_("Sent by the client app: a retry is not a second.")
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    questions = models.JSONField(_("questions as asked"), default=list, blank=True, encoder=DjangoJSONEncoder)
    metric_values = models.JSONField(
        _("metric values (SI)"), default=dict, blank=True, encoder=DjangoJSONEncoder, help_text=_("Metric key → value")
    )
    photos = models.ManyToManyField(
        "clients.ProgressPhoto", blank=True, related_name="checkins", verbose_name=_("photos")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.ForeignKey(
        "clients.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reply")
    )
    due_notified_at = models.DateTimeField(_("client reminded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_at"], name="checkin_once_per_occurrence"),
            models.UniqueConstraint(
                fields=["client", "submission_key"], condition=~Q(submission_key=""), name="checkin_submission_once"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "submitted_at"], name="checkin_review_queue")]

    def __str__(self) -> str:
        return f"{self.client} · {self.form} {self.due_at:%Y-%m-%d}"

    def is_overdue(self, now=None) -> bool:
        return self.status == self.Status.DUE and (now or timezone.now()) >= self.overdue_at

    def state(self, now=None) -> str:
        """due, overdue, submitted or reviewed: what the lists show."""
        return "overdue" if self.is_overdue(now) else self.status

    def state_label(self, now=None) -> str:
        return _("Overdue") if self.is_overdue(now) else self.get_status_display()


# --- Waivers and consent ----------------------------------------------------------------------------
class WaiverDocument(OrgOwned):
    """A waiver, terms or consent a client signs; its text lives in numbered versions."""

    class Kind(models.TextChoices):
        WAIVER = "waiver", _("Waiver / terms")
        HEALTH_CONSENT = "health_consent", _("Consent to process health data")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WAIVER)
    title = models.CharField(_("title"), max_length=160)
    required_for_booking = models.BooleanField(
        _("required before booking"),
        default=True,
        help_text=_("Clients must sign the current version before they book a session."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("waiver document")
        verbose_name_plural = _("waiver documents")
        ordering = ["is_archived", "kind", "title", "id"]

    def __str__(self) -> str:
        return self.title


class WaiverVersion(OrgOwned):
    """One version of a document's text. Published versions are never edited: a change is
    a new version, and everyone signs again."""

    document = models.ForeignKey(
        WaiverDocument, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=160)
    body = LimitedTextField(_("text"), max_length=50_000)
    text_hash = models.CharField(_("text hash (SHA-256)"), max_length=64, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("waiver version")
        verbose_name_plural = _("waiver versions")
        ordering = ["document", "-version"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="waiver_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class WaiverSignature(OrgOwned):
    """Proof a client agreed to one exact version: the text's hash, when, from where, how."""

    class Method(models.TextChoices):
        TYPED = "typed", _("Typed full name")
        DRAWN = "drawn", _("Drawn signature")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Client portal")
        APP = "app", _("Client app")
        PUBLIC_INTAKE = "public_intake", _("Public intake form")
        PUBLIC_LINK = "public_link", _("Signing link from the booking page (email not verified)")

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="waiver_signatures", verbose_name=_("client")
    )
    document = models.ForeignKey(
        WaiverDocument, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("document")
    )
    version = models.ForeignKey(
        WaiverVersion, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("version")
    )
    version_number = models.PositiveIntegerField(_("version signed"))
    text_hash = models.CharField(_("hash of the text signed"), max_length=64)
    method = models.CharField(_("how"), max_length=8, choices=Method.choices)
    typed_name = models.CharField(_("name typed"), max_length=160)
    drawn_signature = LimitedTextField(
        _("drawn signature (PNG, base64)"),
        blank=True,
        max_length=140_000,
        help_text=_("Re-encoded PNG, at most 100 KB."),
    )
    source = models.CharField(_("where"), max_length=16, choices=Source.choices, default=Source.PORTAL)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=400, blank=True)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["client", "version"], name="waiver_signed_once_per_version")]

    def __str__(self) -> str:
        return f"{self.client} · {self.version}"
