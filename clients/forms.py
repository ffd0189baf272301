from django import forms

from accounts.models import User
from mecto.localization import time_zone_choices

from .models import Client


class ClientForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, label=Client._meta.get_field("time_zone").verbose_name)

    class Meta:
        model = Client
        fields = ["first_name", "last_name", "email", "phone", "status", "coach", "time_zone", "unit_system"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = User.objects.for_org(organization)
        if not self.instance.pk:
            self.fields["time_zone"].initial = organization.time_zone
            self.fields["unit_system"].initial = organization.unit_system

    def _post_clean(self):
        # Uniqueness and the rest are checked by the service, with messages for people.
        pass
