from rest_framework import serializers

from ..models import CoachAlertPreference
from ..services import PREFERENCE_FIELDS


class AlertPreferencesSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoachAlertPreference
        fields = list(PREFERENCE_FIELDS)
