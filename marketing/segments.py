"""Evaluating a segment: its rules become one client queryset, computed at use time.

(Skeleton: every client of the business; the rule engine replaces it.)"""

from __future__ import annotations

from clients.models import Client


def evaluate(organization, rules: list, match: str = "all"):
    """The clients of `organization` the rules select (a lazy queryset)."""
    return Client.objects.for_org(organization)


def clients_of(segment):
    return evaluate(segment.organization, segment.rules, segment.match)


def count(organization, rules: list, match: str = "all") -> int:
    return evaluate(organization, rules, match).count()
