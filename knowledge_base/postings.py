"""The inverted index: entry slots, the live mask and term → slots posting lists.

Every indexed entry gets a *slot* (its position in ``slots``). A term's posting list holds the
slots of the entries having it in their question or keywords (``head``) or only in their
answer (``body``). Lists grow while entries are added and are turned into compact int32 arrays
(half the memory of lists, and numpy reads them directly) after a bulk build; the numpy array
of a posting is cached until the list grows again.

A removal costs no list rewrite: the slot is masked out in ``alive`` and stays in the posting
lists (a *tombstone*) until the list is next converted to numpy, which compacts it.
"""

from __future__ import annotations

from array import array
from collections import defaultdict

import numpy as np

from knowledge_base.documents import Prepared

__all__ = ["Postings"]


class Postings:
    """Slots and posting lists of the indexed entries (not thread-safe: the index locks)."""

    def __init__(self) -> None:
        self.slots: list[Prepared | None] = []
        self.vocab: dict[str, str] = {}  # one string object per term (see DocumentAnalyzer)
        self.id2slot: dict[int, int] = {}
        self.alive = np.zeros(1024, dtype=bool)
        # term -> slots having it in question/keywords (head) or only in the answer (body)
        # (lists of slots while building, then int32 arrays; removed entries stay until the
        # posting is next converted to numpy)
        self.head: defaultdict[str, list[int] | array] = defaultdict(list)
        self.body: defaultdict[str, list[int] | array] = defaultdict(list)
        # term -> (posting length when converted, numpy array of live slots)
        self._np_head: dict[str, tuple[int, np.ndarray]] = {}
        self._np_body: dict[str, tuple[int, np.ndarray]] = {}

    def compact_lists(self) -> None:
        """Turn the posting lists built so far into int32 arrays (after a bulk build)."""
        for post in (self.head, self.body):
            for term, posting in post.items():
                if isinstance(posting, list):
                    post[term] = array("i", posting)

    def insert(self, prepared: Prepared, head: set[str], body: set[str]) -> None:
        slot = len(self.slots)
        self.slots.append(prepared)
        self.id2slot[prepared.doc.id] = slot
        if slot >= len(self.alive):
            grown = np.zeros(len(self.alive) * 2, dtype=bool)
            grown[: len(self.alive)] = self.alive
            self.alive = grown
        self.alive[slot] = True
        post, vocab = self.head, self.vocab
        for term in head:
            post[vocab.setdefault(term, term)].append(slot)
        post = self.body
        for term in body:
            post[vocab.setdefault(term, term)].append(slot)

    def remove(self, doc_id: int, head: set[str]) -> bool:
        """Tombstone the entry ``doc_id`` (``head``: its head terms); False when it is not
        indexed."""
        slot = self.id2slot.pop(doc_id, None)
        if slot is None:
            return False
        self.slots[slot] = None
        self.alive[slot] = False  # postings keep the slot until compacted (see postings)
        for term in head:  # reconverted (and compacted) on next use
            self._np_head.pop(term, None)
        return True

    def postings(self, term: str, head: bool) -> np.ndarray | None:
        """Slots having ``term`` as a numpy array, cached until the posting list grows.

        Removed entries stay in posting lists (their slot is masked out by ``alive``) and
        are dropped when the list is next converted, so a removal costs no list rewrite."""
        posting = (self.head if head else self.body).get(term)
        if posting is None:
            return None
        cache = self._np_head if head else self._np_body
        cached = cache.get(term)
        if cached is not None and cached[0] == len(posting):
            return cached[1]
        if isinstance(posting, array):
            arr = np.frombuffer(posting, dtype=np.int32)
        else:
            arr = np.array(posting, dtype=np.int32)
        live = arr[self.alive[arr]]
        if len(live) != len(arr):  # compact: drop removed entries for good
            posting = array("i", live.tobytes())
            if posting:
                (self.head if head else self.body)[term] = posting
            else:
                del (self.head if head else self.body)[term]
        cache[term] = (len(posting), live)
        return live

    def raw_df(self, term: str) -> int:
        """Number of entries having ``term`` (removed ones may be counted until compaction)."""
        h = self.head.get(term)
        b = self.body.get(term)
        return (len(h) if h else 0) + (len(b) if b else 0)
