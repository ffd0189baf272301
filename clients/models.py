"""Clients of a coaching business, from lead to former client."""

import secrets
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mecto.localization import METRIC, UNIT_SYSTEM_CHOICES, validate_time_zone
from mecto.tenancy import OrgOwned


class Client(OrgOwned):
    """A person coached by the business. `public_id` addresses them on client-facing pages."""

    class Status(models.TextChoices):
        LEAD = "lead", _("Lead")
        TRIAL = "trial", _("Trial")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        FORMER = "former", _("Former")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.LEAD)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coached_clients",
        verbose_name=_("coach"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="client_profiles",
        verbose_name=_("portal account"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    unit_system = models.CharField(_("units"), max_length=8, choices=UNIT_SYSTEM_CHOICES, default=METRIC)
    needs_medical_clearance = models.BooleanField(
        _("medical clearance needed"),
        default=False,
        help_text=_("Set when the client answers “yes” to a health-screening question."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["first_name", "last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "organization", condition=~Q(email=""), name="client_unique_email_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "user"], condition=Q(user__isnull=False), name="client_unique_user_per_org"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="client_org_status")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


# --- Intake forms ---------------------------------------------------------------------------------
def new_public_token() -> str:
    """An unguessable token for a public link (≈190 bits)."""
    return secrets.token_urlsafe(32)


class IntakeForm(OrgOwned):
    """A questionnaire prospects and clients fill in; every business starts with a default one.

    Its public link carries `public_token`; turning the link off or making a new token revokes it.
    """

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("introduction"), blank=True, help_text=_("Shown above the questions."))
    is_default = models.BooleanField(_("default form"), default=False)
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    is_public = models.BooleanField(
        _("public link on"), default=True, help_text=_("Anyone with the link can fill the form in.")
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("intake form")
        verbose_name_plural = _("intake forms")
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_default=True), name="intake_form_one_default_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IntakeSection(OrgOwned):
    """A group of questions; a health-screening section flags any "yes" for medical clearance."""

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="sections", verbose_name=_("form"))
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    is_health_screening = models.BooleanField(
        _("health screening"),
        default=False,
        help_text=_("A “yes” to any yes/no question here marks the client as needing medical clearance."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("intake section")
        verbose_name_plural = _("intake sections")
        ordering = ["form", "position", "id"]

    def __str__(self) -> str:
        return self.title


class IntakeQuestion(OrgOwned):
    """One question. `key` is a stable machine name (unique per form) that answers are stored under."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        DATE = "date", _("Date")
        YES_NO = "yes_no", _("Yes / no")
        SCALE = "scale", _("Scale")

    CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="questions", verbose_name=_("form"))
    section = models.ForeignKey(
        IntakeSection, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    key = models.SlugField(_("key"), max_length=64, allow_unicode=False)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_('[{"value": ..., "label": ...}]'))
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(_("minimum"), max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=10, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("intake question")
        verbose_name_plural = _("intake questions")
        ordering = ["form", "section__position", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="intake_question_unique_key_per_form")]

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


class IntakeRequest(OrgOwned):
    """An intake sent to an existing client: a single-use link that attaches the answers to them."""

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="requests", verbose_name=_("form"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="intake_requests", verbose_name=_("client")
    )
    token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake request")
        verbose_name_plural = _("intake requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.form} → {self.client}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.revoked_at is None


class IntakeSubmission(OrgOwned):
    """A filled-in intake. `answers` maps question keys to cleaned values; `questions` keeps the
    wording at the time, so answers stay readable after the form changes."""

    class Source(models.TextChoices):
        PUBLIC_LINK = "public_link", _("Public link")
        REQUEST = "request", _("Sent to the client")
        CLIENT_APP = "client_app", _("Client app")
        COACH = "coach", _("Entered by the coach")

    form = models.ForeignKey(IntakeForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="intake_submissions", verbose_name=_("client")
    )
    request = models.OneToOneField(
        IntakeRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="submission"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.PUBLIC_LINK)
    answers = models.JSONField(_("answers"), default=dict, encoder=DjangoJSONEncoder)
    questions = models.JSONField(_("questions as asked"), default=list, encoder=DjangoJSONEncoder)
    needs_medical_clearance = models.BooleanField(_("health screening flagged"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("intake submission")
        verbose_name_plural = _("intake submissions")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["client", "-submitted_at"], name="intake_sub_client_recent")]

    def __str__(self) -> str:
        return f"{self.client} · {self.submitted_at:%Y-%m-%d}"
