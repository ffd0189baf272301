"""Form-check videos of logged sets on pages: the client adds one from their workout log; the
coach watches it on the client's training page and replies in the conversation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from clients.forms import MessageForm
from mecto.errors import DomainError
from mecto.permissions import ClientRequiredMixin

from .. import services
from ..models import SetLog, WorkoutLog


class SetVideoForm(forms.Form):
    set_log = forms.TypedChoiceField(label=gettext_lazy("Set"), coerce=int)
    video = MessageForm.base_fields["video"]
    poster = MessageForm.base_fields["poster"]

    def __init__(self, *args, sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_log"].choices = [(s.pk, f"{s.exercise.name} · {_('set')} {s.set_number}") for s in sets]
        self.fields["video"].required = True


class PortalSetVideoView(ClientRequiredMixin, View):
    """/portal/workouts/logs/<upload id>/videos/: add a video to one of the log's sets."""

    feature = "training"

    def post(self, request, client_uuid):
        client = request.tenant.client
        log = get_object_or_404(WorkoutLog.objects.for_org(client.organization), client=client, client_uuid=client_uuid)
        sets = list(SetLog.objects.filter(workout_log=log).select_related("exercise").order_by("set_number", "id"))
        if not sets:
            raise Http404
        form = SetVideoForm(request.POST, request.FILES, sets=sets)
        back = f"{reverse('training:portal_workouts')}#log-{log.pk}"
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(back)
        set_log = next(s for s in sets if s.pk == form.cleaned_data["set_log"])
        try:
            services.attach_set_video(
                set_log=set_log,
                file=form.cleaned_data["video"],
                poster=form.cleaned_data.get("poster"),
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Video added: your coach can watch it now."))
        return HttpResponseRedirect(back)
