"""The client's workouts in the portal: what is scheduled, what they logged, and logging one."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from mecto.errors import DomainError
from mecto.forms import apply_domain_error
from mecto.permissions import ClientRequiredMixin

from .. import selectors, services
from ..forms import PortalLogForm


def _with_display_loads(logs, unit_system: str):
    """Each set's load in the client's units, for the log list."""
    from mecto.localization import kg_to_display

    for log in logs:
        for s in log.sets.all():
            s.load_display = kg_to_display(s.load_kg, unit_system)
    return logs


class PortalWorkoutsView(ClientRequiredMixin, View):
    """The client's workouts: today's and the next two weeks, and what they logged, with their
    coach's comments."""

    feature = "training"

    def get(self, request):
        from mecto.localization import weight_unit

        client = request.tenant.client
        today = selectors.client_today(client)
        scheduled = list(
            selectors.scheduled_workouts(client=client, start=today - timedelta(days=7), end=today + timedelta(days=14))
        )
        logs = list(selectors.workout_logs(organization=client.organization, client=client)[:20])
        return render(
            request,
            "training/portal_workouts.html",
            {
                "today_workouts": [s for s in scheduled if s.date == today],
                "upcoming": [s for s in scheduled if s.date > today],
                "not_logged": [s for s in scheduled if s.date < today and not s.logs.all()],
                "logs": _with_display_loads(logs, client.unit_system),
                "unit": weight_unit(client.unit_system),
                "unit_system": client.unit_system,
            },
        )


class PortalLogWorkoutView(ClientRequiredMixin, View):
    """Log one of the client's scheduled workouts, set by set, through the same service as the
    app (`log_workout`): the hidden upload id makes a double submit store one log."""

    feature = "training"

    def _scheduled(self, request, public_id):
        client = request.tenant.client
        scheduled = selectors.scheduled_workouts(client=client).filter(public_id=public_id).first()
        if scheduled is None:
            raise Http404
        items = [item for block in scheduled.workout.blocks.all() for item in block.items.all()]
        return client, scheduled, items

    def _render(self, request, client, scheduled, form, status=200):
        return render(
            request,
            "training/portal_log.html",
            {
                "scheduled": scheduled,
                "form": form,
                "earlier_logs": list(scheduled.logs.all()),
                "unit_system": client.unit_system,
            },
            status=status,
        )

    def get(self, request, public_id):
        import uuid

        client, scheduled, items = self._scheduled(request, public_id)
        today = selectors.client_today(client)
        form = PortalLogForm(
            items=items,
            unit_system=client.unit_system,
            initial={"client_uuid": uuid.uuid4(), "performed_on": min(scheduled.date, today)},
        )
        return self._render(request, client, scheduled, form)

    def post(self, request, public_id):
        from datetime import datetime, time

        from mecto.localization import zone

        client, scheduled, items = self._scheduled(request, public_id)
        form = PortalLogForm(request.POST, items=items, unit_system=client.unit_system)
        if form.is_valid():
            day = form.cleaned_data["performed_on"]
            today = selectors.client_today(client)
            if day > today:
                form.add_error("performed_on", _("A workout cannot be logged in the future."))
            elif day < today - timedelta(days=365):
                form.add_error("performed_on", _("Log workouts of the last twelve months."))
        if form.is_valid():
            day = form.cleaned_data["performed_on"]
            performed_at = (
                timezone.now()
                if day == selectors.client_today(client)
                else datetime.combine(day, time(12), tzinfo=zone(client.time_zone))
            )
            try:
                log, created = services.log_workout(
                    client=client,
                    client_uuid=form.cleaned_data["client_uuid"],
                    performed_at=performed_at,
                    sets=form.sets_for_service(),
                    scheduled=scheduled,
                    status=form.cleaned_data["status"] or None,
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    notes=form.cleaned_data["notes"],
                    actor=request.user,
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                if created:
                    messages.success(request, _("Workout saved. Your coach can see it now."))
                else:
                    messages.info(request, _("This workout was already saved."))
                return redirect(reverse("training:portal_workouts") + f"#log-{log.pk}")
        return self._render(request, client, scheduled, form, status=400)
