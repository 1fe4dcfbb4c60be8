"""Knowledge-base search engine and starter content (no Telegram; the database side is in
:mod:`knowledge_base.service` and :mod:`knowledge_base.store`).

Public API::

    from knowledge_base import KbDoc, SearchHit, SearchIndex          # the lexical engine
    from knowledge_base.hybrid import HybridIndex, SearchOutcome       # lexical + semantic
    from knowledge_base.embedder import Embedder, load_embedder        # the embedding model
    from knowledge_base.service import build_knowledge_base, KnowledgeBase
    from knowledge_base.content import load_starter_entries, load_default_synonyms
"""

from knowledge_base.index import (
    STRONG_MARGIN,
    STRONG_THRESHOLD,
    WEAK_THRESHOLD,
    KbDoc,
    SearchHit,
    SearchIndex,
)

__all__ = [
    "STRONG_MARGIN",
    "STRONG_THRESHOLD",
    "WEAK_THRESHOLD",
    "KbDoc",
    "SearchHit",
    "SearchIndex",
]
