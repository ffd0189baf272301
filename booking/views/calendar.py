"""The coach's calendar: a week time grid, a month grid and a day agenda, with sessions,
assigned workouts and connected-calendar busy times; sessions move by drag and drop or a
Move dialog, through the booking service and all its rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from clients.models import Client
from mecto.errors import DomainError
from mecto.localization import format_date, format_time
from mecto.scope import client_scope

from .. import selectors, services
from ..forms import MoveSessionForm
from ..models import AvailabilityRule, Booking, ServiceType, Session
from ._common import _parse_date, _wall
from .coach import CoachPageMixin, _id_param, _is_local

PALETTE_SIZE = 8  # .cal-c0 … .cal-c7 in booking.css: light fills with dark text (AA contrast)
DAY_MINUTES = 24 * 60
VIEWS = ("week", "month", "day")


@dataclass
class Block:
    """Something drawn at a wall-clock position in one day column of the week grid."""

    css_id: str
    top: int  # minutes from local midnight
    bottom: int
    lane: int = 0
    lanes: int = 1
    label: str = ""
    session: Session | None = None
    start_local: datetime | None = None
    end_local: datetime | None = None
    colour: int = 0
    people: list = field(default_factory=list)


def _wall_minutes(moment: datetime, tz: ZoneInfo, day: date) -> int:
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def _clock_change(day: date, tz: ZoneInfo) -> tuple[int, bool, str] | None:
    """The wall-clock hour a DST day skips (True) or repeats (False), with what to say about it."""
    for hour in range(24):
        moment = datetime.combine(day, time(hour), tzinfo=tz)
        again = moment.astimezone(ZoneInfo("UTC")).astimezone(tz)
        if again.replace(tzinfo=None) != moment.replace(tzinfo=None):
            return (
                hour,
                True,
                _("Clocks go forward: %(from)s–%(to)s does not happen.")
                % {
                    "from": format_time(time(hour)),
                    "to": format_time(time((hour + 1) % 24)),
                },
            )
        if moment.utcoffset() != moment.replace(fold=1).utcoffset():
            return (
                hour,
                False,
                _("Clocks go back: %(from)s–%(to)s happens twice.")
                % {
                    "from": format_time(time(hour)),
                    "to": format_time(time((hour + 1) % 24)),
                },
            )
    return None


def _lay_out(blocks: list[Block]) -> None:
    """Side by side lanes for blocks that overlap (several coaches at one time)."""
    clusters: list[list[Block]] = []
    end = -1
    for block in sorted(blocks, key=lambda b: (b.top, -b.bottom)):
        if not clusters or block.top >= end:
            clusters.append([])
            end = -1
        clusters[-1].append(block)
        end = max(end, block.bottom)
    for cluster in clusters:
        lane_ends: list[int] = []
        for block in cluster:
            for i, lane_end in enumerate(lane_ends):
                if lane_end <= block.top:
                    lane_ends[i], block.lane = block.bottom, i
                    break
            else:
                block.lane = len(lane_ends)
                lane_ends.append(block.bottom)
        for block in cluster:
            block.lanes = len(lane_ends)


def _pct(minutes: int) -> str:
    return f"{minutes * 100 / DAY_MINUTES:.4f}%"


class CalendarView(CoachPageMixin, View):
    """Week (time grid), month and day (agenda) views of the business's sessions."""

    def get(self, request):
        org = self.org
        view = request.GET.get("view") if request.GET.get("view") in VIEWS else "week"
        colour_by = "service" if request.GET.get("colour") == "service" else "coach"
        tz_name = self.coach_zone()
        tz = ZoneInfo(tz_name)
        today = timezone.now().astimezone(tz).date()
        day = _parse_date(request.GET.get("date"), today)
        coaches = list(User.objects.for_org(org).order_by("full_name", "email"))
        service_list = list(ServiceType.objects.for_org(org).order_by("-is_active", "name", "id"))
        coach_id = _id_param(request.GET.get("coach"))
        if not any(c.pk == coach_id for c in coaches):
            coach_id = None
        service_id = _id_param(request.GET.get("service"))
        if not any(s.pk == service_id for s in service_list):
            service_id = None
        # Whose sessions (mecto.scope): a chosen coach where the role sees everyone's, else the
        # member's own on "mine", every coach's on "all".
        scope = client_scope(request)
        if not scope.can_see_all or (coach_id is None and scope.is_mine):
            coach_id = request.user.pk
        keep_params = {"coach": coach_id} if coach_id else {"scope": "all"}
        if service_id:
            keep_params["service"] = service_id
        if colour_by == "service":
            keep_params["colour"] = "service"
        keep = "&" + urlencode(keep_params)

        if view == "month":
            month_first = day.replace(day=1)
            first = month_first - timedelta(days=month_first.weekday())
            next_month = (month_first + timedelta(days=32)).replace(day=1)
            month_last = next_month - timedelta(days=1)
            last = month_last + timedelta(days=6 - month_last.weekday())  # that week's Sunday
            days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            prev_day, next_day = (month_first - timedelta(days=1)).replace(day=1), next_month
        else:
            first = day if view == "day" else day - timedelta(days=day.weekday())
            days = [first + timedelta(days=i) for i in range(1 if view == "day" else 7)]
            step = timedelta(days=1 if view == "day" else 7)
            prev_day, next_day = first - step, first + step
        start = selectors.local_day_bounds(days[0], tz_name)[0]
        end = selectors.local_day_bounds(days[-1], tz_name)[1]
        feed = selectors.calendar_feed(
            organization=org,
            start=start,
            end=end,
            tz_name=tz_name,
            coach_id=coach_id,
            service_id=service_id,
            busy_coach_ids=[coach_id or request.user.pk],
        )
        coach_colour = {c.pk: i % PALETTE_SIZE for i, c in enumerate(coaches)}
        service_colour = {s.pk: i % PALETTE_SIZE for i, s in enumerate(service_list)}

        def colour(session):
            return (service_colour if colour_by == "service" else coach_colour).get(
                session.service_id if colour_by == "service" else session.coach_id, 0
            )

        by_day: dict[date, list[Session]] = {d: [] for d in days}
        for session in feed.sessions:
            session.local_start, session.local_end = _wall(session.start_at, tz), _wall(session.end_at, tz)
            session.time_value = f"{session.local_start:%H:%M}"  # what the drag-to-move form sends back
            session.colour = colour(session)
            session.move_url = reverse("booking:calendar_move", args=[session.pk])
            by_day.setdefault(session.local_start.date(), []).append(session)
        workouts_by_day: dict[date, list] = {}
        for workout in feed.workouts:
            workouts_by_day.setdefault(workout.date, []).append(workout)
        used_coaches = {s.coach_id for s in feed.sessions}
        used_services = {s.service_id for s in feed.sessions}
        if colour_by == "service":
            legend = [(s.name, service_colour[s.pk]) for s in service_list if s.pk in used_services]
        else:
            legend = [(str(c), coach_colour[c.pk]) for c in coaches if c.pk in used_coaches]

        rules: list[str] = []
        # A free hour books for the coach and service shown, and for the client the calendar
        # was opened for (`?client=` from a client's page), when they are this business's.
        prefill = {"coach": coach_id, "service": service_id}
        client_id = _id_param(request.GET.get("client"))
        if client_id and Client.objects.for_org(org).filter(pk=client_id).exists():
            prefill["client"] = client_id
            keep += f"&client={client_id}"
        columns = self._week_columns(days, feed, tz, rules, prefill) if view == "week" else []
        weeks = []
        if view == "month":
            for i in range(0, len(days), 7):
                weeks.append(
                    [
                        {
                            "date": d,
                            "in_month": d.month == day.month,
                            "sessions": by_day.get(d, []),
                            "workouts": workouts_by_day.get(d, []),
                        }
                        for d in days[i : i + 7]
                    ]
                )
        return render(
            request,
            "booking/calendar.html",
            {
                "view": view,
                "colour_by": colour_by,
                "days": [(d, by_day.get(d, [])) for d in days],
                "agenda": [(d, by_day.get(d, []), workouts_by_day.get(d, [])) for d in days],
                "columns": columns,
                "weeks": weeks,
                "weekday_names": [format_date(days[0] + timedelta(days=i), "WEEKDAY_FORMAT") for i in range(7)],
                "hour_labels": [format_time(time(h)) for h in range(24)],
                "grid_style": "".join(rules),
                "legend": legend,
                "busy": feed.busy,
                "day": day,
                "today": today,
                "first": days[0],
                "prev": prev_day.isoformat(),
                "next": next_day.isoformat(),
                "coaches": coaches if scope.can_see_all else [c for c in coaches if c.pk == coach_id],
                "coach_id": coach_id,
                "service_list": service_list,
                "service_id": service_id,
                "scope": scope,
                "mine_label": _("My sessions"),
                "keep": keep,
                "here": f"{reverse('booking:calendar')}?view={view}&date={day.isoformat()}{keep}",
                "tz_name": tz_name,
                "has_services": bool(service_list),
                "has_hours": AvailabilityRule.objects.for_org(org).filter(coach=request.user).exists(),
                "attendance_choices": [
                    (Booking.Attendance.ATTENDED, _("Attended")),
                    (Booking.Attendance.NO_SHOW, _("No-show")),
                    (Booking.Attendance.LATE_CANCEL, _("Late cancel")),
                ],
                "now": timezone.now(),
                "move_form": MoveSessionForm(),
            },
        )

    def _week_columns(self, days, feed, tz, rules, prefill: dict) -> list[dict]:
        """Day columns of the week grid: sessions and busy times at their wall-clock places
        (a DST day's skipped or repeated hour is marked), and an hour slot to book."""
        new_url = reverse("booking:new")
        columns = []
        for index, day in enumerate(days):
            day_start, day_end = selectors.local_day_bounds(day, tz.key)
            change = _clock_change(day, tz)
            events = []
            for session in feed.sessions:
                if session.end_at <= day_start or session.start_at >= day_end:
                    continue
                top = _wall_minutes(max(session.start_at, day_start), tz, day)
                bottom = DAY_MINUTES if session.end_at >= day_end else _wall_minutes(session.end_at, tz, day)
                events.append(
                    Block(
                        css_id=f"cal-ev-{session.pk}-{index}",
                        top=top,
                        bottom=max(bottom, top + 15),
                        session=session,
                        colour=session.colour,
                    )
                )
            _lay_out(events)
            busy = []
            for _coach, b_start, b_end in feed.busy:
                if b_end <= day_start or b_start >= day_end:
                    continue
                top = _wall_minutes(max(b_start, day_start), tz, day)
                bottom = DAY_MINUTES if b_end >= day_end else _wall_minutes(b_end, tz, day)
                busy.append(
                    Block(
                        css_id=f"cal-busy-{index}-{len(busy)}",
                        top=top,
                        bottom=max(bottom, top + 15),
                        start_local=_wall(b_start, tz),
                        end_local=_wall(b_end, tz),
                    )
                )
            for block in events:
                width = 100 / block.lanes
                rules.append(
                    f"#{block.css_id}{{top:{_pct(block.top)};height:{_pct(block.bottom - block.top)};"
                    f"left:{block.lane * width:.3f}%;width:{width:.3f}%}}"
                )
            for block in busy:
                rules.append(f"#{block.css_id}{{top:{_pct(block.top)};height:{_pct(block.bottom - block.top)}}}")
            slots = []
            for hour in range(24):
                if change and change[1] and hour == change[0]:
                    slots.append(None)  # this hour does not exist today
                    continue
                query = {"date": day.isoformat(), "time": f"{hour:02d}:00"}
                query.update({key: value for key, value in prefill.items() if value})
                slots.append(
                    {
                        "time": query["time"],
                        "url": f"{new_url}?{urlencode(query, safe=':')}",
                        "label": _("Book %(day)s at %(time)s")
                        % {"day": format_date(day, "WEEKDAY_MONTH_DAY_FORMAT"), "time": format_time(time(hour))},
                    }
                )
            gap_id = f"cal-dst-{index}"
            if change:
                rules.append(f"#{gap_id}{{top:{_pct(change[0] * 60)};height:{_pct(60)}}}")
            columns.append(
                {
                    "date": day,
                    "hours": round((day_end - day_start).total_seconds() / 3600),
                    "events": events,
                    "busy": busy,
                    "slots": slots,
                    "change": change[2] if change else "",
                    "change_skips": bool(change and change[1]),
                    "change_id": gap_id,
                    "workouts": [w for w in feed.workouts if w.date == day],
                }
            )
        return columns


class CalendarMoveView(CoachPageMixin, View):
    """Move a session from the calendar (drag and drop or the Move dialog): the booking
    service checks hours, notice, clashes, buffers and busy times, and tells the clients."""

    def post(self, request, pk):
        session = get_object_or_404(Session.objects.for_org(self.org).select_related("service", "coach"), pk=pk)
        wants_json = "application/json" in request.headers.get("Accept", "")
        back = request.POST.get("next")
        back = back if _is_local(back) else reverse("booking:calendar")
        form = MoveSessionForm(request.POST)
        error = None
        if form.is_valid():
            try:
                start = services.local_start(
                    day=form.cleaned_data["date"], at=form.cleaned_data["time"], time_zone=self.coach_zone()
                )
                services.update_session(session=session, actor=request.user, start_at=start, check_availability=True)
            except DomainError as exc:
                error = {"field": exc.field or "__all__", "message": exc.message}
        else:
            name, errors = next(iter(form.errors.items()))
            error = {"field": name, "message": errors[0]}
        if error is None:
            session.refresh_from_db()
            local = _wall(session.start_at, ZoneInfo(self.coach_zone()))
            message = _("%(service)s moved to %(when)s; clients were told.") % {
                "service": session.service.name,
                "when": f"{format_date(local, 'WEEKDAY_MONTH_DAY_FORMAT')}, {format_time(local)}",
            }
            messages.success(request, message)
            if wants_json:
                return JsonResponse({"ok": True, "message": message, "start_at": session.start_at.isoformat()})
            return redirect(back)
        if wants_json:
            return JsonResponse({"ok": False, **error}, status=400)
        messages.error(request, error["message"])
        return redirect(back)
