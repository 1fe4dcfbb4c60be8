"""Candidate generation: which entries are worth re-scoring, and their term *coverage*.

A vectorised (numpy) IDF-weighted sum over the posting lists of the query's terms gives every
entry its coverage — the share of the query's information found in the entry, 0..1 — in time
proportional to the postings touched rather than to the number of entries. Only the best
``CANDIDATES`` go on to the (per-string, so much more expensive) fuzzy re-scoring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from knowledge_base.documents import Prepared
from knowledge_base.postings import Postings
from knowledge_base.query import QueryPlan

__all__ = ["BODY_WEIGHT", "CANDIDATES", "Candidates", "find_candidates"]

#: Weight of a term found only in an entry's answer (question/keywords weigh 1).
BODY_WEIGHT = 0.35
#: How many entries (best coverage first) are re-scored with rapidfuzz.
CANDIDATES = 60
_UNKNOWN_WEIGHT = 0.5


@dataclass(slots=True)
class Candidates:
    slots: np.ndarray  # slots of the candidate entries
    prepared: list[Prepared | None]  # their prepared entries, in the same order
    coverage: np.ndarray  # share of the query's weight each one has, 0..1
    term_w: dict[str, float]  # weight of each query term known to the index
    n_live: int  # indexed entries (for IDF)


def find_candidates(store: Postings, plan: QueryPlan) -> Candidates | None:
    """The best-covered entries for ``plan`` (None when no entry shares a term with it)."""
    n_live = len(store.id2slot)
    n_slots = len(store.slots)
    scores = np.zeros(n_slots, dtype=np.float64)
    denom = 0.0
    term_w: dict[str, float] = {}
    for term, cw in plan.terms.items():
        if term[0] == "v":  # a one-character query word: the unigram postings
            term = "u" + term[1:]
        head_arr = store.postings(term, True)
        body_arr = store.postings(term, False)
        df = (0 if head_arr is None else len(head_arr)) + (
            0 if body_arr is None else len(body_arr)
        )
        if df == 0 and term in plan.speculative and term[0] != "i":
            continue
        idf = math.log(1.0 + (n_live - df + 0.5) / (df + 0.5))
        w = idf * cw
        if df == 0:
            # unknown to the whole index: a typo or an off-topic word; it lowers the
            # confidence, but by less than a known term that the entry lacks
            denom += w * _UNKNOWN_WEIGHT
            continue
        denom += w
        term_w[term] = term_w.get(term, 0.0) + w
        if head_arr is not None and len(head_arr):
            scores[head_arr] += w
        if body_arr is not None and len(body_arr):
            scores[body_arr] += w * BODY_WEIGHT
    if denom <= 0.0 or not term_w:
        return None
    scores *= store.alive[:n_slots]  # removed entries still sit in cached postings
    k = min(CANDIDATES, n_slots)
    if k < n_slots:
        cand = np.argpartition(scores, n_slots - k)[n_slots - k :]
    else:
        cand = np.arange(n_slots)
    cand = cand[scores[cand] > 0.0]
    if not len(cand):
        return None
    coverage = np.minimum(scores[cand] / denom, 1.0)
    prepared = [store.slots[int(s)] for s in cand]
    return Candidates(cand, prepared, coverage, term_w, n_live)
