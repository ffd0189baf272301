"""Food search: what the food pickers, the library page and the API call.

Typo-tolerant on every database. Each query word matches a food's text as typed (as a
substring, so "chick" finds chicken while someone types), through a British/American
synonym ("yoghurt" → yogurt), or, when no word of the database starts with it, through
the nearest words of the database's vocabulary (edit distance 1–2: "chiken" → chicken,
"bananna" → banana). On PostgreSQL the substring tests use the pg_trgm GIN index of
migration 0002 and an unknown word also matches by trigram word similarity (`<%`).

Ranking, the same everywhere: a food's popularity (common whole foods before obscure,
branded and restaurant items; see services.popularity_for) plus bonuses when its name
starts with the first word or holds a word exactly as typed, minus a cost for each word
matched only through a correction, the brand or inside another word; then shorter names.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Max, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Food, FoodPortion

MAX_CANDIDATES = 3000  # rows ranked in Python per query, the most popular first
MAX_RESULTS = 1000

# British and other spellings → the words USDA uses.
SYNONYMS = {
    "yoghurt": "yogurt",
    "yoghurts": "yogurt",
    "yogourt": "yogurt",
    "courgette": "zucchini",
    "courgettes": "zucchini",
    "aubergine": "eggplant",
    "aubergines": "eggplant",
    "porridge": "oats",
    "oatmeal": "oats",
    "prawn": "shrimp",
    "prawns": "shrimp",
    "mince": "ground",
    "minced": "ground",
    "beetroot": "beets",
    "rocket": "arugula",
    "crisps": "chips",
    "capsicum": "peppers",
    "ketchup": "catsup",
    "mayo": "mayonnaise",
    "soya": "soy",
    "skimmed": "skim",
    "wholemeal": "whole-wheat",
    "wholewheat": "whole-wheat",
    "fibre": "fiber",
    "flavour": "flavor",
    "icing": "powdered",
    "garbanzo": "chickpeas",
}

_WORD = re.compile(r"[a-z0-9%]+")


def normalise(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


# --- Edit distance over the vocabulary ------------------------------------------------------------------
def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters counts one), or limit + 1
    as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]  # sorted, distinct
    by_initial: dict[str, tuple[str, ...]]

    def knows_prefix(self, word: str) -> bool:
        i = bisect.bisect_left(self.words, word)
        return i < len(self.words) and self.words[i].startswith(word)

    def corrections(self, word: str) -> list[str]:
        """The words nearest to `word` (1 edit for up to 5 letters, else 2), also as the start
        of a longer word; only the nearest distance found, at most eight."""
        if len(word) < 3 or word.isdigit():
            return []
        limit = 1 if len(word) <= 5 else 2
        best: dict[str, int] = {}
        # Same first letter, or the first two letters swapped ("hcicken").
        pool = set(self.by_initial.get(word[0], ()))
        pool.update(self.by_initial.get(word[1], ()))
        for candidate in pool:
            if abs(len(candidate) - len(word)) <= limit:
                d = edit_distance(word, candidate, limit)
                if d <= limit:
                    best[candidate] = d
            if len(word) >= 4 and len(candidate) > len(word) + limit:
                d = edit_distance(word, candidate[: len(word)], 1)
                if d <= 1:
                    best[candidate[: len(word)]] = min(best.get(candidate[: len(word)], 9), d + 1)
        if not best:
            return []
        nearest = min(best.values())
        return sorted(w for w, d in best.items() if d == nearest)[:8]


def _build_vocabulary(texts, known: tuple[str, ...] = ()) -> Vocabulary:
    words = sorted({w for text in texts for w in normalise(text) if len(w) >= 2 and not w.isdigit()} | set(known))
    by_initial: dict[str, list[str]] = {}
    for w in words:
        by_initial.setdefault(w[0], []).append(w)
    return Vocabulary(tuple(words), {k: tuple(v) for k, v in by_initial.items()})


@lru_cache(maxsize=4)
def _library_vocabulary(version: tuple) -> Vocabulary:
    return _build_vocabulary(Food.objects.library().values_list("search_text", flat=True).iterator(chunk_size=2000))


def vocabulary_for(organization) -> Vocabulary:
    """Words of the shared database (cached until it changes) and of the business's own foods."""
    version = Food.objects.library().aggregate(n=Count("id"), top=Max("id"), last=Max("updated_at"))
    library = _library_vocabulary((version["n"], version["top"], version["last"]))
    if organization is None:
        return library
    own = list(Food.objects.filter(organization=organization).values_list("search_text", flat=True))
    if not own:
        return library
    return _build_vocabulary(own, known=library.words)


# --- Matching and ranking ---------------------------------------------------------------------------------
@dataclass
class QueryWord:
    typed: str
    alternatives: list[str]  # synonyms and corrections
    fuzzy: bool  # no word of the database starts with what was typed


def parse_query(query: str, vocabulary: Vocabulary) -> list[QueryWord]:
    parsed = []
    for typed in normalise(query)[:8]:
        alternatives = []
        if typed in SYNONYMS:
            alternatives.append(SYNONYMS[typed])
        elif len(typed) > 3 and typed.endswith("s") and not typed.endswith("ss"):
            alternatives.append(typed[:-1])  # "eggs" finds "Egg, whole"; the plural still matches as typed
        fuzzy = not vocabulary.knows_prefix(typed) and typed not in SYNONYMS
        if fuzzy:
            alternatives.extend(vocabulary.corrections(typed))
        parsed.append(QueryWord(typed, alternatives, fuzzy))
    return parsed


def _word_filter(word: QueryWord) -> Q:
    condition = Q()
    for token in [word.typed, *word.alternatives]:
        # One or two letters match the start of a word only, not anywhere ("eg" in "vegetable").
        if len(token) <= 2:
            condition |= Q(search_text__startswith=token) | Q(search_text__contains=f" {token}")
        else:
            condition |= Q(search_text__contains=token)
    if word.fuzzy and connection.vendor == "postgresql" and len(word.typed) >= 3:
        # pg_trgm's `<%` (word similarity above pg_trgm.word_similarity_threshold, 0.6), which
        # the GIN trigram index serves.
        similar = RawSQL('%s <%% "nutrition_food"."search_text"', (word.typed,), output_field=BooleanField())
        condition |= Q(similar)
    return condition


def _variants(word: QueryWord) -> list[str]:
    return [word.typed, *word.alternatives]


def _same_word(word: str, variants: list[str]) -> bool:
    """The word as typed, or its plural ("apple" and "Apples, raw")."""
    return any(word in (v, f"{v}s", f"{v}es") for v in variants)


def _rank_key(row, words: list[QueryWord]):
    """Lower sorts first: a score of popularity with bonuses for how well the name matches and
    a cost for each word matched only through a correction, in the brand or inside a word."""
    pk, name, text, popularity = row
    name_words = normalise(name)
    head = normalise(name.split(",", 1)[0])
    text_words = normalise(text)
    first = words[0]
    score = popularity
    if name_words and any(name_words[0].startswith(t) for t in _variants(first)):
        score += 150  # the name starts with what was asked for
    if len(head) == 1 and _same_word(head[0], _variants(first)):
        score += 60  # and that is the whole first part of it ("Rice, ..." before "Rice noodles")
    for word in words:
        variants = _variants(word)
        if any(_same_word(w, [word.typed]) for w in name_words):
            score += 50
        elif any(w.startswith(word.typed) for w in name_words):
            pass
        elif any(w.startswith(v) for v in word.alternatives for w in name_words):
            score -= 40 if not word.fuzzy else 120
            if any(v in name_words for v in word.alternatives):
                score += 30
        elif any(w.startswith(v) for v in variants for w in text_words):
            score -= 200  # only in the common name or the brand
        else:
            score -= 300  # inside a word, or by trigram similarity only
    return (-score, len(name), name, pk)


def _through_trigram_index(rows) -> list:
    """Run the candidate query through the trigram index. On a table of this size the planner
    estimates `<%` as cheaper to scan (about 115 ms) than to look up (about 7 ms), so
    sequential scans are off for this one statement and back to the default right after."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            return list(rows)
        finally:
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")


def visible_foods(*, organization, food_group: str | None = None, branded: bool | None = None) -> QuerySet[Food]:
    foods = Food.objects.for_org(organization).filter(is_archived=False)
    if food_group:
        foods = foods.filter(food_group=food_group)
    if branded is not None:
        foods = foods.filter(is_branded=branded)
    return foods


def ranked_food_ids(
    *,
    organization,
    query: str = "",
    food_group: str | None = None,
    branded: bool | None = None,
    cap: int = MAX_RESULTS,
) -> list[int]:
    """Ids of the foods the business sees matching `query` and the filters, best first."""
    foods = visible_foods(organization=organization, food_group=food_group, branded=branded)
    if not normalise(query):
        return list(foods.order_by("-popularity", "name", "id").values_list("id", flat=True)[:cap])
    words = parse_query(query, vocabulary_for(organization))
    conditions = [_word_filter(word) for word in words]
    if connection.vendor == "postgresql" and any(w.fuzzy for w in words):
        # The text conditions alone, through the trigram index; then the business's filters.
        matching = Food.objects.filter(*conditions).values_list("id", flat=True)
        foods = foods.filter(pk__in=_through_trigram_index(matching))
    else:
        foods = foods.filter(*conditions)
    rows = foods.order_by("-popularity", "id").values_list("id", "name", "search_text", "popularity")[:MAX_CANDIDATES]
    ranked = sorted(rows, key=lambda row: _rank_key(row, words))
    return [row[0] for row in ranked[:cap]]


def foods_by_ids(*, organization, ids: list[int]) -> list[Food]:
    """The foods of `ids` in that order, each with the portions this business sees."""
    portions = FoodPortion.objects.for_org(organization).order_by("position", "id")
    found = {f.pk: f for f in Food.objects.filter(pk__in=ids).prefetch_related(Prefetch("portions", portions))}
    return [found[pk] for pk in ids if pk in found]


def search_foods(
    *,
    organization,
    query: str = "",
    food_group: str | None = None,
    branded: bool | None = None,
    limit: int = 25,
    offset: int = 0,
) -> list[Food]:
    """Foods the business sees matching `query` (typos allowed), best match first, common
    foods before obscure ones; each with the portions this business sees."""
    ids = ranked_food_ids(
        organization=organization, query=query, food_group=food_group, branded=branded, cap=offset + limit
    )
    return foods_by_ids(organization=organization, ids=ids[offset : offset + limit])
