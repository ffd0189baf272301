from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from mecto import videos
from mecto.forms import IdPrefixMixin

from . import movement
from .generator.profile import EQUIPMENT, EXPERIENCE, INJURIES, MAX_DAYS, MAX_MINUTES, MIN_DAYS, MIN_MINUTES
from .labels import MUSCLE_NAMES, value_choices
from .models import Block, Exercise, Goal, PrescribedExercise, Program, Workout


class ServiceValidatedForm:
    """Forms whose rules live in the services: the model's own validation is left to them."""

    def _post_clean(self):
        pass


class ProgramForm(ServiceValidatedForm, forms.ModelForm):
    weeks = forms.IntegerField(
        label=_("Weeks"), min_value=1, max_value=52, initial=4, help_text=_("You can add or progress weeks later.")
    )

    class Meta:
        model = Program
        fields = ["name", "goal", "description", "is_template"]
        labels = {"is_template": _("Keep it as a template in the library")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ProgramEditForm(IdPrefixMixin, ServiceValidatedForm, forms.ModelForm):
    id_prefix = "program"

    class Meta:
        model = Program
        fields = ["name", "goal", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class WorkoutForm(ServiceValidatedForm, forms.ModelForm):
    day = forms.TypedChoiceField(
        label=_("Day"), coerce=int, choices=[(d, _("Day %(n)s") % {"n": d}) for d in range(1, 8)]
    )

    class Meta:
        model = Workout
        fields = ["name", "day"]


class BlockForm(ServiceValidatedForm, forms.ModelForm):
    class Meta:
        model = Block
        fields = ["kind", "rounds", "rest_seconds"]


class PrescribedExerciseForm(ServiceValidatedForm, forms.ModelForm):
    class Meta:
        model = PrescribedExercise
        fields = [
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
        ]
        widgets = {
            "sets": forms.NumberInput(attrs={"min": 1, "max": 20, "inputmode": "numeric"}),
            "reps_min": forms.NumberInput(attrs={"min": 1, "max": 100, "inputmode": "numeric"}),
            "reps_max": forms.NumberInput(attrs={"min": 1, "max": 100, "inputmode": "numeric"}),
            "load_value": forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            "rest_seconds": forms.NumberInput(attrs={"min": 0, "max": 900, "step": 15, "inputmode": "numeric"}),
            "progression_amount": forms.NumberInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args, unit_system: str = "metric", **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_system = unit_system
        self.imperial = unit_system == "imperial"
        if self.imperial:
            # Loads are typed and shown in pounds; they are stored in kilograms.
            load_type = self.fields["load_type"]
            load_type.choices = [(v, _("lb") if v == "kg" else label) for v, label in load_type.choices]
            if not self.is_bound:
                self.initial["load_value"] = self._to_display(self.instance.load_value, self.instance.load_type)
                if self._amount_is_weight(
                    self.instance.progression, self.instance.load_type, self.instance.progression_unit
                ):
                    self.initial["progression_amount"] = self._to_display(self.instance.progression_amount, "kg")
        self._set_steps(unit_system)

    @staticmethod
    def _amount_is_weight(kind, load_type, unit) -> bool:
        return kind == "load" and load_type == "kg" and unit != "percent"

    def _to_display(self, kg, load_type):
        from mecto.localization import kg_to_display

        if kg is None or load_type != "kg" or not self.imperial:
            return kg
        return kg_to_display(kg, self.unit_system)

    def clean(self):
        from decimal import ROUND_HALF_UP, Decimal

        from mecto.localization import display_to_kg

        data = super().clean()
        if not self.imperial:
            return data

        def to_kg(value):
            return display_to_kg(value, self.unit_system).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

        if data.get("load_type") == "kg" and data.get("load_value") is not None:
            data["load_value"] = to_kg(data["load_value"])
        kind, unit = data.get("progression"), data.get("progression_unit")
        if self._amount_is_weight(kind, data.get("load_type"), unit) and data.get("progression_amount") is not None:
            data["progression_amount"] = to_kg(data["progression_amount"])
        return data

    @property
    def item_summary(self) -> str:
        """The prescription in one line, loads in the person's unit."""
        return self.instance.summary_in(self.unit_system)

    @property
    def progression_display(self) -> str:
        """The weekly step as the coach reads it: 5 lb, 2.5 kg, 2.5%, 1."""
        from mecto.localization import weight_unit

        item = self.instance
        if item.progression_amount is None:
            return ""
        if item.progression_unit == "percent":
            return f"{item.progression_amount.normalize():f}%"
        if self._amount_is_weight(item.progression, item.load_type, item.progression_unit):
            amount = self._to_display(item.progression_amount, "kg")
            return f"{amount.normalize():f} {weight_unit(self.unit_system)}"
        return f"{item.progression_amount.normalize():f}"

    def _set_steps(self, unit_system: str) -> None:
        """The number fields step as the unit does: loads by the plate step of the exercise's
        equipment in the person's unit (5 lb on a bar), effort by half points, reps and sets by
        whole numbers."""
        from . import progression

        item = self.instance
        equipment = item.exercise.equipment if item.exercise_id else ""
        plate = f"{progression.plate_step(equipment, unit_system).normalize():f}"
        load_steps = {"kg": plate if self.imperial else "0.5", "rpe": "0.5", "rir": "0.5"}
        self.fields["load_value"].widget.attrs["step"] = load_steps.get(item.load_type, "0.5")
        amount = self.fields["progression_amount"]
        if item.progression_unit == "percent":
            amount.widget.attrs["step"] = "0.5"
            amount.help_text = _("% each week")
        elif item.progression in ("reps", "sets"):
            amount.widget.attrs["step"] = "1"
            amount.help_text = _("whole reps or sets each week")
        elif item.progression == "load" and item.load_type == "kg":
            unit = "lb" if self.imperial else "kg"
            amount.widget.attrs["step"] = plate
            amount.help_text = _("%(unit)s each week, in steps of %(step)s %(unit)s") % {"step": plate, "unit": unit}
        elif item.progression == "load":
            amount.widget.attrs["step"] = "0.5"
            amount.help_text = _("each week, in steps of 0.5")


class AssignForm(forms.Form):
    clients = forms.ModelMultipleChoiceField(
        label=_("Clients"), queryset=Client.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    start_date = forms.DateField(
        label=_("Start date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Week 1, day 1 falls on this date in each client's time zone."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clients"].queryset = Client.objects.for_org(organization).exclude(status="former")


class ProfileForm(forms.Form):
    goal = forms.ChoiceField(label=_("Goal"), choices=Goal.choices)
    experience = forms.ChoiceField(label=_("Experience"), choices=value_choices(EXPERIENCE))
    days_per_week = forms.IntegerField(label=_("Days per week"), min_value=MIN_DAYS, max_value=MAX_DAYS)
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), min_value=MIN_MINUTES, max_value=MAX_MINUTES
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment available"),
        choices=value_choices(EQUIPMENT),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Bodyweight exercises are always allowed."),
    )
    injuries = forms.MultipleChoiceField(
        label=_("Injuries or conditions"),
        choices=value_choices(INJURIES),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    injury_notes = forms.CharField(label=_("Injury notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    preferences = forms.CharField(label=_("Preferences"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GenerateForm(ProfileForm):
    client = forms.ModelChoiceField(
        label=_("For client"),
        queryset=Client.objects.none(),
        required=False,
        help_text=_("Optional: the draft remembers who it was made for."),
    )
    seed = forms.IntegerField(
        label=_("Variation"),
        min_value=0,
        max_value=2**31 - 1,
        initial=0,
        help_text=_("The same profile and variation give the same draft; change it for another."),
    )
    name = forms.CharField(label=_("Name"), required=False, max_length=160)
    polish = forms.BooleanField(
        label=_("Polish names and coaching notes with the language model"),
        required=False,
        help_text=_("Counts against your monthly allowance; exercises and sets stay as generated."),
    )

    def __init__(self, *args, organization, **kwargs):
        from .llm import is_available

        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.for_org(organization)
        if not is_available():
            del self.fields["polish"]


MUSCLE_CHOICES = [(m, MUSCLE_NAMES.get(m, m.capitalize())) for m in movement.MUSCLES]


class ExerciseForm(ServiceValidatedForm, forms.ModelForm):
    primary_muscles = forms.MultipleChoiceField(
        label=_("Primary muscles"), choices=MUSCLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    secondary_muscles = forms.MultipleChoiceField(
        label=_("Secondary muscles"), choices=MUSCLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    aliases = forms.CharField(label=_("Other names"), required=False, help_text=_("Separate with commas."))
    movement_pattern = forms.ChoiceField(
        label=_("Movement pattern"),
        required=False,
        choices=[("", _("Work it out from the name and muscles")), *Exercise.PATTERN_CHOICES],
    )

    class Meta:
        model = Exercise
        fields = [
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
            "is_archived",
        ]
        labels = {"is_archived": _("Archived: hidden from search and from new drafts")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["aliases"] = ", ".join(self.instance.aliases)
        else:
            del self.fields["is_archived"]

    def clean_aliases(self):
        return [a.strip() for a in self.cleaned_data.get("aliases", "").split(",") if a.strip()]


class OverrideForm(forms.Form):
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    cues = forms.CharField(
        label=_("Coaching cues"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One cue per line."),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("A YouTube or Vimeo link, or an https link to an MP4 file; it plays in the page."),
    )
    video_file = forms.FileField(
        label=_("Or upload a clip"),
        required=False,
        help_text=lazy(lambda: videos.limits_message(max_seconds=videos.EXERCISE_CLIP_MAX_SECONDS), str)(),
        widget=forms.ClearableFileInput(attrs={"accept": videos.ACCEPT}),
    )
    remove_video_file = forms.BooleanField(label=_("Remove the uploaded clip"), required=False)
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("A photo of the movement (JPEG, PNG, WebP or HEIC); the library and builder show it small."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)


class VideoLinkImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Two columns with a header row: name (the exercise's name) and video_url."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class TrainingSettingsForm(forms.Form):
    inactive_after_days = forms.IntegerField(
        label=_("A client is inactive after this many days without a workout"),
        min_value=0,
        max_value=365,
        help_text=_("0 turns the daily check off. Automations can react to “client.inactive”."),
    )
    llm_monthly_quota = forms.IntegerField(label=_("Language-model calls per month"), min_value=0, max_value=100000)
    llm_requests_per_minute = forms.IntegerField(label=_("Language-model calls per minute"), min_value=1, max_value=600)


class ProgressionForm(forms.Form):
    weeks = forms.IntegerField(label=_("Total weeks"), min_value=2, max_value=52, initial=4)


# --- Client portal: log a scheduled workout ---------------------------------------------------------------
MAX_SETS_PER_EXERCISE = 20
SET_FIELDS = ("reps", "load", "rpe", "done", "notes")


def _set_hints(item, unit_system: str) -> dict[str, str]:
    """The prescription of one set, field by field: target reps (or time, distance), the load in
    the client's units, the RPE."""
    from mecto.localization import kg_to_display

    from .models import PrescribedExercise as P

    hints = {}
    if item.reps_type in (P.RepsType.FIXED, P.RepsType.RANGE) and item.reps_min:
        hints["reps"] = str(item.reps_min)
    if item.load_type == P.LoadType.KG and item.load_value is not None:
        hints["load"] = f"{kg_to_display(item.load_value, unit_system).normalize():f}"
    elif item.load_type == P.LoadType.RPE and item.load_value is not None:
        hints["rpe"] = f"{item.load_value:g}"
    return hints


def set_target(item, unit_system: str) -> str:
    """What one set asks for, in words the client reads on the page: "8–10 reps · 60 kg"."""
    from mecto.localization import format_quantity, kg_to_display, weight_unit

    from .models import PrescribedExercise as P

    parts = []
    if item.reps_type == P.RepsType.TIME and item.duration_seconds:
        parts.append(_("%(n)s s") % {"n": item.duration_seconds})
    elif item.reps_type == P.RepsType.DISTANCE and item.distance_m:
        parts.append(_("%(n)s m") % {"n": item.distance_m})
    elif item.reps_min:
        parts.append(_("%(reps)s reps") % {"reps": item.reps_label})
    if item.load_value is not None:
        if item.load_type == P.LoadType.KG:
            load = kg_to_display(item.load_value, unit_system)
            parts.append(format_quantity(load, weight_unit(unit_system)))
        elif item.load_type != P.LoadType.NONE:
            parts.append(item.load_label)
    return " · ".join(str(p) for p in parts)


class PortalLogForm(forms.Form):
    """One scheduled workout, set by set. Loads are typed in the client's units. A set ticked
    "Done" and left blank was done as prescribed; a set not ticked is recorded as not done; the
    status is worked out from the ticked sets unless the client chooses one."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    performed_on = forms.DateField(label=_("Date done"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("How did it go?"), choices=(), required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440, required=False)
    notes = forms.CharField(
        label=_("Notes for your coach"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items, unit_system: str, **kwargs):
        from mecto.localization import IMPERIAL, weight_unit

        from .models import WorkoutLog

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("As the sets I ticked say")), *WorkoutLog.Status.choices]
        self.unit = weight_unit(unit_system)
        max_load = 2204 if unit_system == IMPERIAL else 1000
        self.exercise_rows = []
        for item in items:
            sets = []
            target = set_target(item, unit_system)
            for n in range(1, min(item.sets or 1, MAX_SETS_PER_EXERCISE) + 1):
                prefix = f"s{item.pk}_{n}_"
                label = f"{item.exercise.name}, " + _("set %(n)s") % {"n": n}
                self.fields[prefix + "reps"] = forms.IntegerField(
                    label=_("Reps"), min_value=0, max_value=1000, required=False
                )
                self.fields[prefix + "load"] = forms.DecimalField(
                    label=_("Load (%(unit)s)") % {"unit": self.unit},
                    min_value=0,
                    max_value=max_load,
                    max_digits=7,
                    decimal_places=2,
                    required=False,
                )
                self.fields[prefix + "rpe"] = forms.DecimalField(
                    label=_("RPE"), min_value=1, max_value=10, max_digits=3, decimal_places=1, required=False
                )
                # Not ticked until the client says so: an untouched set was not done.
                self.fields[prefix + "done"] = forms.BooleanField(label=_("Done"), required=False, initial=False)
                self.fields[prefix + "notes"] = forms.CharField(label=_("Notes"), max_length=300, required=False)
                for name in ("reps", "load", "rpe", "done", "notes"):
                    field = self.fields[prefix + name]
                    field.widget.attrs["aria-label"] = f"{label}: {field.label}"
                # The prescription as a hint in the empty fields; the target is also written out.
                for name, hint in _set_hints(item, unit_system).items():
                    self.fields[prefix + name].widget.attrs["placeholder"] = hint
                sets.append({"number": n, "prefix": prefix, "target": target})
            self.exercise_rows.append({"item": item, "sets": sets})
        self.unit_system = unit_system

    def set_rows(self):
        """For the template: each exercise with its sets' bound fields."""
        return [
            {
                "item": row["item"],
                "sets": [
                    {"number": s["number"], "target": s["target"], **{k: self[s["prefix"] + k] for k in SET_FIELDS}}
                    for s in row["sets"]
                ],
            }
            for row in self.exercise_rows
        ]

    def clean(self):
        data = super().clean()
        for row in self.exercise_rows:
            for s in row["sets"]:
                p = s["prefix"]
                typed = any(data.get(p + k) is not None for k in ("reps", "load", "rpe"))
                if typed and not data.get(p + "done"):
                    self.add_error(
                        p + "done",
                        _("Set %(n)s of %(name)s is filled in but not ticked: tick “Done”, or clear it.")
                        % {"n": s["number"], "name": row["item"].exercise.name},
                    )
        return data

    def sets_for_service(self) -> list[dict]:
        """Every prescribed set as `log_workout` takes it (loads converted to kg): ticked ones as
        done (blank fields are the prescription), the others as not done."""
        from mecto.localization import display_to_kg

        data, result = self.cleaned_data, []
        for row in self.exercise_rows:
            item = row["item"]
            for s in row["sets"]:
                p = s["prefix"]
                reps, load, rpe, done, notes = (data.get(p + k) for k in ("reps", "load", "rpe", "done", "notes"))
                result.append(
                    {
                        "exercise": item.exercise,
                        "prescribed": item,
                        "set_number": s["number"],
                        "reps": reps,
                        "load_kg": display_to_kg(load, self.unit_system) if load is not None else None,
                        "rpe": rpe,
                        "is_done": bool(done),
                        "notes": notes or "",
                    }
                )
        return result
