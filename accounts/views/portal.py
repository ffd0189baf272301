"""The client's home and history in the portal: what to do today, how the week goes, and
what happened on each day of a month (`mecto.portal_home` gathers each app's part)."""

import uuid
from datetime import date, timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache

from mecto import portal_home
from mecto.localization import format_date
from mecto.permissions import ClientRequiredMixin


def _kind_count(kind: str, n: int) -> str:
    if kind == "workout":
        return ngettext("%(n)d workout", "%(n)d workouts", n) % {"n": n}
    if kind == "checkin":
        return ngettext("%(n)d check-in", "%(n)d check-ins", n) % {"n": n}
    return ngettext("%(n)d session", "%(n)d sessions", n) % {"n": n}


@method_decorator(never_cache, name="dispatch")
class PortalHomeView(ClientRequiredMixin, View):
    """Today (check-in due, workout, habits, food, next session), streaks and this week; then
    the cards of the sections the home does not cover (messages, billing)."""

    def get(self, request):
        from mecto.dashboard import portal_context

        client = request.tenant.client
        home = portal_home.home(request, client)
        # Each tick form carries its own id, so a double tap or a resent form logs once.
        for habit in (home.today.get("habits") or {}).get("habits", []):
            for entry in habit["entries"]:
                entry["request_id"] = uuid.uuid4()
        context = {"client": client, "home": home, "today": home.today, **portal_context(request)}
        context["is_new"] = _is_new(home)
        context["has_streaks"] = any(s.current or s.longest for s in home.streaks)
        return render(request, "accounts/portal_home.html", context)


def _is_new(home) -> bool:
    """Nothing assigned, booked or logged yet: the home says how to begin."""
    today, week = home.today, home.week
    training = today.get("training") or {}
    return not (
        training.get("workouts")
        or training.get("next")
        or (today.get("habits") or {}).get("habits")
        or (today.get("checkins") or {}).get("due")
        or today.get("next_session")
        or ((today.get("nutrition") or {}).get("plan"))
        or any(s.current or s.longest for s in home.streaks)
        or week.get("workouts_planned")
    )


def month_grid(first: date, days: dict, today: date, selected: date | None) -> list[list[dict | None]]:
    """Weeks (Monday first) of the month's day cells; None pads the first and last week."""
    cells: list[dict | None] = [None] * first.weekday()
    for day, events in days.items():
        kinds = []
        for kind in ("workout", "checkin", "session"):
            n = sum(1 for e in events if e.kind == kind)
            if n:
                kinds.append({"kind": kind, "count": n, "label": _kind_count(kind, n)})
        summary = ", ".join(k["label"] for k in kinds) or _("nothing")
        cells.append(
            {
                "date": day,
                "kinds": kinds,
                "is_today": day == today,
                "is_selected": day == selected,
                "label": f"{format_date(day, 'WEEKDAY_MONTH_DAY_FORMAT')}: {summary}",
            }
        )
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


@method_decorator(never_cache, name="dispatch")
class PortalHistoryView(ClientRequiredMixin, View):
    """A month of the client's workouts, check-ins and sessions; a day's detail below."""

    def get(self, request):
        client = request.tenant.client
        moment = portal_home.moment_for(client)
        first = portal_home.parse_month(request.GET.get("month"), moment.today)
        error = ""
        if first is None:
            error = _("That month was not understood (YYYY-MM, for example 2026-12): here is this month.")
            first = moment.today.replace(day=1)
        last = portal_home.month_end(first)
        selected = None
        if request.GET.get("day"):
            try:
                selected = date.fromisoformat(request.GET["day"])
            except ValueError:
                selected = None
            if selected is not None and not first <= selected <= last:
                selected = None
        elif first <= moment.today <= last:
            selected = moment.today
        days = portal_home.history(request, client, first, now=moment.now)
        previous_month = (first - timedelta(days=1)).replace(day=1)
        next_month = last + timedelta(days=1)
        context = {
            "client": client,
            "tz": moment.tz,
            "first": first,
            "weeks": month_grid(first, days, moment.today, selected),
            "weekdays": [format_date(date(2024, 1, 1) + timedelta(days=i), "WEEKDAY_FORMAT") for i in range(7)],
            "selected": selected,
            "selected_events": days.get(selected, []) if selected else [],
            "previous_month": previous_month,
            "next_month": next_month,
            # The ?month= values, as the page reads them back (YYYY-MM).
            "month_param": f"{first:%Y-%m}",
            "previous_month_param": f"{previous_month:%Y-%m}",
            "next_month_param": f"{next_month:%Y-%m}",
            "month_count": sum(len(e) for e in days.values()),
            "base_url": reverse("portal:history"),
            "error": error,
        }
        return render(request, "accounts/portal_history.html", context, status=400 if error else 200)
