"""Scoring: the 0..100 confidence of each candidate, and which hits are confident.

``100 * (0.6 * coverage + 0.3 * fuzzy + 0.1 * question coverage)``: *coverage* (from
:mod:`knowledge_base.candidates`) says how much of the query the entry has; *fuzzy* — the best
``rapidfuzz`` similarity of the query with the entry's question and keywords (characters after
synonym canonicalisation, and pinyin) — rewards near matches that the terms miss (typos, word
order, a missing character); *question coverage* (how much of the question the query has)
breaks ties in favour of the entry whose question the query states most completely.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
from rapidfuzz import fuzz, process

from knowledge_base.candidates import Candidates, find_candidates
from knowledge_base.documents import Prepared
from knowledge_base.postings import Postings
from knowledge_base.query import QueryPlan

__all__ = [
    "STRONG_MARGIN", "STRONG_THRESHOLD", "WEAK_THRESHOLD", "SearchHit", "rank", "scored",
]

#: A hit is a confident match (``SearchHit.strong``) when it scores at least this (0..100)
#: *and* beats the next hit by ``STRONG_MARGIN`` (an ambiguous query such as "医院" or "疫苗"
#: matches many entries equally well: none of them is strong, the bot lists them).
STRONG_THRESHOLD = 60.0
STRONG_MARGIN = 1.0
#: Hits scoring below this are dropped; between the two they are "可能相关" suggestions.
WEAK_THRESHOLD = 20.0
_W_COVERAGE = 0.6
_W_FUZZY = 0.3
_W_QCOVER = 0.1
_KEYWORD_FUZZY = 0.95  # a fuzzy match on a keyword counts a little less than on the question
# the fields' strings, read in C (a search gathers several hundred of them)
_TEXT, _PINYIN = attrgetter("text"), attrgetter("pinyin")
_PLAIN, _INITIALS = attrgetter("plain"), attrgetter("initials")


@dataclass(frozen=True)
class SearchHit:
    """One search result: ``score`` is a 0..100 confidence; ``strong`` means confident."""

    id: int
    score: float
    question: str
    strong: bool


def scored(store: Postings, plan: QueryPlan, limit: int) -> list[tuple[Prepared, float]]:
    """The best ``limit`` candidates with their 0..100 scores, best first (no threshold;
    ties: the entry indexed first)."""
    found = find_candidates(store, plan)
    if found is None:
        return []
    cand, prepared = found.slots, found.prepared
    qcover = _question_coverage(store, found)
    fuzzy = _fuzzy(plan, prepared)
    final = 100.0 * (_W_COVERAGE * found.coverage + _W_FUZZY * fuzzy + _W_QCOVER * qcover)
    order = np.lexsort((cand, -final))
    out: list[tuple[Prepared, float]] = []
    for i in order[:limit]:
        p = prepared[int(i)]
        assert p is not None
        out.append((p, float(round(final[i], 2))))
    return out


def rank(store: Postings, plan: QueryPlan, limit: int) -> list[SearchHit]:
    """The best ``limit`` hits for ``plan``, best first (ties: the entry indexed first)."""
    best = scored(store, plan, limit + 1)
    ranked = [score for _, score in best]
    hits: list[SearchHit] = []
    for pos, (p, score) in enumerate(best[:limit]):
        if score < WEAK_THRESHOLD:
            break
        runner_up = ranked[pos + 1] if pos + 1 < len(ranked) else 0.0
        strong = score >= STRONG_THRESHOLD and score - runner_up >= STRONG_MARGIN
        hits.append(SearchHit(p.doc.id, score, p.doc.question, strong))
    return hits


def _question_coverage(store: Postings, found: Candidates) -> np.ndarray:
    """Share (IDF-weighted) of each candidate question's own terms that the query has.

    The IDFs and each question's total weight depend on the index only, not on the query:
    they are kept in the store until it next changes, so a search sums the few terms the
    query shares with each candidate question (this was a quarter of a search's time)."""
    n_live, term_w = found.n_live, found.term_w
    idf, totals = store.idf_cache, store.qweight_cache
    qcover = np.empty(len(found.slots))
    for i, (slot, p) in enumerate(zip(found.slots.tolist(), found.prepared, strict=True)):
        assert p is not None
        tot = totals.get(slot)
        if tot is None:
            for t in p.qterms:
                if t not in idf:
                    df = max(1, store.raw_df(t))
                    idf[t] = math.log(1.0 + (n_live - df + 0.5) / (df + 0.5))
            tot = totals[slot] = sum(idf[t] for t in p.qterms)
        hit = sum(map(idf.__getitem__, filter(term_w.__contains__, p.qterms)))
        qcover[i] = hit / tot if tot > 0 else 0.0
    return qcover


def _fuzzy(plan: QueryPlan, prepared: list[Prepared | None]) -> np.ndarray:
    """Best rapidfuzz similarity (0..1) of the query with each candidate's fields."""
    owners: list[int] = []
    factors: list[float] = []
    for p in prepared:
        assert p is not None
        n_q = min(p.n_questions, len(p.fields))
        factors.extend([1.0] * n_q)
        factors.extend([_KEYWORD_FUZZY] * (len(p.fields) - n_q))
    if plan.latin:
        full: list[str] = []
        whole: list[str] = []
        for i, p in enumerate(prepared):
            assert p is not None
            full.extend(map(_PLAIN, p.fields))
            whole.extend(map(_INITIALS, p.fields))
            owners.extend([i] * len(p.fields))
        q = plan.text
        s1 = process.cdist([q], full, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
        s2 = process.cdist([q], full, scorer=fuzz.ratio, dtype=np.float32)[0]
        s3 = process.cdist([q], whole, scorer=fuzz.ratio, dtype=np.float32)[0]
        s4 = process.cdist([q], whole, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
        # partial matches of short strings are cheap: discount them by length
        ql = max(len(q), 1)
        lens = np.array([len(s) for s in full], dtype=np.float32)
        ilens = np.array([len(s) for s in whole], dtype=np.float32)
        s1 = s1 * np.minimum(1.0, np.minimum(lens, ql) / max(ql, 6))
        s4 = s4 * np.minimum(1.0, np.minimum(ilens, ql) / max(ql, 4))
        field = np.maximum.reduce([s1, s2, s3, s4])
    else:
        texts: list[str] = []
        pys: list[str] = []
        for i, p in enumerate(prepared):
            assert p is not None
            texts.extend(map(_TEXT, p.fields))
            pys.extend(map(_PINYIN, p.fields))
            owners.extend([i] * len(p.fields))
        q = plan.text
        s1 = process.cdist([q], texts, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
        s2 = process.cdist([q], texts, scorer=fuzz.ratio, dtype=np.float32)[0]
        s3 = process.cdist([plan.pinyin], pys, scorer=fuzz.ratio, dtype=np.float32)[0]
        # a partial match counts by how much of the query it covers
        ql = max(len(q), 1)
        lens = np.array([len(s) for s in texts], dtype=np.float32)
        s1 = s1 * np.minimum(1.0, lens / ql)
        field = np.maximum.reduce([s1, s2, 0.95 * s3])
    field = field * np.asarray(factors, dtype=np.float32)
    best = np.zeros(len(prepared), dtype=np.float32)
    np.maximum.at(best, np.asarray(owners, dtype=np.intp), field)
    return best.astype(np.float64) / 100.0
