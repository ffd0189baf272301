""" "Draft this for me": a subject, preheader and blocks (or a text message) for a goal.

The local generator is the default and needs no network: it writes from the business's
name, the goal and, when a client is chosen, what is known about them (a booked session,
a coach). Drafts keep merge fields (`{{ client.first_name }}`) so the template stays
reusable. When the training app's OpenAI-compatible provider is configured, the coach may
ask it to write the draft instead; the call is metered per business with the same quota
(`training.llm.complete_json`) and only the business's name, the goal and the channel are
sent, never a client's data. A draft only fills the editor: a person reviews and saves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rendering import MERGE_FIELDS, TemplateError, check_text, clean_blocks, next_session_text, substitute

GOALS = {
    "welcome": gettext_lazy("Welcome a new client"),
    "intake_follow_up": gettext_lazy("Follow up on an intake form"),
    "win_back": gettext_lazy("Win back an inactive client"),
    "offer": gettext_lazy("Announce an offer"),
    "reminder": gettext_lazy("Session reminder"),
    "birthday": gettext_lazy("Birthday"),
    "custom": gettext_lazy("Something else (describe it)"),
}
MAX_NOTE = 300


@dataclass
class Draft:
    subject: str = ""
    preheader: str = ""
    blocks: list = field(default_factory=list)
    sms_body: str = ""
    source: str = "local"
    message: str = ""

    def as_dict(self) -> dict:
        return {
            "subject": self.subject,
            "preheader": self.preheader,
            "blocks": self.blocks,
            "sms_body": self.sms_body,
            "source": self.source,
            "message": self.message,
        }


def _local_parts(goal: str, business: str, note: str, has_session: bool) -> dict:
    first = "{{ client.first_name }}"
    book = "{{ business.booking_url }}"
    session = "{{ next_session }}"
    coach = "{{ coach.name }}"
    note_line = note.strip().rstrip(".") + "." if note.strip() else ""
    parts = {
        "welcome": {
            "subject": _("Welcome to %(business)s, %(first)s") % {"business": business, "first": first},
            "preheader": _("Here is how we get you started"),
            "heading": _("Welcome, %(first)s!") % {"first": first},
            "paragraphs": [
                _(
                    "We are glad you chose %(business)s. "
                    "Your first step is a session with %(coach)s to agree your goals."
                )
                % {"business": business, "coach": coach},
                _("Pick a time that suits you and we will take it from there."),
            ],
            "button": _("Book your first session"),
            "sms": _("Hi %(first)s, welcome to %(business)s! Book your first session here: %(book)s")
            % {"first": first, "business": business, "book": book},
        },
        "intake_follow_up": {
            "subject": _("Thanks for your intake form, %(first)s") % {"first": first},
            "preheader": _("Your next step with %(business)s") % {"business": business},
            "heading": _("Thanks, %(first)s") % {"first": first},
            "paragraphs": [
                _("%(coach)s has read your answers and is putting together a plan that fits your goals.")
                % {"coach": coach},
                _("The best next step is a short call or a first session: choose a time below."),
            ],
            "button": _("Choose a time"),
            "sms": _("Hi %(first)s, thanks for your intake form for %(business)s. %(coach)s will be in touch: %(book)s")
            % {"first": first, "business": business, "coach": coach, "book": book},
        },
        "win_back": {
            "subject": _("We miss you, %(first)s") % {"first": first},
            "preheader": _("Your spot at %(business)s is waiting") % {"business": business},
            "heading": _("It has been a while, %(first)s") % {"first": first},
            "paragraphs": [
                _(
                    "Life gets busy, and that is fine. "
                    "Getting back is easier than it feels: one session is enough to restart."
                ),
                _("%(coach)s would love to see you again. Book a time and we will pick up where you left off.")
                % {"coach": coach},
            ],
            "button": _("Book a comeback session"),
            "sms": _("Hi %(first)s, we miss you at %(business)s! Ready for a comeback session? %(book)s")
            % {"first": first, "business": business, "book": book},
        },
        "offer": {
            "subject": _("Something new at %(business)s") % {"business": business},
            "preheader": note_line or _("An offer for our clients"),
            "heading": _("An offer for you, %(first)s") % {"first": first},
            "paragraphs": [
                note_line or _("For a limited time we have a special offer for our clients."),
                _("Places are limited, so book soon to make sure you get yours."),
            ],
            "button": _("Claim your place"),
            "sms": _("Hi %(first)s, %(business)s: %(offer)s Book: %(book)s")
            % {
                "first": first,
                "business": business,
                "offer": note_line or _("a special offer for our clients."),
                "book": book,
            },
        },
        "reminder": {
            "subject": _("See you soon, %(first)s") % {"first": first},
            "preheader": _("Your next session: %(session)s") % {"session": session},
            "heading": _("Your next session") if has_session else _("Time to book your next session"),
            "paragraphs": [
                _("Your next session with %(coach)s is on %(session)s. Bring water and comfortable shoes.")
                % {"coach": coach, "session": session}
                if has_session
                else _("Keep your momentum going: choose a time for your next session with %(coach)s.")
                % {"coach": coach},
                _("Need to move it? You can change your booking from your portal."),
            ],
            "button": _("Open your bookings"),
            "sms": _("Hi %(first)s, a reminder of your session on %(session)s with %(business)s. See you there!")
            % {"first": first, "session": session, "business": business}
            if has_session
            else _("Hi %(first)s, time to book your next session with %(business)s: %(book)s")
            % {"first": first, "business": business, "book": book},
        },
        "birthday": {
            "subject": _("Happy birthday, %(first)s!") % {"first": first},
            "preheader": _("A little something from %(business)s") % {"business": business},
            "heading": _("Happy birthday, %(first)s!") % {"first": first},
            "paragraphs": [
                _("Everyone at %(business)s wishes you a fantastic day.") % {"business": business},
                _("Here is to another strong year. Treat yourself: your next session is on us to plan."),
            ],
            "button": _("Book a birthday session"),
            "sms": _("Happy birthday %(first)s! Everyone at %(business)s wishes you a great day.")
            % {"first": first, "business": business},
        },
        "custom": {
            "subject": (
                note_line.rstrip(".")[:80] if note_line else _("News from %(business)s") % {"business": business}
            ),
            "preheader": _("A note from %(coach)s") % {"coach": coach},
            "heading": _("Hi %(first)s") % {"first": first},
            "paragraphs": [
                note_line or _("A quick update from %(business)s.") % {"business": business},
                _("Questions? Just reply to this email."),
            ],
            "button": _("Book a session"),
            "sms": _("Hi %(first)s, %(note)s %(business)s")
            % {"first": first, "note": note_line or _("a quick update from"), "business": business},
        },
    }
    return parts[goal]


def _blocks(parts: dict, goal: str) -> list[dict]:
    url = "{{ business.portal_url }}" if goal == "reminder" else "{{ business.booking_url }}"
    blocks = [{"type": "heading", "text": parts["heading"]}]
    blocks += [{"type": "text", "text": p} for p in parts["paragraphs"] if p]
    blocks.append({"type": "button", "label": parts["button"], "url": url})
    blocks.append(
        {
            "type": "text",
            "text": _("%(coach)s, %(business)s") % {"coach": "{{ coach.name }}", "business": "{{ business.name }}"},
        }
    )
    return blocks


def local_draft(*, organization, channel: str, goal: str, note: str = "", client=None) -> Draft:
    business = organization.name
    note = (note or "").replace("{", "").replace("}", "")
    has_session = bool(next_session_text(client)) if client is not None else goal == "reminder"
    parts = _local_parts(goal if goal in GOALS else "custom", business, (note or "")[:MAX_NOTE], has_session)
    if channel == "sms":
        return Draft(sms_body=parts["sms"], source="local")
    return Draft(subject=parts["subject"], preheader=parts["preheader"], blocks=_blocks(parts, goal), source="local")


SYSTEM_PROMPT = (
    "You write short, warm, plain-language marketing and service messages for a personal-training business. "
    "Reply with JSON only: "
    '{"subject": str, "preheader": str, "heading": str, "paragraphs": [str], "button_label": str, "sms": str}. '
    "Subject at most 70 characters, preheader at most 90, two or three short paragraphs, sms at most 150 characters. "
    "You may use only these merge fields, written exactly like this: "
    + ", ".join("{{ " + name + " }}" for name in MERGE_FIELDS)
    + ". Use {{ client.first_name }} to greet. Never invent prices, dates or other merge fields."
)


def _safe(value, limit: int) -> str:
    """A model's text with any template syntax outside the merge fields removed."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())[:limit]
    kept = {name: "{{ " + name + " }}" for name in MERGE_FIELDS}
    text = " ".join(substitute(text, kept).split())
    try:
        check_text(text, field="draft")
    except TemplateError:
        text = text.replace("{", "").replace("}", "").replace("%", "")
    return text


def remote_draft(*, organization, actor, channel: str, goal: str, note: str = "") -> Draft | None | str:
    """The provider's draft; a str (why not) when it was refused or failed; None when no
    provider is configured."""
    from training import llm

    if not llm.is_available():
        return None
    content, why = llm.complete_json(
        organization=organization,
        actor=actor,
        system=SYSTEM_PROMPT,
        payload={
            "business_name": organization.name,
            "channel": channel,
            "goal": str(GOALS.get(goal, GOALS["custom"])),
            "details": (note or "")[:MAX_NOTE],
        },
    )
    if content is None:
        return why or _("The language model did not answer.")
    if channel == "sms":
        sms = _safe(content.get("sms"), 480)
        return Draft(sms_body=sms, source="provider") if sms else _("The language model did not answer properly.")
    paragraphs = content.get("paragraphs") if isinstance(content.get("paragraphs"), list) else []
    parts = {
        "heading": _safe(content.get("heading"), 200),
        "paragraphs": [_safe(p, 1000) for p in paragraphs[:5]],
        "button": _safe(content.get("button_label"), 80) or _("Book a session"),
    }
    subject = _safe(content.get("subject"), 200)
    if not subject or not any(parts["paragraphs"]):
        return _("The language model did not answer properly.")
    blocks = _blocks(parts, goal) if parts["heading"] else _blocks(parts, goal)[1:]
    try:
        blocks = clean_blocks(blocks)
    except TemplateError:
        return _("The language model did not answer properly.")
    return Draft(subject=subject, preheader=_safe(content.get("preheader"), 200), blocks=blocks, source="provider")


def draft(
    *, organization, actor=None, channel: str, goal: str, note: str = "", client=None, use_provider: bool = False
) -> Draft:
    """The draft for the editor: the provider's when asked for and available, else the
    local generator's (with a message saying why the provider was not used)."""
    if goal not in GOALS:
        raise TemplateError(_("Choose a goal from the list."), field="goal")
    if channel not in ("email", "sms"):
        raise TemplateError(_("Choose email or text message."), field="channel")
    if goal == "custom" and not (note or "").strip():
        raise TemplateError(_("Describe what the message is for."), field="note")
    if use_provider:
        result = remote_draft(organization=organization, actor=actor, channel=channel, goal=goal, note=note)
        if isinstance(result, Draft):
            result.message = _("Drafted by the language model: review it before you save.")
            return result
        local = local_draft(organization=organization, channel=channel, goal=goal, note=note, client=client)
        local.message = (
            _("%(why)s The local draft is shown instead.") % {"why": result}
            if result
            else _("No language model is configured: this is the local draft.")
        )
        return local
    return local_draft(organization=organization, channel=channel, goal=goal, note=note, client=client)


def provider_available() -> bool:
    from training import llm

    return llm.is_available()
