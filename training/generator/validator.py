"""Checks any program against a client profile and says, in words, what does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training import movement

from ..labels import muscle_list
from . import rules
from .plan import ProgramPlan, workout_minutes


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    week: int | None = None


@dataclass(frozen=True)
class Note:
    """Something worth knowing that is not a fault (a target no exercise could meet)."""

    message: str


PUSH_PULL_RANGE = (0.67, 1.5)
VOLUME_HIGH = gettext_lazy(
    "Week %(w)s: %(sets)s weekly sets for %(group)s, above the %(low)s–%(high)s range for this goal and level."
)
VOLUME_LOW = gettext_lazy(
    "Week %(w)s: %(sets)s weekly sets for %(group)s, below the %(low)s–%(high)s range for this goal and level."
)
IMBALANCE = gettext_lazy(
    "Week %(w)s: %(push)s pushing sets against %(pull)s pulling sets; keep them within a third of each other."
)


def weekly_volume(week) -> dict[str, float]:
    volume = dict.fromkeys(rules.GROUPS, 0.0)
    for workout in week.workouts:
        for item in workout.items:
            for group, share in rules.exercise_volume(item.exercise.primary, item.exercise.secondary).items():
                volume[group] += share * item.sets
    return volume


def push_pull_sets(week) -> tuple[int, int]:
    push = pull = 0
    for workout in week.workouts:
        for item in workout.items:
            if item.exercise.pattern in ("horizontal_push", "vertical_push"):
                push += item.sets
            elif item.exercise.pattern in ("horizontal_pull", "vertical_pull"):
                pull += item.sets
    return push, pull


def reachable_patterns(profile, catalogue, *, allowed=None) -> set[str]:
    """Movement patterns that at least one exercise the client may do belongs to; `allowed`
    saves the filtering when the caller has already done it."""
    if allowed is None:
        allowed = [ex for ex in catalogue if rules.programmable(ex, profile)]
    return {ex.pattern for ex in allowed if ex.pattern != "conditioning"}


def _missing_families(items, required, reachable) -> list[str]:
    patterns = {i.exercise.pattern for i in items if i.sets}
    return [
        str(rules.FAMILY_LABELS[family])
        for family in required
        if not patterns & set(family) and set(family) & reachable
    ]


def reachable_groups(profile, catalogue, *, allowed=None) -> set[str]:
    """Major groups that at least one exercise the client may do trains as a primary muscle."""
    if allowed is None:
        allowed = [ex for ex in catalogue if rules.programmable(ex, profile)]
    reachable = set()
    for ex in allowed:
        if ex.pattern != "conditioning":
            for m in ex.primary:
                if m in rules.MUSCLE_GROUP:
                    reachable.add(rules.MUSCLE_GROUP[m])
    return reachable


def validate(plan: ProgramPlan, profile, catalogue=None) -> tuple[list[Violation], list[Note]]:
    """Every violation of the profile by the plan, and notes. Checks: equipment,
    contraindications (the listed injuries and those the notes name), exercises whose pattern
    does not fit their muscles, training days, estimated session length, each day of the
    generator's splits training its patterns and each week covering squat or lunge, hinge,
    push and pull (where an allowed exercise exists), no lift on more than two workouts a
    week, weekly sets per major group (minimum skipped on deload weeks), push/pull balance
    (outside deload weeks)."""
    violations: list[Violation] = []
    notes: list[Note] = []
    if not plan.weeks or not any(w.workouts for w in plan.weeks):
        return [Violation("empty", _("The program has no workouts."))], notes
    targets = rules.volume_targets(profile)
    reachable = reachable_groups(profile, catalogue) if catalogue is not None else set(rules.GROUPS)
    patterns_reachable = reachable_patterns(profile, catalogue) if catalogue is not None else set(movement.PATTERNS)
    injuries = profile.all_injuries
    limit = profile.session_minutes * rules.DURATION_TOLERANCE
    seen_items: set[tuple[str, str]] = set()
    for week in plan.weeks:
        w = week.position
        if len(week.workouts) != profile.days_per_week:
            violations.append(
                Violation(
                    "days",
                    _("Week %(w)s has %(n)s workouts; the client trains %(d)s days a week.")
                    % {"w": w, "n": len(week.workouts), "d": profile.days_per_week},
                    w,
                )
            )
        days = [wo.day for wo in week.workouts]
        if len(set(days)) != len(days):
            violations.append(Violation("days", _("Week %(w)s puts two workouts on the same day.") % {"w": w}, w))
        for workout in week.workouts:
            for item in workout.items:
                ex = item.exercise
                key = (workout.name, ex.name)
                if not rules.equipment_ok(ex, profile) and ("eq",) + key not in seen_items:
                    seen_items.add(("eq",) + key)
                    violations.append(
                        Violation(
                            "equipment",
                            _("%(workout)s: %(ex)s needs %(eq)s, which the client does not have.")
                            % {"workout": workout.name, "ex": ex.name, "eq": ex.equipment},
                            w,
                        )
                    )
                reason = rules.contraindication(ex, injuries)
                if reason and ("ci",) + key not in seen_items:
                    seen_items.add(("ci",) + key)
                    violations.append(
                        Violation(
                            "contraindication",
                            _("%(workout)s: %(ex)s — %(reason)s.")
                            % {"workout": workout.name, "ex": ex.name, "reason": reason},
                            w,
                        )
                    )
                fits = movement.pattern_fits(
                    ex.pattern, primary=ex.primary, secondary=ex.secondary, mechanic=ex.mechanic, force=ex.force
                )
                if not fits and ("pattern", ex.name) not in seen_items:
                    seen_items.add(("pattern", ex.name))
                    violations.append(
                        Violation(
                            "pattern",
                            _("%(ex)s is filed as %(pattern)s, which does not fit the muscles it trains (%(m)s).")
                            % {
                                "ex": ex.name,
                                "pattern": ex.pattern.replace("_", " "),
                                "m": muscle_list(ex.primary) or _("none given"),
                            },
                            w,
                        )
                    )
            required = rules.DAY_COVERAGE.get(workout.name, ())
            missing = _missing_families(workout.items, required, patterns_reachable)
            if missing:
                violations.append(
                    Violation(
                        "coverage",
                        _("Week %(w)s, %(workout)s lacks %(missing)s.")
                        % {"w": w, "workout": workout.name, "missing": ", ".join(missing)},
                        w,
                    )
                )
            minutes = workout_minutes(workout)
            if minutes > limit:
                violations.append(
                    Violation(
                        "duration",
                        _("Week %(w)s, %(workout)s takes about %(m)s minutes; sessions are %(s)s minutes.")
                        % {"w": w, "workout": workout.name, "m": round(minutes), "s": profile.session_minutes},
                        w,
                    )
                )
        week_items = [i for wo in week.workouts for i in wo.items]
        missing = _missing_families(week_items, rules.WEEK_COVERAGE, patterns_reachable)
        if missing:
            violations.append(
                Violation(
                    "coverage",
                    _("Week %(w)s lacks %(missing)s.") % {"w": w, "missing": ", ".join(missing)},
                    w,
                )
            )
        days_by_lift: dict[str, set[int]] = {}
        for index, wo in enumerate(week.workouts):
            for item in wo.items:
                if item.sets and item.exercise.pattern in movement.LIFT_PATTERNS:
                    days_by_lift.setdefault(item.exercise.name, set()).add(index)
        for name, days_used in days_by_lift.items():
            if len(days_used) > rules.MAX_LIFT_DAYS_PER_WEEK and ("repeat", name) not in seen_items:
                seen_items.add(("repeat", name))
                violations.append(
                    Violation(
                        "repeat",
                        _(
                            "Week %(w)s: %(ex)s is on %(n)s workouts; keep a lift to two workouts a week "
                            "and vary the others."
                        )
                        % {"w": w, "ex": name, "n": len(days_used)},
                        w,
                    )
                )
        volume = weekly_volume(week)
        for group, (low, high) in targets.items():
            label = rules.GROUP_LABELS[group]
            sets = volume[group]
            if sets > high:
                violations.append(
                    Violation(
                        "volume_high",
                        str(VOLUME_HIGH) % {"w": w, "sets": _fmt(sets), "group": label, "low": low, "high": high},
                        w,
                    )
                )
            elif sets < low and not week.is_deload:
                if group not in reachable:
                    if w == 1:
                        notes.append(
                            Note(
                                _("No exercise fits the equipment and injuries for %(group)s; it gets no target.")
                                % {"group": label}
                            )
                        )
                    continue
                violations.append(
                    Violation(
                        "volume_low",
                        str(VOLUME_LOW) % {"w": w, "sets": _fmt(sets), "group": label, "low": low, "high": high},
                        w,
                    )
                )
        push, pull = push_pull_sets(week)
        if week.is_deload:
            # A deload rounds every exercise's sets down on its own; the ratio of week 1 stands.
            continue
        if push and pull:
            ratio = push / pull
            if not PUSH_PULL_RANGE[0] <= ratio <= PUSH_PULL_RANGE[1]:
                violations.append(
                    Violation(
                        "balance",
                        str(IMBALANCE) % {"w": w, "push": push, "pull": pull},
                        w,
                    )
                )
        elif push and not pull:
            violations.append(Violation("balance", _("Week %(w)s has pushing but no pulling.") % {"w": w}, w))
    return violations, notes


def _fmt(value: float) -> str:
    return f"{value:g}"
