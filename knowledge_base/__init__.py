"""Knowledge-base search engine (pure Python: no Telegram, no database) and starter content.

Public API::

    from knowledge_base import KbDoc, SearchHit, SearchIndex, STRONG_THRESHOLD, WEAK_THRESHOLD
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
