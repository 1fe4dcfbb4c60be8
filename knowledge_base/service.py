"""The knowledge base in the database, with the in-memory search index kept in step.

`KnowledgeBase(engine, clock)` loads every active entry and the synonym groups into a
:class:`~knowledge_base.index.SearchIndex` at start (seeding the starter content into an empty
table first). Every change made through it — add, edit, delete, import, synonyms — writes the
database and updates the index in one call. Changes made by another process (the command line
`python -m bot kb import`) reach a running bot through :meth:`KnowledgeBase.refresh`, which the
scheduler tick calls: a cheap fingerprint query, then only the changed entries are re-indexed.

The class is assembled here from one mixin per concern in :mod:`knowledge_base.store`; this
module stays the place to import from (every public name below is re-exported).

No Telegram here: handlers render what these methods return.
"""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy.engine import Engine

from bot.clock import Clock
from knowledge_base.index import SearchIndex
from knowledge_base.store.entries import EntriesMixin
from knowledge_base.store.fields import (
    FIELD_NAMES_ZH,
    FIELDS,
    KbError,
    check_field,
    split_keywords,
)
from knowledge_base.store.fields import MAX_ANSWER as MAX_ANSWER
from knowledge_base.store.fields import MAX_CATEGORY as MAX_CATEGORY
from knowledge_base.store.fields import MAX_KEYWORD as MAX_KEYWORD
from knowledge_base.store.fields import MAX_KEYWORDS as MAX_KEYWORDS
from knowledge_base.store.fields import MAX_QUESTION as MAX_QUESTION
from knowledge_base.store.fields import MAX_SOURCE as MAX_SOURCE
from knowledge_base.store.gaps import MAX_GAP_QUERY as MAX_GAP_QUERY
from knowledge_base.store.gaps import GapsMixin
from knowledge_base.store.importing import ImportMixin
from knowledge_base.store.sync import SyncMixin
from knowledge_base.store.synonyms import SynonymsMixin
from knowledge_base.store.views import Entry, Gap, ImportReport, SynonymGroup, Version

__all__ = [
    "FIELDS",
    "FIELD_NAMES_ZH",
    "Entry",
    "Gap",
    "ImportReport",
    "KbError",
    "KnowledgeBase",
    "SynonymGroup",
    "Version",
    "check_field",
    "split_keywords",
]


class KnowledgeBase(SyncMixin, EntriesMixin, ImportMixin, SynonymsMixin, GapsMixin):
    """Entries, versions, synonyms and gaps in the database; the search index in memory."""

    def __init__(self, engine: Engine, clock: Clock, *, seed_starter: bool = True) -> None:
        self.engine, self.clock = engine, clock
        self._pending = OrderedDict()
        self.seeded = self._seed(seed_starter)
        self._entries_mark = (0, 0)  # (count, max id) of versions indexed
        self._synonyms_mark = ()
        self.index = SearchIndex()
        self._reload_all()
