"""Typo-tolerant exercise search.

On PostgreSQL the ranking is pg_trgm's `word_similarity` (the extension and a trigram GIN
index are created by migration 0002, on PostgreSQL only). On SQLite the same measure is
computed in Python over the filtered candidates: trigrams of the query against the best
matching run of words in the exercise's name and aliases. Both keep a row when its
similarity reaches `THRESHOLD` or the text contains the query outright, best first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from .models import Exercise

THRESHOLD = 0.45
FALLBACK_THRESHOLD = 0.25


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _set_trigrams(words: list[str]) -> set[str]:
    out: set[str] = set()
    for w in words:
        out |= trigrams(w)
    return out


@lru_cache(maxsize=20000)
def _windows(text: str, size: int) -> tuple[frozenset[str], ...]:
    """Trigram sets of every run of `size` consecutive words of `text` (cached: the library's
    texts repeat from one search to the next)."""
    words = normalise(text).split()
    return tuple(
        frozenset(_set_trigrams(words[start : start + size])) for start in range(0, max(1, len(words) - size + 1))
    )


def word_similarity(query: str, text: str) -> float:
    """Like pg_trgm's word_similarity: the share of the query's trigrams found in the
    best-matching run of consecutive words of `text` (a run as long as the query, or one longer)."""
    q_words = normalise(query).split()
    if not q_words or not normalise(text):
        return 0.0
    q = _set_trigrams(q_words)
    best = 0.0
    for size in (len(q_words), len(q_words) + 1):
        for window in _windows(text, size):
            best = max(best, len(q & window) / len(q))
    return best


def filter_exercises(
    queryset: QuerySet[Exercise],
    *,
    muscle: str = "",
    equipment: str = "",
    pattern: str = "",
    level: str = "",
    category: str = "",
    source: str = "",
    equipment_in=None,
) -> QuerySet[Exercise]:
    """`equipment_in` keeps only exercises needing one of those (a client's equipment)."""
    if equipment_in is not None:
        queryset = queryset.filter(equipment__in=list(equipment_in))
    if muscle:
        queryset = queryset.filter(muscle_index__contains=f"|{muscle}|")
    if equipment:
        queryset = queryset.filter(equipment="" if equipment == "none" else equipment)
    if pattern:
        queryset = queryset.filter(movement_pattern=pattern)
    if level:
        queryset = queryset.filter(level=level)
    if category:
        queryset = queryset.filter(category=category)
    if source == "library":
        queryset = queryset.filter(organization__isnull=True)
    elif source == "own":
        queryset = queryset.filter(organization__isnull=False)
    return queryset


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams over all trigrams of both texts."""
    ta, tb = _set_trigrams(normalise(a).split()), _set_trigrams(normalise(b).split())
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def rank(queryset: QuerySet[Exercise], query: str) -> QuerySet[Exercise]:
    """The rows of `queryset` that match `query` (typos allowed), best match first.

    Rows at `THRESHOLD` or above are kept; when none reaches it (a transposition such as
    "sqaut" shares few trigrams), the looser `FALLBACK_THRESHOLD` applies. Ties are broken by
    the similarity of the whole name (or its common name), then alphabetically.
    """
    query = normalise(query)
    if not query:
        return queryset.order_by("name", "id")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

        ranked = queryset.annotate(
            score=Greatest(
                TrigramWordSimilarity(Value(query), "search_text"),
                Case(When(search_text__contains=query, then=Value(1.0)), default=Value(0.0)),
                output_field=FloatField(),
            ),
            name_score=Greatest(
                TrigramSimilarity("name", Value(query)),
                TrigramSimilarity("common_name", Value(query)),
                output_field=FloatField(),
            ),
        ).order_by("-score", "-name_score", "name", "id")
        strict = ranked.filter(score__gte=THRESHOLD)
        return strict if strict.exists() else ranked.filter(score__gte=FALLBACK_THRESHOLD)
    scored = []
    for pk, text, name, common in queryset.values_list("pk", "search_text", "name", "common_name"):
        score = 1.0 if query in text else word_similarity(query, text)
        if score >= FALLBACK_THRESHOLD:
            scored.append((-score, -max(similarity(query, name), similarity(query, common)), name, pk))
    if any(-row[0] >= THRESHOLD for row in scored):
        scored = [row for row in scored if -row[0] >= THRESHOLD]
    scored.sort()
    ids = [row[-1] for row in scored]
    if not ids:
        return queryset.none()
    order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).order_by(order)


def search_exercises(*, organization, query: str = "", include_archived: bool = False, **filters) -> QuerySet:
    """Exercises visible to `organization` matching the filters and the (misspelt) query."""
    qs = Exercise.objects.for_org(organization)
    if not include_archived:
        qs = qs.filter(Q(is_archived=False))
    return rank(filter_exercises(qs, **filters), query)
