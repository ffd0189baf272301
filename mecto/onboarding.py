"""The setup checklist a new business sees on its dashboard: each app registers its steps at
`AppConfig.ready()` with a check of the business's real state, so a step ticks itself once
it is done (nothing is ticked by hand). The business may put the list away and bring it back.

    register_step(Step("brand", _("Add your brand"), "branding:settings", is_done, order=10))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    url_name: str
    is_done: Callable  # (organization) -> bool
    order: int = 100
    hint: str = ""


_steps: dict[str, Step] = {}


def register_step(step: Step) -> Step:
    _steps[step.key] = step
    return step


def steps() -> list[Step]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.key))


def checklist(*, organization) -> dict:
    """`{"steps": [{key, title, hint, url, done}], "done": n, "total": n, "percent": n,
    "complete": bool, "dismissed": bool}` for the business, from its current state."""
    from .models import OnboardingChecklist

    rows = [
        {
            "key": step.key,
            "title": str(step.title),
            "hint": str(step.hint),
            "url": reverse(step.url_name),
            "done": bool(step.is_done(organization)),
        }
        for step in steps()
    ]
    done = sum(row["done"] for row in rows)
    state = OnboardingChecklist.objects.filter(organization=organization).first()
    return {
        "steps": rows,
        "done": done,
        "total": len(rows),
        "percent": round(100 * done / len(rows)) if rows else 100,
        "complete": done == len(rows),
        "dismissed": bool(state and state.dismissed_at),
    }


@transaction.atomic
def dismiss_checklist(*, organization, actor=None) -> None:
    """Put the checklist away for the whole business (it can be brought back)."""
    from .models import OnboardingChecklist

    OnboardingChecklist.objects.update_or_create(
        organization=organization, defaults={"dismissed_at": timezone.now(), "dismissed_by": actor}
    )


@transaction.atomic
def restore_checklist(*, organization, actor=None) -> None:
    from .models import OnboardingChecklist

    OnboardingChecklist.objects.filter(organization=organization).update(dismissed_at=None, dismissed_by=None)
