"""Optional language model: polishes the names and coaching notes of a generated draft.

The default provider is the local generator itself (nothing to call). When
TRAINING_LLM_BASE_URL points at an OpenAI-compatible chat-completions API, a coach may ask
for polished wording. Calls are metered per business (`LanguageModelCall`) against a monthly
quota and a per-minute limit from its training settings; over either, or when the provider
fails, the local text stays and the coach is told why. The model only rewords: exercises,
sets and loads never change, so the validator's verdict is the same before and after. Only
the goal, level and exercise names are sent, never the client's name or health notes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mecto.localization import zone

from .models import LanguageModelCall, PrescribedExercise, Program, TrainingSettings, Workout

SYSTEM_PROMPT = (
    "You are an experienced strength coach. You receive a training program as JSON. Reply with JSON only: "
    '{"program_name": str, "workouts": [{"id": int, "name": str}], "notes": [{"id": int, "note": str}]}. '
    "Give the program and each workout a short, motivating name (at most 60 characters) and each exercise one "
    "practical coaching note (at most 200 characters). Do not change exercises, sets, reps or loads."
)


@dataclass
class Polish:
    program_name: str = ""
    workout_names: dict[int, str] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    prompt_tokens: int = 0
    completion_tokens: int = 0


class LocalProvider:
    """The default: the generator's own names and reasons are kept."""

    name = "local"

    def polish(self, summary: dict) -> Polish | None:
        return None


class OpenAICompatibleProvider:
    name = "openai-compatible"

    def __init__(self, *, base_url: str, api_key: str, model: str, timeout: float = 20.0):
        self.base_url, self.api_key, self.model, self.timeout = base_url.rstrip("/"), api_key, model, timeout

    def polish(self, summary: dict) -> Polish:
        response = requests.post(
            f"{self.base_url}/chat/completions",
            headers={"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"},
            json={
                "model": self.model,
                "temperature": 0.2,
                "response_format": {"type": "json_object"},
                "messages": [
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": json.dumps(summary)},
                ],
            },
            timeout=self.timeout,
        )
        response.raise_for_status()
        data = response.json()
        content = json.loads(data["choices"][0]["message"]["content"])
        usage = data.get("usage") or {}
        return Polish(
            program_name=_clean(content.get("program_name"), 160),
            workout_names={int(w["id"]): _clean(w.get("name"), 120) for w in content.get("workouts") or []},
            notes={int(n["id"]): _clean(n.get("note"), 300) for n in content.get("notes") or []},
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
        )

    def complete_json(self, *, system: str, payload: dict) -> tuple[dict, int, int]:
        """One chat completion answering JSON: (the object, prompt tokens, completion tokens)."""
        response = requests.post(
            f"{self.base_url}/chat/completions",
            headers={"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"},
            json={
                "model": self.model,
                "temperature": 0.4,
                "response_format": {"type": "json_object"},
                "messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": json.dumps(payload)},
                ],
            },
            timeout=self.timeout,
        )
        response.raise_for_status()
        data = response.json()
        content = json.loads(data["choices"][0]["message"]["content"])
        if not isinstance(content, dict):
            raise ValueError("The answer is not a JSON object.")
        usage = data.get("usage") or {}
        return content, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)


def _clean(value, limit: int) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(value.split())[:limit]


def get_provider():
    if getattr(settings, "TRAINING_LLM_BASE_URL", ""):
        return OpenAICompatibleProvider(
            base_url=settings.TRAINING_LLM_BASE_URL,
            api_key=settings.TRAINING_LLM_API_KEY,
            model=settings.TRAINING_LLM_MODEL,
            timeout=settings.TRAINING_LLM_TIMEOUT,
        )
    return LocalProvider()


def is_available() -> bool:
    return not isinstance(get_provider(), LocalProvider)


def _first_week(program: Program):
    from .selectors import program_tree

    weeks = program_tree(program=program)
    return weeks[0] if weeks else None


def program_summary(program: Program) -> dict:
    """What the model sees: goal, level and week 1's workouts and exercises (no client data)."""
    week = _first_week(program)
    profile = (program.generation or {}).get("profile") or {}
    workouts = []
    for workout in week.workouts.all() if week else []:
        workouts.append(
            {
                "id": workout.pk,
                "name": workout.name,
                "exercises": [
                    {"id": item.pk, "exercise": item.exercise.name, "prescription": item.summary}
                    for block in workout.blocks.all()
                    for item in block.items.all()
                ],
            }
        )
    return {
        "program_name": program.name,
        "goal": program.goal,
        "experience": profile.get("experience", ""),
        "days_per_week": profile.get("days_per_week"),
        "workouts": workouts,
    }


def _month_start(organization):
    local = timezone.now().astimezone(zone(organization.time_zone))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def usage_this_month(organization) -> int:
    return (
        LanguageModelCall.objects.for_org(organization)
        .filter(outcome=LanguageModelCall.Outcome.OK, created_at__gte=_month_start(organization))
        .count()
    )


def _reserve(program: Program, actor, model_name: str) -> tuple[LanguageModelCall | None, str]:
    """Check the quota and the rate limit under the settings row's lock, and record the call."""
    organization = program.organization
    with transaction.atomic():
        # Lock the settings row: two coaches polishing at once must not both take the last call.
        row, _created = TrainingSettings.objects.select_for_update().get_or_create(organization=organization)
        calls = LanguageModelCall.objects.for_org(organization)
        used = usage_this_month(organization)
        common = {
            "organization": organization,
            "program": program,
            "model_name": model_name,
            "actor": actor if getattr(actor, "pk", None) else None,
        }
        if used >= row.llm_monthly_quota:
            LanguageModelCall.objects.create(outcome=LanguageModelCall.Outcome.OVER_QUOTA, **common)
            return None, _(
                "This month's %(n)s language-model calls are used up: the generator's own names and notes were kept."
            ) % {"n": row.llm_monthly_quota}
        recent = calls.filter(
            created_at__gte=timezone.now() - timedelta(minutes=1),
            outcome__in=[LanguageModelCall.Outcome.OK, LanguageModelCall.Outcome.ERROR],
        ).count()
        if recent >= row.llm_requests_per_minute:
            LanguageModelCall.objects.create(outcome=LanguageModelCall.Outcome.RATE_LIMITED, **common)
            return None, _(
                "Too many language-model calls this minute: the generator's own names were kept. Try again shortly."
            )
        # Recorded as failed until it answers, so a crash never frees the slot twice.
        return LanguageModelCall.objects.create(
            outcome=LanguageModelCall.Outcome.ERROR, detail="in progress", **common
        ), ""


def polish_program(*, program: Program, actor=None) -> str:
    """Ask the configured provider to reword the draft's names and notes; returns a message for
    the coach (empty when no provider is configured)."""
    provider = get_provider()
    if isinstance(provider, LocalProvider):
        return ""
    call, refusal = _reserve(program, actor, getattr(provider, "model", ""))
    if call is None:
        return refusal
    try:
        polish = provider.polish(program_summary(program))
    except (requests.RequestException, ValueError, KeyError, TypeError, IndexError) as exc:
        LanguageModelCall.objects.filter(pk=call.pk).update(detail=f"{type(exc).__name__}: {exc}"[:300])
        return _("The language model did not answer properly: the generator's own names and notes were kept.")
    _apply(program, polish)
    LanguageModelCall.objects.filter(pk=call.pk).update(
        outcome=LanguageModelCall.Outcome.OK,
        detail="",
        prompt_tokens=polish.prompt_tokens,
        completion_tokens=polish.completion_tokens,
    )
    return _("Names and notes were polished by the language model.")


@transaction.atomic
def _apply(program: Program, polish: Polish) -> None:
    """Reword only: the program's name, workout names and exercise notes, the same in every week
    (matched by position to week 1)."""
    week = _first_week(program)
    if week is None:
        return
    if polish.program_name:
        Program.objects.filter(pk=program.pk).update(name=polish.program_name)
    workouts = {w.pk: w for w in week.workouts.all()}
    for workout_id, name in polish.workout_names.items():
        workout = workouts.get(workout_id)
        if workout is not None and name:
            Workout.objects.filter(program=program, position=workout.position).update(name=name)
    items = {
        item.pk: (workout.position, block.position, item.position)
        for workout in workouts.values()
        for block in workout.blocks.all()
        for item in block.items.all()
    }
    for item_id, note in polish.notes.items():
        place = items.get(item_id)
        if place is not None and note:
            PrescribedExercise.objects.filter(
                block__workout__program=program,
                block__workout__position=place[0],
                block__position=place[1],
                position=place[2],
            ).update(notes=note)


def complete_json(*, organization, actor, system: str, payload: dict) -> tuple[dict | None, str]:
    """A metered JSON completion for any app (marketing drafts, ...): the same provider,
    monthly quota and per-minute limit as the training drafts. Returns (the answer, "") or
    (None, why not) when no provider is configured, the business is over its limits or the
    provider failed."""
    provider = get_provider()
    if isinstance(provider, LocalProvider):
        return None, ""
    with transaction.atomic():
        row, _created = TrainingSettings.objects.select_for_update().get_or_create(organization=organization)
        calls = LanguageModelCall.objects.for_org(organization)
        common = {
            "organization": organization,
            "model_name": getattr(provider, "model", ""),
            "actor": actor if getattr(actor, "pk", None) else None,
        }
        if usage_this_month(organization) >= row.llm_monthly_quota:
            LanguageModelCall.objects.create(outcome=LanguageModelCall.Outcome.OVER_QUOTA, **common)
            return None, _("This month's %(n)s language-model calls are used up.") % {"n": row.llm_monthly_quota}
        recent = calls.filter(
            created_at__gte=timezone.now() - timedelta(minutes=1),
            outcome__in=[LanguageModelCall.Outcome.OK, LanguageModelCall.Outcome.ERROR],
        ).count()
        if recent >= row.llm_requests_per_minute:
            LanguageModelCall.objects.create(outcome=LanguageModelCall.Outcome.RATE_LIMITED, **common)
            return None, _("Too many language-model calls this minute. Try again shortly.")
        call = LanguageModelCall.objects.create(outcome=LanguageModelCall.Outcome.ERROR, detail="in progress", **common)
    try:
        content, prompt_tokens, completion_tokens = provider.complete_json(system=system, payload=payload)
    except (requests.RequestException, ValueError, KeyError, TypeError, IndexError) as exc:
        LanguageModelCall.objects.filter(pk=call.pk).update(detail=f"{type(exc).__name__}: {exc}"[:300])
        return None, _("The language model did not answer properly.")
    LanguageModelCall.objects.filter(pk=call.pk).update(
        outcome=LanguageModelCall.Outcome.OK,
        detail="",
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
    )
    return content, ""
