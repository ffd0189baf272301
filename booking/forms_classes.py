"""Forms of the class pages: the timetable entry, one occurrence's places, a visitor's details."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User

from .forms import TeamMembersField
from .models import GroupClass, ServiceType
from .models_classes import WEEKDAYS


class GroupClassForm(forms.ModelForm):
    """A class on the timetable: its days share one start time (the API takes any mix)."""

    coach = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Coach"))
    weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Days")
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = GroupClass
        fields = [
            "service",
            "title",
            "coach",
            "capacity",
            "location_type",
            "address",
            "room",
            "starts_on",
            "ends_on",
            "waitlist_hold_minutes",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    field_order = ["service", "title", "coach", "weekdays", "start_time"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = ServiceType.objects.for_org(organization).bookable().order_by("name")
        self.fields["service"].help_text = _("A group service: its length is the class's length.")
        members = Membership.objects.for_org(organization).filter(is_active=True).values("user_id")
        self.fields["coach"].queryset = User.objects.filter(pk__in=members).order_by("full_name", "email")
        instance = kwargs.get("instance")
        if instance is not None and instance.pk and instance.weekly_times:
            times = instance.local_times()
            self.initial.setdefault("weekdays", sorted({d for d, _t in times}))
            self.initial.setdefault("start_time", times[0][1])

    def _weekly_times(self) -> list[dict]:
        start, days = self.cleaned_data.get("start_time"), self.cleaned_data.get("weekdays") or []
        return [{"weekday": d, "start_time": start.strftime("%H:%M")} for d in sorted(days)] if start else []

    def clean(self):
        cleaned = super().clean()
        # The model's own checks run on the instance: give it the weekly times the page chose.
        self.instance.weekly_times = self._weekly_times() or [{"weekday": 0, "start_time": "00:00"}]
        return cleaned

    def class_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["weekly_times"] = self._weekly_times()
        for name in ("title", "address", "room"):
            data[name] = data[name] or ""
        return data


class ClassCapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)


class ClassCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Message to everyone booked or waiting (optional)"), max_length=255, required=False
    )


class ClassDetailsForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=32, required=False, help_text=_("For a text if a place frees up.")
    )


__all__ = ["ClassCancelForm", "ClassCapacityForm", "ClassDetailsForm", "GroupClassForm", "TeamMembersField"]
