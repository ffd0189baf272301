"""Segment writes: create, change and delete a saved segment. Rules are validated first
(SegmentError, nothing saved); a segment a campaign uses cannot be deleted."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from mecto.errors import DomainError

from ..models import Segment
from ..segments import SegmentError, validate_rules

__all__ = ["SegmentError", "SegmentInUse", "create_segment", "delete_segment", "update_segment"]


class SegmentInUse(DomainError):
    """The segment is the audience of a campaign."""


def _clean_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise SegmentError(_("Give the segment a name."), field="name")
    if len(name) > 120:
        raise SegmentError(_("Keep the name under 120 characters."), field="name")
    return name


def create_segment(
    *, organization, name: str, rules: list, match: str = "all", description: str = "", actor=None
) -> Segment:
    name = _clean_name(name)
    rules = validate_rules(organization, rules, match)
    with transaction.atomic():
        return Segment.objects.create(
            organization=organization,
            name=name,
            description=(description or "").strip()[:300],
            match=match,
            rules=rules,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def update_segment(*, segment: Segment, actor=None, **changes) -> Segment:
    allowed = {"name", "description", "match", "rules"}
    unknown = set(changes) - allowed
    if unknown:
        raise SegmentError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()[:300]
    match = changes.get("match", segment.match)
    rules = changes.get("rules", segment.rules)
    if "match" in changes or "rules" in changes:
        changes["rules"] = validate_rules(segment.organization, rules, match)
        changes["match"] = match
    with transaction.atomic():
        for key, value in changes.items():
            setattr(segment, key, value)
        segment.save()
    return segment


def delete_segment(*, segment: Segment, actor=None) -> None:
    """Delete a segment no campaign uses; refuse (with the campaigns' names) otherwise."""
    with transaction.atomic():
        names = list(segment.campaigns.values_list("name", flat=True)[:3])
        if names:
            raise SegmentInUse(
                _("Campaigns send to this segment (%(names)s): give them another segment first.")
                % {"names": ", ".join(names)}
            )
        segment.delete()
