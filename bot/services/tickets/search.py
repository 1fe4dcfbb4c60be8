"""/find: substring search over every recent ticket, in memory, newest first.

A ticket's searchable text (number, citizen, phone, unit, address, content; lower-cased,
full-width folded) is kept in a list ordered by arrival. A search is a C-speed `in` test per
ticket — about 15 ms for 200,000 tickets — with every word required; when no ticket contains
all the words, a fuzzy pass (rapidfuzz partial ratio) over the newest tickets catches typos.
SQL `LIKE` would scan the same rows with far more overhead per row, and needs a second scan
for the count. The window (`FIND_WINDOW_DAYS`) bounds memory: about 300 bytes a ticket.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from rapidfuzz import fuzz, process

FUZZY_RECENT = 20_000
FUZZY_CUTOFF = 80.0


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def search_text(*parts: str) -> str:
    return _fold("\u0001".join(p for p in parts if p))


class TicketSearchIndex:
    def __init__(self) -> None:
        self._ids: list[int] = []
        self._texts: list[str] = []
        self._pos: dict[int, int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._ids)

    def load(self, rows: Iterable[tuple[int, datetime, str]]) -> None:
        """Replace the index with (id, received_at, text) rows."""
        ordered = sorted(rows, key=lambda r: (r[1], r[0]))
        with self._lock:
            self._ids = [r[0] for r in ordered]
            self._texts = [r[2] for r in ordered]
            self._pos = {tid: i for i, tid in enumerate(self._ids)}

    def put(self, ticket_id: int, text: str) -> None:
        """Add a new ticket (the newest) or update the text of a known one."""
        with self._lock:
            i = self._pos.get(ticket_id)
            if i is None:
                self._pos[ticket_id] = len(self._ids)
                self._ids.append(ticket_id)
                self._texts.append(text)
            else:
                self._texts[i] = text

    def search(self, words: str, *, limit: int = 500) -> tuple[list[int], bool]:
        """Ticket ids matching every word, newest first (≤ limit), and whether it was fuzzy."""
        terms = [_fold(w) for w in words.split() if w.strip()][:5]
        if not terms:
            return [], False
        with self._lock:
            texts, ids = self._texts, self._ids
            first, rest = terms[0], terms[1:]
            hits = [i for i, t in enumerate(texts) if first in t]
            for term in rest:
                hits = [i for i in hits if term in texts[i]]
            if hits:
                return [ids[i] for i in reversed(hits[-limit:])], False
            start = max(0, len(texts) - FUZZY_RECENT)
            recent = texts[start:]
            query = " ".join(terms)
            found = process.extract(query, recent, scorer=fuzz.partial_ratio,
                                    score_cutoff=FUZZY_CUTOFF, limit=limit)
            order = sorted((start + idx for _, _, idx in found), reverse=True)
            return [ids[i] for i in order], True
