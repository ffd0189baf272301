from django import forms

from .models import CoachAlertPreference
from .services import PREFERENCE_FIELDS


class AlertPreferencesForm(forms.ModelForm):
    class Meta:
        model = CoachAlertPreference
        fields = list(PREFERENCE_FIELDS)
