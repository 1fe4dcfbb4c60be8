"""The lexical search index over knowledge-base entries (pure Python + rapidfuzz + numpy).

The bot searches through :class:`knowledge_base.hybrid.HybridIndex`, which fuses this index with
the semantic one; :meth:`SearchIndex.scored` is what it asks for, and :meth:`SearchIndex.search`
is the lexical engine on its own (lexical-only mode's thresholds are in
:mod:`knowledge_base.fusion`).

How a query is answered
-----------------------
1. **Analysis.** The query is normalised (:mod:`knowledge_base.normalize`), its question frames
   become intent terms and its stop words go (:mod:`knowledge_base.frames`), and every content
   word becomes weighted *terms* sharing one budget (:mod:`knowledge_base.query_weights`):
   character bigrams and unigrams, jieba words, synonym-group ids, pinyin syllable bigrams and
   word pinyin (with 模糊音 folding so 出身/出生 meet) and latin tokens (``hpv``, ``120``). A
   query typed in latin letters is read as pinyin (``chusheng zhengming``), initials trigrams
   (``csyxzm``) and word initials (``ym``, ``ymjz``).
2. **Candidates.** An inverted index maps each term to the entries having it in their question
   or keywords (weight 1) or only in their answer (weight ``BODY_WEIGHT``). A vectorised
   (numpy) IDF-weighted sum gives every entry its *coverage*: the share of the query's
   information found in the entry, 0..1. Only the best ``CANDIDATES`` entries go on.
3. **Fuzzy re-scoring.** ``rapidfuzz.process.cdist`` compares the query with the candidates'
   questions and keywords (characters after synonym canonicalisation, and pinyin), which
   rewards near matches that the terms miss (typos, word order, a missing character).
4. **Score.** ``100 * (0.6 * coverage + 0.3 * fuzzy + 0.1 * question coverage)``, 0..100.

Confidence thresholds
---------------------
``STRONG_THRESHOLD`` — a hit at or above it is a confident match (``SearchHit.strong``):
the bot can show the answer directly. ``WEAK_THRESHOLD`` — hits below it are not returned;
hits between the two are "可能相关" (possibly related) suggestions. On the labelled evaluation
set (``bench/kb_queries.yaml``) most correct first hits score above ``STRONG_THRESHOLD`` and
nonsense queries stay below it; see ``bench/kb_bench.py`` for the distribution.

Where it lives
--------------
This module holds :class:`SearchIndex` (locking, bulk builds, updates) and re-exports the public
names of the parts: :mod:`~knowledge_base.terms` (term analysis),
:mod:`~knowledge_base.documents` (``KbDoc`` and what is kept of it),
:mod:`~knowledge_base.postings` (the inverted index), :mod:`~knowledge_base.query` (step 1 for
a query), :mod:`~knowledge_base.candidates` (step 2) and :mod:`~knowledge_base.scoring` (steps
3 and 4, thresholds, ``SearchHit``).

Thread safety: all public methods take an internal lock, so searches may run while another
thread upserts; with asyncio (single thread) the lock is uncontended.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge_base.candidates import BODY_WEIGHT, CANDIDATES
from knowledge_base.documents import DocumentAnalyzer, KbDoc
from knowledge_base.postings import Postings
from knowledge_base.query import plan_query
from knowledge_base.scoring import (
    STRONG_MARGIN,
    STRONG_THRESHOLD,
    WEAK_THRESHOLD,
    SearchHit,
    rank,
    scored,
)
from knowledge_base.synonyms import SynonymTable

__all__ = [
    "BODY_WEIGHT",
    "CANDIDATES",
    "STRONG_MARGIN",
    "STRONG_THRESHOLD",
    "WEAK_THRESHOLD",
    "KbDoc",
    "LexicalScores",
    "SearchHit",
    "SearchIndex",
]


@dataclass(frozen=True, slots=True)
class LexicalScores:
    """Raw lexical candidates of a query (no threshold): ``(id, question, 0..100 score)``,
    best first; ``latin`` when the query was read as pinyin / initials / latin letters."""

    items: list[tuple[int, str, float]]
    latin: bool


class SearchIndex:
    """Incremental search index over :class:`KbDoc` entries.

    ``synonyms`` — synonym groups (iterables of strings), e.g.
    :func:`knowledge_base.content.load_default_synonyms` or the groups stored in the DB.
    """

    def __init__(
        self, docs: Iterable[KbDoc] = (), *, synonyms: Iterable[Iterable[str]] = ()
    ) -> None:
        self._lock = threading.RLock()
        self._syn = SynonymTable(synonyms)
        self._reset()
        self._bulk(docs)

    def _bulk(self, docs: Iterable[KbDoc]) -> None:
        # Indexing allocates millions of small objects and no reference cycles: with the
        # cyclic garbage collector paused, building 100,000 entries is several times faster.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for doc in docs:
                self._upsert(doc)
            self._store.compact_lists()
        finally:
            if was_enabled:
                gc.enable()

    # -- bookkeeping -------------------------------------------------------------------
    def _reset(self) -> None:
        self._store = Postings()
        self._analyzer = DocumentAnalyzer(self._syn, self._store.vocab)

    def __len__(self) -> int:
        with self._lock:
            return len(self._store.id2slot)

    def __contains__(self, doc_id: object) -> bool:
        with self._lock:
            return doc_id in self._store.id2slot

    @property
    def synonym_groups(self) -> tuple[tuple[str, ...], ...]:
        """The (normalised) synonym groups in use."""
        return self._syn.groups

    def docs(self) -> list[KbDoc]:
        """The indexed entries (in insertion order of their latest version)."""
        with self._lock:
            return [p.doc for p in self._store.slots if p is not None]

    # -- mutation ------------------------------------------------------------------------
    def upsert(self, doc: KbDoc) -> None:
        """Add ``doc`` or replace the entry with the same id. Takes about a millisecond."""
        with self._lock:
            self._upsert(doc)

    def remove(self, doc_id: int) -> None:
        """Remove the entry ``doc_id`` (no error if absent)."""
        with self._lock:
            self._remove(doc_id)

    def set_synonyms(self, groups: Iterable[Iterable[str]]) -> None:
        """Replace the synonym groups and re-index every entry (about 0.2 ms per entry)."""
        table = SynonymTable(groups)
        with self._lock:
            docs = self.docs()
            self._syn = table
            self._reset()
            self._bulk(docs)

    def _upsert(self, doc: KbDoc) -> None:
        prepared, head, body = self._analyzer.prepare(doc)
        self._remove(doc.id)
        self._store.insert(prepared, head, body)

    def _remove(self, doc_id: int) -> None:
        if self._store.remove(doc_id) and not self._store.id2slot:
            self._reset()  # empty again: drop the tombstones

    # -- query -------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 5) -> list[SearchHit]:
        """Best entries for ``query``, best first (at most ``limit``; [] for empty/garbage)."""
        if not isinstance(query, str) or limit <= 0:
            return []
        with self._lock:
            if not self._store.id2slot:
                return []
            plan = plan_query(query, self._syn)
            if plan is None:
                return []
            return rank(self._store, plan, limit)

    def scored(self, query: str, *, limit: int = 30) -> LexicalScores | None:
        """The best ``limit`` candidates with their raw scores, for fusion (None: nothing to
        search — empty or garbage query)."""
        if not isinstance(query, str) or limit <= 0:
            return None
        with self._lock:
            plan = plan_query(query, self._syn)
            if plan is None:
                return None
            if not self._store.id2slot:
                return LexicalScores([], plan.latin)
            best = scored(self._store, plan, limit)
            return LexicalScores([(p.doc.id, p.doc.question, s) for p, s in best], plan.latin)

    def has_term(self, doc_id: int, term: str) -> bool:
        """Whether the entry's question / phrasings / keywords have ``term`` (e.g. the word
        initials ``n:ytw``): evidence that a string of letters was meant for this entry."""
        with self._lock:
            slot = self._store.id2slot.get(doc_id)
            posting = self._store.head.get(term)
            if slot is None or posting is None:
                return False
            return slot in posting
