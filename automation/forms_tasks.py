"""The coach task form: a client and an assignee of this business only."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    detail = forms.CharField(
        label=_("Detail"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    client = forms.ModelChoiceField(label=_("Client"), queryset=None, required=False, empty_label=_("No client"))
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, required=False, empty_label=_("Nobody"))
    due_at = forms.DateTimeField(
        label=_("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty for no due date."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        from clients.models import Client

        self.fields["client"].queryset = Client.objects.for_org(organization).order_by("first_name", "last_name")
        self.fields["assignee"].queryset = (
            get_user_model().objects.filter(memberships__organization=organization).distinct().order_by("email")
        )

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the task a title."))
        return title
