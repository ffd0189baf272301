"""The program generator: a profile and a seed in, a draft ProgramPlan out.

1. A split for the days and goal (rules.choose_split), workouts on spread-out days.
2. Each day's slots name a movement pattern (and sometimes a muscle); an exercise is picked
   per slot from those the client can do (equipment, injuries, level), ranked by how standard
   it is, the business's learned preferences, and a seeded tie-breaker.
3. Reps, effort and rest follow the goal's scheme; the weekly sets of every exercise come
   from a small integer program (scipy's HiGHS): as close to the goal's preferred sets as
   possible while every major muscle group sits in its weekly range, pushing and pulling
   balance, and every session (in every week, progression included) fits its length.
4. Progression over 4–6 weeks by level, the last week a deload.
Every exercise carries a one-line reason. The same profile and seed give the same plan.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from scipy.optimize import Bounds, LinearConstraint, milp

from training import movement

from . import rules
from .catalogue import CatalogueExercise
from .plan import (
    CIRCUIT_TRANSITION_SECONDS,
    WARMUP_SECONDS,
    BlockPlan,
    ItemPlan,
    ProgramPlan,
    WeekPlan,
    WorkoutPlan,
    expand,
    progress_item,
    work_seconds,
)
from .preferences import Preferences
from .validator import reachable_groups

ROLE_PRIORITY = {"main": 0, "secondary": 1, "accessory": 2, "core": 3, "conditioning": 4}
PATTERN_LABEL = {
    "squat": gettext_lazy("Squat"),
    "hinge": gettext_lazy("Hinge"),
    "lunge": gettext_lazy("Lunge"),
    "horizontal_push": gettext_lazy("Horizontal push"),
    "vertical_push": gettext_lazy("Vertical push"),
    "horizontal_pull": gettext_lazy("Horizontal pull"),
    "vertical_pull": gettext_lazy("Vertical pull"),
    "carry": gettext_lazy("Carry"),
    "core": gettext_lazy("Core"),
    "conditioning": gettext_lazy("Conditioning"),
    "isolation": gettext_lazy("Isolation"),
    "mobility": gettext_lazy("Mobility"),
}
MAX_SETS_PER_ITEM = 6
MIN_SETS_PER_ITEM = 2


NEGATIVE_CUES = (
    "no",
    "avoid",
    "avoids",
    "hate",
    "hates",
    "dislike",
    "dislikes",
    "not a fan of",
    "don't like",
    "do not like",
    "without",
)
FILLER = {
    "and",
    "or",
    "the",
    "a",
    "an",
    "to",
    "doing",
    "any",
    "much",
    "really",
    "very",
    "too",
    "of",
    "with",
    "i",
    "is",
    "are",
    "be",
}
POSITIVE_CUES = ("like", "likes", "love", "loves", "enjoy", "enjoys", "prefer", "prefers", "favourite", "favorite")


def injury_reason(injuries) -> str:
    """What an exercise's reason says about the client's complaints. Not "safe": the rules only
    rule out what usually strains the complaint (see `training.generator.health` for who reads it)."""
    return _("not ruled out for the stated %(i)s (confirm with the client)") % {
        "i": ", ".join(i.replace("_", " ") for i in injuries)
    }


def preference_terms(text: str) -> tuple[set[str], set[str]]:
    """Words the client avoids and likes, from free text such as "loves kettlebells; no burpees
    or running". A cue covers the words after it up to the next cue or punctuation."""
    text = (text or "").lower()
    for cue in NEGATIVE_CUES + POSITIVE_CUES:
        if " " in cue:
            text = text.replace(cue, cue.replace(" ", "_"))
    avoid, like, mode = set(), set(), None
    for token in re.findall(r"[a-z_'-]+|[,.;:!?]", text):
        cue = token.replace("_", " ")
        if token in ",.;:!?":
            mode = None
        elif cue in NEGATIVE_CUES:
            mode = "avoid"
        elif cue in POSITIVE_CUES:
            mode = "like"
        elif mode and token not in FILLER:
            (avoid if mode == "avoid" else like).add(token.rstrip("s") if len(token) > 3 else token)
    return avoid, like


def _mentions(ex: CatalogueExercise, terms: set[str]) -> str:
    words = {w.rstrip("s") if len(w) > 3 else w for w in re.findall(r"[a-z]+", ex.name.lower())}
    words |= {ex.equipment.rstrip("s")} if ex.equipment else set()
    found = sorted(words & terms)
    return found[0] if found else ""


class Generator:
    def __init__(self, profile, catalogue: list[CatalogueExercise], *, seed: int = 0, preferences=None):
        self.profile = profile
        self.scheme = rules.SCHEMES[profile.goal]
        self.preferences: Preferences = preferences or Preferences()
        self.rng = random.Random(f"mecto:{seed}")
        self.seed = seed
        self.allowed = [ex for ex in catalogue if rules.programmable(ex, profile)]
        self.jitter = {ex.pk: self.rng.random() for ex in self.allowed}
        self.by_pattern: dict[str, list[CatalogueExercise]] = {}
        for ex in self.allowed:
            self.by_pattern.setdefault(ex.pattern, []).append(ex)
        self.week_use: dict[int, int] = {}
        self.reachable = reachable_groups(profile, self.allowed, allowed=self.allowed)
        self.base_scores: dict[int, float] = {}
        self.weeks = rules.WEEKS_BY_LEVEL[profile.experience]
        self.notes: list[str] = []
        self.avoid, self.like = preference_terms(profile.preferences)

    # --- Picking exercises ---------------------------------------------------------------------
    def _candidates(self, slot: rules.Slot) -> list[CatalogueExercise]:
        if slot.role == "conditioning":
            return list(self.by_pattern.get("conditioning", ()))
        pool = [] if slot.pattern == "conditioning" else list(self.by_pattern.get(slot.pattern, ()))
        if slot.muscle:
            narrowed = [ex for ex in pool if slot.muscle in ex.primary]
            pool = narrowed or pool
        if slot.mechanic:
            narrowed = [ex for ex in pool if ex.mechanic == slot.mechanic]
            pool = narrowed or pool
        if not pool and slot.role == "core":
            pool = [*self.by_pattern.get("core", ()), *self.by_pattern.get("carry", ())]
        return pool

    def _available(self, ex: CatalogueExercise) -> bool:
        """A lift goes on at most two workouts a week (rules.MAX_LIFT_DAYS_PER_WEEK)."""
        return ex.pattern not in movement.LIFT_PATTERNS or self.week_use.get(ex.pk, 0) < rules.MAX_LIFT_DAYS_PER_WEEK

    def _base_score(self, ex: CatalogueExercise) -> float:
        """The part of an exercise's score that does not depend on the slot or the week so far."""
        cached = self.base_scores.get(ex.pk)
        if cached is not None:
            return cached
        score = 0.0
        if ex.name in rules.STAPLES:
            score += 3.0
        if (
            ex.level
            == {"beginner": "beginner", "intermediate": "intermediate", "advanced": "expert"}[self.profile.experience]
        ):
            score += 0.5
        if any(w in ex.words for w in rules.ODD_WORDS):
            score -= 2.0
        if ex.is_own:
            score += 0.5
        score -= len(ex.name) / 40
        score += self.preferences.score(ex)
        # The client's own words: what they avoid comes last, what they enjoy comes first.
        if self.avoid and _mentions(ex, self.avoid):
            score -= 50.0
        if self.like and _mentions(ex, self.like):
            score += 2.5
        score += self.jitter[ex.pk]
        self.base_scores[ex.pk] = score
        return score

    def _score(self, ex: CatalogueExercise, slot: rules.Slot, used: set[int]) -> float:
        score = self._base_score(ex)
        if slot.role in ("main", "secondary") and ex.mechanic == "compound":
            score += 1.5
        if slot.mechanic and ex.mechanic == slot.mechanic:
            score += 1.0
        score -= 2.0 * self.week_use.get(ex.pk, 0)
        if ex.pk in used:
            score -= 100.0
        return score

    def pick(self, slot: rules.Slot, used: set[int], avoid: frozenset[str] = frozenset()) -> CatalogueExercise | None:
        """The best exercise for the slot; `avoid` names muscle groups it must not train (full)."""
        pool = [ex for ex in self._candidates(slot) if ex.pk not in used and self._available(ex)]
        if avoid:
            pool = [ex for ex in pool if not set(rules.exercise_volume(ex.primary, ex.secondary)) & avoid]
        if not pool:
            return None
        best = max(pool, key=lambda ex: (self._score(ex, slot, used), -ex.pk))
        self.week_use[best.pk] = self.week_use.get(best.pk, 0) + 1
        return best

    # --- Prescriptions ---------------------------------------------------------------------------
    def _reason(self, slot: rules.Slot, ex: CatalogueExercise) -> str:
        role = {
            "main": _("main lift"),
            "secondary": _("second lift"),
            "accessory": _("accessory"),
            "core": _("trunk"),
            "conditioning": _("conditioning"),
        }[slot.role]
        why = []
        liked = _mentions(ex, self.like) if self.like else ""
        if liked:
            why.append(_("the client enjoys %(w)s") % {"w": liked})
        pref = self.preferences.reason(ex)
        if pref:
            why.append(pref)
        elif ex.name in rules.STAPLES:
            why.append(_("a well-known staple"))
        why.append(_("uses %(e)s") % {"e": ex.equipment} if ex.equipment not in ("", "body only") else _("bodyweight"))
        injuries = self.profile.all_injuries
        if injuries:
            why.append(injury_reason(injuries))
        label = str(PATTERN_LABEL.get(ex.pattern, ex.pattern))
        return f"{label}, {role}: " + ", ".join(why) + "."

    def _effort(self, value: str) -> Decimal:
        effort = Decimal(value)
        if self.profile.experience == "beginner":
            effort = min(effort, Decimal("7")) if self.scheme.load_type == "rpe" else max(effort, Decimal("3"))
        return effort

    def make_item(self, slot: rules.Slot, ex: CatalogueExercise) -> ItemPlan:
        s = self.scheme
        weeks = self.weeks
        reason = self._reason(slot, ex)
        if slot.role == "conditioning":
            seconds = 45 if self.profile.goal == "endurance" else 30
            return ItemPlan(
                ex,
                sets=4,
                reps_type="time",
                duration_seconds=seconds,
                rest_seconds=30,
                progression="reps",
                progression_amount=Decimal("5"),
                deload_every=weeks,
                reason=reason,
                role=slot.role,
            )
        if slot.role == "core" or ex.pattern == "carry":
            static = ex.force == "static" or ex.pattern == "carry" or " plank " in ex.words or " hold " in ex.words
            if static:
                seconds = 30 if self.profile.experience == "beginner" else 40
                return ItemPlan(
                    ex,
                    sets=2,
                    reps_type="time",
                    duration_seconds=seconds,
                    rest_seconds=45,
                    progression="reps",
                    progression_amount=Decimal("5"),
                    deload_every=weeks,
                    reason=reason,
                    role="core",
                )
            return ItemPlan(
                ex,
                sets=2,
                reps_type="range",
                reps_min=10,
                reps_max=15,
                rest_seconds=45,
                progression="none",
                deload_every=weeks,
                reason=reason,
                role="core",
            )
        main = slot.role == "main"
        low, high = s.reps_main if main else s.reps_accessory
        if ex.mechanic == "isolation" and main:
            low, high = s.reps_accessory
        return ItemPlan(
            ex,
            sets=s.sets_main if main else (s.sets_accessory if slot.role == "accessory" else 3),
            reps_type="range",
            reps_min=low,
            reps_max=high,
            load_type=s.load_type,
            load_value=self._effort(s.load_main if main else s.load_accessory),
            rest_seconds=s.rest_main if main else s.rest_accessory,
            progression=s.progression,
            progression_amount=Decimal(s.progression_amount),
            deload_every=weeks,
            reason=reason,
            role=slot.role,
        )

    # --- Blocks ---------------------------------------------------------------------------------
    def arrange(self, items: list[ItemPlan]) -> list[BlockPlan]:
        """Main and second lifts as straight sets; accessories paired in supersets for fat loss
        and endurance; conditioning as a closing circuit."""
        blocks = []
        items = sorted(items, key=lambda i: ROLE_PRIORITY.get(i.role, 5))
        pending: list[ItemPlan] = []
        finisher = [i for i in items if i.role == "conditioning"]
        for item in items:
            if item.role == "conditioning":
                continue
            if self.scheme.block_style in ("superset", "circuit") and item.role in ("accessory", "core"):
                pending.append(item)
                if len(pending) == 2:
                    blocks.append(BlockPlan("superset", pending, rest_seconds=self.scheme.rest_accessory))
                    pending = []
                continue
            blocks.append(BlockPlan("straight", [item]))
        for item in pending:
            blocks.append(BlockPlan("straight", [item]))
        if finisher:
            rounds = max(i.sets for i in finisher)
            blocks.append(BlockPlan("circuit", finisher, rounds=rounds, rest_seconds=60))
        return blocks

    # --- Fitting volume, balance and time ---------------------------------------------------------
    def _ensure_coverage(self, items_by_day: list[list[ItemPlan]]) -> None:
        """Every group some allowed exercise can train gets at least one exercise that trains it
        as a primary muscle (an injury may have emptied its usual slot)."""
        for group in rules.GROUPS:
            if group not in self.reachable:
                continue
            covered = any(rules.exercise_volume(i.exercise.primary, ()).get(group) for day in items_by_day for i in day)
            if covered:
                continue
            index = min(range(len(items_by_day)), key=lambda i: len(items_by_day[i]))
            used = {it.exercise.pk for it in items_by_day[index]}
            ex = self._any_for_group(group, used)
            if ex is not None:
                items_by_day[index].append(self.make_item(rules.Slot(ex.pattern, "accessory"), ex))

    def _ensure_patterns(self, template: str, items: list[ItemPlan]) -> None:
        """A day trains every pattern family its split needs (rules.DAY_COVERAGE), when an
        allowed exercise can: a slot left empty is filled from another pattern of its family."""
        for family in rules.DAY_COVERAGE.get(template, ()):
            if any(i.exercise.pattern in family for i in items):
                continue
            used = {i.exercise.pk for i in items}
            for pattern in family:
                ex = self.pick(rules.Slot(pattern, "secondary"), used)
                if ex is not None:
                    items.append(self.make_item(rules.Slot(pattern, "secondary"), ex))
                    break

    def _arranged(self, workouts, items_by_day) -> list[WorkoutPlan]:
        for items in items_by_day:
            for item in items:
                item.sets = item.sets or 1
        return [replace(w, blocks=self.arrange(items)) for w, items in zip(workouts, items_by_day, strict=True)]

    def _widen(self, items_by_day: list[list[ItemPlan]]) -> None:
        for group in rules.GROUPS:
            if group not in self.reachable:
                continue

            # Prefer a day that does not train the group yet; the same exercise may come back
            # on another day.
            def trains(day, group=group):
                return any(rules.exercise_volume(it.exercise.primary, ()).get(group) for it in day)

            index = min(range(len(items_by_day)), key=lambda i: (trains(items_by_day[i]), len(items_by_day[i])))
            used = {it.exercise.pk for it in items_by_day[index]}
            ex = self._any_for_group(group, used)
            if ex is not None:
                items_by_day[index].append(self.make_item(rules.Slot(ex.pattern, "accessory"), ex))

    def _any_for_group(self, group: str, used: set[int]) -> CatalogueExercise | None:
        pool = [
            ex
            for ex in self.allowed
            if ex.pk not in used
            and ex.pattern != "conditioning"
            and self._available(ex)
            and rules.exercise_volume(ex.primary, ()).get(group)
        ]
        if not pool:
            return None
        best = max(pool, key=lambda ex: (self._score(ex, rules.Slot(ex.pattern, "accessory"), used), -ex.pk))
        self.week_use[best.pk] = self.week_use.get(best.pk, 0) + 1
        return best

    def _peak_work(self, item: ItemPlan) -> int:
        """The longest one set of the item gets over the weeks (reps and times grow)."""
        return max(work_seconds(progress_item(item, week)) for week in range(1, self.weeks + 1))

    def allocate_sets(
        self, workouts: list[WorkoutPlan], *, balance: bool = True, optional_all: bool = False, whole: bool = True
    ) -> bool:
        """Choose every exercise's weekly sets with a small integer program (scipy's HiGHS):
        stay as close as possible to the goal's preferred sets while each major group lands in
        its weekly range, pushing and pulling stay within a third of each other, and every
        session fits the session length in its longest week. False when no allocation exists."""
        items = [i for w in workouts for b in w.blocks for i in b.items]
        n = len(items)
        if not n:
            return False
        index = {id(item): k for k, item in enumerate(items)}
        rows, lows, highs = [], [], []

        def row(coeffs: dict[int, float], low: float, high: float) -> None:
            r = np.zeros(4 * n)
            for k, v in coeffs.items():
                r[k] += v
            rows.append(r)
            lows.append(low)
            highs.append(high)

        weights = []
        for k, item in enumerate(items):
            pref = item.sets
            row({k: 1, n + k: -1, 2 * n + k: 1}, pref, pref)
            weights.append({"main": 4.0, "secondary": 3.0, "accessory": 1.5, "core": 1.0}.get(item.role, 1.0))
        targets = rules.volume_targets(self.profile)
        for group, (low, high) in targets.items():
            coeffs = {}
            for k, item in enumerate(items):
                share = rules.exercise_volume(item.exercise.primary, item.exercise.secondary).get(group, 0)
                if share:
                    coeffs[k] = share
            has_primary = any(rules.exercise_volume(items[k].exercise.primary, ()).get(group) for k in coeffs)
            floor = low if (group in self.reachable and has_primary) else 0
            row(coeffs, floor, high)
        pushes = [k for k, i in enumerate(items) if i.exercise.pattern in ("horizontal_push", "vertical_push")]
        pulls = [k for k, i in enumerate(items) if i.exercise.pattern in ("horizontal_pull", "vertical_pull")]
        if balance and pushes and pulls:
            ratio = 1.3
            row({**dict.fromkeys(pushes, 1), **dict.fromkeys(pulls, -ratio)}, -np.inf, 0)
            row({**dict.fromkeys(pulls, 1), **dict.fromkeys(pushes, -ratio)}, -np.inf, 0)
        # Sets stay on every pattern family a day (and the week) is built on, so none is
        # dropped to zero to save time.
        for workout in workouts:
            ks = [index[id(i)] for i in workout.items]
            for family in rules.DAY_COVERAGE.get(workout.name, ()):
                members = [k for k in ks if items[k].exercise.pattern in family]
                if members:
                    row(dict.fromkeys(members, 1), 1, np.inf)
        for family in rules.WEEK_COVERAGE:
            members = [k for k, item in enumerate(items) if item.exercise.pattern in family]
            if members:
                row(dict.fromkeys(members, 1), 1, np.inf)
        limit = self.profile.session_minutes * 60 - WARMUP_SECONDS
        for workout in workouts:
            coeffs = {}
            for block in workout.blocks:
                ks = [index[id(i)] for i in block.items]
                if block.kind == "straight":
                    for k in ks:
                        coeffs[k] = coeffs.get(k, 0) + self._peak_work(items[k]) + items[k].rest_seconds
                    continue
                for k in ks[1:]:
                    row({ks[0]: 1, k: -1}, 0, 0)  # a superset or circuit goes round together
                if block.kind == "superset":
                    per_round = sum(self._peak_work(items[k]) for k in ks) + block.rest_seconds
                else:
                    per_round = sum(self._peak_work(items[k]) + CIRCUIT_TRANSITION_SECONDS for k in ks)
                    per_round += block.rest_seconds
                coeffs[ks[0]] = coeffs.get(ks[0], 0) + per_round
            row(coeffs, 0, limit)
        # An exercise gets no sets or at least MIN_SETS_PER_ITEM: a lone set of an accessory is
        # not worth its setting up (a switch per exercise, 3n + k, says which).
        least = MIN_SETS_PER_ITEM if whole else 1
        for k in range(n):
            row({k: 1, 3 * n + k: -least}, 0, np.inf)
            row({k: 1, 3 * n + k: -MAX_SETS_PER_ITEM}, -np.inf, 0)
        lower = np.zeros(4 * n)
        upper = np.full(4 * n, np.inf)
        upper[3 * n :] = 1
        for k, item in enumerate(items):
            required = item.role in ("main", "secondary") and not optional_all
            lower[k] = least if required else 0
            upper[k] = MAX_SETS_PER_ITEM
        cost = np.concatenate([np.zeros(n), weights, weights, np.zeros(n)])
        integrality = np.concatenate([np.ones(n), np.zeros(2 * n), np.ones(n)])
        result = milp(
            c=cost,
            constraints=LinearConstraint(np.vstack(rows), lows, highs),
            integrality=integrality,
            bounds=Bounds(lower, upper),
            options={"time_limit": 5.0},
        )
        if result.x is None or result.status not in (0,):
            return False
        for k, item in enumerate(items):
            item.sets = int(round(result.x[k]))
        for w_index, workout in enumerate(workouts):
            blocks = []
            for block in workout.blocks:
                kept = [i for i in block.items if i.sets > 0]
                if not kept:
                    continue
                if block.kind == "superset" and len(kept) == 1:
                    kept[0].rest_seconds = block.rest_seconds or kept[0].rest_seconds
                    blocks.append(BlockPlan("straight", kept))
                elif block.kind == "circuit":
                    blocks.append(BlockPlan("circuit", kept, rounds=kept[0].sets, rest_seconds=block.rest_seconds))
                else:
                    blocks.append(BlockPlan(block.kind, kept, block.rounds, block.rest_seconds))
            workouts[w_index] = replace(workout, blocks=blocks)
        return True

    def _weeks(self, workouts: list[WorkoutPlan]) -> list[WeekPlan]:
        return expand(WeekPlan(1, workouts), self.weeks)

    # --- The whole program --------------------------------------------------------------------------
    def generate(self, name: str = "") -> ProgramPlan:
        profile = self.profile
        templates, split_reason = rules.choose_split(profile)
        days = rules.TRAINING_DAYS[profile.days_per_week]
        workouts: list[WorkoutPlan] = []
        items_by_day: list[list[ItemPlan]] = []
        day_slots = []
        for template in templates:
            slots = list(rules.DAY_TEMPLATES[template])
            if profile.goal in ("fat_loss", "endurance"):
                slots.append(rules.Slot("conditioning", "conditioning"))
            day_slots.append(slots)
        # Main and second lifts of every day first, then the rest: with few exercises to
        # choose from (a lift goes on two workouts at most), the lifts a day is built on
        # must not be used up by another day's accessories.
        picked: list[dict[int, ItemPlan]] = [{} for _ in templates]
        used_by_day: list[set[int]] = [set() for _ in templates]
        # Lower and leg days need a squat or lunge and a hinge; a full-body day can do with
        # either, so the narrower days choose first.
        narrow_first = sorted(
            range(len(templates)),
            key=lambda d: (
                not {rules.KNEE_DOMINANT, rules.HINGE} & set(rules.DAY_COVERAGE.get(templates[d], ())),
                d,
            ),
        )
        for first_pass in (True, False):
            for d in narrow_first if first_pass else range(len(templates)):
                template, slots = templates[d], day_slots[d]
                for k, slot in enumerate(slots):
                    if (slot.role in ("main", "secondary")) != first_pass:
                        continue
                    ex = self.pick(slot, used_by_day[d])
                    if ex is None:
                        self.notes.append(
                            _("%(day)s: no %(pattern)s exercise fits the equipment and injuries; left out.")
                            % {"day": template, "pattern": slot.pattern.replace("_", " ")}
                        )
                        continue
                    used_by_day[d].add(ex.pk)
                    picked[d][k] = self.make_item(slot, ex)
        for d, (template, day) in enumerate(zip(templates, days, strict=True)):
            items = [picked[d][k] for k in sorted(picked[d])]
            self._ensure_patterns(template, items)
            items_by_day.append(items)
            workouts.append(WorkoutPlan(template, day, self.arrange(items), reason=split_reason))
        self._ensure_coverage(items_by_day)
        solved = False
        for _attempt in range(3):
            trial = self._arranged(workouts, items_by_day)
            if self.allocate_sets(trial) or self.allocate_sets(trial, optional_all=True):
                workouts, solved = trial, True
                break
            # More exercises for every group give the sets room to spread (an injury may leave
            # one exercise per group, capped at six sets).
            self._widen(items_by_day)
        if not solved:
            # Sessions too short for two sets of everything: single sets before giving up balance.
            trial = self._arranged(workouts, items_by_day)
            if self.allocate_sets(trial, optional_all=True, whole=False):
                workouts, solved = trial, True
        if not solved:
            workouts = self._arranged(workouts, items_by_day)
            solved = self.allocate_sets(workouts, balance=False, optional_all=True, whole=False)
        if not solved:
            self.notes.append(
                _("The sessions are too short for the weekly targets; the coach should review the volume.")
            )
        weeks = self._weeks(workouts)
        reasons = [
            split_reason,
            self.scheme.reason,
            ngettext(
                "%(n)s week; week %(n)s is a deload (fewer sets, lighter loads) before the next block.",
                "%(n)s weeks; week %(n)s is a deload (fewer sets, lighter loads) before the next block.",
                self.weeks,
            )
            % {"n": self.weeks},
        ]
        low, high = next(iter(rules.volume_targets(profile).values()))
        reasons.append(
            _("Weekly sets per major muscle group: %(low)s–%(high)s for this goal and level.")
            % {"low": low, "high": high}
        )
        if self.preferences.programs:
            reasons.append(
                _("Exercise choices lean on %(n)s programs your coaches wrote.") % {"n": self.preferences.programs}
            )
        reasons.extend(dict.fromkeys(self.notes))
        goal_label = profile.goal.replace("_", " ").capitalize()
        return ProgramPlan(
            name=name or f"{goal_label} · {profile.days_per_week} days",
            goal=profile.goal,
            weeks=weeks,
            reasons=reasons,
            seed=self.seed,
        )


def generate(profile, catalogue, *, seed: int = 0, preferences=None, name: str = "") -> ProgramPlan:
    """A draft program for the profile; deterministic for the same profile, catalogue and seed."""
    return Generator(profile, catalogue, seed=seed, preferences=preferences).generate(name=name)
