"""The client's workouts in the portal: what is scheduled, what they logged, and logging one."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, JsonResponse
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


# --- Today's workout, set by set --------------------------------------------------------------------------
def _scheduled_or_404(request, public_id):
    client = request.tenant.client
    scheduled = (
        selectors.scheduled_workouts(client=client).filter(public_id=public_id).select_related("workout").first()
    )
    if scheduled is None:
        raise Http404
    return client, scheduled


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _entry_key(scheduled, name: str) -> str:
    """The offline queue's key for one thing on the screen (a set, the notes, the finish): a
    change saved twice while offline is sent once, the latest."""
    import uuid

    return str(uuid.uuid5(scheduled.public_id, name))


def _display_set(row, unit_system: str) -> dict | None:
    from mecto.localization import kg_to_display

    if row is None:
        return None
    return {
        "reps": row.reps,
        "load": kg_to_display(row.load_kg, unit_system),
        "rpe": row.rpe,
        "duration_seconds": row.duration_seconds,
        "distance_m": row.distance_m,
        "is_done": row.is_done,
        "notes": row.notes,
    }


def _screen_rows(client, scheduled, session):
    """The screen's exercises with each set's key, target, hints and loads in the client's units."""
    from ..forms import _set_hints, set_target

    rows = selectors.session_screen(client=client, scheduled=scheduled, session=session)
    next_found = False
    for row in rows:
        item = row["item"]
        row["target"] = set_target(item, client.unit_system)
        row["hints"] = _set_hints(item, client.unit_system)
        for s in row["sets"]:
            s["key"] = _entry_key(scheduled, f"set:{item.pk}:{s['number']}")
            s["shown"] = _display_set(s["saved"], client.unit_system)
            s["before"] = _display_set(s["last"], client.unit_system)
            s["is_next"] = not next_found and s["saved"] is None
            next_found = next_found or s["is_next"]
    return rows


def _parse_number(value: str, name: str, label: str):
    from decimal import Decimal, InvalidOperation

    from ..services import TrainingError

    value = (value or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise TrainingError(_("%(label)s: enter a number.") % {"label": label}, field=name) from None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _parse_moment(value: str):
    from django.utils.dateparse import parse_datetime

    try:
        return parse_datetime((value or "").strip())
    except ValueError:
        return None


class PortalTodayView(ClientRequiredMixin, View):
    """“Today's workout”: the logging screen of today's first workout not logged yet (or the
    only one); the workouts page when nothing is scheduled today."""

    feature = "training"

    def get(self, request):
        client = request.tenant.client
        today = selectors.client_today(client)
        todays = list(selectors.scheduled_workouts(client=client, start=today, end=today))
        pending = [s for s in todays if not s.logs.all()] or todays
        if not pending:
            messages.info(request, _("Nothing is scheduled today. Here is what is coming up."))
            return redirect("training:portal_workouts")
        return redirect("training:portal_session", public_id=pending[0].public_id)


class PortalSessionView(ClientRequiredMixin, View):
    """The phone-first logging screen: every set saved on the server as it is completed, so
    the workout resumes exactly after a closed tab or on another device."""

    feature = "training"

    def get(self, request, public_id):
        client, scheduled = _scheduled_or_404(request, public_id)
        session = selectors.latest_session(client=client, scheduled=scheduled)
        if session is not None and session.is_finished:
            if "again" not in request.GET:
                return redirect("training:portal_session_summary", public_id=session.public_id)
            session = None
        return render_screen(request, client, scheduled, session)


def render_screen(request, client, scheduled, session, error=None, status=200):
    from mecto.localization import weight_unit

    return render(
        request,
        "training/portal_session.html",
        {
            "scheduled": scheduled,
            "session": session,
            "rows": _screen_rows(client, scheduled, session),
            "unit": weight_unit(client.unit_system),
            "unit_system": client.unit_system,
            "error": error,
            "notes_key": _entry_key(scheduled, "notes"),
            "finish_key": _entry_key(scheduled, "finish"),
            "start_key": _entry_key(scheduled, "start"),
        },
        status=status,
    )


class PortalSessionActionView(ClientRequiredMixin, View):
    """Start, save a set, swap, notes and finish: plain form posts that work without JavaScript;
    the screen's script sends the same forms and reads a JSON answer (`Accept: application/json`),
    through the offline queue of the installed app."""

    feature = "training"
    ACTIONS = ("start", "set", "swap", "notes", "finish")

    def post(self, request, public_id, action):
        from mecto.localization import display_to_kg

        if action not in self.ACTIONS:
            raise Http404
        client, scheduled = _scheduled_or_404(request, public_id)
        data = request.POST
        at = _parse_moment(data.get("done_at", ""))
        error_item = {"item": _int_or_none(data.get("prescribed")), "set": _int_or_none(data.get("set_number"))}
        try:
            if action == "finish":
                session = selectors.open_session(client=client, scheduled=scheduled)
                if session is None:
                    raise services.TrainingError(_("Complete at least one set before finishing."), field="sets")
                if "notes" in data:
                    session = services.save_session_notes(session=session, notes=data["notes"], actor=request.user)
                services.finish_session(session=session, at=at, actor=request.user)
                if _wants_json(request):
                    return JsonResponse({"ok": True, "summary_url": self._summary_url(session)})
                return redirect(self._summary_url(session))
            session, _created = services.start_session(client=client, scheduled=scheduled, at=at, actor=request.user)
            answer = {"ok": True, "session": str(session.public_id)}
            if action == "set":
                load = _parse_number(data.get("load", ""), "load", _("Load"))
                row = services.save_session_set(
                    session=session,
                    prescribed_id=data.get("prescribed"),
                    set_number=data.get("set_number"),
                    is_done=data.get("done", "1") != "0",
                    reps=_parse_number(data.get("reps", ""), "reps", _("Reps")),
                    load_kg=display_to_kg(load, client.unit_system) if load is not None else None,
                    rpe=_parse_number(data.get("rpe", ""), "rpe", _("RPE")),
                    notes=data.get("notes", ""),
                    at=at,
                    actor=request.user,
                )
                answer["rest_seconds"] = row.prescribed.rest_seconds if row.is_done else 0
                answer["set"] = {k: v and str(v) for k, v in (_display_set(row, client.unit_system) or {}).items()}
            elif action == "swap":
                services.swap_in_session(
                    session=session,
                    prescribed_id=data.get("prescribed"),
                    exercise_id=data.get("exercise"),
                    actor=request.user,
                )
            elif action == "notes":
                services.save_session_notes(session=session, notes=data.get("notes", ""), actor=request.user)
        except DomainError as exc:
            if _wants_json(request):
                field = getattr(exc, "field", None)
                return JsonResponse({"detail": str(exc), "errors": {field: [str(exc)]} if field else {}}, status=400)
            session = selectors.open_session(client=client, scheduled=scheduled)
            return render_screen(
                request, client, scheduled, session, error={**error_item, "message": str(exc)}, status=400
            )
        if _wants_json(request):
            return JsonResponse(answer)
        if action == "set":
            messages.success(request, _("Set saved."))
            return redirect(
                reverse("training:portal_session", args=[scheduled.public_id])
                + f"#set-{data.get('prescribed')}-{data.get('set_number')}"
            )
        messages.success(request, _("Saved."))
        return redirect("training:portal_session", public_id=scheduled.public_id)

    @staticmethod
    def _summary_url(session) -> str:
        return reverse("training:portal_session_summary", args=[session.public_id])


class PortalSessionSummaryView(ClientRequiredMixin, View):
    """The finish screen: volume in the client's units, duration, sets done and the records."""

    feature = "training"

    def get(self, request, public_id):
        from mecto.localization import kg_to_display, weight_unit

        from ..models import WorkoutSession

        client = request.tenant.client
        session = (
            WorkoutSession.objects.for_org(client.organization)
            .filter(client=client, public_id=public_id)
            .select_related("scheduled__workout", "workout_log")
            .first()
        )
        if session is None:
            raise Http404
        if not session.is_finished:
            return redirect("training:portal_session", public_id=session.scheduled.public_id)
        summary = selectors.session_summary(session=session)
        for record in summary.get("records", []):
            record.value_display = kg_to_display(record.value_kg, client.unit_system)
            record.previous_display = kg_to_display(record.previous_kg, client.unit_system)
            record.load_display = kg_to_display(record.load_kg, client.unit_system)
        return render(
            request,
            "training/portal_session_summary.html",
            {
                "session": session,
                "summary": summary,
                "volume": kg_to_display(summary.get("volume_kg", 0), client.unit_system),
                "unit": weight_unit(client.unit_system),
            },
        )
