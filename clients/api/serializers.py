from functools import cached_property

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mecto.api_base import OrgModelSerializer, TimeZoneField
from mecto.comms.models import Consent

from ..models import (
    Client,
    IntakeForm,
    IntakeQuestion,
    IntakeRequest,
    IntakeSection,
    IntakeSubmission,
    Message,
    Metric,
    Note,
    PortalInvitation,
    ProgressEntry,
    ProgressPhoto,
    SavedClientView,
    StatusChange,
    Tag,
    Thread,
)
from .serializers_media import FormCheckVideoSerializer


class TagNamesField(serializers.ListField):
    """Tags as names: read from the prefetched tags, written as names (new names create tags)."""

    child = serializers.CharField(max_length=40)

    def to_representation(self, value):
        if hasattr(value, "all"):
            return [tag.name for tag in value.all()]
        return super().to_representation(value)


class ClientFiguresSerializer(serializers.Serializer):
    """What the clients list shows about a client: who needs the coach today."""

    last_active_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Latest of their last login, workout logged and message sent.")
    )
    program_ends_on = serializers.DateField(allow_null=True, help_text=_("The last scheduled day of their program."))
    adherence = serializers.IntegerField(
        allow_null=True,
        help_text=_("Percent of the workouts scheduled in the last 14 days (their time zone) that they did."),
    )
    workouts_scheduled = serializers.IntegerField()
    workouts_done = serializers.IntegerField()
    unread_messages = serializers.IntegerField(help_text=_("Their messages you have not read."))
    overdue_checkins = serializers.IntegerField()
    overdue_invoices = serializers.IntegerField()
    credits_left = serializers.IntegerField(allow_null=True, help_text=_("Session credits left; null with none ever."))


class ClientSerializer(OrgModelSerializer):
    full_name = serializers.CharField(read_only=True)
    time_zone = TimeZoneField(required=False)
    has_portal_account = serializers.SerializerMethodField()
    tags = TagNamesField(required=False, help_text=_("Tag names; unknown names create the tag."))
    email_consent = serializers.BooleanField(read_only=True)
    sms_consent = serializers.BooleanField(read_only=True)
    is_demo = serializers.BooleanField(read_only=True, help_text=_("Sample data (removed with the demo data)."))
    figures = serializers.SerializerMethodField(help_text=_("In lists only (null on one client)."))

    class Meta:
        model = Client
        fields = [
            "id",
            "public_id",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "phone",
            "status",
            "status_changed_at",
            "coach",
            "tags",
            "date_of_birth",
            "sex",
            "height_cm",
            "goals",
            "source",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relationship",
            "email_consent",
            "email_consent_at",
            "email_consent_method",
            "sms_consent",
            "sms_consent_at",
            "sms_consent_method",
            "needs_medical_clearance",
            "time_zone",
            "unit_system",
            "has_portal_account",
            "is_demo",
            "figures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "public_id",
            "status_changed_at",
            "email_consent_at",
            "email_consent_method",
            "sms_consent_at",
            "sms_consent_method",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"status": {"help_text": _("Changes are kept in the status history.")}}

    # Health-adjacent details are for roles with `clients.health`: the others never get the
    # fields, and a body that sets one is a 400 naming it (not silently ignored).
    HEALTH_FIELDS = Client.HEALTH_FIELDS

    @extend_schema_field(ClientFiguresSerializer(allow_null=True))
    def get_figures(self, obj):
        if not hasattr(obj, "adherence"):
            return None
        return self._figures.to_representation(obj)

    @cached_property
    def _figures(self) -> ClientFiguresSerializer:
        # One for the whole list: a serializer per row rebuilt its nine fields for every client.
        return ClientFiguresSerializer()

    def _without_health(self) -> bool:
        tenant = getattr(self.context.get("request"), "tenant", None)
        return tenant is not None and tenant.is_member and not tenant.can("clients.health")

    def get_fields(self):
        fields = super().get_fields()
        if self._without_health():
            for name in self.HEALTH_FIELDS:
                fields.pop(name, None)
        return fields

    def to_internal_value(self, data):
        if self._without_health() and hasattr(data, "keys"):
            refused = [name for name in self.HEALTH_FIELDS if name in data]
            if refused:
                message = _("Your role cannot see or change health details (date of birth, emergency contact).")
                raise serializers.ValidationError({name: [message] for name in refused})
        return super().to_internal_value(data)

    def get_has_portal_account(self, client) -> bool:
        return client.user_id is not None

    def validate(self, attrs):
        # Uniqueness is checked by the service with a message for people.
        return attrs

    def get_validators(self):
        return []


class StatusChangeRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Client.Status.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.StringRelatedField()
    from_status = serializers.CharField(help_text=_("lead, trial, active, paused, former; empty when added"))
    to_status = serializers.CharField(help_text=_("lead, trial, active, paused or former"))

    class Meta:
        model = StatusChange
        fields = ["id", "from_status", "to_status", "note", "changed_by", "changed_at"]


class ConsentRecordSerializer(OrgModelSerializer):
    recorded_by = serializers.StringRelatedField(read_only=True)
    address = serializers.CharField(
        read_only=True, help_text=_("The email address or phone number (E.164) the consent was recorded for")
    )

    class Meta:
        model = Consent
        fields = ["id", "channel", "granted", "method", "address", "recorded_by", "recorded_at"]
        read_only_fields = ["id", "address", "recorded_by", "recorded_at"]


class NoteSerializer(OrgModelSerializer):
    author = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Note
        fields = ["id", "body", "is_pinned", "author", "created_at", "updated_at"]
        read_only_fields = ["id", "author", "created_at", "updated_at"]


class TagSerializer(OrgModelSerializer):
    client_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Tag
        fields = ["id", "name", "client_count", "created_at"]
        read_only_fields = ["id", "client_count", "created_at"]

    def get_validators(self):
        return []


class TimelineItemSerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    name = serializers.CharField(help_text=_("The event, e.g. client.status_changed"))
    title = serializers.CharField()
    actor = serializers.CharField()


# --- Intake -------------------------------------------------------------------------------------------
class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class IntakeQuestionSerializer(OrgModelSerializer):
    choices = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        help_text=_('Labels, or {"value", "label"} objects (single and multiple choice only).'),
    )
    key = serializers.CharField(
        required=False, max_length=64, help_text=_("Stable machine name; set once, from the label if omitted.")
    )

    class Meta:
        model = IntakeQuestion
        fields = [
            "id",
            "section",
            "key",
            "label",
            "help_text",
            "kind",
            "choices",
            "required",
            "min_value",
            "max_value",
            "position",
        ]
        read_only_fields = ["id", "position"]

    def get_validators(self):
        return []


class IntakeSectionSerializer(OrgModelSerializer):
    questions = IntakeQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = IntakeSection
        fields = ["id", "title", "description", "is_health_screening", "position", "questions"]
        read_only_fields = ["id", "position", "questions"]


class IntakeFormSerializer(OrgModelSerializer):
    sections = IntakeSectionSerializer(many=True, read_only=True)
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = IntakeForm
        fields = [
            "id",
            "name",
            "description",
            "is_default",
            "is_public",
            "is_archived",
            "public_url",
            "sections",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "is_default", "is_archived", "public_url", "sections", "created_at", "updated_at"]

    def get_public_url(self, form) -> str | None:
        from django.conf import settings
        from django.urls import reverse

        if not form.is_public or form.is_archived:
            return None
        return settings.SITE_URL + reverse("clients:intake_public", args=[form.public_token])


class IntakeSubmissionSerializer(serializers.ModelSerializer):
    form_name = serializers.CharField(source="form.name", default="", read_only=True)
    source = serializers.CharField(read_only=True, help_text=_("public_link, request, client_app or coach"))

    class Meta:
        model = IntakeSubmission
        fields = [
            "id",
            "form",
            "form_name",
            "source",
            "answers",
            "questions",
            "needs_medical_clearance",
            "submitted_at",
            "review",
            "contact",
            "reviewed_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "review": {
                "help_text": _(
                    "accepted; pending: sent from the public link with an existing client's email, not verified, "
                    "answers not counted until a coach accepts; discarded"
                )
            },
            "contact": {"help_text": _("Name, email and phone as typed on an unverified submission.")},
        }


class IntakeRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = IntakeRequest
        fields = ["id", "form", "created_at", "completed_at", "revoked_at"]


class SendIntakeSerializer(serializers.Serializer):
    form = serializers.IntegerField(help_text=_("Id of one of your intake forms."))


class SubmitIntakeSerializer(serializers.Serializer):
    form = serializers.IntegerField(required=False, help_text=_("Defaults to the business's default form."))
    answers = serializers.DictField(help_text=_("Answers by question key."))


class MyIntakeSerializer(serializers.Serializer):
    form = IntakeFormSerializer(allow_null=True)
    answers = serializers.DictField(help_text=_("My latest answers by question key."))
    open_requests = IntakeRequestSerializer(many=True)


# --- Progress -----------------------------------------------------------------------------------------
class MetricSerializer(OrgModelSerializer):
    target = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        required=False,
        allow_null=True,
        help_text=_("Default target in SI units (kg, cm, %)."),
    )

    class Meta:
        model = Metric
        fields = ["id", "key", "name", "kind", "quantity", "unit", "direction", "target", "is_builtin", "is_active"]
        read_only_fields = ["id", "key", "is_builtin"]

    def get_validators(self):
        return []


class ProgressEntrySerializer(OrgModelSerializer):
    metric_key = serializers.CharField(source="metric.key", read_only=True)
    value = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        help_text=_("In SI units: kg, cm, %; 1–10 for scales; 1 or 0 for yes/no."),
    )
    display_value = serializers.SerializerMethodField()
    display_unit = serializers.SerializerMethodField()
    source = serializers.CharField(read_only=True, help_text=_("coach, client or device (the phone's health app)"))

    class Meta:
        model = ProgressEntry
        fields = [
            "id",
            "metric",
            "metric_key",
            "recorded_on",
            "value",
            "display_value",
            "display_unit",
            "note",
            "source",
            "created_at",
        ]
        read_only_fields = ["id", "metric_key", "display_value", "display_unit", "source", "created_at"]

    def get_validators(self):
        return []

    def _units(self, entry) -> str:
        return entry.client.unit_system if entry.client_id else "metric"

    def get_display_value(self, entry) -> float | None:
        from ..units import to_display

        return to_display(entry.metric, entry.value, self._units(entry))

    def get_display_unit(self, entry) -> str:
        from ..units import display_unit

        return display_unit(entry.metric, self._units(entry))


# --- Photos -------------------------------------------------------------------------------------------
class ProgressPhotoSerializer(OrgModelSerializer):
    image = serializers.FileField(write_only=True, help_text=_("JPEG, PNG, WebP or HEIC up to 15 MB (multipart)."))
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    source = serializers.CharField(read_only=True, help_text=_("coach or client"))

    class Meta:
        model = ProgressPhoto
        fields = [
            "id",
            "public_id",
            "taken_on",
            "pose",
            "note",
            "image",
            "image_url",
            "thumbnail_url",
            "width",
            "height",
            "size_bytes",
            "source",
            "created_at",
        ]
        read_only_fields = ["id", "public_id", "width", "height", "size_bytes", "source", "created_at"]
        extra_kwargs = {"taken_on": {"required": False}}

    def _url(self, photo, size: str) -> str:
        from django.urls import reverse

        request = self.context.get("request")
        tenant = getattr(request, "tenant", None) if request else None
        if tenant is not None and tenant.is_client:
            path = reverse("me-photo-image", args=[photo.pk])
        else:
            path = reverse("client-photo-image", args=[photo.client_id, photo.pk])
        path += "?size=thumb" if size == "thumb" else ""
        return request.build_absolute_uri(path) if request else path

    def get_image_url(self, photo) -> str:
        return self._url(photo, "full")

    def get_thumbnail_url(self, photo) -> str:
        return self._url(photo, "thumb")


# --- Messaging ----------------------------------------------------------------------------------------
class ThreadSerializer(OrgModelSerializer):
    unread_count = serializers.IntegerField(read_only=True, help_text=_("Messages I have not read yet."))
    body = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=5000, help_text=_("An optional first message.")
    )

    class Meta:
        model = Thread
        fields = ["id", "public_id", "client", "subject", "created_at", "last_message_at", "unread_count", "body"]
        read_only_fields = ["id", "public_id", "created_at", "last_message_at", "unread_count"]


class MyThreadSerializer(ThreadSerializer):
    class Meta(ThreadSerializer.Meta):
        read_only_fields = [*ThreadSerializer.Meta.read_only_fields, "client"]


class MessageSerializer(OrgModelSerializer):
    sender_name = serializers.SerializerMethodField()
    attachment = serializers.FileField(
        write_only=True,
        required=False,
        help_text=_("A photo (JPEG, PNG, WebP, HEIC) or a PDF, up to 10 MB (multipart)."),
    )
    attachment_url = serializers.SerializerMethodField()
    video = serializers.FileField(
        write_only=True,
        required=False,
        help_text=_("A form-check video: MP4, MOV or WebM, up to 60 seconds and 100 MB (multipart)."),
    )
    poster = serializers.FileField(
        write_only=True,
        required=False,
        help_text=_("The video's first frame as a JPEG or PNG; without it a neutral placeholder is shown."),
    )
    videos = FormCheckVideoSerializer(many=True, read_only=True)
    replying_to_video = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "thread",
            "body",
            "from_client",
            "sender_name",
            "attachment",
            "attachment_url",
            "attachment_name",
            "attachment_type",
            "attachment_size",
            "video",
            "poster",
            "videos",
            "replying_to_video",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "from_client",
            "sender_name",
            "attachment_url",
            "attachment_name",
            "attachment_type",
            "attachment_size",
            "created_at",
        ]

    def get_sender_name(self, message) -> str:
        if message.from_client:
            return message.client.first_name
        return str(message.sender) if message.sender_id else ""

    def get_replying_to_video(self, message) -> int | None:
        """The form-check video this message answers (its id), if any."""
        reply = getattr(message, "replying_to", None)  # a missing reverse one-to-one is an AttributeError
        return reply.video_id if reply else None

    def get_attachment_url(self, message) -> str | None:
        from django.urls import reverse

        if not message.attachment:
            return None
        request = self.context.get("request")
        tenant = getattr(request, "tenant", None) if request else None
        if tenant is not None and tenant.is_client:
            path = reverse("me-message-attachment", args=[message.pk])
        else:
            path = reverse("thread-message-attachment", args=[message.thread_id, message.pk])
        return request.build_absolute_uri(path) if request else path


class ThreadMessageSerializer(MessageSerializer):
    """Coach side, nested under /clients/threads/{id}/messages/: the thread comes from the URL."""

    class Meta(MessageSerializer.Meta):
        read_only_fields = [*MessageSerializer.Meta.read_only_fields, "thread"]


class MyMessageSerializer(MessageSerializer):
    """The client's side: `thread` must be one of their own conversations."""

    thread = serializers.PrimaryKeyRelatedField(queryset=Thread.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.client is not None:
            self.fields["thread"].queryset = Thread.objects.for_org(tenant.organization).filter(client=tenant.client)


class PortalInvitationSerializer(OrgModelSerializer):
    """A client's invitation to their portal account; `role` is always "client"."""

    status = serializers.CharField(read_only=True)
    role = serializers.SerializerMethodField()

    class Meta:
        model = PortalInvitation
        fields = ["id", "email", "role", "status", "created_at", "expires_at", "accepted_at", "revoked_at"]
        read_only_fields = fields

    def get_role(self, invitation) -> str:
        return "client"


class SavedClientViewSerializer(OrgModelSerializer):
    query = serializers.DictField(
        help_text=_("The clients list's filters and sort, as its query parameters (q, status, tag, sort, …).")
    )
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SavedClientView
        fields = ["id", "name", "query", "is_shared", "owner", "created_at"]
        read_only_fields = ["id", "owner", "created_at"]

    def validate_query(self, value):
        from ..forms import ClientListForm

        form = ClientListForm(value)
        if not form.is_valid():
            raise serializers.ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        unknown = set(value) - set(form.fields)
        if unknown:
            raise serializers.ValidationError(_("Unknown filter: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
        return form.saved_query()
