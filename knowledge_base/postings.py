"""The inverted index: entry slots, the live mask and term → slots posting lists.

Every indexed entry gets a *slot* (its position in ``slots``). A term's posting list holds the
slots of the entries having it in their question or keywords (``head``) or only in their
answer (``body``). Postings are int32 arrays (numpy reads them without copying); the numpy
array of a posting is cached until the posting grows again.

A removal costs no rewrite: the slot is masked out in ``alive`` and stays in the postings (a
*tombstone*) until a search reads the posting, which compacts it.
"""

from __future__ import annotations

from array import array
from collections import defaultdict

import numpy as np

from knowledge_base.documents import Prepared

__all__ = ["Postings"]


_EMPTY = np.zeros(0, dtype=np.int32)


def _new_posting() -> array:
    return array("i")


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
        self.head: defaultdict[str, array] = defaultdict(_new_posting)
        self.body: defaultdict[str, array] = defaultdict(_new_posting)
        self.dead = 0  # removed slots still in some posting
        # IDF of head/body terms and question weights, valid until the next insert / remove
        # (a knowledge base changes rarely; searches between two changes reuse them)
        self.idf_cache: dict[str, float] = {}
        self.qweight_cache: dict[int, float] = {}

    def compact_lists(self) -> None:
        """Nothing to do any more: postings are int32 arrays from the start (a list of int
        objects took nine times the memory, and the freed objects kept the process large)."""

    def _changed(self) -> None:
        if self.idf_cache:
            self.idf_cache.clear()
        if self.qweight_cache:
            self.qweight_cache.clear()

    def insert(self, prepared: Prepared, head: set[str], body: set[str]) -> None:
        self._changed()
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

    def remove(self, doc_id: int) -> bool:
        """Tombstone the entry ``doc_id``; False when it is not indexed."""
        slot = self.id2slot.pop(doc_id, None)
        if slot is None:
            return False
        self._changed()
        self.slots[slot] = None
        self.alive[slot] = False  # postings keep the slot until compacted (see postings)
        self.dead += 1
        return True

    def postings(self, term: str, head: bool) -> np.ndarray | None:
        """Live slots having ``term`` as a numpy array (a view of the posting: use it before
        the index changes again — the index's lock sees to that).

        Removed entries stay in postings (masked out by ``alive``) until a search meets them:
        then the posting is rewritten without them, so a removal costs no rewrite up front."""
        store = self.head if head else self.body
        posting = store.get(term)
        if posting is None:
            return None
        arr = np.frombuffer(posting, dtype=np.int32) if len(posting) else _EMPTY
        if not self.dead:
            return arr
        live = arr[self.alive[arr]]
        if len(live) != len(arr):  # compact: drop removed entries for good
            if len(live):
                store[term] = array("i", live.tobytes())
            else:
                del store[term]
        return live

    def raw_df(self, term: str) -> int:
        """Number of entries having ``term`` (removed ones may be counted until compaction)."""
        h = self.head.get(term)
        b = self.body.get(term)
        return (len(h) if h else 0) + (len(b) if b else 0)
