"""Nutrition's and habits' parts of the client's home (`mecto.portal_home`).

Habit streaks are the habits' own (`nutrition.habits`: due days in a row done, or weeks for
an N-times-a-week habit, on the client's calendar with the business's grace hour). The week's
habit figure is the share of this week's due habit days (or week goals) done, counting a day
still open (today, or yesterday in its grace period) only once it is done."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from mecto.portal_home import Moment, Streak

from . import habits as rules
from . import selectors, selectors_habits
from .models import Meal, MealPlan, MealPlanDay
from .shopping import days_in_range


def _habits(client, moment: Moment):
    def load():
        habits = list(selectors_habits.client_habits(client=client))
        return habits, selectors_habits.habit_stats_for(habits, now=moment.now)

    return moment.once("nutrition.habits", load)


# --- Habits ------------------------------------------------------------------------------------------
def habits_today(client, moment: Moment) -> dict:
    """The habits to tick now (due today, or yesterday's while its grace period lasts)."""
    rows = selectors_habits.today_for_client(client=client, now=moment.now, loaded=_habits(client, moment))
    items = []
    for row in rows:
        habit = row["habit"]
        unit = rules.display_unit(
            kind=habit.kind, quantity=habit.quantity, unit_label=habit.unit_label, unit_system=client.unit_system
        )
        entries = []
        for entry in row["entries"]:
            log = entry["log"]
            entries.append(
                {
                    "date": entry["date"],
                    "is_today": entry["is_today"],
                    "is_complete": bool(log and log.is_complete),
                    "value": rules.to_display(
                        log.value if log else None,
                        kind=habit.kind,
                        quantity=habit.quantity,
                        unit_system=client.unit_system,
                    ),
                }
            )
        stats = row["stats"]
        items.append(
            {
                "id": habit.pk,
                "name": habit.name,
                "kind": habit.kind,
                "unit": unit,
                "streak": stats.current_streak,
                "streak_unit": stats.streak_unit,
                "entries": entries,
                "log_url": reverse("nutrition:portal_log_habit", args=[habit.pk]),
            }
        )
    done = sum(1 for i in items for e in i["entries"] if e["is_today"] and e["is_complete"])
    due = sum(1 for i in items for e in i["entries"] if e["is_today"])
    return {"habits": items, "done": done, "due": due, "url": reverse("nutrition:portal_habits")}


def habit_streaks(client, moment: Moment) -> list[Streak]:
    habits, stats = _habits(client, moment)
    url = reverse("nutrition:portal_habits")
    return [
        Streak(
            key=f"habit-{h.pk}",
            label=h.name,
            current=stats[h.pk].current_streak,
            longest=stats[h.pk].longest_streak,
            unit=stats[h.pk].streak_unit,
            url=url + f"#habit-{h.pk}",
        )
        for h in habits
    ]


def habits_week(client, moment: Moment) -> dict:
    habits, stats = _habits(client, moment)
    done = due = 0
    for habit in habits:
        for unit in stats[habit.pk].units:
            if unit.end >= moment.week_start and unit.state != rules.OPEN:
                done += min(unit.done_count, unit.required)
                due += unit.required
    return {"habits_done": done, "habits_due": due, "habits_percent": round(100 * done / due) if due else None}


# --- Food log and meal plan --------------------------------------------------------------------------
def _plan_today(client, moment: Moment) -> dict | None:
    plan = (
        MealPlan.objects.for_org(client.organization)
        .filter(client=client, status=MealPlan.Status.ACTIVE)
        .only("id", "name", "start_date", "day_naming")
        .order_by("-start_date", "-id")
        .first()
    )
    if plan is None:
        return None
    days = list(MealPlanDay.objects.filter(plan=plan).order_by("position", "id").only("id", "name", "position"))
    followed = (
        days_in_range(plan, days, moment.today, moment.today)
        if moment.today >= (plan.start_date or moment.today)
        else []
    )
    meals = []
    day_name = ""
    if followed:
        day = followed[0][1]
        day_name = day.name
        meals = [
            m.label for m in Meal.objects.filter(day=day).order_by("position", "id").only("kind", "name", "day_id")
        ]
    return {"name": plan.name, "day_name": day_name, "meals": meals, "url": reverse("nutrition:portal_plan")}


def _figure(status) -> dict:
    return {
        "actual": status.actual.quantize(Decimal(1)),
        "target": status.target.quantize(Decimal(1)) if status.target is not None else None,
        "percent": status.percent,
    }


def nutrition_today(client, moment: Moment) -> dict:
    """Today's food log against the day's targets, and the meals of the plan for today."""
    summary = selectors.day_summary(client=client, day=moment.today)
    by_field = summary.by_field
    return {
        "entries": summary.entry_count,
        "energy_kcal": _figure(by_field["energy_kcal"]),
        "protein_g": _figure(by_field["protein_g"]),
        "plan": _plan_today(client, moment),
        "url": reverse("nutrition:portal"),
    }
