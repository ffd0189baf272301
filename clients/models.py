"""Clients of a coaching business, from lead to former client."""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import InvitationBase
from mecto.crypto import EncryptedTextField, hash_token
from mecto.fields import LimitedTextField
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

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Added by the coach")
        INTAKE = "intake", _("Intake form")
        IMPORT = "import", _("Imported")
        REFERRAL = "referral", _("Referral")
        WEBSITE = "website", _("Website")
        SOCIAL = "social", _("Social media")
        BOOKING = "booking", _("Booking page")
        OTHER = "other", _("Other")

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
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    height_cm = models.DecimalField(
        _("height (cm)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("50")), MaxValueValidator(Decimal("260"))],
    )
    goals = LimitedTextField(_("goals"), blank=True, max_length=2000)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=120, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=32, blank=True)
    emergency_contact_relationship = models.CharField(_("relationship"), max_length=60, blank=True)
    email_consent = models.BooleanField(_("email marketing consent"), default=False)
    email_consent_at = models.DateTimeField(_("email consent changed"), null=True, blank=True)
    email_consent_method = models.CharField(_("how email consent was given"), max_length=200, blank=True)
    sms_consent = models.BooleanField(_("SMS marketing consent"), default=False)
    sms_consent_at = models.DateTimeField(_("SMS consent changed"), null=True, blank=True)
    sms_consent_method = models.CharField(_("how SMS consent was given"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    needs_medical_clearance = models.BooleanField(
        _("medical clearance needed"),
        default=False,
        help_text=_("Set when the client answers “yes” to a health-screening question."),
    )
    is_demo = models.BooleanField(
        _("demo client"),
        default=False,
        help_text=_("Sample data to try the product with; “Remove demo data” deletes it and what hangs from it."),
    )
    tags = models.ManyToManyField("clients.Tag", through="clients.ClientTag", related_name="clients", blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["first_name", "last_name", "id"]
        # The back office's `clients.health`: dates of birth, emergency contacts, clearance and
        # intake answers (the change page, lists, filters, the 360 page and intake submissions).
        permissions = [("view_health", _("Can see clients' health details and intake answers"))]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "organization", condition=~Q(email=""), name="client_unique_email_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "user"], condition=Q(user__isnull=False), name="client_unique_user_per_org"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="client_org_status"),
            # The lists' default order (by name): a page reads the index instead of sorting them all.
            models.Index(fields=["organization", "first_name", "last_name", "id"], name="client_org_name"),
        ]

    # Health-adjacent details: only members with `clients.health` read or change them (pages,
    # API, back office), see the role matrix in docs/platform.md.
    HEALTH_FIELDS = (
        "date_of_birth",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relationship",
        "needs_medical_clearance",
    )

    def __str__(self) -> str:
        return self.full_name

    @property
    def age(self) -> int | None:
        if not self.date_of_birth:
            return None
        today = timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class PortalInvitation(InvitationBase):
    """An invitation for a client to set up their portal account (client pages and the app).

    Accepted on the same page as team invitations (`/invitations/<token>/`), which links the
    new account to `client`.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("client"))

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} (client)"


class StatusChange(OrgOwned):
    """One step in a client's lifecycle (lead → trial → active → paused → former)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=Client.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Client.Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client}: {self.from_status or '—'} → {self.to_status}"


class Tag(OrgOwned):
    """A label coaches put on clients ("online", "marathon 2026") to filter and target them."""

    name = models.CharField(_("name"), max_length=40)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), "organization", name="tag_unique_name_per_org")]

    def __str__(self) -> str:
        return self.name


class ClientTag(OrgOwned):
    """A tag on a client (an explicit row so it carries its organisation like every other)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="client_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="client_tags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client tag")
        verbose_name_plural = _("client tags")
        constraints = [models.UniqueConstraint(fields=["client", "tag"], name="client_tag_once")]

    def __str__(self) -> str:
        return f"{self.client} · {self.tag}"


class Note(OrgOwned):
    """A private coach note about a client; clients never see these."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = LimitedTextField(_("note"), max_length=10_000)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("edited"), auto_now=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-is_pinned", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]


# --- Intake forms ---------------------------------------------------------------------------------
def new_public_token() -> str:
    """An unguessable token for a public link (≈190 bits)."""
    return secrets.token_urlsafe(32)


class IntakeForm(OrgOwned):
    """A questionnaire prospects and clients fill in; every business starts with a default one.

    Its public link carries `public_token`; turning the link off or making a new token revokes it.
    The coach copies the link again later, so the token is kept encrypted; the link is looked
    up by `public_token_hash`.
    """

    name = models.CharField(_("name"), max_length=120)
    description = LimitedTextField(
        _("introduction"), blank=True, help_text=_("Shown above the questions."), max_length=2000
    )
    is_default = models.BooleanField(_("default form"), default=False)
    public_token = EncryptedTextField(
        default=new_public_token, editable=False, max_length=128, validators=[MaxLengthValidator(128)]
    )
    public_token_hash = models.CharField(max_length=64, unique=True, editable=False)
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

    def save(self, *args, **kwargs):
        self.public_token_hash = hash_token(self.public_token)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "public_token" in update_fields:
            kwargs["update_fields"] = {*update_fields, "public_token_hash"}
        super().save(*args, **kwargs)


class IntakeSection(OrgOwned):
    """A group of questions; a health-screening section flags any "yes" for medical clearance."""

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="sections", verbose_name=_("form"))
    title = models.CharField(_("title"), max_length=160)
    description = LimitedTextField(_("description"), blank=True, max_length=2000)
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
    """An intake sent to an existing client: a single-use link that attaches the answers to them.

    Only a hash of the link's token is stored; the token travels in the email."""

    form = models.ForeignKey(IntakeForm, on_delete=models.CASCADE, related_name="requests", verbose_name=_("form"))
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="intake_requests", verbose_name=_("client")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
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

    class Review(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PENDING = "pending", _("Submitted via public link — email not verified")
        DISCARDED = "discarded", _("Discarded")

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
    # A public-link submission whose email matches an existing client: anyone can type any
    # email, so its answers count only once the coach accepts them, and it never changes the
    # client's own fields. `contact` and `consents` keep what the person typed and ticked.
    review = models.CharField(_("review"), max_length=16, choices=Review.choices, default=Review.ACCEPTED)
    contact = models.JSONField(_("contact details as typed"), default=dict, blank=True)
    consents = models.JSONField(_("consents ticked"), default=dict, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("intake submission")
        verbose_name_plural = _("intake submissions")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["client", "-submitted_at"], name="intake_sub_client_recent")]

    def __str__(self) -> str:
        return f"{self.client} · {self.submitted_at:%Y-%m-%d}"


# --- Progress ---------------------------------------------------------------------------------------
class Metric(OrgOwned):
    """Something a business tracks over time: body measurements (built in, stored in SI),
    mood, energy and sleep (built in), or a metric the coach defines."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("Number")
        SCALE = "scale", _("Scale 1–10")
        YES_NO = "yes_no", _("Yes / no")

    class Quantity(models.TextChoices):
        NONE = "", _("Plain number")
        MASS = "mass", _("Body mass (kg / lb)")
        LENGTH = "length", _("Length (cm / in)")
        PERCENT = "percent", _("Percentage")

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")
        NEUTRAL = "neutral", _("Neither")

    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices, default=Kind.NUMBER)
    quantity = models.CharField(_("measures"), max_length=8, choices=Quantity.choices, blank=True, default="")
    unit = models.CharField(_("unit"), max_length=16, blank=True, help_text=_("For plain numbers, e.g. steps, h, bpm."))
    direction = models.CharField(_("better when"), max_length=8, choices=Direction.choices, default=Direction.UP)
    target = models.DecimalField(
        _("default target"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Stored in SI units (kg, cm); each client can have their own."),
    )
    is_builtin = models.BooleanField(_("built in"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveIntegerField(_("position"), default=100)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["position", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="metric_unique_key_per_org")]

    def __str__(self) -> str:
        return self.name


class MetricTarget(OrgOwned):
    """A client's own target for a metric (in SI units), drawn as a line on their chart."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="metric_targets")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="client_targets")
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("client target")
        verbose_name_plural = _("client targets")
        constraints = [models.UniqueConstraint(fields=["client", "metric"], name="metric_target_once")]

    def __str__(self) -> str:
        return f"{self.client} · {self.metric}: {self.value}"


class ProgressEntry(OrgOwned):
    """One value of one metric for one client on one day, in SI units (kg, cm, %).
    Logging the same metric again on the same day replaces the value."""

    class Source(models.TextChoices):
        COACH = "coach", _("Coach")
        CLIENT = "client", _("Client")
        DEVICE = "device", _("Health app")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="progress_entries")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="entries")
    recorded_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("logged by"), max_length=8, choices=Source.choices, default=Source.COACH)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-recorded_on", "metric__position", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "metric", "recorded_on"], name="progress_entry_one_per_day")
        ]
        indexes = [models.Index(fields=["client", "metric", "recorded_on"], name="progress_client_metric_day")]

    def __str__(self) -> str:
        return f"{self.client} · {self.metric} {self.recorded_on}: {self.value}"


def _private_upload_path(instance, filename: str) -> str:
    # Never a guessable path: a random name under the business; served only through a checked view.
    extension = filename[filename.rfind(".") :] if "." in filename else ""
    return f"clients/{instance.organization_id}/{uuid.uuid4().hex}{extension}"


class ProgressPhoto(OrgOwned):
    """A progress photo: re-encoded without EXIF (no GPS), upright, with a thumbnail; readable
    only by the client and their business's coaches."""

    class Pose(models.TextChoices):
        FRONT = "front", _("Front")
        SIDE = "side", _("Side")
        BACK = "back", _("Back")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="photos")
    taken_on = models.DateField(_("taken on"))
    pose = models.CharField(_("pose"), max_length=8, choices=Pose.choices, default=Pose.FRONT)
    image = models.FileField(_("photo"), upload_to=_private_upload_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=_private_upload_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size_bytes = models.PositiveIntegerField(_("size"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    source = models.CharField(_("uploaded by"), max_length=8, choices=ProgressEntry.Source.choices, default="coach")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["-taken_on", "pose", "-id"]
        indexes = [models.Index(fields=["client", "pose", "taken_on"], name="photo_client_pose_day")]

    def __str__(self) -> str:
        return f"{self.client} · {self.get_pose_display()} {self.taken_on}"


# --- Messaging --------------------------------------------------------------------------------------
class Thread(OrgOwned):
    """A conversation between a client and their business's coaches."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="threads")
    subject = models.CharField(_("subject"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]

    def __str__(self) -> str:
        return self.subject or f"{self.client}"


class Message(OrgOwned):
    """One message, with an optional attachment (stored privately, served after a check)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_client = models.BooleanField(_("from the client"), default=False)
    body = LimitedTextField(_("message"), blank=True, max_length=5000)
    attachment = models.FileField(_("attachment"), upload_to=_private_upload_path, max_length=200, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=120, blank=True)
    attachment_type = models.CharField(_("file type"), max_length=60, blank=True)
    attachment_size = models.PositiveIntegerField(_("file size"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["thread", "-created_at"], name="message_thread_recent")]

    def __str__(self) -> str:
        return self.body[:60] or self.attachment_name


class ThreadRead(OrgOwned):
    """Up to when a person has read a conversation: what came later is unread for them."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField(_("read up to"))

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="thread_read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread} up to {self.last_read_at:%Y-%m-%d %H:%M}"


class SavedClientView(OrgOwned):
    """A named set of the clients list's filters and sort, kept by a member; a shared view is
    offered to the whole team (only its owner changes or deletes it)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.JSONField(_("filters and sort"), default=dict, blank=True)
    is_shared = models.BooleanField(_("shared with the team"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved clients view")
        verbose_name_plural = _("saved clients views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "owner", "name"], name="saved_client_view_name_once")
        ]

    def __str__(self) -> str:
        return self.name


# --- Import -----------------------------------------------------------------------------------------
class ClientImport(OrgOwned):
    """A CSV of clients: uploaded, mapped column by column, previewed, then run as a task that
    records its progress and every refused row (with the row number and the field)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to=_private_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    headers = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict, help_text=_("Column index → client field"))
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("clients added"), default=0)
    error_count = models.PositiveIntegerField(_("rows refused"), default=0)
    errors = models.JSONField(_("refused rows"), default=list, help_text=_("[{row, field, message}]"))
    failure = LimitedTextField(_("failure"), blank=True, max_length=10_000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("client import")
        verbose_name_plural = _("client imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 100

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


# --- Check-ins and waivers (their own module, part of this app's models) ---------------------------
from .models_checkins import *  # noqa: E402, F403
from .models_groups import *  # noqa: E402, F403
from .models_health import *  # noqa: E402, F403
from .models_inbox import *  # noqa: E402, F403
from .models_media import *  # noqa: E402, F403
from .models_privacy import *  # noqa: E402, F403
