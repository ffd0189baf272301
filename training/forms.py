from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from mecto.forms import IdPrefixMixin

from . import movement
from .generator.profile import EQUIPMENT, EXPERIENCE, INJURIES, MAX_DAYS, MAX_MINUTES, MIN_DAYS, MIN_MINUTES
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
        }


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
    experience = forms.ChoiceField(label=_("Experience"), choices=[(e, e.capitalize()) for e in EXPERIENCE])
    days_per_week = forms.IntegerField(label=_("Days per week"), min_value=MIN_DAYS, max_value=MAX_DAYS)
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), min_value=MIN_MINUTES, max_value=MAX_MINUTES
    )
    equipment = forms.MultipleChoiceField(
        label=_("Equipment available"),
        choices=[(e, e.capitalize()) for e in EQUIPMENT],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Bodyweight exercises are always allowed."),
    )
    injuries = forms.MultipleChoiceField(
        label=_("Injuries or conditions"),
        choices=[(i, i.replace("_", " ").capitalize()) for i in INJURIES],
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


MUSCLE_CHOICES = [(m, m.capitalize()) for m in movement.MUSCLES]


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
        help_text=_("A YouTube or Vimeo link; it plays in the page."),
    )
    video_file = forms.FileField(
        label=_("Or upload a clip"),
        required=False,
        help_text=_("MP4, WebM or MOV, up to 50 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm,video/quicktime"}),
    )
    remove_video_file = forms.BooleanField(label=_("Remove the uploaded clip"), required=False)


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
    """Placeholders for one prescribed set: target reps, the load in the client's units, the RPE."""
    from mecto.localization import kg_to_display

    from .models import PrescribedExercise as P

    hints = {}
    if item.reps_type in (P.RepsType.FIXED, P.RepsType.RANGE) and item.reps_min:
        hints["reps"] = str(item.reps_min)
    if item.load_type == P.LoadType.KG and item.load_value is not None:
        hints["load"] = f"{kg_to_display(item.load_value, unit_system):g}"
    elif item.load_type == P.LoadType.RPE and item.load_value is not None:
        hints["rpe"] = f"{item.load_value:g}"
    return hints


class PortalLogForm(forms.Form):
    """One scheduled workout, set by set. Loads are typed in the client's units; a set left
    blank is not recorded, and an unticked "Done" records the set as skipped."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    performed_on = forms.DateField(label=_("Date done"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("How did it go?"), choices=())
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440, required=False)
    notes = forms.CharField(
        label=_("Notes for your coach"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items, unit_system: str, **kwargs):
        from mecto.localization import IMPERIAL, weight_unit

        from .models import WorkoutLog

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = WorkoutLog.Status.choices
        self.unit = weight_unit(unit_system)
        max_load = 2204 if unit_system == IMPERIAL else 1000
        self.exercise_rows = []
        for item in items:
            sets = []
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
                self.fields[prefix + "done"] = forms.BooleanField(label=_("Done"), required=False, initial=True)
                self.fields[prefix + "notes"] = forms.CharField(label=_("Notes"), max_length=300, required=False)
                for name in ("reps", "load", "rpe", "done", "notes"):
                    field = self.fields[prefix + name]
                    field.widget.attrs["aria-label"] = f"{label}: {field.label}"
                # The prescription as a hint in the empty fields (what the coach asked for).
                for name, hint in _set_hints(item, unit_system).items():
                    self.fields[prefix + name].widget.attrs["placeholder"] = hint
                sets.append({"number": n, "prefix": prefix})
            self.exercise_rows.append({"item": item, "sets": sets})
        self.unit_system = unit_system

    def set_rows(self):
        """For the template: each exercise with its sets' bound fields."""
        return [
            {
                "item": row["item"],
                "sets": [
                    {"number": s["number"], **{k: self[s["prefix"] + k] for k in SET_FIELDS}} for s in row["sets"]
                ],
            }
            for row in self.exercise_rows
        ]

    def sets_for_service(self) -> list[dict]:
        """The filled-in sets as `log_workout` takes them (loads converted to kg)."""
        from mecto.localization import display_to_kg

        data, result = self.cleaned_data, []
        for row in self.exercise_rows:
            item = row["item"]
            for s in row["sets"]:
                p = s["prefix"]
                reps, load, rpe, done, notes = (data.get(p + k) for k in ("reps", "load", "rpe", "done", "notes"))
                if reps is None and load is None and rpe is None and not notes and done:
                    continue  # left blank: not done and not skipped, just not recorded
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
