"""Turn outbox events into lines a coach reads on the client's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mecto.events import EVENT_TYPES


@dataclass
class TimelineItem:
    when: datetime
    name: str
    title: str
    actor: str
    kind: str


def _status_label(value: str) -> str:
    from .models import Client

    return str(dict(Client.Status.choices).get(value, value or "—"))


# Health screening and health-adjacent details on the timeline: shown only to roles with
# `clients.health` (the same fields as `Client.HEALTH_FIELDS`).
HEALTH_FIELDS = {
    "date_of_birth",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
    "needs_medical_clearance",
}


def _title(event, health: bool = True) -> str:
    p = event.payload or {}
    name = event.name
    if name == "client.created":
        return _("Added as %(status)s") % {"status": _status_label(p.get("status", "")).lower()}
    if name == "client.status_changed":
        return _("Status changed from %(old)s to %(new)s") % {
            "old": _status_label(p.get("from", "")),
            "new": _status_label(p.get("to", "")),
        }
    if name == "client.updated":
        fields = [f for f in p.get("fields", []) if health or f not in HEALTH_FIELDS]
        return _("Details changed: %(fields)s") % {"fields": ", ".join(f.replace("_", " ") for f in fields) or "—"}
    if name == "client.consent_changed":
        channel = _("email") if p.get("channel") == "email" else _("SMS")
        if p.get("granted"):
            return _("Gave %(channel)s marketing consent (%(how)s)") % {"channel": channel, "how": p.get("method", "")}
        return _("Withdrew %(channel)s marketing consent (%(how)s)") % {"channel": channel, "how": p.get("method", "")}
    if name == "intake.submitted":
        text = _("Submitted an intake form")
        if p.get("review") == "pending":
            text += " · " + _("via public link, email not verified: waiting for the coach")
        if health and p.get("needs_medical_clearance"):
            text += " · " + _("health screening flagged: medical clearance needed")
        return text
    if name == "intake.sent":
        return _("Intake form sent")
    if name == "progress.logged":
        return _("Progress logged: %(what)s") % {"what": ", ".join(p.get("metrics", [])) or "—"}
    if name == "photo.uploaded":
        return _("Progress photo added (%(pose)s)") % {"pose": p.get("pose", "")}
    if name == "message.sent":
        return _("Message from the client") if p.get("from_client") else _("Message from the coach")
    if name == "workout.completed":
        what = p.get("workout") or _("a workout")
        records = p.get("records") or 0
        if records:
            return ngettext(
                "Finished %(workout)s, %(n)d personal record", "Finished %(workout)s, %(n)d personal records", records
            ) % {"workout": what, "n": records}
        return _("Finished %(workout)s (%(sets)s sets)") % {"workout": what, "sets": p.get("sets", 0)}
    if name == "pr.achieved":
        # One workout can set both kinds of record on one exercise: say which, or the two read alike.
        kind = {"e1rm": _("estimated one-rep max"), "load": _("heaviest load")}.get(p.get("kind", ""))
        if kind:
            return _("New personal record: %(exercise)s (%(kind)s)") % {"exercise": p.get("exercise", ""), "kind": kind}
        return _("New personal record: %(exercise)s") % {"exercise": p.get("exercise", "")}
    if name == "checkin.submitted":
        return _("Submitted a check-in")
    if name == "note.added":
        return _("Coach note added")
    return str(EVENT_TYPES.get(name, name))


def describe_events(events, *, health: bool = True) -> list[TimelineItem]:
    """Timeline lines; `health=False` leaves out health screening (roles without `clients.health`)."""
    items = []
    for event in events:
        actor = ""
        if event.actor_id:
            actor = event.actor.full_name or event.actor.email
        items.append(
            TimelineItem(
                when=event.created_at,
                name=event.name,
                title=_title(event, health),
                actor=actor,
                kind=event.name.split(".")[0],
            )
        )
    return items
