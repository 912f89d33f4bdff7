"""Merge suggestions for the plenary: groups of items from different rooms that say the same thing.

Lexical, English-tuned and dependency-free (standard library only). Each item's text is normalised
(Unicode NFKC, lowercase, punctuation stripped, a light English stemmer, a stopword list and the synonyms
and abbreviations of a `Vocabulary`, given as data: the subject's words live with the event's data, never
here; the demo ships its own in facilitator/demo/vocabulary.yaml), weighted by TF-IDF over the candidates given, and
compared pairwise with a cosine similarity (blended with a cosine on 5-letter term prefixes, a soft
match for word forms the stemmer misses). Only items of the same category and different rooms are
compared, and only pairs sharing at least one informative term (through an inverted index), so the
cost grows with the number of related pairs rather than with n². Rooms that resemble each other
overall (typically one workshop's two rounds) get their pair scores raised. Pairs above the threshold
are joined into groups best-first, never putting two items of one room in a group and never joining
groups that are, on average, below the threshold.

See docs/suggestions.md for the measured precision/recall and the limits.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

__all__ = [
    "Candidate",
    "Suggestion",
    "Vocabulary",
    "EMPTY_VOCABULARY",
    "DEFAULT_THRESHOLD",
    "read_vocabulary",
    "suggest",
    "similar_pairs",
    "similarity",
    "terms",
]

# Tuned on the tuning half of bench/fixtures/suggestions.yaml (python bench/suggestions.py --tune).
DEFAULT_THRESHOLD = 0.37
# Weight of the TF-IDF cosine on terms in the pair score; the rest is a TF-IDF cosine on the terms'
# first PREFIX letters, a soft match for word forms the stemmer does not join (analyst/analytics, ...).
COSINE_WEIGHT = 0.8
PREFIX = 5
# Two groups are joined only if their mean cross-pair score reaches this fraction of the threshold
# (stops chains A~B~C where A and C have nothing in common).
LINK_RATIO = 1.0
# Terms in more than this share of the items (and more than MIN_COMMON items) are not used to find
# candidate pairs; they still count in the score of pairs found through rarer terms.
COMMON_SHARE = 0.05
MIN_COMMON = 30
# Added to every IDF (log((1 + n) / (1 + df)) + IDF_FLOOR): 0 lets terms found in most items count ~nothing.
IDF_FLOOR = 0.5
# IDF is computed as if there were at least this many items (the extra ones containing none of the terms),
# so a handful of items is compared on near-uniform weights instead of penalising the terms they share.
IDF_MIN_ITEMS = 50
# Room affinity: pair scores between rooms whose items resemble each other a lot overall (typically one
# workshop's two rounds) are multiplied by up to 1 + ROOM_AFFINITY (the most alike pair of rooms), then
# capped at 1. Learnt from the candidates themselves, no labels; it fades in for small inputs (full
# strength from AFFINITY_MIN_ITEMS items) and is off with fewer than three rooms.
ROOM_AFFINITY = 1.5
AFFINITY_MIN_ITEMS = 60
# A vocabulary's generic terms (true of nearly every statement of its subject) weigh this much of their
# TF-IDF weight; IDF alone underrates how generic they are when there are only a few hundred items.
GENERIC_WEIGHT = 0.7


@dataclass(frozen=True)
class Candidate:
    id: str  # the item's id (a UUID string)
    room: int  # room id; items of the same room are never suggested together
    category: str  # category key, e.g. "challenge", "best_practice", "recommendation"
    text: str


@dataclass(frozen=True)
class Suggestion:
    items: tuple[str, ...]  # item ids, 2 or more, from at least 2 different rooms
    score: float  # 0..1, higher = more similar


# --------------------------------------------------------------------------- normalisation

STOPWORDS = frozenset(
    """
    a about above after again against all also although am among an and any are as at be because been
    before being below between both but by can cannot could did do does doing done down during each
    either else etc even ever every few for from further had has have having he her here hers him his
    how however i if in into is it its itself just least less may me might mine more most much must my
    neither no nor not now of off often on once one only onto or other others otherwise our ours out
    over own per quite rather same shall she should since so some such than that the their theirs them
    then there therefore these they this those though through thus to too toward towards under until
    up upon us very via was we well were what whatever when where whereas whether which while who whom
    whose why will with within without would yet you your yours eg ie
    need needs needed necessary should also increasingly significantly particularly especially
    really many several various certain new way ways make makes made able given like get gets got
    use used uses using better
    """.split()
)

# A light English stemmer: plurals, then up to two passes of common suffixes (longest first).
_SUFFIXES = sorted(
    """
    isation ization ations ation ition ments ment ness ings ing ised ized ise ize ities ity ively ive
    ly ful ion ers er ors or ed ial al ant ent ence ance ary ate at ic ist ism able ible is ee
    """.split(),
    key=len,
    reverse=True,
)
_STEM_EXCEPTIONS = {
    "informal": "informal",
    "informally": "informal",
    "news": "news",
    "series": "series",
    "data": "data",
    "media": "media",
    "criteria": "criteria",
    "bus": "bus",
    "buses": "bus",
    "analysis": "analys",
    "analyses": "analys",
    "analytics": "analyt",
    "analytical": "analyt",
    "analyst": "analys",
    "analysts": "analys",
    "united": "united",
    "national": "nation",
    "nationals": "nation",
}


def stem(word: str) -> str:
    """A deliberately small English stemmer; non-ASCII words (other scripts) are left as they are."""
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for minimum in (4, 5):  # the second pass keeps a longer stem: cooperat -> cooper, not coop
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= minimum:
                word = word[: -len(suffix)]
                break
        else:
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "ls":
        word = word[:-1]  # referr -> refer, scann -> scan
    if len(word) > 4 and word[-1] in "ei":
        word = word[:-1]  # exchange -> exchang
    return word


_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


def _raw_tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.replace("'s ", " ").replace("’s ", " ")
    return [t for t in _TOKEN_RE.findall(text) if len(t) > 1 or t.isdigit()]


class Vocabulary:
    """The words of one subject, as data: synonym groups and generic terms (see facilitator/demo/vocabulary.yaml).

    `synonyms` maps a concept term to its variants: every variant (matched on stems, longest first)
    becomes the concept term. `generic` lists terms (stems or concepts) that weigh less.
    """

    def __init__(self, synonyms: Mapping[str, Iterable[str]] | None = None, generic: Iterable[str] = ()):
        self.concepts = frozenset(synonyms or {})
        self.generic = frozenset(generic)
        phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for concept, variants in (synonyms or {}).items():
            for variant in variants:
                key = tuple(stem(t) for t in _raw_tokens(variant))
                if key:
                    phrases[key[0]].append((key, concept))
        for options in phrases.values():
            options.sort(key=lambda option: -len(option[0]))
        self.phrases = dict(phrases)  # {first stem: [(stems, concept), ...]}, longest first

    @classmethod
    def from_mapping(cls, data: object) -> Vocabulary:
        """A vocabulary from parsed YAML/JSON ({synonyms: {concept: [variants]}, generic: [terms]})."""
        if data is None:
            return EMPTY_VOCABULARY
        if not isinstance(data, Mapping) or set(data) - {"synonyms", "generic"}:
            raise ValueError("a vocabulary has only 'synonyms' (concept: [variants]) and 'generic' ([terms])")
        synonyms = data.get("synonyms") or {}
        generic = data.get("generic") or []
        if not isinstance(synonyms, Mapping) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in synonyms.values()
        ):
            raise ValueError("vocabulary 'synonyms': each concept maps to a list of texts")
        if not isinstance(generic, list) or not all(isinstance(x, str) for x in generic):
            raise ValueError("vocabulary 'generic': a list of terms")
        return cls({str(k): v for k, v in synonyms.items()}, generic)


EMPTY_VOCABULARY = Vocabulary()


def read_vocabulary(path: str | Path) -> Vocabulary:
    """Read a vocabulary YAML file; a clear ValueError if it is missing or malformed."""
    import yaml  # only here: the rest of the module needs the standard library alone

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the suggestions vocabulary {path}: {error}") from None
    try:
        return Vocabulary.from_mapping(data)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def terms(text: str, vocabulary: Vocabulary = EMPTY_VOCABULARY) -> list[str]:
    """The normalised terms of a text: stems and the vocabulary's concepts, stopwords removed, in order."""
    raw = _raw_tokens(text)
    stems = [stem(t) for t in raw]
    out: list[str] = []
    i = 0
    while i < len(stems):
        for key, concept in vocabulary.phrases.get(stems[i], ()):
            if tuple(stems[i : i + len(key)]) == key:
                out.append(concept)
                i += len(key)
                break
        else:
            if raw[i] not in STOPWORDS and stems[i] not in STOPWORDS:
                out.append(stems[i])
            i += 1
    return out


# --------------------------------------------------------------------------- scoring


@dataclass
class _Doc:
    candidate: Candidate
    weights: dict[str, float]
    prefixes: dict[str, float]


def _prefix(term: str, concepts: frozenset[str]) -> str:
    return term[:PREFIX] if term.isascii() and term not in concepts else term


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else weights


def _prepare(candidates: list[Candidate], vocabulary: Vocabulary) -> list[_Doc]:
    seen: set[str] = set()
    unique = []
    for cand in candidates:
        if cand.id not in seen:
            seen.add(cand.id)
            unique.append(cand)
    tfs = []
    df: dict[str, int] = defaultdict(int)
    for cand in unique:
        counts: dict[str, int] = defaultdict(int)
        for term in terms(cand.text, vocabulary):
            counts[term] += 1
        tfs.append(counts)
        for term in counts:
            df[term] += 1
    n = max(len(unique), IDF_MIN_ITEMS)
    prefix_counts = []
    prefix_df: dict[str, int] = defaultdict(int)
    for counts in tfs:
        pc: dict[str, int] = defaultdict(int)
        for t, c in counts.items():
            pc[_prefix(t, vocabulary.concepts)] += c
        prefix_counts.append(pc)
        for p in pc:
            prefix_df[p] += 1

    def idf(count: int) -> float:
        return math.log((1 + n) / (1 + count)) + IDF_FLOOR

    docs = []
    for cand, counts, pc in zip(unique, tfs, prefix_counts):
        tf = {t: 1.0 + math.log(c) for t, c in counts.items()}
        generic = {t: GENERIC_WEIGHT if t in vocabulary.generic else 1.0 for t in counts}
        weights = _normalised({t: w * idf(df[t]) * generic[t] for t, w in tf.items()})
        prefixes = _normalised({p: (1.0 + math.log(c)) * idf(prefix_df[p]) for p, c in pc.items()})
        docs.append(_Doc(cand, weights, prefixes))
    return docs


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(a[t] * b[t] for t in a.keys() & b.keys())


def _score(a: _Doc, b: _Doc) -> float:
    cosine = _dot(a.weights, b.weights)
    second = _dot(a.prefixes, b.prefixes) if COSINE_WEIGHT < 1.0 else 0.0
    return min(1.0, max(0.0, COSINE_WEIGHT * cosine + (1.0 - COSINE_WEIGHT) * second))


def similarity(a: str, b: str, context: Iterable[str] = (), vocabulary: Vocabulary | None = None) -> float:
    """The pair score of two texts (0..1), with IDF taken from both plus any context texts."""
    texts = [a, b, *context]
    docs = _prepare([Candidate(str(i), i, "", t) for i, t in enumerate(texts)], vocabulary or EMPTY_VOCABULARY)
    return _score(docs[0], docs[1])


def _scored_pairs(docs: list[_Doc]) -> dict[tuple[int, int], float]:
    """Scores of the pairs (same category, different rooms) that share at least one informative term."""
    by_category: dict[str, list[int]] = defaultdict(list)
    for index, doc in enumerate(docs):
        if doc.weights:
            by_category[doc.candidate.category].append(index)
    pairs: dict[tuple[int, int], float] = {}
    for members in by_category.values():
        postings: dict[str, list[int]] = defaultdict(list)
        for index in members:
            for term in docs[index].weights:
                postings[term].append(index)
        limit = max(MIN_COMMON, int(COMMON_SHARE * len(members)))
        for index in members:
            doc = docs[index]
            # Informative terms find candidates; an item with only common terms uses its rarest one, and
            # then meets only the next `limit` items having it (enough to chain copies of a generic text
            # into groups, without n² comparisons).
            ranked = sorted(doc.weights, key=lambda t: len(postings[t]))
            keys = [t for t in ranked if len(postings[t]) <= limit] or ranked[:1]
            for term in keys:
                posting = postings[term]
                start = bisect_right(posting, index)
                for other in posting[start : start + limit]:
                    if (index, other) in pairs:
                        continue
                    if docs[other].candidate.room == doc.candidate.room:
                        continue
                    pairs[(index, other)] = _score(doc, docs[other])
    return pairs


def _room_boosts(docs: list[_Doc], scores: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """Score multipliers (>= 1) for pairs of rooms (lower id first) that resemble each other overall."""
    sizes: dict[int, int] = defaultdict(int)
    for doc in docs:
        sizes[doc.candidate.room] += 1
    if not ROOM_AFFINITY or not scores or len(sizes) < 3:
        return {}
    total: dict[tuple[int, int], float] = defaultdict(float)
    for (i, j), s in scores.items():
        total[_room_pair(docs[i], docs[j])] += s
    affinity = {pair: s / math.sqrt(sizes[pair[0]] * sizes[pair[1]]) for pair, s in total.items()}
    top = max(affinity.values())
    if top <= 0:
        return {}
    strength = ROOM_AFFINITY * min(1.0, len(docs) / AFFINITY_MIN_ITEMS) / top
    return {pair: 1.0 + strength * a for pair, a in affinity.items()}


def _room_pair(a: _Doc, b: _Doc) -> tuple[int, int]:
    ra, rb = a.candidate.room, b.candidate.room
    return (ra, rb) if ra < rb else (rb, ra)


# --------------------------------------------------------------------------- grouping


def suggest(
    candidates: list[Candidate], threshold: float | None = None, vocabulary: Vocabulary | None = None
) -> list[Suggestion]:
    """Groups of items from different rooms that say the same thing, best first.

    Only items of the same category are compared; a group never holds two items of the same room.
    Each item appears in at most one suggestion. `threshold` (0..1) defaults to DEFAULT_THRESHOLD;
    higher gives fewer, surer suggestions. Without a `vocabulary`, words are matched as they are.
    """
    if threshold is None:
        threshold = DEFAULT_THRESHOLD
    docs = _prepare(list(candidates), vocabulary or EMPTY_VOCABULARY)
    scores = _scored_pairs(docs)
    boosts = _room_boosts(docs, scores)
    if boosts:
        scores = {(i, j): min(1.0, s * boosts.get(_room_pair(docs[i], docs[j]), 1.0)) for (i, j), s in scores.items()}
    edges = sorted(((s, pair) for pair, s in scores.items() if s >= threshold), key=lambda e: (-e[0], e[1]))

    group_of = list(range(len(docs)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(docs))}
    rooms: dict[int, set[int]] = {i: {docs[i].candidate.room} for i in range(len(docs))}

    def pair_score(i: int, j: int) -> float:
        key = (i, j) if i < j else (j, i)
        if key not in scores:
            boost = boosts.get(_room_pair(docs[i], docs[j]), 1.0)
            scores[key] = min(1.0, _score(docs[i], docs[j]) * boost)
        return scores[key]

    rejected: set[tuple[int, int, int, int]] = set()  # group pairs refused, as (root, size, root, size)
    for _, (i, j) in edges:
        gi, gj = group_of[i], group_of[j]
        if gi == gj or rooms[gi] & rooms[gj]:
            continue
        if len(members[gi]) + len(members[gj]) > 2:
            state = (
                (gi, len(members[gi]), gj, len(members[gj]))
                if gi < gj
                else (gj, len(members[gj]), gi, len(members[gi]))
            )
            if state in rejected:
                continue
            cross = [pair_score(a, b) for a in members[gi] for b in members[gj]]
            if sum(cross) / len(cross) < LINK_RATIO * threshold:
                rejected.add(state)
                continue
        if len(members[gi]) < len(members[gj]):
            gi, gj = gj, gi
        for k in members[gj]:
            group_of[k] = gi
        members[gi].extend(members.pop(gj))
        rooms[gi] |= rooms.pop(gj)

    suggestions = []
    for group in members.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda k: (docs[k].candidate.room, docs[k].candidate.id))
        pair_scores = [pair_score(a, b) for a, b in combinations(group, 2)]
        score = round(sum(pair_scores) / len(pair_scores), 4)
        suggestions.append(Suggestion(tuple(docs[k].candidate.id for k in group), score))
    suggestions.sort(key=lambda s: (-s.score, s.items))
    return suggestions


def similar_pairs(
    candidates: list[Candidate], threshold: float | None = None, vocabulary: Vocabulary | None = None
) -> set[frozenset[str]]:
    """The suggested pairs (every pair inside a suggested group) — what the benchmark scores."""
    return {frozenset(p) for s in suggest(candidates, threshold, vocabulary) for p in combinations(s.items, 2)}
