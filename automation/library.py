"""Ready automations a coach switches on in one click: `enable_template` creates the
automation, its steps and the message templates it needs (all editable after)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketing.models import MessageTemplate
from mecto.comms.models import Category, Channel

from .errors_rules import AutomationError
from .models_rules import BIRTHDAY_TRIGGER, Automation, Reentry, StepKind
from .services_rules import create_automation

TX, MK = Category.TRANSACTIONAL, Category.MARKETING


def _email(name, subject, *paragraphs, button=None):
    blocks = [{"type": "text", "text": p} for p in paragraphs]
    if button:
        blocks.append({"type": "button", "text": button[0], "url": button[1]})
    return {"name": name, "channel": Channel.EMAIL, "subject": subject, "blocks": blocks}


def _sms(name, body):
    return {"name": name, "channel": Channel.SMS, "sms_body": body}


@dataclass(frozen=True)
class Recipe:
    key: str
    name: object
    description: object
    trigger: str
    steps: list
    messages: dict = field(default_factory=dict)
    conditions: list = field(default_factory=list)
    goal_event: str = ""
    exit_events: list = field(default_factory=list)
    exit_conditions: list = field(default_factory=list)
    reentry: str = Reentry.ONCE
    reentry_days: int = 30


_FORMER = [{"field": "client.status", "op": "eq", "value": "former"}]

RECIPES = [
    Recipe(
        key="welcome_lead",
        name=gettext_lazy("Welcome a new lead"),
        description=gettext_lazy("A welcome email at once, a follow-up two days later, and a task to call them."),
        trigger="client.created",
        conditions=[{"field": "client.status", "op": "eq", "value": "lead"}],
        goal_event="booking.created",
        exit_conditions=_FORMER,
        messages={
            "welcome": _email(
                "Welcome a new lead",
                "Welcome, {{ client.first_name }}",
                "Hi {{ client.first_name }}, thanks for getting in touch with {{ business.name }}.",
                "Reply to this email with your goals and we will suggest a first session.",
            ),
            "follow": _email(
                "Lead follow-up",
                "Ready for your first session?",
                "Hi {{ client.first_name }}, your coach has time this week.",
            ),
        },
        steps=[
            {"kind": StepKind.SEND_EMAIL, "message": "welcome", "config": {"category": MK}},
            {"kind": StepKind.WAIT, "config": {"days": 2}},
            {"kind": StepKind.SEND_EMAIL, "message": "follow", "config": {"category": MK}},
            {"kind": StepKind.CREATE_TASK, "config": {"title": "Call new lead {client}", "due_in_days": 1}},
        ],
    ),
    Recipe(
        key="intake_follow_up",
        name=gettext_lazy("Intake follow-up"),
        description=gettext_lazy("Thank the client for their intake form and ask the coach to review it."),
        trigger="intake.submitted",
        reentry=Reentry.ALWAYS,
        messages={
            "thanks": _email(
                "Intake received",
                "We have your answers",
                "Thanks {{ client.first_name }}, your coach will read your intake and get back to you.",
            )
        },
        steps=[
            {"kind": StepKind.SEND_EMAIL, "message": "thanks", "config": {"category": TX}},
            {"kind": StepKind.CREATE_TASK, "config": {"title": "Review the intake of {client}", "due_in_days": 1}},
        ],
    ),
    Recipe(
        key="onboarding",
        name=gettext_lazy("Onboarding for a new client"),
        description=gettext_lazy("When a client becomes active: welcome, tag them, check in after a week."),
        trigger="client.status_changed",
        conditions=[{"field": "event.to", "op": "eq", "value": "active"}],
        exit_conditions=_FORMER,
        messages={
            "start": _email(
                "Onboarding: welcome",
                "Welcome aboard, {{ client.first_name }}",
                "Your coach is setting up your program. Install the app to follow it.",
            ),
            "week": _email(
                "Onboarding: first week",
                "How was your first week?",
                "Hi {{ client.first_name }}, reply and tell us how your first week went.",
            ),
        },
        steps=[
            {"kind": StepKind.SEND_EMAIL, "message": "start", "config": {"category": TX}},
            {"kind": StepKind.ADD_TAG, "config": {"tag": "onboarding"}},
            {"kind": StepKind.WAIT, "config": {"days": 7}},
            {"kind": StepKind.SEND_EMAIL, "message": "week", "config": {"category": TX}},
            {"kind": StepKind.REMOVE_TAG, "config": {"tag": "onboarding"}},
        ],
    ),
    Recipe(
        key="missed_session",
        name=gettext_lazy("Missed session"),
        description=gettext_lazy(
            "When a booking is marked no-show: a “we missed you” text and email, and a task for the coach. "
            "Ends when the client books again."
        ),
        trigger="booking.no_show",
        goal_event="booking.created",
        reentry=Reentry.ALWAYS,
        exit_conditions=_FORMER,
        messages={
            "sms": _sms(
                "Missed session (text)",
                "Hi {{ client.first_name }}, we missed you today. Reply or book your next session when you can.",
            ),
            "email": _email(
                "Missed session",
                "We missed you today",
                "Hi {{ client.first_name }}, we missed you at your session. Everything all right?",
                "Book your next session when it suits you.",
            ),
        },
        steps=[
            {"kind": StepKind.SEND_SMS, "message": "sms", "config": {"category": TX}},
            {"kind": StepKind.SEND_EMAIL, "message": "email", "config": {"category": TX}},
            {
                "kind": StepKind.CREATE_TASK,
                "config": {"title": "Check in with {client} after a missed session", "due_in_days": 1},
            },
        ],
    ),
    Recipe(
        key="payment_failed",
        name=gettext_lazy("Payment failed"),
        description=gettext_lazy("Tell the client their card payment failed, and remind the coach after 3 days."),
        trigger="payment.failed",
        goal_event="payment.succeeded",
        reentry=Reentry.ALWAYS,
        messages={
            "email": _email(
                "Payment failed",
                "Your payment did not go through",
                "Hi {{ client.first_name }}, your last card payment to {{ business.name }} failed.",
                "Please update your card so your sessions carry on.",
            )
        },
        steps=[
            {"kind": StepKind.SEND_EMAIL, "message": "email", "config": {"category": TX}},
            {"kind": StepKind.WAIT, "config": {"days": 3}},
            {"kind": StepKind.CREATE_TASK, "config": {"title": "Payment still failing for {client}"}},
        ],
    ),
    Recipe(
        key="inactive_nudge",
        name=gettext_lazy("Inactive client nudge"),
        description=gettext_lazy("When a client logs no workout for a while: a friendly nudge on Monday morning."),
        trigger="client.inactive",
        goal_event="workout.completed",
        reentry=Reentry.PER_DAYS,
        reentry_days=14,
        exit_conditions=_FORMER,
        messages={
            "email": _email(
                "Inactive nudge",
                "Let’s get moving again",
                "Hi {{ client.first_name }}, we haven’t seen a workout from you lately. Short on time? "
                "Even 20 minutes counts.",
            )
        },
        steps=[
            {"kind": StepKind.WAIT_UNTIL, "config": {"weekdays": [1], "time": "09:00"}},
            {"kind": StepKind.SEND_EMAIL, "message": "email", "config": {"category": MK}},
            {"kind": StepKind.NOTIFY_COACH, "config": {"subject": "{client} has been inactive"}},
        ],
    ),
    Recipe(
        key="membership_renewal",
        name=gettext_lazy("Membership renewal"),
        description=gettext_lazy(
            "When a membership ends (cancelled or lapsed), invite the client to renew and ask the coach to call."
        ),
        trigger="subscription.cancelled",
        goal_event="subscription.started",
        reentry=Reentry.PER_DAYS,
        reentry_days=60,
        messages={
            "email": _email(
                "Membership renewal",
                "Come back to {{ business.name }}",
                "Hi {{ client.first_name }}, your membership has ended. Renew any time and pick up where you left.",
            )
        },
        steps=[
            {"kind": StepKind.SEND_EMAIL, "message": "email", "config": {"category": MK}},
            {"kind": StepKind.WAIT, "config": {"days": 5}},
            {"kind": StepKind.CREATE_TASK, "config": {"title": "Call {client} about renewing"}},
        ],
    ),
    Recipe(
        key="birthday",
        name=gettext_lazy("Birthday"),
        description=gettext_lazy("A birthday email on the client’s birthday, at 9:00 where they live."),
        trigger=BIRTHDAY_TRIGGER,
        reentry=Reentry.ALWAYS,
        conditions=[{"field": "client.status", "op": "in", "value": ["active", "trial", "paused"]}],
        messages={
            "email": _email(
                "Birthday",
                "Happy birthday, {{ client.first_name }}!",
                "Everyone at {{ business.name }} wishes you a great day.",
            )
        },
        steps=[
            {"kind": StepKind.WAIT_UNTIL, "config": {"time": "09:00"}},
            {"kind": StepKind.SEND_EMAIL, "message": "email", "config": {"category": MK}},
        ],
    ),
]
BY_KEY = {r.key: r for r in RECIPES}


def _with_business(data: dict, name: str) -> dict:
    """The business's name written in (the one merge field left is the client's first name)."""

    def fill(value):
        if isinstance(value, str):
            return value.replace("{{ business.name }}", name)
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return value

    return fill(data)


def recipes() -> list[Recipe]:
    return list(RECIPES)


@transaction.atomic
def enable_template(*, organization, key: str, actor=None, is_active: bool = True) -> Automation:
    """Create the automation of a ready template with its message templates, switched on."""
    recipe = BY_KEY.get(key)
    if recipe is None:
        raise AutomationError(_("No such ready automation."), field="key")
    made = {}
    for ref, data in recipe.messages.items():
        made[ref] = MessageTemplate.objects.create(
            organization=organization,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **_with_business(data, organization.name),
        )
    steps = [
        {"kind": s["kind"], "template": made.get(s.get("message")), "config": dict(s.get("config") or {})}
        for s in recipe.steps
    ]
    return create_automation(
        organization=organization,
        actor=actor,
        template_key=recipe.key,
        name=str(recipe.name),
        description=str(recipe.description),
        trigger=recipe.trigger,
        conditions=recipe.conditions,
        goal_event=recipe.goal_event,
        exit_events=recipe.exit_events,
        exit_conditions=recipe.exit_conditions,
        reentry=recipe.reentry,
        reentry_days=recipe.reentry_days,
        is_active=is_active,
        steps=steps,
    )
