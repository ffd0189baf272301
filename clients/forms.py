"""Page forms of the clients app. Rules live in the services; forms parse and label input."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from mecto import videos
from mecto.comms.models import Channel
from mecto.forms import IdPrefixMixin
from mecto.localization import IMPERIAL, cm_to_display, display_to_cm, length_unit, time_zone_choices

from .models import Client, IntakeForm, IntakeQuestion, IntakeSection, Metric, Note, ProgressPhoto


class DateInput(forms.DateInput):
    input_type = "date"


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip()]


class ClientForm(forms.ModelForm):
    """Add or edit a client. Height is entered in the business's (or client's) units."""

    time_zone = forms.ChoiceField(choices=time_zone_choices, label=_("Time zone"))
    height = forms.DecimalField(
        label=_("Height"), required=False, min_value=Decimal("1"), max_digits=6, decimal_places=1
    )
    tag_names = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas, e.g. online, marathon 2026.")
    )
    email_consent = forms.BooleanField(label=_("Agreed to marketing emails"), required=False)
    sms_consent = forms.BooleanField(label=_("Agreed to marketing text messages"), required=False)
    consent_method = forms.CharField(
        label=_("How consent was given"),
        required=False,
        max_length=200,
        help_text=_("For example: signed paper form on 3 March, verbal at the first session."),
    )

    class Meta:
        model = Client
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "status",
            "coach",
            "source",
            "date_of_birth",
            "sex",
            "height",
            "goals",
            "time_zone",
            "unit_system",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "tag_names",
            "email_consent",
            "sms_consent",
            "consent_method",
        ]
        widgets = {"date_of_birth": DateInput(), "goals": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization, health: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        if not health:  # a role without `clients.health` neither sees nor changes these
            for name in Client.HEALTH_FIELDS:
                self.fields.pop(name, None)
        self.fields["coach"].queryset = User.objects.for_org(organization).order_by("full_name", "email")
        self.fields["coach"].empty_label = _("No coach yet")
        self.fields["sex"].choices = [("", _("Not given"))] + list(Client.Sex.choices)
        self.units = self.instance.unit_system if self.instance.pk else organization.unit_system
        self.fields["height"].label = _("Height (%(unit)s)") % {"unit": length_unit(self.units)}
        if self.instance.pk:
            self.fields["height"].initial = cm_to_display(self.instance.height_cm, self.units)
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())
            # Consent changes with their proof are made on the client's page.
            for name in ("email_consent", "sms_consent", "consent_method", "status"):
                del self.fields[name]
        else:
            self.fields["time_zone"].initial = organization.time_zone
            self.fields["unit_system"].initial = organization.unit_system
            del self.fields["source"]

    def clean(self):
        data = super().clean()
        height = data.get("height")
        if height is not None:
            units = data.get("unit_system") or self.units
            data["height_cm"] = display_to_cm(height, IMPERIAL if units == IMPERIAL else "metric").quantize(
                Decimal("0.1")
            )
        else:
            data["height_cm"] = None
        if (data.get("email_consent") or data.get("sms_consent")) and not data.get("consent_method"):
            self.add_error("consent_method", _("Say how the client gave consent."))
        return data

    def _post_clean(self):
        # Uniqueness and the rest are checked by the service, with messages for people.
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("height", None)
        data["tags"] = split_tags(data.pop("tag_names", ""))
        if not self.instance.pk and not data.get("consent_method"):
            data.pop("consent_method", None)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Client.Status.choices)
    note = forms.CharField(label=_("Why (optional)"), required=False, max_length=300)


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    granted = forms.TypedChoiceField(
        label=_("Consent"),
        choices=[("1", _("Given")), ("0", _("Withdrawn"))],
        coerce=lambda v: v == "1",
    )
    method = forms.CharField(
        label=_("How"), max_length=200, help_text=_("e.g. asked by email on 4 May, unsubscribed by phone")
    )


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["body", "is_pinned"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"body": _("New note"), "is_pinned": _("Pin to the top")}


class IntakeFormForm(forms.ModelForm):
    class Meta:
        model = IntakeForm
        fields = ["name", "description", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SectionForm(IdPrefixMixin, forms.ModelForm):
    id_prefix = "section"

    class Meta:
        model = IntakeSection
        fields = ["title", "description", "is_health_screening"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one choice per line."),
    )

    class Meta:
        model = IntakeQuestion
        fields = ["label", "kind", "required", "help_text", "choices_text", "min_value", "max_value", "section"]

    def __init__(self, *args, form_obj, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = form_obj.sections.all()
        self.fields["section"].empty_label = None
        self.fields["min_value"].help_text = _("Number and scale questions only (a scale defaults to 1–10).")
        if self.instance.pk and self.instance.choices:
            self.fields["choices_text"].initial = "\n".join(c["label"] for c in self.instance.choices)

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        text = data.pop("choices_text", "")
        choices = [line.strip() for line in text.splitlines() if line.strip()]
        if self.instance.pk and self.instance.choices:
            # Keep the stored values of choices whose label did not change, so answers still match.
            by_label = {c["label"]: c for c in self.instance.choices}
            choices = [by_label.get(label, label) for label in choices]
        data["choices"] = choices
        return data


class SendIntakeForm(forms.Form):
    form = forms.ModelChoiceField(label=_("Form"), queryset=IntakeForm.objects.none(), empty_label=None)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = IntakeForm.objects.for_org(organization).filter(is_archived=False)


class IntakeContactForm(forms.Form):
    """Who is filling in a public intake form."""

    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email_consent = forms.BooleanField(label=_("Send me news and offers by email"), required=False)
    sms_consent = forms.BooleanField(label=_("Send me news and offers by text message"), required=False)
    email_wording = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("Leave this empty"))  # a trap for bots

    def __init__(self, *args, email_wording=None, **kwargs):
        """`email_wording` (a `mecto.optin.Wording`) is the text of the email box, recorded as
        shown; without one there is no email box (ticking it asks for a confirmation)."""
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off", "class": "hp"})
        if email_wording is None:
            del self.fields["email_consent"], self.fields["email_wording"]
        else:
            self.fields["email_consent"].label = email_wording.text
            self.fields["email_consent"].help_text = _("We email you a link to confirm first.")
            self.fields["email_wording"].initial = email_wording.id


def answers_form(questions, data=None, initial=None) -> forms.Form:
    """A form with one field per question, named by key, for rendering and first checks;
    the service checks the answers again (the API path has no form)."""
    fields = {}
    for q in questions:
        label, help_text = q.label, q.help_text
        common = {"label": label, "help_text": help_text, "required": q.required}
        kind = q.kind
        if kind == IntakeQuestion.Kind.LONG_TEXT:
            field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)
        elif kind == IntakeQuestion.Kind.NUMBER:
            attrs = {"inputmode": "decimal"}
            if q.min_value is not None:
                attrs["min"] = q.min_value
            if q.max_value is not None:
                attrs["max"] = q.max_value
            field = forms.CharField(widget=forms.NumberInput(attrs={**attrs, "step": "any"}), **common)
        elif kind == IntakeQuestion.Kind.SINGLE_CHOICE:
            field = forms.ChoiceField(
                choices=[(c["value"], c["label"]) for c in q.choices], widget=forms.RadioSelect, **common
            )
        elif kind == IntakeQuestion.Kind.MULTIPLE_CHOICE:
            field = forms.MultipleChoiceField(
                choices=[(c["value"], c["label"]) for c in q.choices], widget=forms.CheckboxSelectMultiple, **common
            )
        elif kind == IntakeQuestion.Kind.DATE:
            field = forms.DateField(widget=DateInput(), **common)
        elif kind == IntakeQuestion.Kind.YES_NO:
            field = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common)
        elif kind == IntakeQuestion.Kind.SCALE:
            low, high = int(q.min_value or 1), int(q.max_value or 10)
            field = forms.ChoiceField(
                choices=[(str(n), str(n)) for n in range(low, high + 1)],
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                **common,
            )
        else:
            field = forms.CharField(max_length=500, **common)
        field.section = q.section
        field.question = q
        fields[q.key] = field
    form_class = type("AnswersForm", (forms.Form,), fields)
    form = form_class(data=data, initial=initial or {}, prefix="q")
    return form


class MetricForm(forms.ModelForm):
    target_display = forms.CharField(
        label=_("Default target"),
        required=False,
        help_text=_("Optional; drawn as a line on charts. In your business's units."),
    )

    class Meta:
        model = Metric
        fields = ["name", "kind", "quantity", "unit", "direction", "target_display", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_builtin:
            del self.fields["kind"]
            del self.fields["quantity"]
        if self.instance.pk and self.instance.target is not None:
            from .units import to_display

            self.fields["target_display"].initial = to_display(
                self.instance, self.instance.target, self.instance.organization.unit_system
            )
        if not self.instance.pk:
            del self.fields["is_active"]

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["target"] = data.pop("target_display", "")
        return data


def progress_form(metric_list, client, data=None):
    """Today's values: one optional field per metric, labelled in the client's units."""
    from .units import MEASUREMENT_KEYS, display_unit

    fields = {
        "recorded_on": forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate),
        "note": forms.CharField(label=_("Note"), required=False, max_length=300),
    }
    for metric in metric_list:
        unit = display_unit(metric, client.unit_system)
        label = f"{metric.name} ({unit})" if unit and metric.kind != "scale" else metric.name
        if metric.kind == "yes_no":
            field = forms.ChoiceField(
                label=label, required=False, choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))]
            )
        elif metric.kind == "scale":
            field = forms.ChoiceField(
                label=_("%(name)s (1–10)") % {"name": metric.name},
                required=False,
                choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 11)],
            )
        else:
            field = forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        field.group = "measurements" if metric.key in MEASUREMENT_KEYS and metric.is_builtin else "metrics"
        field.metric = metric
        fields[f"m_{metric.key}"] = field
    form_class = type("ProgressForm", (forms.Form,), fields)
    return form_class(data=data)


class TargetForm(forms.Form):
    metric = forms.ModelChoiceField(label=_("Metric"), queryset=Metric.objects.none(), empty_label=None)
    value = forms.CharField(
        label=_("Target"), required=False, help_text=_("In the client's units; leave empty to remove.")
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = (
            Metric.objects.for_org(organization).filter(is_active=True).exclude(kind="yes_no")
        )


class PhotoForm(IdPrefixMixin, forms.Form):
    id_prefix = "photo"

    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}),
        help_text=_("JPEG, PNG, WebP or HEIC (iPhone), up to 15 MB. Location data is removed."),
    )
    taken_on = forms.DateField(label=_("Taken on"), widget=DateInput(), initial=timezone.localdate)
    pose = forms.ChoiceField(label=_("Pose"), choices=ProgressPhoto.Pose.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class HiddenFileInput(forms.FileInput):
    """A file input filled by the page's script (the poster frame drawn from the chosen video)."""

    is_hidden = True


class MessageForm(forms.Form):
    """A message: text, a photo or PDF, and a form-check video with its poster frame."""

    body = forms.CharField(
        label=_("Message"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = forms.FileField(
        label=_("Attach a photo or PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )
    video = forms.FileField(
        label=_("Attach a form-check video"),
        required=False,
        help_text=lazy(lambda: videos.limits_message(max_seconds=videos.FORM_CHECK_MAX_SECONDS), str)(),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": videos.ACCEPT,
                "data-video-input": "poster",
                "data-max-seconds": videos.FORM_CHECK_MAX_SECONDS,
                "data-max-bytes": videos.MAX_BYTES,
                "data-too-long": lazy(lambda: videos.too_long_message(videos.FORM_CHECK_MAX_SECONDS), str)(),
                "data-too-large": lazy(videos.too_large_message, str)(),
            }
        ),
    )
    poster = forms.FileField(
        required=False, widget=HiddenFileInput(attrs={"hidden": True, "accept": "image/jpeg,image/png"})
    )


class ThreadForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=120)
    body = forms.CharField(
        label=_("First message"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


SORT_LABELS = [
    ("name", _("Name A–Z")),
    ("-name", _("Name Z–A")),
    ("last_name", _("Last name")),
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
    ("status", _("Status")),
    ("-status_changed", _("Status changed recently")),
    ("last_active", _("Least recently active")),
    ("-last_active", _("Most recently active")),
    ("adherence", _("Lowest adherence first")),
    ("-adherence", _("Highest adherence first")),
    ("program_end", _("Program ends soonest")),
    ("-program_end", _("Program ends latest")),
    ("-unread", _("Most unread messages")),
    ("-overdue_checkins", _("Most overdue check-ins")),
    ("-overdue_invoices", _("Most overdue invoices")),
    ("credits", _("Fewest credits left")),
    ("-credits", _("Most credits left")),
]


class ClientListForm(forms.Form):
    """The clients list's search, filters and sort, from the query string (page, API and saved
    views read them the same way). A value out of range is an error, never ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Client.Status.choices]
    )
    tag = forms.IntegerField(label=_("Tag"), required=False, min_value=1)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[])
    inactive_days = forms.IntegerField(label=_("Not active for (days)"), required=False, min_value=1, max_value=365)
    program_ends_within = forms.IntegerField(
        label=_("Program ends within (days)"), required=False, min_value=0, max_value=365
    )
    adherence_below = forms.IntegerField(label=_("Adherence below (%)"), required=False, min_value=1, max_value=100)
    credits_at_most = forms.IntegerField(label=_("Credits left at most"), required=False, min_value=0, max_value=1000)
    unread = forms.BooleanField(label=_("Unread messages"), required=False)
    overdue_checkin = forms.BooleanField(label=_("Overdue check-in"), required=False)
    overdue_invoice = forms.BooleanField(label=_("Overdue invoice"), required=False)

    FIGURE_FILTERS = (
        "inactive_days",
        "program_ends_within",
        "adherence_below",
        "credits_at_most",
        "unread",
        "overdue_checkin",
        "overdue_invoice",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [("", _("Default order")), *SORT_LABELS]

    def selector_kwargs(self) -> dict:
        """The valid filters as `selectors.client_list` keywords (a bad one is left out and
        reported in `errors`)."""
        self.is_valid()
        data = self.cleaned_data
        kwargs = {
            "search": data.get("q", ""),
            "status": data.get("status", ""),
            "tag_id": data.get("tag") or "",
            "sort": data.get("sort", ""),
        }
        kwargs.update({name: data.get(name) for name in self.FIGURE_FILTERS})
        for name in ("unread", "overdue_checkin", "overdue_invoice"):
            kwargs[name] = bool(kwargs[name])
        return kwargs

    def saved_query(self) -> dict:
        """The valid, non-empty filters, as a saved view keeps them."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, False)}


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of this view"), max_length=80)
    is_shared = forms.BooleanField(label=_("Share with the team"), required=False)


# --- Inbox and groups -------------------------------------------------------------------------------
class SnippetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    body = forms.CharField(label=_("Text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    shared = forms.BooleanField(label=_("Share with every coach of the business"), required=False)


class ClientChoiceMixin:
    """A multiple choice of the business's clients (in the member's scope), as checkboxes."""

    def set_clients(self, clients):
        self.fields["clients"].choices = [(c.pk, c.full_name) for c in clients]
        self.client_rows = {c.pk: c for c in clients}

    def chosen_clients(self):
        return [self.client_rows[int(pk)] for pk in self.cleaned_data["clients"] if int(pk) in self.client_rows]


class BroadcastForm(ClientChoiceMixin, forms.Form):
    clients = forms.MultipleChoiceField(
        label=_("Clients"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one client.")},
    )
    subject = forms.CharField(
        label=_("Subject of a new conversation"),
        max_length=120,
        required=False,
        help_text=_("Used for clients you have no conversation with yet."),
    )
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class GroupForm(ClientChoiceMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    clients = forms.MultipleChoiceField(label=_("Members"), widget=forms.CheckboxSelectMultiple, required=False)


class GroupPostForm(forms.Form):
    body = forms.CharField(label=_("Post"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))
